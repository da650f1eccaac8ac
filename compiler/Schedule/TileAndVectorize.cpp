//===- TileAndVectorize.cpp - Register-tiled convolution cores ------------===//
//
// tile parallel loops (+ fuse the output's initializer) -> tile reductions ->
// drop unit dims -> vectorize to vector.contract -> hoist the accumulator.
//
//===----------------------------------------------------------------------===//

#include "Lowering/LinalgHelpers.h"
#include "Lowering/LoweringAttrs.h"
#include "Lowering/RewriteConfig.h"
#include "Schedule/ConvSchedule.h"
#include "Schedule/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

#include <numeric>

namespace convjit {
#define GEN_PASS_DEF_CONVJITTILEANDVECTORIZE
#include "Schedule/Passes.h.inc"
} // namespace convjit

using namespace mlir;
using namespace convjit;

static SmallVector<OpFoldResult> asIndexAttrs(Builder &b,
                                              ArrayRef<int64_t> sizes) {
  return llvm::map_to_vector(sizes, [&](int64_t size) -> OpFoldResult {
    return b.getIndexAttr(size);
  });
}

/// Marks the tiled copies of a core (and of its fused initializers) while
/// peeling duplicates them; removed when the core is vectorized. On a core
/// copy the value is the core's schedule, until its reductions are tiled.
static constexpr llvm::StringLiteral kTiledCoreAttr = "convjit.tiled_core";
static constexpr llvm::StringLiteral kTiledInitAttr = "convjit.tiled_init";
/// Marks the reduction loops of a tile, the loops its accumulator is hoisted
/// out of.
static constexpr llvm::StringLiteral kReductionLoopAttr =
    "convjit.reduction_loop";

/// At most this fraction of a loop's outputs may be computed twice by
/// shiftLastTile. A dense layer whose last tile recomputed 7% of a row ran
/// 7% slower (28 wide, 6-wide tiles); a depthwise layer recomputing 2%
/// (54 wide, 5-wide tiles) ran as fast as with the peeled copy and compiled
/// in 31% fewer instructions.
static constexpr int64_t kMaxRecomputedFraction = 32; // 1/32
/// A partial tile along the vector dim (a channels-first depthwise conv's
/// rows) runs several times slower per output than a whole one (a 6-wide
/// rest of 8-wide vectors: partial loads and shuffles per tap): worth
/// recomputing up to a quarter of the row instead.
static constexpr int64_t kMaxRecomputedVectorFraction = 4; // 1/4

/// Runs the last, partial tile of `loop` as a whole tile shifted back to
/// end at the upper bound, instead of peeling it into a second, smaller
/// copy of the tile's code: the tile then recomputes some outputs of the
/// tile before it, to the same values (the caller makes sure the tile
/// computes its outputs from scratch). The copy a peeled tile needs -- one
/// per region of a depthwise layer, each with its unrolled window -- costs
/// compile time; the shift is taken only where it recomputes little.
static LogicalResult shiftLastTile(RewriterBase &rewriter, scf::ForOp loop,
                                   int64_t maxRecomputedFraction) {
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
  std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!lb || !ub || !step || *step <= 0 || *ub - *lb <= *step ||
      (*ub - *lb) % *step == 0)
    return failure();
  int64_t recomputed = *step - (*ub - *lb) % *step;
  if (recomputed * maxRecomputedFraction > *ub - *lb)
    return failure();
  int64_t lastStart = *ub - *step;
  SmallVector<int64_t> shiftedStarts;
  for (int64_t start = *lb; start < *ub; start += *step)
    shiftedStarts.push_back(std::min(start, lastStart));

  Value iv = loop.getInductionVar();
  Location loc = loop.getLoc();
  rewriter.setInsertionPointToStart(loop.getBody());
  MLIRContext *ctx = rewriter.getContext();
  AffineExpr d0 = getAffineDimExpr(0, ctx);
  Value shifted = affine::AffineMinOp::create(
      rewriter, loc,
      AffineMap::get(1, 0, {d0, getAffineConstantExpr(lastStart, ctx)}, ctx),
      ValueRange{iv});
  // A tile size (affine.min(step, ub - iv)) or any other function of the
  // induction variable alone that is the same for every shifted tile
  // becomes that constant: the tile's shapes turn static.
  for (OpOperand &use : llvm::make_early_inc_range(iv.getUses())) {
    Operation *user = use.getOwner();
    if (user == shifted.getDefiningOp())
      continue;
    AffineMap map;
    bool isMin = isa<affine::AffineMinOp>(user);
    if (auto min = dyn_cast<affine::AffineMinOp>(user))
      map = min.getAffineMap();
    else if (auto apply = dyn_cast<affine::AffineApplyOp>(user))
      map = apply.getAffineMap();
    std::optional<int64_t> constant;
    if (map && map.getNumSymbols() == 0 && map.getNumDims() == 1 &&
        user->getNumOperands() == 1) {
      for (int64_t start : shiftedStarts) {
        SmallVector<int64_t> results = map.compose({start});
        int64_t value = isMin ? *llvm::min_element(results) : results.front();
        if (constant && *constant != value) {
          constant.reset();
          break;
        }
        constant = value;
      }
    }
    if (constant) {
      rewriter.setInsertionPoint(user);
      rewriter.replaceOp(
          user, arith::ConstantIndexOp::create(rewriter, loc, *constant));
    } else {
      rewriter.modifyOpInPlace(user, [&] { use.set(shifted); });
    }
  }
  return success();
}

/// Iterations of `op` (multiply-adds of a conv core, elements of a copy),
/// counted in floating point, so the product cannot overflow; a dynamic
/// extent counts as `dynamicExtent`.
static double iterationCount(linalg::LinalgOp op, double dynamicExtent) {
  double work = 1;
  for (int64_t range : op.getStaticLoopRanges())
    work *= ShapedType::isDynamic(range)
                ? dynamicExtent
                : static_cast<double>(std::max<int64_t>(range, 1));
  return work;
}

