//===- TileAndVectorize.cpp - Register-tiled convolution cores ------------===//
//
// tile parallel loops (+ fuse the output's initializer) -> tile reductions ->
// drop unit dims -> vectorize to vector.contract -> hoist the accumulator.
//
//===----------------------------------------------------------------------===//

#include "Schedule/ConvSchedule.h"
#include "Schedule/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

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

namespace {
struct TiledCore {
  Operation *op = nullptr;                 // innermost tiled conv core
  /// The outermost loop that runs more than once (canonicalization folds
  /// the others away); null when none does.
  Operation *recordLoop = nullptr;
  SmallVector<Operation *> initOps;        // fused output initializers
  SmallVector<LoopLikeOpInterface> reductionLoops; // outermost first
  Operation *outermostLoop = nullptr;
};
} // namespace

static FailureOr<TiledCore> tileCore(RewriterBase &rewriter,
                                     linalg::LinalgOp core,
                                     const ConvSchedule &schedule) {
  TiledCore result;
  // 1. Parallel loops, pulling the op that initializes the output (fill or
  //    bias broadcast) into the tile: the accumulator then starts in
  //    registers instead of being read back from memory.
  scf::SCFTilingOptions parallelOptions;
  parallelOptions.setTileSizes(asIndexAttrs(rewriter, schedule.tile));
  parallelOptions.setInterchange(schedule.interchange);
  scf::SCFTileAndFuseOptions fuseOptions;
  fuseOptions.setTilingOptions(parallelOptions);
  fuseOptions.setFusionControlFn(
      [](tensor::ExtractSliceOp, OpResult producer,
         bool isDestination) -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        if (!isDestination || !isa<linalg::LinalgOp>(producer.getOwner()))
          return std::nullopt;
        return scf::SCFTileAndFuseOptions::ControlFnResult{};
      });
  rewriter.setInsertionPoint(core);
  auto fused = scf::tileConsumerAndFuseProducersUsingSCF(
      rewriter, cast<TilingInterface>(core.getOperation()), fuseOptions);
  if (failed(fused))
    return core->emitError("tiling the parallel loops failed");
  for (auto [original, replacement] : fused->replacements)
    rewriter.replaceAllUsesWith(original, replacement);
  rewriter.eraseOp(core);
  // The untiled initializers now only fed the erased core.
  for (Operation *producer : fused->fusedProducers)
    if (producer->use_empty())
      rewriter.eraseOp(producer);
  Operation *tiled = fused->tiledAndFusedOps.front();
  for (Operation *op : llvm::drop_begin(fused->tiledAndFusedOps))
    result.initOps.push_back(op);
  result.outermostLoop =
      fused->loops.empty() ? nullptr : fused->loops.front().getOperation();

  // 2. Reduction loops inside the tile.
  scf::SCFTilingOptions reductionOptions;
  reductionOptions.setTileSizes(asIndexAttrs(rewriter, schedule.reduce));
  SmallVector<unsigned> reductionDims;
  for (auto [i, size] : llvm::enumerate(schedule.reduce))
    if (size != 0)
      reductionDims.push_back(i);
  reductionOptions.setReductionDims(reductionDims);
  rewriter.setInsertionPoint(tiled);
  auto reduced = scf::tileUsingSCF(rewriter, cast<TilingInterface>(tiled),
                                   reductionOptions);
  if (failed(reduced))
    return tiled->emitError("tiling the reduction loops failed");
  rewriter.replaceOp(tiled, reduced->replacements);
  result.op = reduced->tiledOps.back();
  SmallVector<LoopLikeOpInterface> allLoops(fused->loops);
  allLoops.append(reduced->loops.begin(), reduced->loops.end());
  for (LoopLikeOpInterface loop : allLoops) {
    auto forOp = dyn_cast<scf::ForOp>(loop.getOperation());
    std::optional<APInt> trips = forOp ? forOp.getStaticTripCount() : std::nullopt;
    if (!trips || trips->ugt(1)) {
      result.recordLoop = loop.getOperation();
      break;
    }
  }
  result.reductionLoops = reduced->loops;
  if (!result.outermostLoop && !reduced->loops.empty())
    result.outermostLoop = reduced->loops.front().getOperation();
  return result;
}

