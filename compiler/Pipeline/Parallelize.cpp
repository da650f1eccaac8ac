//===- Parallelize.cpp - Marked tile loops become scf.parallel ------------===//

#include "Lowering/LoweringAttrs.h"
#include "Pipeline/PassDetail.h"
#include "Schedule/ConvSchedule.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
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

/// The loops of `nest` in the order their iterations are shared out. The
/// tile loops vary slowest, the independent ones fastest: OpenMP gives each
/// thread a contiguous range of the collapsed iterations, so each thread
/// gets a share of the tiles (output channel blocks) of every phase or edge
/// rather than all tiles of some. With the edges slowest, each of ResNet
/// res5b's two threads took one edge column and streamed all 9 MB of
/// weights for it.
static SmallVector<scf::ForOp> sharingOrder(MutableArrayRef<scf::ForOp> nest) {
  SmallVector<scf::ForOp> order;
  llvm::append_range(order, llvm::make_filter_range(nest, isMarkedParallel));
  llvm::append_range(order, llvm::make_filter_range(nest, isMarkedIndependent));
  return order;
}

/// Makes the innermost body of `nest` the body of a loop built at `nest`'s
/// place by `buildLoop`, which gets the loops in sharingOrder and returns
/// the new loop's block and, per loop of that order, the value its
/// induction variable takes there. What each outer level computes besides
/// its loop (views, indices) moves, in order, to the start of that body.
static void replaceNest(RewriterBase &rewriter,
                        MutableArrayRef<scf::ForOp> nest,
                        function_ref<std::pair<Block *, SmallVector<Value>>(
                            MutableArrayRef<scf::ForOp> order)>
                            buildLoop) {
  scf::ForOp outer = nest.front();
  Block *from = nest.back().getBody();
  Operation *start = &from->front();
  for (auto [level, inner] : llvm::zip(nest.drop_back(), nest.drop_front()))
    for (Operation &op :
         llvm::make_early_inc_range(level.getBody()->without_terminator()))
      if (&op != inner.getOperation())
        op.moveBefore(start);
  SmallVector<scf::ForOp> order = sharingOrder(nest);
  rewriter.setInsertionPoint(outer);
  auto [to, ivs] = buildLoop(order);
  rewriter.eraseOp(from->getTerminator());
  Value innermostIv;
  for (auto [loop, iv] : llvm::zip(order, ivs)) {
    if (loop == nest.back())
      innermostIv = iv;
    else
      rewriter.replaceAllUsesWith(loop.getInductionVar(), iv);
  }
  rewriter.inlineBlockBefore(from, to->getTerminator(),
                             ValueRange{innermostIv});
  rewriter.eraseOp(outer);
}

/// The kPartitionAttr of a loop of `nest`, or null.
static Attribute partitionOf(MutableArrayRef<scf::ForOp> nest) {
  for (scf::ForOp loop : nest)
    if (Attribute partition = loop->getAttr(kPartitionAttr))
      return partition;
  return {};
}

/// The iterations of each loop of `nest` in sharingOrder, when they are
/// constants (a shared loop divides them among the threads at compile time).
static std::optional<SmallVector<int64_t>>
constantTrips(MutableArrayRef<scf::ForOp> nest) {
  SmallVector<int64_t> trips;
  for (scf::ForOp loop : sharingOrder(nest)) {
    std::optional<APInt> count = loop.getStaticTripCount();
    if (!count)
      return std::nullopt;
    trips.push_back(count->getSExtValue());
  }
  return trips;
}

/// Whether everything between `first` and `second` in their block is free
/// of memory effects, so it can move before `first`.
static bool onlyPureOpsBetween(Operation *first, Operation *second) {
  if (first->getBlock() != second->getBlock())
    return false;
  for (Operation *op = first->getNextNode(); op != second;
       op = op->getNextNode())
    if (!isMemoryEffectFree(op))
      return false;
  return true;
}

