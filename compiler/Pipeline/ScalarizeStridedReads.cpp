//===- ScalarizeStridedReads.cpp - Strided 1-D reads as scalar loads ------===//

#include "Pipeline/PassDetail.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace convjit {
#define GEN_PASS_DEF_CONVJITSCALARIZESTRIDEDREADS
#include "Pipeline/Passes.h.inc"
} // namespace convjit

using namespace mlir;

namespace {
/// vector.transfer_read %m[%i...] : memref<..., strided<[..., s]>>, vector<N>
/// (s != 1, in bounds, no mask) -> N memref.load + vector.from_elements.
struct ScalarizeStridedRead : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    auto memref = dyn_cast<MemRefType>(read.getBase().getType());
    VectorType vector = read.getVectorType();
    if (!memref || vector.getRank() != 1 || vector.isScalable() ||
        read.getMask() || !read.getPermutationMap().isMinorIdentity() ||
        !read.getInBoundsValues()[0])
      return failure();
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(memref.getStridesAndOffset(strides, offset)) ||
        strides.back() == 1)
      return failure();
    Location loc = read.getLoc();
    SmallVector<Value> indices(read.getIndices());
    SmallVector<Value> elements;
    for (int64_t i = 0; i < vector.getNumElements(); ++i) {
      Value step = arith::ConstantIndexOp::create(rewriter, loc, i);
      indices.back() =
          arith::AddIOp::create(rewriter, loc, read.getIndices().back(), step);
      elements.push_back(
          memref::LoadOp::create(rewriter, loc, read.getBase(), indices));
    }
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(read, vector,
                                                        elements);
    return success();
  }
};

struct ScalarizeStridedReadsPass
    : public convjit::impl::ConvjitScalarizeStridedReadsBase<
          ScalarizeStridedReadsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ScalarizeStridedRead>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
