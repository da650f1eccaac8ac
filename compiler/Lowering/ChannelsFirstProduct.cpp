//===- ChannelsFirstProduct.cpp - An nchw conv as W x X -------------------===//

#include "Lowering/ChannelsFirstProduct.h"
#include "Lowering/ConvCore.h"
#include "Lowering/LinalgHelpers.h"
#include "Lowering/LoweringAttrs.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace convjit::lowering {

static int64_t product(ArrayRef<int64_t> sizes) {
  int64_t result = 1;
  for (int64_t size : sizes)
    result *= size;
  return result;
}

/// The vector lanes a row of `positions` floats fills, as a fraction of the
/// lanes it occupies.
static double laneUse(int64_t positions) {
  constexpr int64_t kLanes = 16; // AVX-512; on AVX2 a row fills more
  int64_t occupied = (positions + kLanes - 1) / kLanes * kLanes;
  return static_cast<double>(positions) / static_cast<double>(occupied);
}

/// Whether X is the input's positions themselves, all or every stride-th
/// one: a 1x1 window without padding.
static bool readsImagePositions(conv::ConvOp op) {
  auto weightType = cast<RankedTensorType>(op.getWeight().getType());
  auto isOne = [](int64_t v) { return v == 1; };
  auto isZero = [](int64_t v) { return v == 0; };
  return llvm::all_of(weightType.getShape().drop_front(2), isOne) &&
         llvm::all_of(op.getPadLo(), isZero) &&
         llvm::all_of(op.getPadHi(), isZero);
}

/// Whether X is the input itself: a 1x1 window at unit stride, no padding.
static bool readsImageAsItLies(conv::ConvOp op) {
  return readsImagePositions(op) &&
         llvm::all_of(op.getStrides(), [](int64_t v) { return v == 1; });
}

bool lowersChannelsFirstProduct(conv::ConvOp op) {
  auto weightType = cast<RankedTensorType>(op.getWeight().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  if (op.getLayout() != conv::Layout::nchw ||
      !op->getDiscardableAttrDictionary().empty())
    return false;
  // Positions are the core's vector lanes: a row that leaves lanes empty
  // wastes FMAs the channels-last path does not (ResNet-50's 7x7 = 49
  // position 1x1 layers: 81-86 GFLOPS so, 250-255 through the layout
  // changes).
  constexpr double kMinLaneUse = 0.9;
  if (laneUse(product(outType.getShape().drop_front(2))) < kMinLaneUse)
    return false;
  // A strided 1x1 window's columns are the positions it reads, a copy
  // smaller than the input whose layout change (and the output's) they
  // save: ResNet-50's 1x1/2 layers 256 -> 512 at 56x56 190 -> 224 GFLOPS at
  // 1 thread, 512 -> 1024 at 28x28 207 -> 225, 256 -> 64 at 56x56 85 ->
  // 160; at 2 threads 366 -> 408, 392 -> 400, 158 -> 220, but 64 -> 128 at
  // 56x56 311 -> 292 (173 -> 198 at 1). With padding, the zeros' columns
  // cost more than the layout changes (a padded 1x1 at 30x30: 0.7x).
  if (readsImagePositions(op))
    return true;
  // The columns, IC*K per position (of a group), against the OC per
  // position of the output whose layout change they save.
  constexpr int64_t kMaxColumnShare = 8;
  int64_t columnsPerPosition = product(weightType.getShape().drop_front(1));
  return columnsPerPosition * kMaxColumnShare <=
         outType.getDimSize(1) / static_cast<int64_t>(op.getGroups());
}

/// X[ic, k..., o...] = input[ic, o*stride + k*dilation - padLow] (zero
/// outside) of one image's group `input` [1, ICg, S...], as [1, ICg*K, P].
static Value columns(OpBuilder &b, conv::ConvOp op, Value input) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  auto weightType = cast<RankedTensorType>(op.getWeight().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  unsigned r = outType.getRank() - 2;
  int64_t inChannels = weightType.getDimSize(1);
  Value padded = padSpatial(b, loc, input, op.getPadLo(), op.getPadHi(), 0.0f,
                            /*firstSpatialDim=*/2);
  // Loops (ic, k..., o...).
  SmallVector<int64_t> shape{inChannels};
  llvm::append_range(shape, weightType.getShape().drop_front(2));
  llvm::append_range(shape, outType.getShape().drop_front(2));
  auto dim = [&](unsigned d) { return getAffineDimExpr(d, ctx); };
  SmallVector<AffineExpr> read{getAffineConstantExpr(0, ctx), dim(0)};
  for (unsigned i = 0; i < r; ++i)
    read.push_back(dim(1 + r + i) * op.getStrides()[i] +
                   dim(1 + i) * op.getDilations()[i]);
  unsigned loops = 1 + 2 * r;
  Value empty = tensor::EmptyOp::create(b, loc, shape, b.getF32Type());
  auto copy = linalg::GenericOp::create(
      b, loc, TypeRange{empty.getType()}, ValueRange{padded}, ValueRange{empty},
      ArrayRef<AffineMap>{AffineMap::get(loops, 0, read, ctx),
                          b.getMultiDimIdentityMap(loops)},
      SmallVector<utils::IteratorType>(loops, utils::IteratorType::parallel),
      [](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, args[0]);
      });
  SmallVector<ReassociationIndices> flatten{{}, {}};
  for (unsigned d = 0; d <= r; ++d)
    flatten[0].push_back(d);
  for (unsigned d = r + 1; d < loops; ++d)
    flatten[1].push_back(d);
  Value flat =
      tensor::CollapseShapeOp::create(b, loc, copy.getResult(0), flatten);
  auto flatType = cast<RankedTensorType>(flat.getType());
  return tensor::ExpandShapeOp::create(
      b, loc,
      RankedTensorType::get({1, flatType.getDimSize(0), flatType.getDimSize(1)},
                            b.getF32Type()),
      flat, SmallVector<ReassociationIndices>{{0, 1}, {2}});
}

