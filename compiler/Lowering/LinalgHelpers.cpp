//===- LinalgHelpers.cpp - Building blocks shared by the lowerings --------===//

#include "Lowering/LinalgHelpers.h"
#include "Lowering/LoweringAttrs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <algorithm>
#include <numeric>

using namespace mlir;

namespace convjit::lowering {

static RankedTensorType tensorType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

SmallVector<int64_t> channelsLastShape(ArrayRef<int64_t> shape,
                                       conv::Layout layout) {
  SmallVector<int64_t> result(shape);
  if (layout == conv::Layout::nchw)
    std::rotate(result.begin() + 1, result.begin() + 2, result.end());
  return result;
}

Value transpose(OpBuilder &b, Location loc, Value source,
                ArrayRef<int64_t> perm) {
  RankedTensorType type = tensorType(source);
  SmallVector<int64_t> shape;
  for (int64_t dim : perm)
    shape.push_back(type.getDimSize(dim));
  Value init = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  return linalg::TransposeOp::create(b, loc, source, init, perm)
      .getResult()
      .front();
}

Value toChannelsLast(OpBuilder &b, Location loc, Value activation,
                     conv::Layout layout) {
  if (layout == conv::Layout::nhwc)
    return activation;
  // N, C, S1..Sr -> N, S1..Sr, C
  int64_t rank = tensorType(activation).getRank();
  SmallVector<int64_t> perm{0};
  for (int64_t d = 2; d < rank; ++d)
    perm.push_back(d);
  perm.push_back(1);
  return transpose(b, loc, activation, perm);
}

Value fromChannelsLast(OpBuilder &b, Location loc, Value activation,
                       conv::Layout layout) {
  if (layout == conv::Layout::nhwc)
    return activation;
  // N, S1..Sr, C -> N, C, S1..Sr
  int64_t rank = tensorType(activation).getRank();
  SmallVector<int64_t> perm{0, rank - 1};
  for (int64_t d = 1; d < rank - 1; ++d)
    perm.push_back(d);
  return transpose(b, loc, activation, perm);
}

Value padSpatial(OpBuilder &b, Location loc, Value activation,
                 ArrayRef<int64_t> lo, ArrayRef<int64_t> hi, float padValue,
                 unsigned firstSpatialDim) {
  auto isZero = [](int64_t v) { return v == 0; };
  if (llvm::all_of(lo, isZero) && llvm::all_of(hi, isZero))
    return activation;
  RankedTensorType type = tensorType(activation);
  SmallVector<int64_t> low(type.getRank(), 0), high(type.getRank(), 0);
  llvm::copy(lo, low.begin() + firstSpatialDim);
  llvm::copy(hi, high.begin() + firstSpatialDim);
  SmallVector<int64_t> shape(type.getShape());
  for (size_t d = 0; d < shape.size(); ++d)
    shape[d] += low[d] + high[d];
  Value pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(padValue));
  return tensor::PadOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), activation,
      getAsIndexOpFoldResult(b.getContext(), low),
      getAsIndexOpFoldResult(b.getContext(), high), pad);
}

Value filledTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                   float value) {
  Value init = tensor::EmptyOp::create(b, loc, shape, b.getF32Type());
  Value scalar = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
  return linalg::FillOp::create(b, loc, ValueRange{scalar}, ValueRange{init})
      .getResult(0);
}

/// [[0], ..., [dim, dim + 1], ..., [rank - 1]] for a rank-`rank` result of
/// collapsing (or source of expanding) dims dim and dim + 1.
static SmallVector<ReassociationIndices> pairReassociation(int64_t rank,
                                                           unsigned dim) {
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d < rank; ++d) {
    if (d == static_cast<int64_t>(dim) + 1)
      groups.back().push_back(d);
    else
      groups.push_back({d});
  }
  return groups;
}

Value splitDim(OpBuilder &b, Location loc, Value source, unsigned dim,
               int64_t groups) {
  RankedTensorType type = tensorType(source);
  SmallVector<int64_t> shape(type.getShape());
  int64_t size = shape[dim];
  shape[dim] = size / groups;
  shape.insert(shape.begin() + dim, groups);
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), source,
      pairReassociation(type.getRank() + 1, dim));
}

Value mergeDims(OpBuilder &b, Location loc, Value source, unsigned dim) {
  RankedTensorType type = tensorType(source);
  return tensor::CollapseShapeOp::create(
      b, loc, source, pairReassociation(type.getRank(), dim));
}

Value broadcastTrailing(OpBuilder &b, Location loc, Value source,
                        ArrayRef<int64_t> shape) {
  int64_t added =
      static_cast<int64_t>(shape.size()) - tensorType(source).getRank();
  SmallVector<int64_t> dims(added);
  std::iota(dims.begin(), dims.end(), 0);
  Value init = tensor::EmptyOp::create(b, loc, shape, b.getF32Type());
  return linalg::BroadcastOp::create(b, loc, source, init, dims)
      .getResult()
      .front();
}

Value mapElements(OpBuilder &b, Location loc, Value source,
                  function_ref<Value(OpBuilder &, Location, Value)> fn,
                  Value destination) {
  RankedTensorType type = tensorType(source);
  if (!destination)
    destination =
        tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{source}, ValueRange{destination},
      ArrayRef<AffineMap>{identity, identity}, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        linalg::YieldOp::create(nested, nestedLoc,
                                fn(nested, nestedLoc, args[0]));
      });
  return generic.getResult(0);
}

Value applyRelu(OpBuilder &b, Location loc, Value source, bool inPlace) {
  Value result = mapElements(
      b, loc, source,
      [](OpBuilder &nb, Location nl, Value x) {
        Value zero =
            arith::ConstantOp::create(nb, nl, nb.getF32FloatAttr(0.0f));
        return arith::MaximumFOp::create(nb, nl, x, zero).getResult();
      },
      inPlace ? source : Value());
  result.getDefiningOp()->setAttr(kReluAttr, b.getUnitAttr());
  return result;
}

void inheritDiscardableAttrs(Operation *from, Operation *core) {
  for (NamedAttribute attr : from->getDiscardableAttrs())
    core->setAttr(attr.getName(), attr.getValue());
}

} // namespace convjit::lowering
