//===- Parallelize.cpp - Marked tile loops become scf.parallel ------------===//

#include "Lowering/LoweringAttrs.h"
#include "Pipeline/PassDetail.h"
#include "Schedule/ConvSchedule.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace convjit {
#define GEN_PASS_DEF_CONVJITPARALLELIZE
#include "Pipeline/Passes.h.inc"
} // namespace convjit

using namespace mlir;
using namespace convjit;

static bool isMarkedParallel(scf::ForOp loop) {
  return loop->hasAttr(kParallelLoopAttrName) && loop.getNumResults() == 0;
}

static bool isMarkedIndependent(scf::ForOp loop) {
  return loop->hasAttr(kIndependentLoopAttr) && loop.getNumResults() == 0;
}

/// The one loop in `outer`'s body, when its bounds are defined outside `top`
/// (the outermost loop of the nest being built) and the rest of the body is
/// free of memory effects (the views and index arithmetic of each
/// iteration), which can then move into the innermost body.
static scf::ForOp soleNestedLoop(scf::ForOp outer, scf::ForOp top) {
  scf::ForOp inner;
  for (Operation &op : outer.getBody()->without_terminator()) {
    if (auto loop = dyn_cast<scf::ForOp>(op)) {
      if (inner)
        return nullptr;
      inner = loop;
    } else if (op.getNumRegions() != 0 || !isMemoryEffectFree(&op)) {
      return nullptr;
    }
  }
  if (!inner)
    return nullptr;
  for (Value bound :
       {inner.getLowerBound(), inner.getUpperBound(), inner.getStep()})
    if (!bound.getParentRegion()->isAncestor(top->getParentRegion()))
      return nullptr;
  return inner;
}

/// The loops that become one scf.parallel with `outer` outermost: a marked
/// tile loop and the marked one directly inside it, or loops of
/// independent iterations around such a tile loop (a transposed conv's
/// phases: one fork of the team instead of one per phase). Empty when
/// `outer` is an independent loop with no marked tile loop in reach: it
/// stays sequential.
static SmallVector<scf::ForOp> parallelNest(scf::ForOp outer) {
  SmallVector<scf::ForOp> nest{outer};
  scf::ForOp current = outer;
  while (!isMarkedParallel(current)) {
    current = soleNestedLoop(current, outer);
    if (!current ||
        !(isMarkedParallel(current) || isMarkedIndependent(current)))
      return {};
    nest.push_back(current);
  }
  if (scf::ForOp inner = soleNestedLoop(current, outer);
      inner && isMarkedParallel(inner))
    nest.push_back(inner);
  return nest;
}

namespace {
struct ParallelizePass
    : public convjit::impl::ConvjitParallelizeBase<ParallelizePass> {
  void runOnOperation() override {
    SmallVector<SmallVector<scf::ForOp>> nests;
    getOperation().walk<WalkOrder::PreOrder>([&](scf::ForOp loop) {
      if (!isMarkedParallel(loop) && !isMarkedIndependent(loop))
        return WalkResult::advance();
      SmallVector<scf::ForOp> nest = parallelNest(loop);
      if (nest.empty())
        return WalkResult::advance();
      nests.push_back(std::move(nest));
      // Loops inside a parallel loop stay sequential in each thread.
      return WalkResult::skip();
    });
    IRRewriter rewriter(&getContext());
    for (MutableArrayRef<scf::ForOp> nest : nests) {
      scf::ForOp outer = nest.front();
      // The tile loops vary slowest, the independent ones fastest: OpenMP
      // gives each thread a contiguous range of the collapsed iterations,
      // so each thread gets a share of the tiles (output channel blocks) of
      // every phase or edge rather than all tiles of some. With the edges
      // slowest, each of ResNet res5b's two threads took one edge column and
      // streamed all 9 MB of weights for it.
      SmallVector<scf::ForOp> order;
      llvm::append_range(order,
                         llvm::make_filter_range(nest, isMarkedParallel));
      llvm::append_range(order,
                         llvm::make_filter_range(nest, isMarkedIndependent));
      SmallVector<Value> lbs, ubs, steps;
      for (scf::ForOp loop : order) {
        lbs.push_back(loop.getLowerBound());
        ubs.push_back(loop.getUpperBound());
        steps.push_back(loop.getStep());
      }
      // What each outer level computes besides its loop (views, indices)
      // moves, in order, to the start of the innermost body.
      Block *from = nest.back().getBody();
      Operation *start = &from->front();
      for (auto [level, inner] : llvm::zip(nest.drop_back(), nest.drop_front()))
        for (Operation &op :
             llvm::make_early_inc_range(level.getBody()->without_terminator()))
          if (&op != inner.getOperation())
            op.moveBefore(start);
      rewriter.setInsertionPoint(outer);
      auto parallel = scf::ParallelOp::create(rewriter, outer.getLoc(), lbs,
                                              ubs, steps);
      // The innermost loop's body, without its yield, becomes the parallel
      // loop's body; the induction variables map onto the new ones.
      Block *to = parallel.getBody();
      rewriter.eraseOp(from->getTerminator());
      Value innermostIv;
      for (auto [loop, iv] : llvm::zip(order, parallel.getInductionVars())) {
        if (loop == nest.back())
          innermostIv = iv;
        else
          rewriter.replaceAllUsesWith(loop.getInductionVar(), iv);
      }
      rewriter.inlineBlockBefore(from, to->getTerminator(),
                                 ValueRange{innermostIv});
      rewriter.eraseOp(outer);
    }
  }
};
} // namespace
