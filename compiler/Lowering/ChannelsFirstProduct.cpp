//===- ChannelsFirstProduct.cpp - An nchw conv as W x X -------------------===//

#include "Lowering/ChannelsFirstProduct.h"
#include "Lowering/ConvCore.h"
#include "Lowering/LinalgHelpers.h"
#include "Lowering/LoweringAttrs.h"

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

/// Whether X is the input itself: a 1x1 window at unit stride, no padding.
static bool readsImageAsItLies(conv::ConvOp op) {
  auto weightType = cast<RankedTensorType>(op.getWeight().getType());
  auto isOne = [](int64_t v) { return v == 1; };
  auto isZero = [](int64_t v) { return v == 0; };
  return llvm::all_of(weightType.getShape().drop_front(2), isOne) &&
         llvm::all_of(op.getStrides(), isOne) &&
         llvm::all_of(op.getPadLo(), isZero) &&
         llvm::all_of(op.getPadHi(), isZero);
}

bool lowersChannelsFirstProduct(conv::ConvOp op) {
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto weightType = cast<RankedTensorType>(op.getWeight().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  if (op.getLayout() != conv::Layout::nchw || op.getGroups() != 1 ||
      !op->getDiscardableAttrDictionary().empty())
    return false;
  // Positions are the core's vector lanes: a row that leaves lanes empty
  // (7x7 = 49 in 4 vectors) wastes FMAs the channels-last path does not.
  constexpr double kMinLaneUse = 0.9;
  if (laneUse(product(outType.getShape().drop_front(2))) < kMinLaneUse)
    return false;
  if (readsImageAsItLies(op))
    return true;
  // The columns, IC*K per position, against the OC per position of the
  // output whose layout change they save.
  constexpr int64_t kMaxColumnShare = 8;
  int64_t columnsPerPosition = product(weightType.getShape().drop_front(1));
  return columnsPerPosition * kMaxColumnShare <= outType.getDimSize(1);
}

/// X[ic, k..., o...] = input[ic, o*stride + k*dilation - padLow] (zero
/// outside), as [1, IC*K, P].
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
  int64_t outChannels = outType.getDimSize(1);
  int64_t reduction = product(weightType.getShape().drop_front(1));
  int64_t positions = product(outType.getShape().drop_front(2));
  Type f32 = b.getF32Type();

  // [N, C, S...] <-> [N, C, P], views.
  SmallVector<ReassociationIndices> flattenSpatial{{0}, {1}, {}};
  for (int64_t d = 2; d < outType.getRank(); ++d)
    flattenSpatial.back().push_back(d);
  // The core's input [N=1, OC, IC*K] is the weight [OC, IC, K...].
  SmallVector<ReassociationIndices> flattenWindow{{0}, {}};
  for (int64_t d = 1; d < weightType.getRank(); ++d)
    flattenWindow.back().push_back(d);
  Value matrix = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({outChannels, reduction}, f32), weight,
      flattenWindow);
  Value rows = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({1, outChannels, reduction}, f32), matrix,
      SmallVector<ReassociationIndices>{{0, 1}, {2}});

  // W x X of one image [1, C, S...], as [1, OC, P].
  auto productOfImage = [&](OpBuilder &nb, Value image) -> Value {
    // The core's weight [K=1, IC*K, P].
    Value columnsOrImage =
        readsImageAsItLies(op)
            ? tensor::CollapseShapeOp::create(
                  nb, loc,
                  RankedTensorType::get({1, inType.getDimSize(1), positions},
                                        f32),
                  image, flattenSpatial)
            : columns(nb, op, image);
    static const int64_t kUnit[] = {1};
    ConvCoreOperands core;
    core.input = rows;
    core.strides = kUnit;
    core.dilations = kUnit;
    core.weight = columnsOrImage;
    core.bias = bias;
    core.biasAlongRows = true;
    core.relu = op.getRelu();
    return buildConvCore(nb, loc, core, {1, outChannels, positions}, op);
  };

  Value result;
  if (batch == 1) {
    result = productOfImage(b, input);
  } else {
    // One image per iteration of a loop whose iterations are independent:
    // with threads it joins the parallel tile loops inside it.
    SmallVector<int64_t> imageShape(inType.getShape());
    imageShape.front() = 1;
    SmallVector<OpFoldResult> ones(inType.getRank(), b.getIndexAttr(1));
    Value empty =
        tensor::EmptyOp::create(b, loc, {batch, outChannels, positions}, f32);
    auto loop = scf::ForOp::create(
        b, loc, arith::ConstantIndexOp::create(b, loc, 0),
        arith::ConstantIndexOp::create(b, loc, batch),
        arith::ConstantIndexOp::create(b, loc, 1), ValueRange{empty});
    loop->setAttr(kIndependentLoopAttr, b.getUnitAttr());
    OpBuilder nb = OpBuilder::atBlockBegin(loop.getBody());
    Value n = loop.getInductionVar();
    SmallVector<OpFoldResult> inOffsets(inType.getRank(), nb.getIndexAttr(0));
    inOffsets.front() = n;
    Value image = tensor::ExtractSliceOp::create(
        nb, loc, input, inOffsets, getAsIndexOpFoldResult(ctx, imageShape),
        ones);
    Value part = productOfImage(nb, image);
    SmallVector<OpFoldResult> outOffsets(3, nb.getIndexAttr(0));
    outOffsets.front() = n;
    Value inserted = tensor::InsertSliceOp::create(
        nb, loc, part, loop.getRegionIterArgs()[0], outOffsets,
        getAsIndexOpFoldResult(ctx, {1, outChannels, positions}),
        SmallVector<OpFoldResult>(3, nb.getIndexAttr(1)));
    scf::YieldOp::create(nb, loc, inserted);
    result = loop.getResult(0);
  }
  return tensor::ExpandShapeOp::create(b, loc, outType, result, flattenSpatial);
}

} // namespace convjit::lowering