/// Tiles `core`'s parallel loops, fusing the op that initializes the output
/// (fill or bias broadcast) into the tile so the accumulator starts in
/// registers, and peels the loops whose tile does not divide their range:
/// the full tiles keep static shapes (and vectorize), the last partial tile
/// gets its own static, smaller copy. `partitionWork` is the iterations of
/// all ops of `core`'s kPartitionAttr (0 without one): they fork the team
/// once, so a small part of a large whole is shared too. Returns the loop
/// the schedule is recorded on (the outermost that runs more than once), or
/// null.
static FailureOr<Operation *> tileParallelLoops(RewriterBase &rewriter,
                                                linalg::LinalgOp core,
                                                const ConvSchedule &schedule,
                                                int64_t minParallelWork,
                                                double partitionWork) {
  // Iterations of the whole op (multiply-adds of a conv core, elements of
  // a copy): below the threshold a fork and join of the thread team costs
  // more than sharing the work saves (the border bands of a depthwise
  // layer). Channel-wise windows (depthwise, pooling) share from the same
  // work as dense cores. They once did only from 8 times it (measured on
  // earlier code: MobileNetV2's 14x14 layer 1.45x slower shared), which
  // kept its 14x14 to 28x28 depthwise layers (0.4-1.4 M multiply-adds) on
  // one thread; on a quiet machine, shared they now run 1.15-1.6x faster at
  // 2 threads (a 56x56 one at stride 2 1.6x, a 3x3/2 max pool 1.7x), while
  // a 28x28x32 one (0.23 M, below the threshold) lost 12% when shared.
  // A dynamic extent counts as enough work.
  if (core.getNumReductionLoops() == 0)
    minParallelWork /= kCopyWorkFactor;
  double work = iterationCount(core, static_cast<double>(minParallelWork));
  bool enoughWork =
      std::max(work, partitionWork) >= static_cast<double>(minParallelWork);
  scf::SCFTilingOptions parallelOptions;
  parallelOptions.setTileSizes(asIndexAttrs(rewriter, schedule.tile));
  parallelOptions.setInterchange(schedule.interchange);
  scf::SCFTileAndFuseOptions fuseOptions;
  fuseOptions.setTilingOptions(parallelOptions);
  fuseOptions.setFusionControlFn(
      [](tensor::ExtractSliceOp, OpResult producer, bool isDestination)
          -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        if (!isDestination || !isa<linalg::LinalgOp>(producer.getOwner()))
          return std::nullopt;
        return scf::SCFTileAndFuseOptions::ControlFnResult{};
      });
  rewriter.setInsertionPoint(core);
  auto fused = scf::tileConsumerAndFuseProducersUsingSCF(
      rewriter, cast<TilingInterface>(core.getOperation()), fuseOptions);
  if (failed(fused))
    return core->emitError("tiling the parallel loops failed");
  // A tile of a reduction whose initializer (a fill or bias broadcast) is
  // fused into it computes its outputs from scratch: running it twice over
  // some outputs gives the same values.
  Operation *init = core.getDpsInits()[0].getDefiningOp();
  bool recomputable = core.getNumReductionLoops() > 0 && init &&
                      isa<linalg::FillOp, linalg::BroadcastOp>(init) &&
                      llvm::is_contained(fused->fusedProducers, init);
  bool planewise = core->hasAttr(kPlanewiseAttr);
  for (auto [original, replacement] : fused->replacements)
    rewriter.replaceAllUsesWith(original, replacement);
  rewriter.eraseOp(core);
  // The untiled initializers now only fed the erased core.
  for (Operation *producer : fused->fusedProducers)
    if (producer->use_empty())
      rewriter.eraseOp(producer);
  // The tiled core carries its schedule for the reduction tiling that
  // follows once every core is tiled (peeling copies it along).
  fused->tiledAndFusedOps.front()->setAttr(
      kTiledCoreAttr, schedule.toAttr(rewriter.getContext()));
  for (StringRef name :
       {kPaddedTapsAttrName, kLaneRotationAttrName, kFlatChannelsAttrName})
    if (Attribute attr = core->getAttr(name))
      fused->tiledAndFusedOps.front()->setAttr(name, attr);
  if (Attribute partition = core->getAttr(kPartitionAttr))
    for (LoopLikeOpInterface loop : fused->loops)
      loop->setAttr(kPartitionAttr, partition);
  for (Operation *op : llvm::drop_begin(fused->tiledAndFusedOps))
    op->setAttr(kTiledInitAttr, rewriter.getUnitAttr());
  // The ReLU of the result (kReluResultAttr) on each tile, vectorized with
  // it: once the accumulators are hoisted into registers it is a max on
  // them before their store.
  if (core->hasAttr(kReluResultAttr)) {
    Operation *tiled = fused->tiledAndFusedOps.front();
    rewriter.setInsertionPointAfter(tiled);
    Value tile = tiled->getResult(0);
    Value relu = lowering::applyRelu(rewriter, tiled->getLoc(), tile,
                                     /*inPlace=*/true);
    relu.getDefiningOp()->setAttr(kTiledInitAttr, rewriter.getUnitAttr());
    rewriter.replaceAllUsesExcept(tile, relu, relu.getDefiningOp());
  }

  // The two outermost tile loops that run more than once are where the
  // threads of a multithreaded kernel divide the work.
  constexpr int kParallelLoops = 2;
  Operation *recordLoop = nullptr;
  // A channels-first depthwise conv's innermost tile loop walks its rows in
  // vectors.
  Operation *vectorRowLoop = planewise && !fused->loops.empty()
                                 ? fused->loops.back().getOperation()
                                 : nullptr;
  int parallelMarked = 0;
  SmallVector<scf::ForOp> forLoops;
  for (LoopLikeOpInterface loop : fused->loops) {
    auto forOp = dyn_cast<scf::ForOp>(loop.getOperation());
    if (!forOp)
      continue;
    forLoops.push_back(forOp);
    std::optional<APInt> trips = forOp.getStaticTripCount();
    if (!trips || trips->ugt(1)) {
      if (!recordLoop)
        recordLoop = forOp;
      if (enoughWork && parallelMarked++ < kParallelLoops)
        forOp->setAttr(kParallelLoopAttrName, rewriter.getUnitAttr());
    }
  }
  // Innermost first: peeling a loop copies the loops inside it, which must
  // have their partial tiles settled by then (a copy made before would keep
  // a tile of dynamic size, which does not vectorize).
  for (scf::ForOp forOp : llvm::reverse(forLoops)) {
    // Threads sharing a loop would race on the recomputed outputs (a tile
    // may start from its initializer in memory).
    int64_t maxFraction = vectorRowLoop == forOp ? kMaxRecomputedVectorFraction
                                                 : kMaxRecomputedFraction;
    if (recomputable && !forOp->hasAttr(kParallelLoopAttrName) &&
        succeeded(shiftLastTile(rewriter, forOp, maxFraction)))
      continue;
    // The share of the op's iterations in the last, partial tile.
    std::optional<int64_t> lower = getConstantIntValue(forOp.getLowerBound()),
                           upper = getConstantIntValue(forOp.getUpperBound()),
                           step = getConstantIntValue(forOp.getStep());
    double partialShare = lower && upper && step && *upper > *lower
                              ? static_cast<double>((*upper - *lower) % *step) /
                                    static_cast<double>(*upper - *lower)
                              : 0.0;
    scf::ForOp partial;
    if (failed(scf::peelForLoopAndSimplifyBounds(rewriter, forOp, partial)) ||
        !partial)
      continue;
    // The peeled last tile is one iteration: the loops inside it usually
    // share too little work for a fork of the threads (wav2vec's k10 stem:
    // the last 4 of 3199 outputs). Not always: the last 4 of 196 positions
    // of an nchw 1x1 conv with 1024 output channels are 1 M multiply-adds
    // (one thread: 7% of ResNet-50 res4a's time at 2 threads). A part of a
    // partition shares the fork of the whole.
    if (std::max(work * partialShare, partitionWork) <
        static_cast<double>(minParallelWork))
      partial.getBody()->walk(
          [](scf::ForOp inner) { inner->removeAttr(kParallelLoopAttrName); });
  }
  return recordLoop;
}

