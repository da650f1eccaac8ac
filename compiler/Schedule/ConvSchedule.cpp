//===- ConvSchedule.cpp - Register tiles from the target's facts ---------===//

#include "Schedule/ConvSchedule.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace convjit;

DictionaryAttr ConvSchedule::toAttr(MLIRContext *context) const {
  Builder b(context);
  return b.getDictionaryAttr({
      b.getNamedAttr("tile", b.getDenseI64ArrayAttr(tile)),
      b.getNamedAttr("reduce", b.getDenseI64ArrayAttr(reduce)),
      b.getNamedAttr("interchange", b.getDenseI64ArrayAttr(interchange)),
  });
}

FailureOr<ConvSchedule> ConvSchedule::fromAttr(DictionaryAttr attr,
                                               linalg::LinalgOp op) {
  ConvSchedule schedule;
  unsigned numLoops = op.getNumLoops();
  auto read = [&](StringRef key, SmallVector<int64_t> &into) -> LogicalResult {
    auto array = attr.getAs<DenseI64ArrayAttr>(key);
    if (!array)
      return op->emitError("schedule: '") << key << "' must be an array<i64>";
    if (array.size() != numLoops)
      return op->emitError("schedule: '")
             << key << "' has " << array.size() << " entries, the op has "
             << numLoops << " loops";
    if (llvm::any_of(array.asArrayRef(), [](int64_t v) { return v < 0; }))
      return op->emitError("schedule: '") << key << "' has a negative entry";
    into.assign(array.asArrayRef().begin(), array.asArrayRef().end());
    return success();
  };
  if (failed(read("tile", schedule.tile)) ||
      failed(read("reduce", schedule.reduce)) ||
      failed(read("interchange", schedule.interchange)))
    return failure();
  SmallVector<bool> seen(numLoops, false);
  for (int64_t loop : schedule.interchange) {
    if (loop >= numLoops || seen[loop])
      return op->emitError("schedule: 'interchange' is not a permutation");
    seen[loop] = true;
  }
  auto iterators = op.getIteratorTypesArray();
  for (unsigned i = 0; i < numLoops; ++i) {
    bool parallel = iterators[i] == utils::IteratorType::parallel;
    if ((parallel && schedule.reduce[i] != 0) ||
        (!parallel && schedule.tile[i] != 0))
      return op->emitError("schedule: loop ")
             << i << " is " << (parallel ? "parallel" : "a reduction")
             << "; tile it with '" << (parallel ? "tile" : "reduce") << "'";
  }
  return schedule;
}

FailureOr<ConvCoreLoops> convjit::analyzeConvCore(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return failure();
  auto outType = dyn_cast<RankedTensorType>(op.getDpsInits()[0].getType());
  auto weightType =
      dyn_cast<RankedTensorType>(op.getDpsInputs()[1].getType());
  if (!outType || !weightType)
    return failure();
  ConvCoreLoops loops;
  // Output (n, o..., oc) or (n, o..., g, ocg); weight (k..., ic, oc) or
  // (g, k..., icg, ocg).
  for (bool grouped : {false, true}) {
    unsigned rank = outType.getRank() - 2 - (grouped ? 1 : 0);
    if (rank < 1 || rank > 3 ||
        weightType.getRank() != rank + 2 + (grouped ? 1 : 0))
      continue;
    loops.rank = rank;
    loops.grouped = grouped;
    if (op.getNumLoops() != loops.numLoops())
      continue;
    auto iterators = op.getIteratorTypesArray();
    bool ok = true;
    for (int64_t i = 0; i < loops.numLoops(); ++i)
      ok &= (iterators[i] == utils::IteratorType::reduction) ==
            (i > loops.outChannel());
    if (!ok)
      continue;
    // The output map must be the identity on the parallel loops.
    AffineMap outMap = op.getIndexingMapsArray()[2];
    if (!outMap.isProjectedPermutation() ||
        outMap.getNumResults() != loops.outChannel() + 1)
      continue;
    for (unsigned i = 0; i < outMap.getNumResults(); ++i)
      ok &= outMap.getDimPosition(i) == i;
    if (ok && op.hasPureTensorSemantics() && outType.hasStaticShape())
      return loops;
  }
  return failure();
}

