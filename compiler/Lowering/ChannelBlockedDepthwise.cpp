//===- ChannelBlockedDepthwise.cpp - Depthwise by channel blocks ----------===//

#include "Lowering/ChannelBlockedDepthwise.h"
#include "Lowering/ChannelBlockLoops.h"
#include "Lowering/ConvCore.h"
#include "Lowering/LinalgHelpers.h"
#include "Lowering/PlanewiseDepthwise.h"
#include "Target/TargetInfo.h"

using namespace mlir;

namespace convjit::lowering {

/// Whether the input rows a row of a block's tiles reads (across the padded
/// row: the window's rows, one more for the two-row tiles of windows up to
/// 3x3, ConvSchedule.cpp) stay in L1 when the block reads its 16 channels
/// in place: one line per position, positions all the layer's channels
/// apart, which with a power-of-two channel count reach few L1 sets
/// (l1LinesAtStride). 256 channels keep 32 lines, against 120 for 4 rows
/// of 28x28 + padding. Such layers ran 0.4-0.7x as fast by blocks (Zen 5,
/// 1 thread: 28x28x256 123 -> 53 GFLOPS, 56x56x128 150 -> 80, 7x7x1024 68
/// -> 50), where 240 and 272 channels ran 205 and 198 by blocks (151 and
/// 137 not).
static bool blockRowsStayInL1(conv::ConvOp op, int64_t channels) {
  auto inType = op.getInput().getType();
  int64_t rowPositions =
      inType.getDimSize(2) + op.getPadLo()[1] + op.getPadHi()[1];
  auto weightType = op.getWeight().getType();
  int64_t windowRows = weightType.getDimSize(2);
  int64_t rowsRead =
      windowRows + (windowRows * weightType.getDimSize(3) <= 9 ? 1 : 0);
  return l1LinesAtStride(4 * channels) >= rowsRead * rowPositions;
}

bool lowersByChannelBlocks(conv::ConvOp op) {
  auto inType = op.getInput().getType();
  auto outType = op.getType();
  auto channels = static_cast<int64_t>(op.getGroups());
  if (outType.getRank() != 4 || !isDepthwise(op) ||
      channels % kChannelBlock != 0 || channels < 2 * kChannelBlock)
    return false;
  bool nchw = op.getLayout() == conv::Layout::nchw;
  unsigned firstSpatial = nchw ? 2 : 1;
  int64_t blockBytes =
      4 * kChannelBlock *
      (inType.getDimSize(firstSpatial) * inType.getDimSize(firstSpatial + 1) +
       outType.getDimSize(firstSpatial) * outType.getDimSize(firstSpatial + 1));
  if (!nchw) {
    // At nhwc a block reads its channels in place (no layout change). The
    // input rows a row of tiles reads are then a block's 16 channels of
    // them, which stay in L1 (all channels' went through L2: 4 rows of
    // 56x144 are 129 KB), and the border regions (BorderRegions.h) find the
    // block's planes in L1 or L2 where each region went over all the
    // layer's channels. MobileNetV2 / EfficientNet-B0 on Zen 5, 1 thread:
    // 56x56x144 172 -> 224 GFLOPS, 7x7x960 133 -> 221, 7x7x1152 5x5 92 ->
    // 194. Past half an L2 a block's planes do not stay there: 112x112x32
    // 170 -> 169, and 296 -> 239 at 2 threads; 112x112x96/2 0.8x.
    constexpr int64_t kMaxInPlaceBlockBytes = 512 << 10;
    return blockBytes <= kMaxInPlaceBlockBytes &&
           blockRowsStayInL1(op, channels);
  }
  // A block's channels-last input and output (of one image) are allocated
  // in each iteration: beyond a MiB (an L2) they neither stay in the cache
  // nor come from the heap's free lists, and the pages of each were faulted
  // in afresh (when a block took the whole batch: MobileNetV2's 56x56x144
  // layer at n=8, 3.2 MB per block, 6 GFLOPS).
  constexpr int64_t kMaxBlockBytes = 1 << 20;
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
  auto channels = static_cast<int64_t>(op.getGroups());
  unsigned channelDim = channelDimOf(op.getLayout(), outType.getRank());
  // [C, 1, K...] -> [G=C, K..., 1, 1] -> a stack [C/block, block, K..., 1, 1]
  // of which each iteration takes one: the scheduler re-lays out a stack's
  // element as the whole stack, before the loop, in the pack function.
  Value packed = splitDim(b, loc, packConvWeight(b, loc, weight, channels), 0,
                          channels / kChannelBlock);
  return buildByChannelBlocks(
      b, loc, outType, channelDim, kChannelBlock,
      [&](OpBuilder &nb, Location nl, const ChannelBlock &block) {
        Value channelsLast =
            toChannelsLast(nb, nl, block.activation(nb, nl, input, channelDim),
                           op.getLayout());
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