/// Runs `nests` (the parts of one kPartitionAttr, in order in one block,
/// with `trips` the constantTrips of each) in one parallel loop over the
/// threads: thread t runs the t-th of `threads`
/// equal ranges of each nest's collapsed iterations, one nest after the
/// other, with no barrier between them (the parts write disjoint outputs and
/// read nothing another part writes). One fork of the team instead of one
/// per part; the parts too small to be worth a fork of their own (a
/// depthwise layer's border regions, 19% of a 14x14 layer's work) no longer
/// run on one thread while the other waits.
static void shareOutTogether(RewriterBase &rewriter,
                             MutableArrayRef<SmallVector<scf::ForOp>> nests,
                             ArrayRef<SmallVector<int64_t>> trips,
                             unsigned threads) {
  Operation *first = nests.front().front();
  for (auto [before, after] : llvm::zip(nests.drop_back(), nests.drop_front()))
    for (Operation *op = before.front()->getNextNode();
         op != after.front().getOperation();) {
      Operation *next = op->getNextNode();
      op->moveBefore(first);
      op = next;
    }
  Location loc = first->getLoc();
  MLIRContext *ctx = rewriter.getContext();
  rewriter.setInsertionPoint(first);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value teamSize = arith::ConstantIndexOp::create(rewriter, loc, threads);
  auto team = scf::ParallelOp::create(rewriter, loc, ValueRange{zero},
                                      ValueRange{teamSize}, ValueRange{one});
  Value thread = team.getInductionVars().front();
  AffineExpr d0 = getAffineDimExpr(0, ctx);
  llvm::SmallDenseMap<int64_t, Value> constants;
  for (auto [nest, nestTrips] : llvm::zip(nests, trips)) {
    int64_t total = 1;
    for (int64_t trip : nestTrips)
      total *= trip;
    replaceNest(rewriter, nest, [&](MutableArrayRef<scf::ForOp> order) {
      rewriter.setInsertionPoint(team.getBody()->getTerminator());
      auto rangeEnd = [&](AffineExpr index) {
        return getValueOrCreateConstantIndexOp(
            rewriter, loc,
            affine::makeComposedFoldedAffineApply(
                rewriter, loc, (index * total).floorDiv(threads), {thread}));
      };
      Value begin = rangeEnd(d0), end = rangeEnd(d0 + 1);
      auto constant = [&](int64_t value) -> Value {
        Value &known = constants[value];
        if (!known) {
          OpBuilder::InsertionGuard guard(rewriter);
          rewriter.setInsertionPoint(team);
          known = arith::ConstantIndexOp::create(rewriter, loc, value);
        }
        return known;
      };
      // The collapsed index, the last loop of the order varying fastest, is
      // divided into the loops' indices once per thread; the loop carries
      // them and steps them like an odometer. Divided in every iteration,
      // the indices reached LLVM as divisions of the loop's induction
      // variable, which scalar evolution folds into every address computed
      // from them: loop strength reduction spent 34 of the 36 ms of code
      // generation of MobileNetV2's stride-2 depthwise layer on them (and
      // affine maps, rather than arith, got composed into each index with a
      // division of its own: 378 in the 56x56 depthwise layer).
      SmallVector<int64_t> countedTrips; // the trips above 1, in order
      SmallVector<Value> firsts;
      int64_t inner = total;
      for (int64_t trip : nestTrips) {
        inner /= trip;
        if (trip == 1)
          continue;
        Value index = begin;
        if (inner > 1)
          index = arith::DivUIOp::create(rewriter, loc, index, constant(inner));
        if (inner * trip != total)
          index = arith::RemUIOp::create(rewriter, loc, index, constant(trip));
        countedTrips.push_back(trip);
        firsts.push_back(index);
      }
      // One counted loop's index is the collapsed index itself.
      bool single = countedTrips.size() == 1;
      if (single)
        firsts.clear();
      SmallVector<Value> ivs;
      auto odometer = [&](OpBuilder &builder, Location loc, Value collapsed,
                          ValueRange counters) {
        ValueRange carried = single ? ValueRange(collapsed) : counters;
        for (auto [shared, trip] : llvm::zip(order, nestTrips)) {
          Value index = zero;
          if (trip != 1) {
            index = carried.front();
            carried = carried.drop_front();
          }
          int64_t step = *getConstantIntValue(shared.getStep());
          if (step != 1)
            index = arith::MulIOp::create(builder, loc, index, constant(step));
          if (!isZeroInteger(shared.getLowerBound()))
            index = arith::AddIOp::create(builder, loc, index,
                                          shared.getLowerBound());
          ivs.push_back(index);
        }
        // The next iteration's counters: the last one steps, and each that
        // reaches its trip count wraps to zero and steps the one before.
        // The first never wraps inside the range.
        SmallVector<Value> next(counters);
        Value wrapped;
        for (int64_t i = static_cast<int64_t>(counters.size()) - 1; i >= 0;
             --i) {
          Value stepped = arith::AddIOp::create(builder, loc, counters[i], one);
          if (wrapped)
            stepped = arith::SelectOp::create(builder, loc, wrapped, stepped,
                                              counters[i]);
          if (i == 0) {
            next[i] = stepped;
            break;
          }
          wrapped =
              arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq,
                                    stepped, constant(countedTrips[i]));
          next[i] =
              arith::SelectOp::create(builder, loc, wrapped, zero, stepped);
        }
        scf::YieldOp::create(builder, loc, next);
      };
      auto loop =
          scf::ForOp::create(rewriter, loc, begin, end, one, firsts, odometer);
      return std::make_pair(loop.getBody(), ivs);
    });
  }
}

namespace {
struct ParallelizePass
    : public convjit::impl::ConvjitParallelizeBase<ParallelizePass> {
  using Base::Base;

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
    // Runs of nests of one partition, next to each other.
    MutableArrayRef<SmallVector<scf::ForOp>> rest = nests;
    while (!rest.empty()) {
      // The trips of each nest of the run, which its shared loop divides.
      SmallVector<SmallVector<int64_t>> trips;
      Attribute partition = partitionOf(rest.front());
      for (size_t next = 0; partition && threads > 1 && next < rest.size();
           ++next) {
        if (partitionOf(rest[next]) != partition ||
            (next > 0 &&
             !onlyPureOpsBetween(rest[next - 1].front(), rest[next].front())))
          break;
        std::optional<SmallVector<int64_t>> nestTrips =
            constantTrips(rest[next]);
        if (!nestTrips)
          break;
        trips.push_back(std::move(*nestTrips));
      }
      size_t count = std::max<size_t>(trips.size(), 1);
      if (count > 1) {
        shareOutTogether(rewriter, rest.take_front(count), trips, threads);
      } else {
        replaceNest(
            rewriter, rest.front(), [&](MutableArrayRef<scf::ForOp> order) {
              SmallVector<Value> lbs, ubs, steps;
              for (scf::ForOp loop : order) {
                lbs.push_back(loop.getLowerBound());
                ubs.push_back(loop.getUpperBound());
                steps.push_back(loop.getStep());
              }
              auto parallel = scf::ParallelOp::create(
                  rewriter, rest.front().front().getLoc(), lbs, ubs, steps);
              return std::make_pair(
                  parallel.getBody(),
                  SmallVector<Value>(parallel.getInductionVars()));
            });
      }
      rest = rest.drop_front(count);
    }
  }
};
} // namespace
