//===- MergeParallelRegions.cpp - One fork of the team per kernel run -----===//

#include "Pipeline/PassDetail.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace convjit {
#define GEN_PASS_DEF_CONVJITMERGEPARALLELREGIONS
#include "Pipeline/Passes.h.inc"
} // namespace convjit

using namespace mlir;
using namespace convjit;

/// A parallel region as convert-scf-to-openmp builds it: a team of a
/// number of threads running work-sharing loops, no other clause.
static bool isPlainTeam(omp::ParallelOp region) {
  return region.getNumThreads() && !region.getIfExpr() &&
         region.getPrivateVars().empty() && region.getReductionVars().empty() &&
         region.getAllocateVars().empty() && !region.getProcBindKindAttr() &&
         region.getRegion().hasOneBlock();
}

/// Whether `op`, between two parallel regions, can run inside the merged
/// one: free of memory effects (then it moves before the regions), or
/// without results (then one thread runs it, in an omp.single, while the
/// others wait at its barrier).
static bool canJoin(Operation &op) {
  return isMemoryEffectFree(&op) || op.getNumResults() == 0;
}

namespace {
struct MergeParallelRegionsPass
    : public convjit::impl::ConvjitMergeParallelRegionsBase<
          MergeParallelRegionsPass> {
  void runOnOperation() override {
    SmallVector<Block *> blocks;
    getOperation().walk([&](Block *block) {
      if (llvm::any_of(*block,
                       [](Operation &op) { return isa<omp::ParallelOp>(op); }))
        blocks.push_back(block);
    });
    IRRewriter rewriter(&getContext());
    for (Block *block : blocks)
      mergeRegionsIn(rewriter, *block);
  }

  /// Folds each parallel region of `block` into the one before it when
  /// only joinable ops (canJoin) lie between them.
  void mergeRegionsIn(RewriterBase &rewriter, Block &block) {
    omp::ParallelOp team;
    SmallVector<Operation *> between;
    for (Operation &op : llvm::make_early_inc_range(block)) {
      auto region = dyn_cast<omp::ParallelOp>(op);
      if (region && team && isPlainTeam(region) &&
          region.getNumThreads() == team.getNumThreads()) {
        append(rewriter, team, between, region);
        between.clear();
        continue;
      }
      if (region) {
        team = isPlainTeam(region) ? region : omp::ParallelOp();
        between.clear();
        continue;
      }
      if (!team)
        continue;
      if (op.hasTrait<OpTrait::IsTerminator>() || !canJoin(op)) {
        team = {};
        between.clear();
        continue;
      }
      between.push_back(&op);
    }
  }

  /// Moves `between` and `next`'s body to the end of `team`'s body. The
  /// work-sharing loop that ends `team`'s body waits for all threads (no
  /// nowait clause), as the join of its team did.
  static void append(RewriterBase &rewriter, omp::ParallelOp team,
                     ArrayRef<Operation *> between, omp::ParallelOp next) {
    Block &body = team.getRegion().front();
    Operation *end = body.getTerminator();
    SmallVector<Operation *> serial;
    for (Operation *op : between) {
      if (isMemoryEffectFree(op))
        op->moveBefore(team);
      else
        serial.push_back(op);
    }
    if (!serial.empty()) {
      rewriter.setInsertionPoint(end);
      auto single = omp::SingleOp::create(rewriter, serial.front()->getLoc(),
                                          omp::SingleOperands{});
      rewriter.createBlock(&single.getRegion());
      auto terminator =
          omp::TerminatorOp::create(rewriter, serial.front()->getLoc());
      for (Operation *op : serial)
        op->moveBefore(terminator);
    }
    Block &nextBody = next.getRegion().front();
    rewriter.eraseOp(nextBody.getTerminator());
    rewriter.inlineBlockBefore(&nextBody, end);
    rewriter.eraseOp(next);
  }
};
} // namespace