/// Narrows the kernel loops of `tiled` (a core tile, before its reductions
/// are tiled) to the taps inside the input, where kPaddedTapsAttrName says
/// which dims reach into the zero padding and the tile holds one output
/// along them: the rest multiply zeros. Returns, per loop of `tiled`, the
/// bounds to give its kernel loop (null where unchanged).
static SmallVector<std::pair<Value, Value>>
tapsInsideInput(RewriterBase &rewriter, linalg::LinalgOp tiled) {
  SmallVector<std::pair<Value, Value>> bounds(tiled.getNumLoops());
  SmallVector<PaddedWindowDim> taps = getPaddedTaps(tiled);
  if (taps.empty())
    return bounds;
  auto window = tiled.getDpsInputs()[0].getDefiningOp<tensor::ExtractSliceOp>();
  if (!window)
    return bounds;
  SmallVector<int64_t> ranges = tiled.getStaticLoopRanges();
  Location loc = tiled.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  for (const PaddedWindowDim &tap : taps) {
    int64_t kernelLoop = tap.kernelLoop, outputLoop = tap.outputLoop,
            dim = tap.inputDim, dilation = tap.dilation, padLow = tap.padLow,
            size = tap.inputSize;
    if (outputLoop >= static_cast<int64_t>(ranges.size()) ||
        kernelLoop >= static_cast<int64_t>(ranges.size()) ||
        ranges[outputLoop] != 1 ||
        dim >= static_cast<int64_t>(window.getMixedOffsets().size()))
      continue;
    // The window of the one output starts at input row `start` of the
    // padded input (the sum of the offsets of the slices it was cut by: a
    // core split into column parts reads a slice of it); tap k reads
    // start + k*d, inside the input for padLow <= start + k*d < padLow +
    // size.
    AffineExpr s0 = getAffineSymbolExpr(0, ctx);
    OpFoldResult sum = rewriter.getIndexAttr(0);
    for (auto slice = window; slice;
         slice = slice.getSource().getDefiningOp<tensor::ExtractSliceOp>()) {
      if (slice.getSourceType().getRank() != slice.getType().getRank())
        break;
      sum = affine::makeComposedFoldedAffineApply(
          rewriter, loc, s0 + getAffineSymbolExpr(1, ctx),
          {sum, slice.getMixedOffsets()[dim]});
    }
    Value start = getValueOrCreateConstantIndexOp(rewriter, loc, sum);
    AffineMap lower = AffineMap::get(
        0, 1, {getAffineConstantExpr(0, ctx), (padLow - s0).ceilDiv(dilation)},
        ctx);
    AffineMap upper =
        AffineMap::get(0, 1,
                       {getAffineConstantExpr(ranges[kernelLoop], ctx),
                        (padLow + size - s0).ceilDiv(dilation)},
                       ctx);
    bounds[kernelLoop] = {
        affine::AffineMaxOp::create(rewriter, loc, lower, ValueRange{start}),
        affine::AffineMinOp::create(rewriter, loc, upper, ValueRange{start})};
  }
  return bounds;
}

/// Tiles the reduction loops of every tiled core copy, as the schedule it
/// carries says.
static LogicalResult tileReductionLoops(RewriterBase &rewriter,
                                        Operation *scope) {
  SmallVector<Operation *> cores;
  scope->walk([&](linalg::LinalgOp op) {
    if (op->hasAttr(kTiledCoreAttr))
      cores.push_back(op);
  });
  for (Operation *tiled : cores) {
    auto given = ConvSchedule::fromAttr(
        tiled->getAttrOfType<DictionaryAttr>(kTiledCoreAttr),
        cast<linalg::LinalgOp>(tiled));
    if (failed(given))
      return failure();
    const ConvSchedule &schedule = *given;
    SmallVector<unsigned> reductionDims;
    for (auto [i, size] : llvm::enumerate(schedule.reduce))
      if (size != 0)
        reductionDims.push_back(i);
    scf::SCFTilingOptions options;
    options.setTileSizes(asIndexAttrs(rewriter, schedule.reduce));
    options.setReductionDims(reductionDims);
    rewriter.setInsertionPoint(tiled);
    SmallVector<std::pair<Value, Value>> tapBounds =
        tapsInsideInput(rewriter, cast<linalg::LinalgOp>(tiled));
    auto reduced =
        scf::tileUsingSCF(rewriter, cast<TilingInterface>(tiled), options);
    if (failed(reduced))
      return tiled->emitError("tiling the reduction loops failed");
    rewriter.replaceOp(tiled, reduced->replacements);
    reduced->tiledOps.back()->setAttr(kTiledCoreAttr, rewriter.getUnitAttr());
    // One loop per reduction dimension, in order.
    for (auto [dim, loop] : llvm::zip(reductionDims, reduced->loops)) {
      loop->setAttr(kReductionLoopAttr, rewriter.getUnitAttr());
      auto forOp = dyn_cast<scf::ForOp>(loop.getOperation());
      if (tapBounds[dim].first && forOp && schedule.reduce[dim] == 1) {
        forOp.setLowerBound(tapBounds[dim].first);
        forOp.setUpperBound(tapBounds[dim].second);
      }
      if (!schedule.unroll.empty() && schedule.unroll[dim] != 0)
        loop->setAttr(kUnrollLoopAttrName, rewriter.getUnitAttr());
    }
  }
  return success();
}

/// The canonicalization patterns of `dialects`: every op's and the
/// dialect's own (linalg folds tensor.cast into its ops at dialect level).
static void addCanonicalizations(RewritePatternSet &patterns,
                                 ArrayRef<StringRef> dialects) {
  MLIRContext *context = patterns.getContext();
  for (StringRef name : dialects)
    if (Dialect *dialect = context->getLoadedDialect(name))
      dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : context->getRegisteredOperations())
    if (llvm::is_contained(dialects, op.getDialectNamespace()))
      op.getCanonicalizationPatterns(patterns, context);
}

