//===- GroupBlockedConv.cpp - A grouped conv, a group at a time -----------===//

#include "Lowering/GroupBlockedConv.h"
#include "Lowering/ChannelBlockLoops.h"
#include "Lowering/ConvCore.h"
#include "Lowering/LinalgHelpers.h"

using namespace mlir;

namespace convjit::lowering {

bool lowersByGroupBlocks(conv::ConvOp op) {
  // Output channels are the core's vector lanes: groups of 8 channels ran
  // 0.93-0.95x as fast this way at 1 thread (256 channels, g32, 28x28 and
  // 14x14), their vectors half empty.
  constexpr int64_t kMinGroupChannels = 16;
  // Beyond L1 the copy does not stay there for the core: a 28x28x512 g32
  // layer's 58 KiB per group ran 0.98x this way.
  constexpr int64_t kMaxGroupInputBytes = 32 << 10;
  auto inType = op.getInput().getType();
  auto outType = op.getType();
  auto weightType = op.getWeight().getType();
  auto groups = static_cast<int64_t>(op.getGroups());
  unsigned r = outType.getRank() - 2;
  int64_t groupIn = weightType.getDimSize(1);
  int64_t groupOut = weightType.getDimSize(0) / groups;
  if (groups == 1 || groupIn < kMinGroupChannels ||
      groupOut < kMinGroupChannels ||
      !op->getDiscardableAttrDictionary().empty())
    return false;
  unsigned firstSpatial = op.getLayout() == conv::Layout::nchw ? 2 : 1;
  int64_t paddedBytes = 4 * groupIn;
  for (unsigned i = 0; i < r; ++i)
    paddedBytes *= inType.getDimSize(firstSpatial + i) + op.getPadLo()[i] +
                   op.getPadHi()[i];
  return paddedBytes <= kMaxGroupInputBytes;
}

Value buildGroupBlockedConv(OpBuilder &b, conv::ConvOp op, Value input,
                            Value weight, Value bias) {
  Location loc = op.getLoc();
  auto outType = cast<RankedTensorType>(op.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  auto groups = static_cast<int64_t>(op.getGroups());
  int64_t groupIn = weightType.getDimSize(1);
  int64_t groupOut = weightType.getDimSize(0) / groups;
  conv::Layout layout = op.getLayout();
  unsigned channelDim = channelDimOf(layout, outType.getRank());
  // [G, K..., ICg, OCg], of which each group takes its element: the
  // scheduler re-lays out a stack's element as the whole stack, before the
  // loop, in the pack function.
  Value packed = packConvWeight(b, loc, weight, groups);
  return buildByChannelBlocks(
      b, loc, outType, channelDim, groupOut,
      [&](OpBuilder &nb, Location nl, const ChannelBlock &block) {
        Value groupInput = toChannelsLast(
            nb, nl, block.activation(nb, nl, input, channelDim, groupIn),
            layout);
        ConvCoreOperands core;
        core.input =
            padSpatial(nb, nl, groupInput, op.getPadLo(), op.getPadHi(), 0.0f);
        core.strides = op.getStrides();
        core.dilations = op.getDilations();
        core.weight = block.elementOf(nb, nl, packed);
        core.bias = bias ? block.channelsOf(nb, nl, bias) : Value();
        core.relu = op.getRelu();
        Value result = buildConvCore(
            nb, nl, core, channelsLastShape(block.shape, layout), op);
        return fromChannelsLast(nb, nl, result, layout);
      });
}

} // namespace convjit::lowering
