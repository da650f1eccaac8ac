//===- ChannelBlockedDepthwise.cpp - nchw depthwise by channel blocks -----===//

#include "Lowering/ChannelBlockedDepthwise.h"
#include "Lowering/ChannelBlockLoops.h"
#include "Lowering/ConvCore.h"
#include "Lowering/LinalgHelpers.h"
#include "Lowering/PlanewiseDepthwise.h"

using namespace mlir;

namespace convjit::lowering {

bool lowersByChannelBlocks(conv::ConvOp op) {
  auto inType = op.getInput().getType();
  auto outType = op.getType();
  int64_t channels = inType.getDimSize(1);
  if (!isChannelsFirstDepthwise(op) || outType.getRank() != 4 ||
      channels % kChannelBlock != 0 || channels < 2 * kChannelBlock)
    return false;
  // A block's channels-last input and output (of one image) are allocated
  // in each iteration: beyond a MiB (an L2) they neither stay in the cache
  // nor come from the heap's free lists, and the pages of each were faulted
  // in afresh (when a block took the whole batch: MobileNetV2's 56x56x144
  // layer at n=8, 3.2 MB per block, 6 GFLOPS).
  constexpr int64_t kMaxBlockBytes = 1 << 20;
  int64_t blockBytes = 4 * kChannelBlock *
                       (inType.getDimSize(2) * inType.getDimSize(3) +
                        outType.getDimSize(2) * outType.getDimSize(3));
  if (blockBytes > kMaxBlockBytes)
    return false;
  // Rows of 64 and more computed plane by plane lose less to the border
  // columns and to the last, overlapping tile of a row than the two layout
  // changes cost: 112x112x32 and 64x64x64 ran 1.3x faster plane by plane,
  // 56x56x144 0.78x.
  constexpr int64_t kPlanewiseRow = 64;
  return !(lowersPlanewise(op) && outType.getShape().back() >= kPlanewiseRow);
}

Value buildChannelBlockedDepthwise(OpBuilder &b, conv::ConvOp op, Value input,
                                   Value weight, Value bias) {
  Location loc = op.getLoc();
  auto outType = cast<RankedTensorType>(op.getType());
  int64_t channels = outType.getDimSize(1);
  // [C, 1, K...] -> [G=C, K..., 1, 1] -> a stack [C/block, block, K..., 1, 1]
  // of which each iteration takes one: the scheduler re-lays out a stack's
  // element as the whole stack, before the loop, in the pack function.
  Value packed = splitDim(b, loc, packConvWeight(b, loc, weight, channels), 0,
                          channels / kChannelBlock);
  return buildByChannelBlocks(
      b, loc, outType, /*channelDim=*/1, kChannelBlock,
      [&](OpBuilder &nb, Location nl, const ChannelBlock &block) {
        Value channelsLast = toChannelsLast(
            nb, nl, block.activation(nb, nl, input, 1), op.getLayout());
        ConvCoreOperands core;
        core.input = padSpatial(nb, nl, channelsLast, op.getPadLo(),
                                op.getPadHi(), 0.0f);
        core.strides = op.getStrides();
        core.dilations = op.getDilations();
        core.weight = block.elementOf(nb, nl, packed);
        core.bias = bias ? block.channelsOf(nb, nl, bias) : Value();
        core.groups = kChannelBlock;
        core.relu = op.getRelu();
        Value result = buildConvCore(
            nb, nl, core, channelsLastShape(block.shape, op.getLayout()), op);
        return fromChannelsLast(nb, nl, result, op.getLayout());
      });
}

} // namespace convjit::lowering