/// Folds the constants peeling leaves (affine.min of a partial tile) into
/// static slice and op shapes.
static FrozenRewritePatternSet shapeFoldingPatterns(MLIRContext *context) {
  RewritePatternSet patterns(context);
  addCanonicalizations(patterns, {"tensor", "linalg", "arith", "affine", "scf"});
  return FrozenRewritePatternSet(std::move(patterns));
}

/// After tiling, the core and its initializers have unit dims everywhere but
/// on the register tile; dropping them turns the core into a plain
/// matmul-shaped generic the vectorizer maps onto one vector.contract.
static void dropUnitDims(RewriterBase &rewriter, Operation *scope) {
  SmallVector<linalg::GenericOp> generics;
  scope->walk([&](linalg::GenericOp op) {
    if (op->hasAttr(kTiledCoreAttr) || op->hasAttr(kTiledInitAttr))
      generics.push_back(op);
  });
  linalg::ControlDropUnitDims control;
  control.rankReductionStrategy =
      linalg::ControlDropUnitDims::RankReductionStrategy::ExtractInsertSlice;
  for (linalg::GenericOp op : generics) {
    rewriter.setInsertionPoint(op);
    auto dropped = linalg::dropUnitDims(rewriter, op, control);
    if (failed(dropped))
      continue;
    for (NamedAttribute attr : op->getDiscardableAttrs())
      dropped->resultOp->setAttr(attr.getName(), attr.getValue());
    rewriter.replaceOp(op, dropped->replacements);
  }
}

/// A strided convolution reads its input tile as in[s * ow + c]: no
/// projected permutation, so the vectorizer refuses it. Reading the tile
/// through a strided extract_slice instead (every s-th element) makes the
/// access in'[ow], a plain operand of a matmul-shaped generic.
static void sliceStridedInputs(RewriterBase &rewriter, Operation *scope) {
  SmallVector<linalg::GenericOp> generics;
  scope->walk([&](linalg::GenericOp op) {
    if (op->hasAttr(kTiledCoreAttr) && op.hasPureTensorSemantics() &&
        !op.hasDynamicShape())
      generics.push_back(op);
  });
  for (linalg::GenericOp op : generics) {
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    bool changed = false;
    for (OpOperand *operand : op.getDpsInputOperands()) {
      AffineMap map = maps[operand->getOperandNumber()];
      auto type = dyn_cast<RankedTensorType>(operand->get().getType());
      if (!type || !type.hasStaticShape())
        continue;
      SmallVector<AffineExpr> results(map.getResults());
      SmallVector<int64_t> strides(type.getRank(), 1);
      SmallVector<int64_t> sizes(type.getShape());
      bool strided = false;
      for (auto [i, expr] : llvm::enumerate(results)) {
        auto mul = dyn_cast<AffineBinaryOpExpr>(expr);
        if (!mul || mul.getKind() != AffineExprKind::Mul)
          continue;
        auto dim = dyn_cast<AffineDimExpr>(mul.getLHS());
        auto factor = dyn_cast<AffineConstantExpr>(mul.getRHS());
        if (!dim || !factor || factor.getValue() <= 1)
          continue;
        int64_t count = bounds[dim.getPosition()];
        if (factor.getValue() * (count - 1) + 1 > type.getDimSize(i))
          continue;
        strides[i] = factor.getValue();
        sizes[i] = count;
        results[i] = dim;
        strided = true;
      }
      if (!strided)
        continue;
      rewriter.setInsertionPoint(op);
      SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
      Value sliced = tensor::ExtractSliceOp::create(
          rewriter, op.getLoc(), operand->get(), offsets,
          getAsIndexOpFoldResult(rewriter.getContext(), sizes),
          getAsIndexOpFoldResult(rewriter.getContext(), strides));
      rewriter.modifyOpInPlace(op, [&] { operand->set(sliced); });
      maps[operand->getOperandNumber()] =
          AffineMap::get(map.getNumDims(), map.getNumSymbols(), results,
                         op.getContext());
      changed = true;
    }
    if (changed)
      rewriter.modifyOpInPlace(op, [&] {
        op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
      });
  }
}

/// The tiled cores carrying `mark` (a form TileAndVectorize vectorizes by
/// hand), with static shapes.
static SmallVector<linalg::GenericOp> tiledCoresMarked(Operation *scope,
                                                       StringRef mark) {
  SmallVector<linalg::GenericOp> ops;
  scope->walk([&](linalg::GenericOp op) {
    if (op->hasAttr(kTiledCoreAttr) && op->hasAttr(mark) &&
        op.hasPureTensorSemantics() && !op.hasDynamicShape())
      ops.push_back(op);
  });
  return ops;
}

/// True when `op` computes out += in * weight: two inputs, one output, a
/// body of one multiply and one add.
static bool isMultiplyAccumulate(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return false;
  SmallVector<Operation *> body;
  for (Operation &nested : op.getRegion().front().without_terminator())
    body.push_back(&nested);
  return body.size() == 2 && isa<arith::MulFOp>(body[0]) &&
         isa<arith::AddFOp>(body[1]);
}

