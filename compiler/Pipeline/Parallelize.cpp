//===- Parallelize.cpp - Marked tile loops become scf.parallel ------------===//

#include "Pipeline/PassDetail.h"
#include "Schedule/ConvSchedule.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace convjit {
#define GEN_PASS_DEF_CONVJITPARALLELIZE
#include "Pipeline/Passes.h.inc"
} // namespace convjit

using namespace mlir;
using namespace convjit;

static bool isMarkedParallel(scf::ForOp loop) {
  return loop->hasAttr(kParallelLoopAttrName) && loop.getNumResults() == 0;
}

/// The marked loop directly inside `outer`, if it is `outer`'s whole body
/// and its bounds do not depend on `outer`.
static scf::ForOp nestedParallelLoop(scf::ForOp outer) {
  Block *body = outer.getBody();
  if (body->getOperations().size() != 2)
    return nullptr;
  auto inner = dyn_cast<scf::ForOp>(body->front());
  if (!inner || !isMarkedParallel(inner))
    return nullptr;
  for (Value bound :
       {inner.getLowerBound(), inner.getUpperBound(), inner.getStep()})
    if (!bound.getParentRegion()->isAncestor(outer->getParentRegion()))
      return nullptr;
  return inner;
}

namespace {
struct ParallelizePass
    : public convjit::impl::ConvjitParallelizeBase<ParallelizePass> {
  void runOnOperation() override {
    SmallVector<scf::ForOp> outermost;
    getOperation().walk<WalkOrder::PreOrder>([&](scf::ForOp loop) {
      if (!isMarkedParallel(loop))
        return WalkResult::advance();
      outermost.push_back(loop);
      // Loops inside a parallel loop stay sequential in each thread.
      return WalkResult::skip();
    });
    IRRewriter rewriter(&getContext());
    for (scf::ForOp outer : outermost) {
      SmallVector<scf::ForOp> nest{outer};
      if (scf::ForOp inner = nestedParallelLoop(outer))
        nest.push_back(inner);
      SmallVector<Value> lbs, ubs, steps;
      for (scf::ForOp loop : nest) {
        lbs.push_back(loop.getLowerBound());
        ubs.push_back(loop.getUpperBound());
        steps.push_back(loop.getStep());
      }
      rewriter.setInsertionPoint(outer);
      auto parallel = scf::ParallelOp::create(rewriter, outer.getLoc(), lbs,
                                              ubs, steps);
      // The innermost loop's body, without its yield, becomes the parallel
      // loop's body; the induction variables map onto the new ones.
      Block *from = nest.back().getBody();
      Block *to = parallel.getBody();
      rewriter.eraseOp(from->getTerminator());
      SmallVector<Value> newIvs(parallel.getInductionVars());
      if (nest.size() == 2)
        rewriter.replaceAllUsesWith(outer.getInductionVar(), newIvs.front());
      rewriter.inlineBlockBefore(from, to->getTerminator(),
                                 ValueRange{newIvs.back()});
      rewriter.eraseOp(outer);
    }
  }
};
} // namespace
