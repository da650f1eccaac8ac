//===- PlanewiseDepthwise.cpp - A channels-first depthwise conv -----------===//

#include "Lowering/PlanewiseDepthwise.h"
#include "Lowering/LinalgHelpers.h"
#include "Lowering/LoweringAttrs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace convjit::lowering {

bool isChannelsFirstDepthwise(conv::ConvOp op) {
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  int64_t groups = static_cast<int64_t>(op.getGroups());
  return op.getLayout() == conv::Layout::nchw && groups > 1 &&
         inType.getDimSize(1) == groups && outType.getDimSize(1) == groups &&
         op->getDiscardableAttrDictionary().empty();
}

bool lowersPlanewise(conv::ConvOp op) {
  constexpr int64_t kMinRow = 32;
  return isChannelsFirstDepthwise(op) && op.getStrides().back() == 1 &&
         op.getType().getShape().back() >= kMinRow;
}

Value buildPlanewiseDepthwise(OpBuilder &b, conv::ConvOp op, Value input,
                              Value weight, Value bias) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  auto outType = cast<RankedTensorType>(op.getType());
  unsigned r = outType.getRank() - 2;

  Value padded = padSpatial(b, loc, input, op.getPadLo(), op.getPadHi(), 0.0f,
                            /*firstSpatialDim=*/2);
  // [C, 1, K...] -> [C, K...]
  SmallVector<ReassociationIndices> dropUnit{{0, 1}};
  for (unsigned i = 0; i < r; ++i)
    dropUnit.push_back({2 + i});
  Value planeWeight = tensor::CollapseShapeOp::create(b, loc, weight, dropUnit);

  Value init;
  if (bias) {
    SmallVector<int64_t> notChannel{0};
    for (unsigned i = 0; i < r; ++i)
      notChannel.push_back(2 + i);
    Value empty = tensor::EmptyOp::create(b, loc, outType.getShape(),
                                          outType.getElementType());
    init = linalg::BroadcastOp::create(b, loc, bias, empty, notChannel)
               .getResult()
               .front();
  } else {
    init = filledTensor(b, loc, outType.getShape(), 0.0f);
  }

  // Loops (n, c, o..., k...).
  unsigned count = 2 + 2 * r;
  auto dim = [&](unsigned d) { return getAffineDimExpr(d, ctx); };
  SmallVector<AffineExpr> inExprs{dim(0), dim(1)}, weightExprs{dim(1)},
      outExprs{dim(0), dim(1)};
  for (unsigned i = 0; i < r; ++i) {
    inExprs.push_back(dim(2 + i) * op.getStrides()[i] +
                      dim(2 + r + i) * op.getDilations()[i]);
    weightExprs.push_back(dim(2 + r + i));
    outExprs.push_back(dim(2 + i));
  }
  SmallVector<utils::IteratorType> iterators(2 + r,
                                             utils::IteratorType::parallel);
  iterators.append(r, utils::IteratorType::reduction);
  auto planes = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{padded, planeWeight},
      ValueRange{init},
      ArrayRef<AffineMap>{AffineMap::get(count, 0, inExprs, ctx),
                          AffineMap::get(count, 0, weightExprs, ctx),
                          AffineMap::get(count, 0, outExprs, ctx)},
      iterators, [](OpBuilder &nb, Location nl, ValueRange args) {
        Value product = arith::MulFOp::create(nb, nl, args[0], args[1]);
        Value sum = arith::AddFOp::create(nb, nl, args[2], product);
        linalg::YieldOp::create(nb, nl, sum);
      });
  planes->setAttr(kPlanewiseAttr, b.getUnitAttr());
  Value result = planes.getResult(0);
  return op.getRelu() ? applyRelu(b, loc, result) : result;
}

} // namespace convjit::lowering