/// A LaneRotation core tile (ConvSchedule.h) with its unit dims dropped:
/// out[w, g*q + o] += in[w, g*q + i] * wt[g, i, o] over m groups of q
/// channels, m*q lanes in all. The vectorizer would make that a contraction
/// batched over g: m products q lanes wide. Here each position's m*q inputs
/// are one vector, and for each r in [0, q) that vector rotated by r within
/// every group's q lanes, times wt[g, (o + r) mod q, o] (shuffled once per
/// tile from the loaded weights), accumulates into the position's outputs:
/// q full-vector FMAs and q - 1 in-lane shuffles per position and tap,
/// where merged block-diagonal weights took m*q FMAs (ResNeXt's 4-channel
/// groups: 16 of which 12 multiplied zeros).
static void vectorizeLaneRotations(RewriterBase &rewriter, Operation *scope) {
  MLIRContext *ctx = scope->getContext();
  for (linalg::GenericOp op : tiledCoresMarked(scope, kLaneRotationAttrName)) {
    unsigned numLoops = op.getNumLoops();
    if (!isMultiplyAccumulate(op) || (numLoops != 3 && numLoops != 4))
      continue;
    // Loops (w, g, o, i), or (g, o, i) for a tile one position wide.
    bool row = numLoops == 4;
    unsigned g = row ? 1 : 0;
    int64_t q = op->getAttrOfType<IntegerAttr>(kLaneRotationAttrName).getInt();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> in{d(g) * q + d(g + 2)}, out{d(g) * q + d(g + 1)};
    if (row) {
      in.insert(in.begin(), d(0));
      out.insert(out.begin(), d(0));
    }
    SmallVector<AffineMap> expected{
        AffineMap::get(numLoops, 0, in, ctx),
        AffineMap::get(numLoops, 0, {d(g), d(g + 2), d(g + 1)}, ctx),
        AffineMap::get(numLoops, 0, out, ctx)};
    if (op.getIndexingMapsArray() != expected)
      continue;
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    int64_t positions = row ? bounds[0] : 1, m = bounds[g];
    if (bounds[g + 1] != q || bounds[g + 2] != q)
      continue;
    int64_t lanes = m * q;

    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    Type f32 = rewriter.getF32Type();
    Value zero =
        arith::ConstantOp::create(rewriter, loc, rewriter.getF32FloatAttr(0));
    auto readAll = [&](Value tensor) -> Value {
      auto type = cast<RankedTensorType>(tensor.getType());
      SmallVector<Value> indices(
          type.getRank(), arith::ConstantIndexOp::create(rewriter, loc, 0));
      SmallVector<bool> inBounds(type.getRank(), true);
      return vector::TransferReadOp::create(
          rewriter, loc, VectorType::get(type.getShape(), f32), tensor, indices,
          zero, inBounds);
    };
    auto flat = [&](Value vector, ArrayRef<int64_t> shape) -> Value {
      return vector::ShapeCastOp::create(rewriter, loc,
                                         VectorType::get(shape, f32), vector);
    };
    Value output = op.getDpsInits()[0];
    Value inputs = flat(readAll(op.getDpsInputs()[0]), {positions, lanes});
    // Each group's q x q weights are contiguous: read as m rows of q*q.
    Value groupWeights = tensor::CollapseShapeOp::create(
        rewriter, loc, op.getDpsInputs()[1],
        ArrayRef<ReassociationIndices>{{0}, {1, 2}});
    Value weights = flat(readAll(groupWeights), {m * q * q});
    Value accumulators = flat(readAll(output), {positions, lanes});
    // Lane (group j, output o) of rotation r: weight (j, (o + r) mod q, o)
    // and input (j, (o + r) mod q).
    SmallVector<Value> rotatedWeights;
    SmallVector<SmallVector<int64_t>> rotations;
    for (int64_t r = 0; r < q; ++r) {
      SmallVector<int64_t> weightLanes, inputLanes;
      for (int64_t j = 0; j < m; ++j)
        for (int64_t o = 0; o < q; ++o) {
          weightLanes.push_back(j * q * q + ((o + r) % q) * q + o);
          inputLanes.push_back(j * q + (o + r) % q);
        }
      rotatedWeights.push_back(vector::ShuffleOp::create(rewriter, loc, weights,
                                                         weights, weightLanes));
      rotations.push_back(inputLanes);
    }
    for (int64_t w = 0; w < positions; ++w) {
      Value x = vector::ExtractOp::create(rewriter, loc, inputs, w);
      Value sum = vector::ExtractOp::create(rewriter, loc, accumulators, w);
      for (int64_t r = 0; r < q; ++r) {
        Value rotated = r == 0 ? x
                               : vector::ShuffleOp::create(rewriter, loc, x, x,
                                                           rotations[r])
                                     .getResult();
        sum = vector::FMAOp::create(rewriter, loc, rotated, rotatedWeights[r],
                                    sum);
      }
      accumulators =
          vector::InsertOp::create(rewriter, loc, sum, accumulators, w);
    }
    auto outType = cast<RankedTensorType>(output.getType());
    Value result = flat(accumulators, outType.getShape());
    SmallVector<Value> indices(
        outType.getRank(), arith::ConstantIndexOp::create(rewriter, loc, 0));
    SmallVector<bool> inBounds(outType.getRank(), true);
    auto write = vector::TransferWriteOp::create(rewriter, loc, result, output,
                                                 indices, inBounds);
    rewriter.replaceOp(op, write.getResult());
  }
}