/// Largest divisor of `n` that is at most `limit`.
static int64_t largestDivisorAtMost(int64_t n, int64_t limit) {
  for (int64_t d = std::min(n, limit); d > 1; --d)
    if (n % d == 0)
      return d;
  return 1;
}

ConvSchedule convjit::chooseConvSchedule(linalg::LinalgOp op,
                                         const ConvCoreLoops &loops,
                                         const TargetInfo &target) {
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  int64_t numLoops = loops.numLoops();
  ConvSchedule schedule;
  schedule.tile.assign(numLoops, 0);
  schedule.reduce.assign(numLoops, 0);

  int64_t lanes = target.f32Lanes();
  int64_t registers = target.vectorRegisters;
  int64_t oc = bounds[loops.outChannel()];
  int64_t ow = bounds[loops.outSpatial(loops.rank - 1)];
  int64_t ic = bounds[loops.inChannel()];

  // The register tile: `vectors` accumulators of `lanes` output channels for
  // each of `width` output positions, plus one register per weight vector
  // and one for the broadcast input. Each reduction step loads `width`
  // inputs and `vectors` weight vectors for width*vectors FMAs, so the tile
  // that minimizes loads per FMA wins, among those with enough independent
  // accumulators to cover the FMA latency (4 cycles x 2 pipes on Zen 3-5).
  // Widths divide the output row so no remainder code is needed.
  constexpr int64_t kLatencyHidingAccumulators = 8;
  int64_t bestVectors = 0, bestWidth = 1;
  double bestLoadsPerFma = 0;
  bool bestHidesLatency = false;
  for (int64_t vectors = 1; vectors <= 4; ++vectors) {
    int64_t ocTile = vectors * lanes;
    if (oc % ocTile != 0)
      continue;
    int64_t widthLimit = (registers - vectors - 1) / vectors;
    if (widthLimit < 1)
      continue;
    int64_t width = largestDivisorAtMost(ow, widthLimit);
    double loadsPerFma =
        static_cast<double>(width + vectors) / static_cast<double>(width * vectors);
    bool hidesLatency = width * vectors >= kLatencyHidingAccumulators;
    bool better = bestVectors == 0 || (hidesLatency && !bestHidesLatency) ||
                  (hidesLatency == bestHidesLatency &&
                   loadsPerFma < bestLoadsPerFma - 1e-9);
    if (better) {
      bestVectors = vectors;
      bestWidth = width;
      bestLoadsPerFma = loadsPerFma;
      bestHidesLatency = hidesLatency;
    }
  }
  int64_t ocTile = bestVectors ? bestVectors * lanes : oc;

  schedule.tile[loops.n()] = 1;
  for (unsigned i = 0; i < loops.rank; ++i)
    schedule.tile[loops.outSpatial(i)] = 1;
  schedule.tile[loops.outSpatial(loops.rank - 1)] = bestWidth;
  if (loops.grouped)
    schedule.tile[loops.group()] = 1;
  schedule.tile[loops.outChannel()] = ocTile;

  for (unsigned i = 0; i < loops.rank; ++i)
    schedule.reduce[loops.kernel(i)] = 1;
  // A few input channels per step: enough to unroll, few enough that the
  // loaded weight vectors do not push accumulators out of registers.
  schedule.reduce[loops.inChannel()] = largestDivisorAtMost(ic, 8);

  // Output-channel blocks outermost: a block's weights stay in cache while
  // the tile sweeps every output position.
  schedule.interchange.push_back(loops.n());
  if (loops.grouped)
    schedule.interchange.push_back(loops.group());
  schedule.interchange.push_back(loops.outChannel());
  for (unsigned i = 0; i < loops.rank; ++i)
    schedule.interchange.push_back(loops.outSpatial(i));
  for (int64_t i = loops.outChannel() + 1; i < numLoops; ++i)
    schedule.interchange.push_back(i);
  return schedule;
}
