//===- ChannelBlockLoops.cpp - A layer's result by image and channels -----===//

#include "Lowering/ChannelBlockLoops.h"
#include "Lowering/LoweringAttrs.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace convjit::lowering {

static SmallVector<OpFoldResult> unitStrides(OpBuilder &b, int64_t rank) {
  return SmallVector<OpFoldResult>(rank, b.getIndexAttr(1));
}

/// `source`'s slice of `size` elements from `offset` along `dim`, and of
/// one image from `image` when set.
static Value sliceAlong(OpBuilder &b, Location loc, Value source, unsigned dim,
                        OpFoldResult offset, int64_t size,
                        std::optional<OpFoldResult> image) {
  auto type = cast<RankedTensorType>(source.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes =
      getAsIndexOpFoldResult(b.getContext(), type.getShape());
  offsets[dim] = offset;
  sizes[dim] = b.getIndexAttr(size);
  if (image) {
    offsets[0] = *image;
    sizes[0] = b.getIndexAttr(1);
  }
  return tensor::ExtractSliceOp::create(b, loc, source, offsets, sizes,
                                        unitStrides(b, type.getRank()));
}

Value ChannelBlock::activation(OpBuilder &b, Location loc, Value source,
                               unsigned channelDim, int64_t perBlock) const {
  if (perBlock == 0 || perBlock == channels)
    return sliceAlong(b, loc, source, channelDim, firstChannel, channels,
                      image);
  OpFoldResult first = affine::makeComposedFoldedAffineApply(
      b, loc, getAffineDimExpr(0, b.getContext()) * perBlock, {index});
  return sliceAlong(b, loc, source, channelDim, first, perBlock, image);
}

Value ChannelBlock::channelsOf(OpBuilder &b, Location loc, Value source) const {
  return sliceAlong(b, loc, source, 0, firstChannel, channels, std::nullopt);
}

Value ChannelBlock::elementOf(OpBuilder &b, Location loc, Value stack) const {
  auto type = cast<RankedTensorType>(stack.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  offsets[0] = index;
  SmallVector<OpFoldResult> sizes =
      getAsIndexOpFoldResult(b.getContext(), type.getShape());
  sizes[0] = b.getIndexAttr(1);
  return tensor::ExtractSliceOp::create(
      b, loc,
      RankedTensorType::get(type.getShape().drop_front(),
                            type.getElementType()),
      stack, offsets, sizes, unitStrides(b, type.getRank()));
}

Value buildByChannelBlocks(
    OpBuilder &b, Location loc, RankedTensorType resultType,
    unsigned channelDim, int64_t channels,
    function_ref<Value(OpBuilder &, Location, const ChannelBlock &)>
        buildBlock) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = resultType.getRank();
  SmallVector<int64_t> blockShape(resultType.getShape());
  blockShape[0] = 1;
  blockShape[channelDim] = channels;

  int64_t images = resultType.getDimSize(0);
  int64_t blocks = resultType.getDimSize(channelDim) / channels;
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  DenseMap<int64_t, Value> tripCounts;
  for (int64_t trips : {images, blocks})
    if (trips > 1 && !tripCounts.count(trips))
      tripCounts[trips] = arith::ConstantIndexOp::create(b, loc, trips);
  // A loop from 0 to `trips` marked parallel around what `body` builds, or
  // just that at index 0 when there is one trip.
  auto loopOver =
      [&](OpBuilder &ob, Location ol, int64_t trips, Value into,
          function_ref<Value(OpBuilder &, Location, OpFoldResult, Value)> body)
      -> Value {
    if (trips == 1)
      return body(ob, ol, ob.getIndexAttr(0), into);
    auto loop = scf::ForOp::create(
        ob, ol, zero, tripCounts.lookup(trips), one, ValueRange{into},
        [&](OpBuilder &nb, Location nl, Value index, ValueRange carried) {
          scf::YieldOp::create(nb, nl, body(nb, nl, index, carried.front()));
        });
    loop->setAttr(kParallelLoopAttrName, ob.getUnitAttr());
    return loop.getResult(0);
  };
  Value result = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                         resultType.getElementType());
  return loopOver(
      b, loc, images, result,
      [&](OpBuilder &ib, Location il, OpFoldResult image, Value imageResult) {
        return loopOver(
            ib, il, blocks, imageResult,
            [&](OpBuilder &nb, Location nl, OpFoldResult index, Value into) {
              ChannelBlock block{
                  image, index,
                  affine::makeComposedFoldedAffineApply(
                      nb, nl, getAffineDimExpr(0, ctx) * channels, {index}),
                  channels, blockShape};
              Value computed = buildBlock(nb, nl, block);
              SmallVector<OpFoldResult> offsets(rank, nb.getIndexAttr(0));
              offsets[0] = image;
              offsets[channelDim] = block.firstChannel;
              return tensor::InsertSliceOp::create(
                         nb, nl, computed, into, offsets,
                         getAsIndexOpFoldResult(ctx, blockShape),
                         unitStrides(nb, rank))
                  .getResult();
            });
      });
}

} // namespace convjit::lowering