/// A FlatChannels core tile (ConvSchedule.h), before its reductions are
/// tiled: loops (n, o..., oc, k..., ic), one output position but along the
/// last spatial dim (W of them) and all C channels, which are W*C
/// consecutive floats: V = W*C/L vectors of L lanes. Vector v's lane l is
/// output (position p, channel c) with v*L + l = p*C + c; its accumulator
/// takes, per tap and input channel i, the weights of its lanes' channels
/// (a shuffle of the weight row w[k, i, 0:C], one per vector of the
/// pattern's period) times its lanes' inputs (a broadcast of in[p, i], or
/// two positions' broadcasts blended where a vector spans two). The
/// reduction loops are built here, the accumulators carried through them
/// in registers.
static void vectorizeFlatChannels(RewriterBase &rewriter, Operation *scope) {
  MLIRContext *ctx = scope->getContext();
  for (linalg::GenericOp op : tiledCoresMarked(scope, kFlatChannelsAttrName)) {
    unsigned numLoops = op.getNumLoops();
    if (!isMultiplyAccumulate(op) || numLoops < 5 || (numLoops - 3) % 2 != 0)
      continue;
    unsigned r = (numLoops - 3) / 2;
    unsigned row = r, oc = r + 1, ic = 2 * r + 2;
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    int64_t lanes =
        op->getAttrOfType<IntegerAttr>(kFlatChannelsAttrName).getInt();
    int64_t width = bounds[row], channels = bounds[oc];
    bool onePosition = true;
    for (unsigned i = 0; i < row; ++i)
      onePosition &= bounds[i] == 1;
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    // The weight row of a tap and input channel: its channels innermost.
    AffineMap weightMap = maps[1];
    bool channelsInnermost =
        weightMap.getNumResults() >= 1 &&
        weightMap.getResults().back() == getAffineDimExpr(oc, ctx);
    for (AffineExpr expr : weightMap.getResults().drop_back())
      channelsInnermost &= !expr.isFunctionOfDim(oc);
    if (!onePosition || !channelsInnermost || (width * channels) % lanes != 0 ||
        maps[2] !=
            AffineMap::getMultiDimMapWithTargets(
                numLoops, llvm::to_vector(llvm::seq<unsigned>(oc + 1)), ctx))
      continue;
    int64_t vectors = width * channels / lanes;
    int64_t period = lanes / std::gcd(channels, lanes) * channels / lanes;
    int64_t step = 1;
    if (auto schedule = ConvSchedule::fromAttr(
            op->getAttrOfType<DictionaryAttr>(kTiledCoreAttr), op);
        succeeded(schedule) && schedule->reduce[ic] > 0 &&
        bounds[ic] % schedule->reduce[ic] == 0)
      step = schedule->reduce[ic];

    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    Type f32 = rewriter.getF32Type();
    auto vectorType = VectorType::get({lanes}, f32);
    auto index = [&](int64_t value) -> Value {
      return arith::ConstantIndexOp::create(rewriter, loc, value);
    };
    // The output tile as V rows of L lanes, and back.
    auto outType = cast<RankedTensorType>(op.getDpsInits()[0].getType());
    ReassociationIndices all;
    for (int64_t d = 0; d < outType.getRank(); ++d)
      all.push_back(d);
    auto flatType = RankedTensorType::get({vectors, lanes}, f32);
    auto lineType = RankedTensorType::get({vectors * lanes}, f32);
    auto toRows = [&](Value tile) -> Value {
      Value line = tensor::CollapseShapeOp::create(
          rewriter, loc, tile, ArrayRef<ReassociationIndices>{all});
      return tensor::ExpandShapeOp::create(
          rewriter, loc, flatType, line,
          ArrayRef<ReassociationIndices>{{0, 1}});
    };
    auto fromRows = [&](Value rows) -> Value {
      Value line = tensor::CollapseShapeOp::create(
          rewriter, loc, lineType, rows,
          ArrayRef<ReassociationIndices>{{0, 1}});
      return tensor::ExpandShapeOp::create(rewriter, loc, outType, line,
                                           ArrayRef<ReassociationIndices>{all});
    };
    // Start from the fused initializer's value where it is a fill (then the
    // fill's own destination takes the result), else from the tile.
    Value destination = op.getDpsInits()[0];
    SmallVector<Value> initial;
    auto fill = destination.getDefiningOp<linalg::FillOp>();
    if (fill && fill->hasOneUse()) {
      Value splat = vector::BroadcastOp::create(rewriter, loc, vectorType,
                                                fill.getInputs()[0]);
      initial.assign(vectors, splat);
      destination = fill.getDpsInits()[0];
    } else {
      fill = nullptr;
      Value zero =
          arith::ConstantOp::create(rewriter, loc, rewriter.getF32FloatAttr(0));
      Value rows = vector::TransferReadOp::create(
          rewriter, loc, VectorType::get({vectors, lanes}, f32),
          toRows(destination), ValueRange{index(0), index(0)}, zero,
          ArrayRef<bool>{true, true});
      for (int64_t v = 0; v < vectors; ++v)
        initial.push_back(vector::ExtractOp::create(rewriter, loc, rows, v));
    }
    // Lane l of the period's vector t takes channel (t*L + l) mod C.
    SmallVector<SmallVector<int64_t>> weightLanes(period);
    for (int64_t t = 0; t < period; ++t)
      for (int64_t l = 0; l < lanes; ++l)
        weightLanes[t].push_back((t * lanes + l) % channels);

    SmallVector<Value> lbs, ubs, steps;
    for (unsigned i = 0; i < r; ++i) {
      lbs.push_back(index(0));
      ubs.push_back(index(bounds[oc + 1 + i]));
      steps.push_back(index(1));
    }
    lbs.push_back(index(0));
    ubs.push_back(index(bounds[ic]));
    steps.push_back(index(step));
    Value input = op.getDpsInputs()[0], weights = op.getDpsInputs()[1];
    auto nest = scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps, initial,
        [&](OpBuilder &b, Location loc, ValueRange ivs,
            ValueRange accumulators) -> scf::ValueVector {
          SmallVector<Value> sums(accumulators);
          Value zeroIndex = arith::ConstantIndexOp::create(b, loc, 0);
          // The op's loop values at (position, input channel).
          auto point = [&](int64_t position, Value channel) {
            SmallVector<Value> dims(numLoops, zeroIndex);
            dims[row] = arith::ConstantIndexOp::create(b, loc, position);
            for (unsigned i = 0; i < r; ++i)
              dims[oc + 1 + i] = ivs[i];
            dims[ic] = channel;
            return dims;
          };
          auto indices = [&](AffineMap map, ArrayRef<Value> dims) {
            SmallVector<Value> result;
            for (AffineExpr expr : map.getResults())
              result.push_back(affine::makeComposedAffineApply(
                                   b, loc, AffineMap::get(numLoops, 0, expr),
                                   getAsOpFoldResult(ValueRange(dims)))
                                   .getResult());
            return result;
          };
          Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
          for (int64_t j = 0; j < step; ++j) {
            Value channel = arith::AddIOp::create(
                b, loc, ivs.back(), arith::ConstantIndexOp::create(b, loc, j));
            Value weightRow = vector::TransferReadOp::create(
                b, loc, VectorType::get({channels}, f32), weights,
                indices(weightMap, point(0, channel)), zero,
                ArrayRef<bool>{true});
            SmallVector<Value> pattern;
            for (int64_t t = 0; t < period; ++t)
              pattern.push_back(vector::ShuffleOp::create(
                  b, loc, weightRow, weightRow, weightLanes[t]));
            SmallVector<Value> broadcasts(width);
            auto broadcastAt = [&](int64_t position) {
              if (!broadcasts[position]) {
                Value scalar = tensor::ExtractOp::create(
                    b, loc, input, indices(maps[0], point(position, channel)));
                broadcasts[position] =
                    vector::BroadcastOp::create(b, loc, vectorType, scalar);
              }
              return broadcasts[position];
            };
            for (int64_t v = 0; v < vectors; ++v) {
              int64_t first = v * lanes / channels,
                      last = (v * lanes + lanes - 1) / channels;
              Value inputs = broadcastAt(first);
              for (int64_t position = first + 1; position <= last; ++position) {
                SmallVector<int64_t> mask;
                for (int64_t l = 0; l < lanes; ++l)
                  mask.push_back(
                      (v * lanes + l) / channels == position ? lanes + l : l);
                inputs = vector::ShuffleOp::create(b, loc, inputs,
                                                   broadcastAt(position), mask);
              }
              sums[v] = vector::FMAOp::create(b, loc, inputs,
                                              pattern[v % period], sums[v]);
            }
          }
          return sums;
        });
    Value rows = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(VectorType::get({vectors, lanes}, f32),
                               rewriter.getF32FloatAttr(0)));
    for (int64_t v = 0; v < vectors; ++v)
      rows = vector::InsertOp::create(rewriter, loc, nest.results[v], rows, v);
    Value written =
        vector::TransferWriteOp::create(
            rewriter, loc, rows, toRows(destination),
            ValueRange{index(0), index(0)}, ArrayRef<bool>{true, true})
            .getResult();
    rewriter.replaceOp(op, fromRows(written));
    if (fill && fill->use_empty())
      rewriter.eraseOp(fill);
  }
}

