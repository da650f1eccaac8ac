//===- ResultsInPlace.cpp - Reshapes move from results to destinations ----===//

#include "Lowering/RewriteConfig.h"
#include "Pipeline/PassDetail.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace convjit {
#define GEN_PASS_DEF_CONVJITRESULTSINPLACE
#include "Pipeline/Passes.h.inc"
} // namespace convjit

using namespace mlir;
using namespace convjit;

namespace {
/// materialize_in_destination (collapse_shape %v) in %out : memref
///   -> materialize_in_destination %v in (memref.expand_shape %out)
struct MaterializeBeforeCollapse
    : OpRewritePattern<bufferization::MaterializeInDestinationOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult
  matchAndRewrite(bufferization::MaterializeInDestinationOp op,
                  PatternRewriter &rewriter) const override {
    auto collapse = op.getSource().getDefiningOp<tensor::CollapseShapeOp>();
    auto destType = dyn_cast<MemRefType>(op.getDest().getType());
    if (!collapse || !destType || !destType.getLayout().isIdentity())
      return failure();
    RankedTensorType sourceType = collapse.getSrcType();
    if (!sourceType.hasStaticShape())
      return failure();
    auto expandedType =
        MemRefType::get(sourceType.getShape(), destType.getElementType(),
                        MemRefLayoutAttrInterface(), destType.getMemorySpace());
    // Right after the destination, so that the result's whole computation
    // can be placed in it (see BuildResultInDestination).
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointAfterValue(op.getDest());
    Value expanded = memref::ExpandShapeOp::create(
        rewriter, op.getLoc(), expandedType, op.getDest(),
        collapse.getReassociationIndices());
    rewriter.modifyOpInPlace(op, [&] {
      op.getSourceMutable().assign(collapse.getSrc());
      op.getDestMutable().assign(expanded);
    });
    return success();
  }
};

/// A result assembled from parts, insert_slice after insert_slice into a
/// tensor.empty (a layer split into an interior and border regions): the
/// empty tensor becomes the destination itself. eliminate-empty-tensors
/// then places each part in it; on its own it visits the parts first and
/// anchors them on the empty tensor, which then needs a buffer of its own
/// and a copy into the destination.
struct BuildResultInDestination
    : OpRewritePattern<bufferization::MaterializeInDestinationOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult
  matchAndRewrite(bufferization::MaterializeInDestinationOp op,
                  PatternRewriter &rewriter) const override {
    auto destType = dyn_cast<MemRefType>(op.getDest().getType());
    if (!destType || !op.getRestrict() || !op.getWritable())
      return failure();
    auto insert = op.getSource().getDefiningOp<tensor::InsertSliceOp>();
    if (!insert)
      return failure();
    while (auto outer = insert.getDest().getDefiningOp<tensor::InsertSliceOp>())
      insert = outer;
    auto empty = insert.getDest().getDefiningOp<tensor::EmptyOp>();
    if (!empty || empty.getType().getShape() != destType.getShape())
      return failure();
    Value dest = op.getDest();
    if (!dest.getParentRegion()->isAncestor(empty->getParentRegion()) ||
        (dest.getDefiningOp() && !dest.getDefiningOp()->isBeforeInBlock(empty)))
      return failure();
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(empty);
    rewriter.replaceOpWithNewOp<bufferization::ToTensorOp>(
        empty, empty.getType(), dest, rewriter.getUnitAttr(),
        rewriter.getUnitAttr());
    return success();
  }
};

struct ResultsInPlacePass
    : public convjit::impl::ConvjitResultsInPlaceBase<ResultsInPlacePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<MaterializeBeforeCollapse, BuildResultInDestination>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     sweepConfig())))
      return signalPassFailure();
  }
};
} // namespace
