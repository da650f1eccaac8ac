//===- ChannelBlockedDepthwise.cpp - nchw depthwise by channel blocks -----===//

#include "Lowering/ChannelBlockedDepthwise.h"
#include "Lowering/ConvCore.h"
#include "Lowering/LinalgHelpers.h"
#include "Lowering/LoweringAttrs.h"
#include "Lowering/PlanewiseDepthwise.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace convjit::lowering {

bool lowersByChannelBlocks(conv::ConvOp op) {
  auto inType = op.getInput().getType();
  auto outType = op.getType();
  int64_t channels = inType.getDimSize(1);
  if (!isChannelsFirstDepthwise(op) || outType.getRank() != 4 ||
      channels % kChannelBlock != 0 || channels < 2 * kChannelBlock)
    return false;
  // A block's channels-last input and output are allocated in each
  // iteration: beyond a MiB (an L2) they neither stay in the cache nor come
  // from the heap's free lists, and the pages of each were faulted in
  // afresh (MobileNetV2's 56x56x144 layer at n=8, 3.2 MB per block: 6 GFLOPS
  // against 66 through the whole tensors' layout changes).
  constexpr int64_t kMaxBlockBytes = 1 << 20;
  int64_t blockBytes = 4 * kChannelBlock * inType.getDimSize(0) *
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
  MLIRContext *ctx = b.getContext();
  auto inType = cast<RankedTensorType>(input.getType());
  auto outType = cast<RankedTensorType>(op.getType());
  int64_t channels = inType.getDimSize(1);
  int64_t block = kChannelBlock;
  int64_t blocks = channels / block;
  // [C, 1, K...] -> [G=C, K..., 1, 1] -> a stack [C/block, block, K..., 1, 1]
  // of which each iteration takes one: the scheduler re-lays out a stack's
  // element as the whole stack, before the loop, in the pack function.
  Value packed =
      splitDim(b, loc, packConvWeight(b, loc, weight, channels), 0, blocks);
  auto stackType = cast<RankedTensorType>(packed.getType());

  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value count = arith::ConstantIndexOp::create(b, loc, blocks);
  Value output = tensor::EmptyOp::create(b, loc, outType.getShape(),
                                         outType.getElementType());
  auto unitStrides = [&](int64_t rank) {
    return SmallVector<OpFoldResult>(rank, b.getIndexAttr(1));
  };
  auto loop = scf::ForOp::create(
      b, loc, zero, count, one, ValueRange{output},
      [&](OpBuilder &nb, Location nl, Value index, ValueRange carried) {
        OpFoldResult first = affine::makeComposedFoldedAffineApply(
            nb, nl, getAffineDimExpr(0, ctx) * block, {index});
        // The block's channels of a tensor whose channels are dim
        // `channelDim`.
        auto blockOf = [&](Value source, unsigned channelDim) {
          auto type = cast<RankedTensorType>(source.getType());
          SmallVector<OpFoldResult> offsets(type.getRank(), nb.getIndexAttr(0));
          SmallVector<OpFoldResult> sizes =
              getAsIndexOpFoldResult(ctx, type.getShape());
          offsets[channelDim] = first;
          sizes[channelDim] = nb.getIndexAttr(block);
          return tensor::ExtractSliceOp::create(nb, nl, source, offsets, sizes,
                                                unitStrides(type.getRank()))
              .getResult();
        };
        Value planes = blockOf(input, 1);
        Value channelsLast = toChannelsLast(nb, nl, planes, op.getLayout());
        ConvCoreOperands core;
        core.input = padSpatial(nb, nl, channelsLast, op.getPadLo(),
                                op.getPadHi(), 0.0f);
        core.strides = op.getStrides();
        core.dilations = op.getDilations();
        SmallVector<OpFoldResult> stackOffsets(stackType.getRank(),
                                               nb.getIndexAttr(0));
        stackOffsets[0] = index;
        SmallVector<OpFoldResult> stackSizes =
            getAsIndexOpFoldResult(ctx, stackType.getShape());
        stackSizes[0] = nb.getIndexAttr(1);
        core.weight = tensor::ExtractSliceOp::create(
            nb, nl,
            RankedTensorType::get(stackType.getShape().drop_front(),
                                  stackType.getElementType()),
            packed, stackOffsets, stackSizes, unitStrides(stackType.getRank()));
        core.bias = bias ? blockOf(bias, 0) : Value();
        core.groups = block;
        core.relu = op.getRelu();
        SmallVector<int64_t> blockShape(outType.getShape());
        blockShape[1] = block;
        Value result = buildConvCore(
            nb, nl, core, channelsLastShape(blockShape, op.getLayout()), op);
        result = fromChannelsLast(nb, nl, result, op.getLayout());
        SmallVector<OpFoldResult> offsets(4, nb.getIndexAttr(0));
        offsets[1] = first;
        Value inserted = tensor::InsertSliceOp::create(
            nb, nl, result, carried.front(), offsets,
            getAsIndexOpFoldResult(ctx, blockShape), unitStrides(4));
        scf::YieldOp::create(nb, nl, inserted);
      });
  loop->setAttr(kParallelLoopAttrName, b.getUnitAttr());
  return loop.getResult(0);
}

} // namespace convjit::lowering