static void vectorizeLinalgOpsIn(RewriterBase &rewriter, Operation *scope) {
  SmallVector<linalg::LinalgOp> ops;
  scope->walk([&](linalg::LinalgOp op) {
    if ((op->hasAttr(kTiledCoreAttr) || op->hasAttr(kTiledInitAttr)) &&
        op.hasPureTensorSemantics() && !op.hasDynamicShape())
      ops.push_back(op);
  });
  for (linalg::LinalgOp op : ops) {
    // MLIR 22's vectorizer turns a tensor.extract in a tile of one element
    // (a deformable layer's one channel per group, or the one left over
    // after whole vectors) into a vector.gather with a scalar index, which
    // fails verification. A one-element tile gains nothing from vectors:
    // it stays a linalg op and becomes a scalar loop body.
    if (llvm::all_of(op.getStaticLoopRanges(),
                     [](int64_t extent) { return extent == 1; }) &&
        !op.getBlock()->getOps<tensor::ExtractOp>().empty())
      continue;
    rewriter.setInsertionPoint(op);
    // tensor.extract at computed indices (deformable sampling) is allowed:
    // reads at indices that do not change along the vector become
    // contiguous loads, others gathers.
    auto vectorized = linalg::vectorize(rewriter, op, /*inputVectorSizes=*/{},
                                        /*inputScalableVecDims=*/{},
                                        /*vectorizeNDExtract=*/true);
    if (succeeded(vectorized)) {
      if (op->getNumResults())
        rewriter.replaceOp(op, vectorized->replacements);
      else
        rewriter.eraseOp(op);
    }
  }
}

namespace {
/// The accumulator of a tile starts as the value its initializer (a fill or
/// bias broadcast, fused into the tile) wrote into the output tile; reading
/// it back through a rank-reducing slice hides that from the upstream
/// forwarding folds. Without this the initial value goes through memory,
/// and LLVM even turns the zero stores of every tile into one memset of the
/// whole output before the loops: an extra pass over memory.
///   %w = vector.transfer_write (broadcast %b | splat), %t   -- whole %t
///   %s = tensor.extract_slice %w[0...] (rank-reducing, same elements)
///   %r = vector.transfer_read %s[0...]                       -- whole %s
/// becomes %r = broadcast %b (or the splat) at the read's type.
struct ForwardInitializerThroughSlice
    : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    auto slice = read.getBase().getDefiningOp<tensor::ExtractSliceOp>();
    if (!slice)
      return failure();
    auto write = slice.getSource().getDefiningOp<vector::TransferWriteOp>();
    if (!write || write.getMask() || read.getMask())
      return failure();
    auto written = cast<RankedTensorType>(write.getBase().getType());
    auto sliced = slice.getType();
    VectorType readType = read.getVectorType();
    bool wholeWrite = written.hasStaticShape() &&
                      write.getVectorType().getShape() == written.getShape() &&
                      write.getPermutationMap().isMinorIdentity() &&
                      llvm::all_of(write.getIndices(), isZeroInteger);
    bool wholeRead = sliced.hasStaticShape() &&
                     readType.getShape() == sliced.getShape() &&
                     read.getPermutationMap().isMinorIdentity() &&
                     llvm::all_of(read.getIndices(), isZeroInteger);
    bool sameElements = slice.hasZeroOffset() && slice.hasUnitStride() &&
                        sliced.getNumElements() == written.getNumElements();
    if (!wholeWrite || !wholeRead || !sameElements)
      return failure();
    Value value = write.getVector();
    if (auto splat = value.getDefiningOp<arith::ConstantOp>()) {
      auto dense = dyn_cast<SplatElementsAttr>(splat.getValue());
      if (!dense)
        return failure();
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(
          read, SplatElementsAttr::get(readType,
                                       dense.getSplatValue<Attribute>()));
      return success();
    }
    if (auto broadcast = value.getDefiningOp<vector::BroadcastOp>()) {
      // A value that varies along the innermost dim only (a bias vector,
      // maybe with unit dims in front) reads the same at any position of
      // the others: broadcast it to the read's shape.
      auto source = dyn_cast<VectorType>(broadcast.getSourceType());
      VectorType written = write.getVectorType();
      if (!source || source.getRank() == 0 || readType.getRank() == 0 ||
          written.getRank() == 0 ||
          llvm::any_of(source.getShape().drop_back(),
                       [](int64_t size) { return size != 1; }) ||
          source.getShape().back() != written.getShape().back() ||
          source.getShape().back() != readType.getShape().back() ||
          vector::isBroadcastableTo(source, readType) !=
              vector::BroadcastableToResult::Success)
        return failure();
      rewriter.replaceOpWithNewOp<vector::BroadcastOp>(read, readType,
                                                       broadcast.getSource());
      return success();
    }
    return failure();
  }
};

/// True when `write` stores a vector of exactly the shape of its (static)
/// destination at offset zero: it overwrites every element.
static bool overwritesAll(vector::TransferWriteOp write) {
  auto type = dyn_cast<RankedTensorType>(write.getBase().getType());
  return type && type.hasStaticShape() && !write.getMask() &&
         write.getVectorType().getShape() == type.getShape() &&
         write.getPermutationMap().isMinorIdentity() &&
         llvm::all_of(write.getIndices(), isZeroInteger);
}

/// Once the accumulator no longer reads the initializer's values (see
/// ForwardInitializerThroughSlice), writing them into the output tile is
/// dead: the tile's result overwrites every element. Retarget the result's
/// write (and the insert of the tile) at the tile as it was before the
/// initializer, so the initializer's write disappears.
///   %w = vector.transfer_write %init, %t          -- whole %t
///   %s = tensor.extract_slice %w[0...]             -- same elements
///   %r = vector.transfer_write %acc, %s            -- whole %s, only use
/// becomes %s = tensor.extract_slice %t[0...].
struct SkipOverwrittenInitializer
    : OpRewritePattern<vector::TransferWriteOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::TransferWriteOp write,
                                PatternRewriter &rewriter) const override {
    if (!overwritesAll(write))
      return failure();
    auto slice = write.getBase().getDefiningOp<tensor::ExtractSliceOp>();
    // Nothing may read the slice's values: this write must be its only use.
    if (!slice || !slice.hasZeroOffset() || !slice.hasUnitStride() ||
        !slice->hasOneUse())
      return failure();
    auto init = slice.getSource().getDefiningOp<vector::TransferWriteOp>();
    if (!init || !overwritesAll(init) ||
        slice.getType().getNumElements() !=
            cast<RankedTensorType>(init.getBase().getType()).getNumElements())
      return failure();
    rewriter.modifyOpInPlace(slice, [&] {
      slice.getSourceMutable().assign(init.getBase());
    });
    return success();
  }
};