/// After tiling, the core and its initializers have unit dims everywhere but
/// on the register tile; dropping them turns the core into a plain
/// matmul-shaped generic the vectorizer maps onto one vector.contract.
static void dropUnitDims(Operation *scope, ArrayRef<Operation *> ops) {
  llvm::SmallPtrSet<Operation *, 4> targets(ops.begin(), ops.end());
  linalg::ControlDropUnitDims control;
  control.rankReductionStrategy =
      linalg::ControlDropUnitDims::RankReductionStrategy::ExtractInsertSlice;
  auto defaultFn = control.controlFn;
  control.controlFn = [targets, defaultFn](Operation *op) {
    if (!targets.contains(op))
      return SmallVector<unsigned>{};
    return defaultFn(op);
  };
  RewritePatternSet patterns(scope->getContext());
  linalg::populateFoldUnitExtentDimsPatterns(patterns, control);
  (void)applyPatternsGreedily(scope, std::move(patterns));
}

/// A strided convolution reads its input tile as in[s * ow + c]: no
/// projected permutation, so the vectorizer refuses it. Reading the tile
/// through a strided extract_slice instead (every s-th element) makes the
/// access in'[ow], a plain operand of a matmul-shaped generic.
static void sliceStridedInputs(RewriterBase &rewriter, Operation *scope) {
  SmallVector<linalg::GenericOp> generics;
  scope->walk([&](linalg::GenericOp op) {
    if (op.hasPureTensorSemantics() && !op.hasDynamicShape())
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

static void vectorizeLinalgOpsIn(RewriterBase &rewriter, Operation *scope) {
  SmallVector<linalg::LinalgOp> ops;
  scope->walk([&](linalg::LinalgOp op) {
    if (op.hasPureTensorSemantics() && !op.hasDynamicShape())
      ops.push_back(op);
  });
  for (linalg::LinalgOp op : ops) {
    rewriter.setInsertionPoint(op);
    auto vectorized = linalg::vectorize(rewriter, op);
    if (succeeded(vectorized)) {
      if (op->getNumResults())
        rewriter.replaceOp(op, vectorized->replacements);
      else
        rewriter.eraseOp(op);
    }
  }
}

static void cleanUpVectors(Operation *scope) {
  RewritePatternSet patterns(scope->getContext());
  vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
  vector::populateVectorReductionToContractPatterns(patterns);
  vector::populateSinkVectorOpsPatterns(patterns);
  MLIRContext *context = scope->getContext();
  for (RegisteredOperationName name : context->getRegisteredOperations())
    if (name.getDialectNamespace() == "vector" ||
        name.getDialectNamespace() == "tensor" ||
        name.getDialectNamespace() == "arith" ||
        name.getDialectNamespace() == "scf" ||
        name.getDialectNamespace() == "affine")
      name.getCanonicalizationPatterns(patterns, context);
  (void)applyPatternsGreedily(scope, std::move(patterns));
}

namespace {
struct TileAndVectorizePass
    : public convjit::impl::ConvjitTileAndVectorizeBase<TileAndVectorizePass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> cores;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kConvCoreAttr) && op->hasAttr(kScheduleAttrName))
        cores.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp core : cores) {
      auto given = ConvSchedule::fromAttr(
          core->getAttrOfType<DictionaryAttr>(kScheduleAttrName), core);
      if (failed(given))
        return signalPassFailure();
      ConvSchedule schedule = *given;
      auto tiled = tileCore(rewriter, core, schedule);
      if (failed(tiled))
        return signalPassFailure();
      // The loop nest records what was applied, for --emit=tiled and tests.
      if (tiled->recordLoop)
        tiled->recordLoop->setAttr(kScheduleAttrName,
                                      schedule.toAttr(&getContext()));
      Operation *scope = tiled->outermostLoop ? tiled->outermostLoop
                                              : getOperation().getOperation();
      SmallVector<Operation *> targets{tiled->op};
      targets.append(tiled->initOps);
      dropUnitDims(scope, targets);
      sliceStridedInputs(rewriter, scope);
      vectorizeLinalgOpsIn(rewriter, scope);
      cleanUpVectors(scope);
      // Innermost first, so the accumulator climbs out of every reduction
      // loop into registers.
      SmallVector<scf::ForOp> reductionLoops;
      scope->walk([&](scf::ForOp loop) { reductionLoops.push_back(loop); });
      for (scf::ForOp loop : reductionLoops)
        (void)hoistLoopInvariantSubsets(rewriter, loop);
      cleanUpVectors(scope);
    }
  }
};
} // namespace