Value buildChannelsFirstProduct(OpBuilder &b, conv::ConvOp op, Value input,
                                Value weight, Value bias) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  auto inType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  auto outType = cast<RankedTensorType>(op.getType());
  int64_t batch = inType.getDimSize(0);
  auto groups = static_cast<int64_t>(op.getGroups());
  int64_t outChannels = outType.getDimSize(1);
  int64_t groupOut = outChannels / groups;
  int64_t groupIn = weightType.getDimSize(1);
  int64_t reduction = product(weightType.getShape().drop_front(1));
  int64_t positions = product(outType.getShape().drop_front(2));
  Type f32 = b.getF32Type();
  auto type = [&](ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, f32);
  };

  // [N, C, S...] <-> [N, C, P], views.
  SmallVector<ReassociationIndices> flattenSpatial{{0}, {1}, {}};
  for (int64_t d = 2; d < outType.getRank(); ++d)
    flattenSpatial.back().push_back(d);
  // The cores' input rows [G, OCg, ICg*K] are the weight [OC, ICg, K...].
  SmallVector<ReassociationIndices> flattenWindow{{0}, {}};
  for (int64_t d = 1; d < weightType.getRank(); ++d)
    flattenWindow.back().push_back(d);
  Value matrix = tensor::CollapseShapeOp::create(
      b, loc, type({outChannels, reduction}), weight, flattenWindow);
  Value rows = tensor::ExpandShapeOp::create(
      b, loc, type({groups, groupOut, reduction}), matrix,
      SmallVector<ReassociationIndices>{{0, 1}, {2}});

  // `index` * `step` (0 for a null index), where group `index` starts.
  auto start = [&](OpBuilder &nb, Value index, int64_t step) -> OpFoldResult {
    if (!index)
      return nb.getIndexAttr(0);
    return affine::makeComposedFoldedAffineApply(
        nb, loc, getAffineDimExpr(0, ctx) * step, {index});
  };
  // W x X of image `n`'s group `g` (null for 0), as [1, OCg, P].
  auto productOf = [&](OpBuilder &nb, Value n, Value g) -> Value {
    // The image's channels of group g: [1, ICg, S...].
    SmallVector<int64_t> imageShape(inType.getShape());
    imageShape[0] = 1;
    imageShape[1] = groupIn;
    SmallVector<OpFoldResult> inOffsets(inType.getRank(), nb.getIndexAttr(0));
    inOffsets[0] = start(nb, n, 1);
    inOffsets[1] = start(nb, g, groupIn);
    Value image = n || g ? tensor::ExtractSliceOp::create(
                               nb, loc, input, inOffsets,
                               getAsIndexOpFoldResult(ctx, imageShape),
                               SmallVector<OpFoldResult>(inType.getRank(),
                                                         nb.getIndexAttr(1)))
                               .getResult()
                         : input;
    // The core's weight [K=1, ICg*K, P].
    Value columnsOrImage =
        readsImageAsItLies(op)
            ? tensor::CollapseShapeOp::create(
                  nb, loc, type({1, groupIn, positions}), image, flattenSpatial)
                  .getResult()
            : columns(nb, op, image);
    // The core's input [N=1, OCg, ICg*K], and the group's bias.
    Value groupRows =
        groups == 1
            ? rows
            : tensor::ExtractSliceOp::create(
                  nb, loc, type({1, groupOut, reduction}), rows,
                  SmallVector<OpFoldResult>{start(nb, g, 1), nb.getIndexAttr(0),
                                            nb.getIndexAttr(0)},
                  getAsIndexOpFoldResult(ctx, {1, groupOut, reduction}),
                  SmallVector<OpFoldResult>(3, nb.getIndexAttr(1)))
                  .getResult();
    Value groupBias = bias;
    if (bias && groups > 1)
      groupBias = tensor::ExtractSliceOp::create(
          nb, loc, type({groupOut}), bias,
          SmallVector<OpFoldResult>{start(nb, g, groupOut)},
          SmallVector<OpFoldResult>{nb.getIndexAttr(groupOut)},
          SmallVector<OpFoldResult>{nb.getIndexAttr(1)});
    static const int64_t kUnit[] = {1};
    ConvCoreOperands core;
    core.input = groupRows;
    core.strides = kUnit;
    core.dilations = kUnit;
    core.weight = columnsOrImage;
    core.bias = groupBias;
    core.biasAlongRows = true;
    core.relu = op.getRelu();
    return buildConvCore(nb, loc, core, {1, groupOut, positions}, op);
  };

  Value result;
  if (batch == 1 && groups == 1) {
    result = productOf(b, Value(), Value());
  } else {
    // One image's group per iteration of loops (over the images, the groups
    // or both) whose iterations are independent: with threads they join the
    // parallel tile loops inside.
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value empty =
        tensor::EmptyOp::create(b, loc, {batch, outChannels, positions}, f32);
    SmallVector<Value> lbs, ubs, steps;
    for (int64_t count : {batch, groups}) {
      if (count == 1)
        continue;
      lbs.push_back(zero);
      ubs.push_back(arith::ConstantIndexOp::create(b, loc, count));
      steps.push_back(one);
    }
    scf::LoopNest nest = scf::buildLoopNest(
        b, loc, lbs, ubs, steps, ValueRange{empty},
        [&](OpBuilder &nb, Location, ValueRange ivs,
            ValueRange carried) -> scf::ValueVector {
          Value n = batch > 1 ? ivs.front() : Value();
          Value g = groups > 1 ? ivs.back() : Value();
          Value part = productOf(nb, n, g);
          SmallVector<OpFoldResult> outOffsets{
              start(nb, n, 1), start(nb, g, groupOut), nb.getIndexAttr(0)};
          return {tensor::InsertSliceOp::create(
              nb, loc, part, carried[0], outOffsets,
              getAsIndexOpFoldResult(ctx, {1, groupOut, positions}),
              SmallVector<OpFoldResult>(3, nb.getIndexAttr(1)))};
        });
    for (scf::ForOp loop : nest.loops)
      loop->setAttr(kIndependentLoopAttr, b.getUnitAttr());
    result = nest.results.front();
  }
  return tensor::ExpandShapeOp::create(b, loc, outType, result, flattenSpatial);
}

} // namespace convjit::lowering
