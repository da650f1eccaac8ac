//===- CopiesToLinalg.cpp - memref.copy as linalg.copy --------------------===//

#include "Lowering/RewriteConfig.h"
#include "Pipeline/PassDetail.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace convjit {
#define GEN_PASS_DEF_CONVJITCOPIESTOLINALG
#include "Pipeline/Passes.h.inc"
} // namespace convjit

using namespace mlir;
using namespace convjit;

namespace {
struct CopyToLinalg : OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(memref::CopyOp copy,
                                PatternRewriter &rewriter) const override {
    // A result computed in place is "copied" onto itself (after CSE the two
    // subviews are one value); as a loop that would re-store the buffer.
    if (copy.getSource() == copy.getTarget()) {
      rewriter.eraseOp(copy);
      return success();
    }
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                copy.getTarget());
    return success();
  }
};

struct CopiesToLinalgPass
    : public convjit::impl::ConvjitCopiesToLinalgBase<CopiesToLinalgPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<CopyToLinalg>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     sweepConfig())))
      return signalPassFailure();
  }
};
} // namespace