/// insert_slice %tile into %w where %w is a whole overwrite of %t and the
/// insert covers all of %w: insert into %t instead (the write is dead).
struct SkipOverwrittenDestination : OpRewritePattern<tensor::InsertSliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::InsertSliceOp insert,
                                PatternRewriter &rewriter) const override {
    auto init = insert.getDest().getDefiningOp<vector::TransferWriteOp>();
    if (!init || !overwritesAll(init) || !insert.hasZeroOffset() ||
        !insert.hasUnitStride() ||
        insert.getSourceType().getNumElements() !=
            insert.getDestType().getNumElements())
      return failure();
    rewriter.modifyOpInPlace(insert, [&] {
      insert.getDestMutable().assign(init.getBase());
    });
    return success();
  }
};
} // namespace

static FrozenRewritePatternSet vectorCleanupPatterns(MLIRContext *context) {
  RewritePatternSet patterns(context);
  patterns.add<ForwardInitializerThroughSlice>(context);
  vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
  vector::populateVectorReductionToContractPatterns(patterns);
  vector::populateSinkVectorOpsPatterns(patterns);
  addCanonicalizations(patterns, {"vector", "tensor", "arith", "scf", "affine"});
  return FrozenRewritePatternSet(std::move(patterns));
}

static FrozenRewritePatternSet
overwrittenInitializerPatterns(MLIRContext *context) {
  RewritePatternSet patterns(context);
  patterns.add<SkipOverwrittenInitializer, SkipOverwrittenDestination>(context);
  addCanonicalizations(patterns, {"vector", "tensor"});
  return FrozenRewritePatternSet(std::move(patterns));
}

namespace {
struct TileAndVectorizePass
    : public convjit::impl::ConvjitTileAndVectorizeBase<TileAndVectorizePass> {
  using Base::Base;

  /// A loop the lowering marked for the threads to share (an nchw depthwise
  /// layer's blocks of channels) keeps its mark only when all its
  /// iterations together are enough work for a fork of the team, counted
  /// as for a tile loop (tileParallelLoops): a 7x7x32 layer forked for its
  /// two blocks ran 2.5x slower at 2 threads than at 1.
  void unmarkSmallParallelLoops() {
    getOperation().walk([&](scf::ForOp loop) {
      if (!loop->hasAttr(kParallelLoopAttrName))
        return;
      std::optional<APInt> trips = loop.getStaticTripCount();
      if (!trips)
        return;
      double work = 0;
      loop.getBody()->walk([&](linalg::LinalgOp op) {
        if (!op->hasAttr(kScheduleAttrName))
          return;
        double count =
            iterationCount(op, static_cast<double>(minParallelWork.getValue()));
        work +=
            op.getNumReductionLoops() == 0 ? count * kCopyWorkFactor : count;
      });
      if (work * static_cast<double>(trips->getZExtValue()) <
          static_cast<double>(minParallelWork.getValue()))
        loop->removeAttr(kParallelLoopAttrName);
    });
  }

  // Built once per pass instance, which the JIT keeps for the whole
  // process, instead of on every run: collecting every registered op's
  // canonicalizations and freezing them three times took ~1.5 M
  // instructions per compile (of ~36 M for this pass on a 3x3 conv).
  LogicalResult initialize(MLIRContext *context) override {
    shapeFolding = shapeFoldingPatterns(context);
    vectorCleanup = vectorCleanupPatterns(context);
    overwrittenInitializers = overwrittenInitializerPatterns(context);
    return success();
  }

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> cores;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kScheduleAttrName))
        cores.push_back(op);
    });
    unmarkSmallParallelLoops();
    llvm::SmallDenseMap<Attribute, double> partitionWork;
    for (linalg::LinalgOp core : cores)
      if (Attribute partition = core->getAttr(kPartitionAttr);
          partition && threads > 1)
        partitionWork[partition] += iterationCount(
            core, static_cast<double>(minParallelWork.getValue()));
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp core : cores) {
      auto given = ConvSchedule::fromAttr(
          core->getAttrOfType<DictionaryAttr>(kScheduleAttrName), core);
      if (failed(given))
        return signalPassFailure();
      ConvSchedule schedule = *given;
      auto recordLoop = tileParallelLoops(
          rewriter, core, schedule, minParallelWork,
          partitionWork.lookup(core->getAttr(kPartitionAttr)));
      if (failed(recordLoop))
        return signalPassFailure();
      // The loop nest records what was applied, for --emit=tiled and tests.
      if (*recordLoop)
        (*recordLoop)->setAttr(kScheduleAttrName,
                               schedule.toAttr(&getContext()));
    }
    // The rest works on every tiled core at once: run per core, each step
    // would walk the whole function again (a depthwise layer's nine border
    // regions made that quadratic).
    Operation *scope = getOperation();
    (void)applyPatternsGreedily(scope, shapeFolding, sweepConfig());
    vectorizeFlatChannels(rewriter, scope);
    if (failed(tileReductionLoops(rewriter, scope)))
      return signalPassFailure();
    dropUnitDims(rewriter, scope);
    (void)applyPatternsGreedily(scope, shapeFolding, sweepConfig());
    sliceStridedInputs(rewriter, scope);
    vectorizeLaneRotations(rewriter, scope);
    vectorizeLinalgOpsIn(rewriter, scope);
    (void)applyPatternsGreedily(scope, vectorCleanup, sweepConfig());
    // Innermost first, so the accumulator climbs out of every reduction
    // loop into registers. Only reduction loops: a tile loop's reads and
    // writes move with it, and proving that (ValueBounds, Presburger sets)
    // cost an eighth of this pass on a depthwise layer's 33 loops.
    SmallVector<scf::ForOp> loops;
    scope->walk([&](scf::ForOp loop) {
      if (loop->hasAttr(kReductionLoopAttr))
        loops.push_back(loop);
    });
    for (scf::ForOp loop : loops)
      (void)hoistLoopInvariantSubsets(rewriter, loop);
    (void)applyPatternsGreedily(scope, vectorCleanup, sweepConfig());
    // Only after the hoisting: before it, the accumulator's initial read
    // still goes through the initializer's write.
    (void)applyPatternsGreedily(scope, overwrittenInitializers, sweepConfig());
    scope->walk([](Operation *op) {
      op->removeAttr(kTiledCoreAttr);
      op->removeAttr(kPaddedTapsAttrName);
      op->removeAttr(kLaneRotationAttrName);
      op->removeAttr(kFlatChannelsAttrName);
      op->removeAttr(kTiledInitAttr);
      op->removeAttr(kReductionLoopAttr);
      op->removeAttr(kReluResultAttr);
    });
  }

private:
  FrozenRewritePatternSet shapeFolding, vectorCleanup, overwrittenInitializers;
};
} // namespace
