//===- ConvCore.cpp - The contraction every weighted op ends in -----------===//

#include "Lowering/ConvCore.h"
#include "Lowering/LinalgHelpers.h"
#include "Lowering/LoweringAttrs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace convjit::lowering {

namespace {
/// The loop dimensions of the core, in iterator order.
struct CoreDims {
  AffineExpr n;
  SmallVector<AffineExpr, 3> out;
  AffineExpr group; // null when groups == 1
  AffineExpr oc;
  SmallVector<AffineExpr, 3> kernel;
  AffineExpr ic;
  unsigned count = 0;

  CoreDims(MLIRContext *ctx, unsigned spatialRank, bool grouped) {
    auto next = [&] { return getAffineDimExpr(count++, ctx); };
    n = next();
    for (unsigned i = 0; i < spatialRank; ++i)
      out.push_back(next());
    if (grouped)
      group = next();
    oc = next();
    for (unsigned i = 0; i < spatialRank; ++i)
      kernel.push_back(next());
    ic = next();
  }

  /// Channel dims of an operand: (ic) or (g, ic), likewise for oc.
  void appendChannel(SmallVectorImpl<AffineExpr> &exprs,
                     AffineExpr channel) const {
    if (group)
      exprs.push_back(group);
    exprs.push_back(channel);
  }
};
} // namespace

Value buildConvCore(OpBuilder &b, Location loc,
                    const ConvCoreOperands &operands,
                    ArrayRef<int64_t> outShape, Operation *source) {
  MLIRContext *ctx = b.getContext();
  auto spatialRank = static_cast<unsigned>(outShape.size() - 2);
  bool grouped = operands.groups > 1;

  Value input = operands.input;
  SmallVector<int64_t> coreShape(outShape);
  if (grouped) {
    int64_t inRank = cast<RankedTensorType>(input.getType()).getRank();
    input = splitDim(b, loc, input, inRank - 1, operands.groups);
    coreShape.back() /= operands.groups;
    coreShape.insert(coreShape.end() - 1, operands.groups);
  }

  Value init;
  if (operands.bias && operands.biasAlongRows) {
    assert(!grouped && spatialRank == 1 && "rows of a rank-1 core");
    Value empty = tensor::EmptyOp::create(b, loc, coreShape, b.getF32Type());
    init = linalg::BroadcastOp::create(b, loc, operands.bias, empty,
                                       ArrayRef<int64_t>{0, 2})
               .getResult()
               .front();
  } else if (operands.bias) {
    Value bias = operands.bias;
    if (grouped)
      bias = splitDim(b, loc, bias, 0, operands.groups);
    init = broadcastTrailing(b, loc, bias, coreShape);
  } else {
    init = filledTensor(b, loc, coreShape, 0.0f);
  }

  CoreDims dims(ctx, spatialRank, grouped);
  SmallVector<AffineExpr> inExprs{dims.n}, weightExprs, outExprs{dims.n};
  if (operands.strides.empty()) {
    inExprs.append(dims.out);
    inExprs.append(dims.kernel);
  } else {
    for (unsigned i = 0; i < spatialRank; ++i)
      inExprs.push_back(dims.out[i] * operands.strides[i] +
                        dims.kernel[i] * operands.dilations[i]);
  }
  dims.appendChannel(inExprs, dims.ic);
  if (grouped)
    weightExprs.push_back(dims.group);
  weightExprs.append(dims.kernel);
  weightExprs.push_back(dims.ic);
  weightExprs.push_back(dims.oc);
  outExprs.append(dims.out);
  dims.appendChannel(outExprs, dims.oc);

  SmallVector<AffineMap> maps = {
      AffineMap::get(dims.count, 0, inExprs, ctx),
      AffineMap::get(dims.count, 0, weightExprs, ctx),
      AffineMap::get(dims.count, 0, outExprs, ctx)};
  unsigned reductions = spatialRank + 1;
  SmallVector<utils::IteratorType> iterators(dims.count - reductions,
                                             utils::IteratorType::parallel);
  iterators.append(reductions, utils::IteratorType::reduction);

  auto core = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{input, operands.weight},
      ValueRange{init}, maps, iterators,
      [](OpBuilder &nb, Location nl, ValueRange args) {
        Value product = arith::MulFOp::create(nb, nl, args[0], args[1]);
        Value sum = arith::AddFOp::create(nb, nl, args[2], product);
        linalg::YieldOp::create(nb, nl, sum);
      });
  inheritDiscardableAttrs(source, core);
  core->setAttr(kConvCoreAttr, b.getUnitAttr());

  // ReLU on the core's own shape, so fusing it into the core needs no
  // reshape; the group split is undone last.
  Value result = core.getResult(0);
  if (operands.relu)
    result = applyRelu(b, loc, result);
  if (grouped)
    result = mergeDims(b, loc, result, spatialRank + 1);
  return result;
}

Value packConvWeight(OpBuilder &b, Location loc, Value weight, int64_t groups) {
  int64_t rank = cast<RankedTensorType>(weight.getType()).getRank();
  SmallVector<int64_t> perm;
  if (groups == 1) {
    // (OC, IC, K...) -> (K..., IC, OC)
    for (int64_t d = 2; d < rank; ++d)
      perm.push_back(d);
    perm.append({1, 0});
    return transpose(b, loc, weight, perm);
  }
  // (G*OCg, ICg, K...) -> (G, OCg, ICg, K...) -> (G, K..., ICg, OCg)
  Value split = splitDim(b, loc, weight, 0, groups);
  perm.push_back(0);
  for (int64_t d = 3; d < rank + 1; ++d)
    perm.push_back(d);
  perm.append({2, 1});
  return transpose(b, loc, split, perm);
}

} // namespace convjit::lowering
