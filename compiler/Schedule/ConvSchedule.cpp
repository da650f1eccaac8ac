//===- ConvSchedule.cpp - Register tiles from the target's facts ---------===//

#include "Schedule/ConvSchedule.h"

#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <cmath>
#include <numeric>

using namespace mlir;
using namespace convjit;

IntegerAttr convjit::newPartition(Operation *op) {
  Operation *scope = op->getParentOfType<FunctionOpInterface>();
  if (!scope)
    scope = op;
  int64_t last = 0;
  scope->walk([&](Operation *tagged) {
    if (auto id = tagged->getAttrOfType<IntegerAttr>(kPartitionAttr))
      last = std::max(last, id.getInt());
  });
  return IntegerAttr::get(IntegerType::get(op->getContext(), 64), last + 1);
}

DictionaryAttr ConvSchedule::toAttr(MLIRContext *context) const {
  Builder b(context);
  SmallVector<NamedAttribute> entries{
      b.getNamedAttr("tile", b.getDenseI64ArrayAttr(tile)),
      b.getNamedAttr("reduce", b.getDenseI64ArrayAttr(reduce)),
      b.getNamedAttr("interchange", b.getDenseI64ArrayAttr(interchange)),
  };
  if (llvm::any_of(unroll, [](int64_t u) { return u != 0; }))
    entries.push_back(b.getNamedAttr("unroll", b.getDenseI64ArrayAttr(unroll)));
  return b.getDictionaryAttr(entries);
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
      failed(read("interchange", schedule.interchange)) ||
      (attr.contains("unroll") && failed(read("unroll", schedule.unroll))))
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
    if (!schedule.unroll.empty() && schedule.unroll[i] != 0 &&
        (parallel || schedule.reduce[i] != 1))
      return op->emitError("schedule: 'unroll' loop ")
             << i << " is not a reduction loop of step 1";
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

int64_t convjit::tileExtent(int64_t extent, int64_t limit, int64_t tunedWidth) {
  if (tunedWidth)
    return std::min(tunedWidth, extent);
  int64_t divisor = largestDivisorAtMost(extent, limit);
  return 2 * divisor >= limit ? divisor : std::min(limit, extent);
}

namespace {
/// A register tile: `vectors` vectors of output channels for each of
/// `width` output positions, as `blocks` channel blocks of `channels`.
struct RegisterTile {
  int64_t vectors = 1;
  int64_t channels = 1; // vectors * lanes / blocks, or all when fewer
  int64_t width = 1;
  int64_t blocks = 1;
};
} // namespace

/// The register tile for `channels` output channels and an output row of
/// `row` positions, from a model of one reduction step of a W x V tile: W
/// broadcast inputs and V weight vectors loaded, W*V FMAs into as many
/// accumulators, which with the weights and one broadcast must fit the
/// registers. A step takes as long as the slowest of its FMAs on the FMA
/// pipes, its loads on the load ports, and the FMA latency (each
/// accumulator is a dependent chain). A width that does not divide the row
/// leaves a narrower tile at its end (the tiler peels it off), which takes
/// a latency-bound step of its own: on a 7-wide row, 6 + 1 positions cost
/// more than 4 + 3. The tile with the fewest cycles per output vector over
/// the whole row wins, then the one with the fewest loads. (The autotuner
/// found these remainders: before they were modelled, 4 + 3 beat the
/// model's 6 + 1 by 15% on ResNet-50's res5b, a 7x7-pixel layer.) A
/// tuning's width and vector count, where they fit, are the only
/// candidates.
static RegisterTile chooseRegisterTile(int64_t channels, int64_t row,
                                       const TargetInfo &target,
                                       bool allowBlockTiles,
                                       const ScheduleTuning &tuning) {
  // Zen 3-5 (and recent Intel cores): two FMA pipes of 4 cycles' latency,
  // two vector loads per cycle.
  constexpr double kFmaPipes = 2, kFmaLatency = 4, kLoadPorts = 2;
  int64_t lanes = target.f32Lanes();
  int64_t registers = target.vectorRegisters;
  // Near the latency bound the FMAs of a step issue with gaps: on Zen 5 a
  // 4 x 2 tile of zmm accumulators (8 chains, as many as two pipes of
  // latency 4 hold) ran at 86% of the peak, 5 x 2 at 95%, 6 x 2 and wider
  // at 99-100%; a smooth maximum fits those within 2%. That prefers
  // 10 + 10 + 8 to 12 + 12 + 4 on a row of 28 (3% faster on ResNet-50's
  // res3b) and 7 + 7 to 10 + 4 on 14 (5%, res4a). AVX2 tiles keep the
  // plain maximum they were measured with on Zen 3.
  bool smoothLatency = lanes >= 16;
  auto stepCycles = [&](int64_t width, int64_t vectors) {
    double fmas = width * vectors / kFmaPipes;
    double issue =
        smoothLatency
            ? std::pow(std::pow(fmas, 5) + std::pow(kFmaLatency, 5), 1.0 / 5)
            : std::max(fmas, kFmaLatency);
    return std::max(issue, (width + vectors) / kLoadPorts);
  };
  RegisterTile best;
  double bestCycles = 0, bestLoads = 0;
  bool found = false;
  auto consider = [&](int64_t vectors, int64_t width, int64_t blocks) {
    int64_t full = row / width, rest = row % width;
    double outputs = static_cast<double>(row * vectors);
    double cycles = (full * stepCycles(width, vectors) +
                     (rest ? stepCycles(rest, vectors) : 0)) /
                    outputs;
    double loads =
        (full * (width + vectors) + (rest ? rest + vectors : 0)) / outputs;
    if (!found || cycles < bestCycles - 1e-9 ||
        (cycles < bestCycles + 1e-9 && loads < bestLoads - 1e-9)) {
      best = {vectors, vectors * lanes / blocks, width, blocks};
      bestCycles = cycles;
      bestLoads = loads;
      found = true;
    }
  };
  // Power-of-two vector counts as one block: LLVM legalizes a 3-vector-wide
  // value (vector<24xf32> on AVX2) with shuffles, which costs more than it
  // saves. Three vectors are three blocks of one vector instead (a
  // vector<Wx3x8xf32> tile: legal vectors only), where the core can be
  // blocked; considered last, so that ties keep a power of two.
  //
  // The step model ties every tile that keeps both FMA pipes busy, and its
  // tie-break (fewest loads) favours the widest tile the registers hold.
  // On Zen 5 (32 zmm registers) those lost to narrower ones in every layer
  // timed: 4 vectors x 6 positions ran 0.70-0.95x of 2 x 7-12 (ResNet-50
  // res2a 3x3, res4a 1x1, res5b 3x3), and 2 x 14 (28 accumulators) 0.87x of
  // 2 x 8. So the model keeps the accumulators to 3/4 of the registers and
  // a 4-vector tile to a tuning that asks for it. Not with 16 registers
  // (AVX2), where the widest tiles that fit are the ones measured best.
  bool wideRegisterFile = registers > 16;
  int64_t accumulatorLimit = wideRegisterFile ? registers * 3 / 4 : registers;
  // The tuning's width, or every width the registers hold.
  auto considerWidths = [&](int64_t vectors, int64_t blocks) {
    if (tuning.width) {
      consider(vectors, std::min(tuning.width, row), blocks);
      return;
    }
    int64_t widthLimit =
        std::min({(registers - vectors - 1) / vectors,
                  std::max<int64_t>(1, accumulatorLimit / vectors), row});
    for (int64_t width = widthLimit; width >= 1; --width)
      consider(vectors, width, blocks);
  };
  for (int64_t vectors : {1, 2, 4, 3}) {
    int64_t blocks = vectors == 3 ? 3 : 1;
    if (channels % (vectors * lanes) != 0 || (blocks > 1 && !allowBlockTiles))
      continue;
    if (tuning.vectors ? vectors != tuning.vectors
                       : vectors == 4 && wideRegisterFile)
      continue;
    considerWidths(vectors, blocks);
  }
  if (found)
    return best;
  // More channels than a vector but no whole number of vectors dividing
  // them: tiles of one or two whole vectors, the channels left over a
  // narrower tile that the tiler peels off (24 = 16 + 8 on AVX-512). One
  // tile of all of them would carry a vector<24xf32> per position around
  // the reduction loop, which LLVM legalizes element by element on AVX-512
  // (MobileNetV2's 24-channel projection ran at 44 GFLOPS so).
  if (channels > lanes) {
    for (int64_t vectors : {1, 2})
      if (vectors * lanes <= channels &&
          (!tuning.vectors || vectors == tuning.vectors))
        considerWidths(vectors, 1);
    if (found)
      return best;
  }
  if (!tuning.isModel()) // the tuning does not fit these channels
    return chooseRegisterTile(channels, row, target, allowBlockTiles, {});
  // Fewer channels than a vector: one tile of all of them (a partial
  // vector), as wide as the registers allow.
  int64_t vectors = (channels + lanes - 1) / lanes;
  int64_t widthLimit = std::max<int64_t>(1, (registers - vectors - 1) / vectors);
  return {vectors, channels, std::min(widthLimit, row)};
}

/// The width of a FlatChannels tile (ConvSchedule.h) for `channels` output
/// channels that are no whole number of vectors and a row of `row`
/// positions, or 0 when none fits: a multiple of the positions whose
/// channels fill whole vectors (two for 24 channels on 16 lanes), at most
/// as many accumulators as a register tile holds, and the row's last,
/// narrower tile a multiple of that step too. As whole vectors with the
/// channels left over, 24 channels take a full and a half-empty FMA per
/// position (at most 75% of the peak); flat, a 16-position tile takes 24
/// full FMAs per input channel, two positions' inputs blended into every
/// third vector. On Zen 5, side by side: MobileNetV2's 144 -> 24
/// projection 175 -> 251 GFLOPS, a 3x3/2 conv to 24 channels 155 -> 216,
/// 40 channels (1x1 and 3x3) 1.17-1.19x. With fewer channels than a vector
/// every vector needs more than one position's input (8 channels: two
/// broadcasts and a blend per FMA): 0.91x at 8 channels, 0.72x at 12, so
/// the model keeps their partial vectors. Nor does it take the form on
/// AVX2 (channels a multiple of 4, not of 8), where it was not measured.
/// A tuning may ask for it anyway.
static int64_t flatChannelsWidth(int64_t channels, int64_t row,
                                 const TargetInfo &target,
                                 const ScheduleTuning &tuning) {
  int64_t lanes = target.f32Lanes();
  int64_t registers = target.vectorRegisters;
  if (channels % lanes == 0 || !tuning.flatChannels.value_or(true) ||
      ((channels < lanes || registers <= 16) && !tuning.flatChannels))
    return 0;
  int64_t step = lanes / std::gcd(channels, lanes);
  int64_t periodVectors = step * channels / lanes;
  int64_t accumulatorLimit =
      registers > 16 ? registers * 3 / 4 : registers - periodVectors - 2;
  int64_t widest = 0;
  for (int64_t width = step; width <= row; width += step) {
    if (width * channels / lanes > accumulatorLimit)
      break;
    if ((row % width) % step == 0 && (!tuning.width || width <= tuning.width))
      widest = width;
  }
  return widest;
}

/// The loop order: batch, then `outer` (channel blocks whose weights stay in
/// cache while the tile sweeps the outputs), then the output positions, the
/// remaining parallel loops and the reductions in order.
static SmallVector<int64_t> interchange(int64_t numLoops,
                                        ArrayRef<int64_t> outer,
                                        ArrayRef<int64_t> positions) {
  SmallVector<int64_t> order{0};
  order.append(outer.begin(), outer.end());
  order.append(positions.begin(), positions.end());
  for (int64_t loop = 1; loop < numLoops; ++loop)
    if (!llvm::is_contained(order, loop))
      order.push_back(loop);
  return order;
}

CoreChoice convjit::chooseCoreForm(linalg::LinalgOp op,
                                   const ConvCoreLoops &loops,
                                   const TargetInfo &target,
                                   const ScheduleTuning &tuning) {
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  unsigned r = loops.rank;
  int64_t row = bounds[loops.outSpatial(r - 1)];
  SmallVector<int64_t> positions;
  for (unsigned i = 0; i < r; ++i)
    positions.push_back(1 + i);
  CoreChoice choice;
  ConvSchedule &s = choice.schedule;
  auto init = [&](int64_t numLoops) {
    s.tile.assign(numLoops, 0);
    s.reduce.assign(numLoops, 0);
    s.tile[0] = 1;
    for (unsigned i = 0; i < r; ++i)
      s.tile[1 + i] = 1;
  };
  // A few input channels per reduction step: enough to unroll, few enough
  // that the loaded weight vectors leave the accumulators their registers.
  auto inputChannelStep = [&](int64_t channels) {
    return largestDivisorAtMost(
        channels, tuning.inputChannelStep ? tuning.inputChannelStep : 8);
  };

  if (!loops.grouped) {
    int64_t oc = bounds[loops.outChannel()];
    if (int64_t width = flatChannelsWidth(oc, row, target, tuning)) {
      choice.form = CoreForm::FlatChannels;
      init(loops.numLoops());
      s.tile[1 + r - 1] = width;
      s.tile[loops.outChannel()] = oc;
      for (unsigned i = 0; i < r; ++i)
        s.reduce[loops.kernel(i)] = 1;
      // One input channel is already a step of up to 24 FMAs: 4 per step
      // ran as fast as 8 or faster (MobileNetV2's projection 241 against
      // 234 GFLOPS) and compiled in 34 ms instead of 55.
      s.reduce[loops.inChannel()] = largestDivisorAtMost(
          bounds[loops.inChannel()],
          tuning.inputChannelStep ? tuning.inputChannelStep : 4);
      s.interchange = interchange(loops.numLoops(), {}, positions);
      return choice;
    }
    RegisterTile tile =
        chooseRegisterTile(oc, row, target, /*allowBlockTiles=*/true, tuning);
    // Tiles of whole vectors with channels left over are no blocks.
    bool blocked = tile.channels < oc && oc % tile.channels == 0;
    choice.form = blocked ? CoreForm::DenseBlocked : CoreForm::Dense;
    choice.blockSize = blocked ? tile.channels : 0;
    // Loop positions in the chosen form: a blocked core has ocb before oci.
    int64_t shift = blocked ? 1 : 0;
    int64_t numLoops = loops.numLoops() + shift;
    int64_t ocb = loops.outChannel(), oci = loops.outChannel() + shift;
    init(numLoops);
    s.tile[1 + r - 1] = tile.width;
    if (blocked)
      s.tile[ocb] = tile.blocks;
    s.tile[oci] = tile.channels;
    for (unsigned i = 0; i < r; ++i)
      s.reduce[loops.kernel(i) + shift] = 1;
    s.reduce[loops.inChannel() + shift] =
        inputChannelStep(bounds[loops.inChannel()]);
    // Channel blocks outermost keep each block's weights in cache while the
    // tile sweeps the outputs; the image is read once per block. When all
    // the weights fit in L1 anyway, the blocks go innermost instead: each
    // input tile is then read once for all of them, and the output is
    // written in order (a layer with few input channels and many outputs is
    // bound by those writes). Innermost too when both the weights and one
    // image exceed L2: outermost, every block reads the image from beyond
    // L2, whereas innermost a tile's input window stays in L1 for all the
    // blocks while the packed weights stream past in order (DeepLab's
    // dilated layers and wav2vec's 512-channel 1-D layer: 1.06-1.17x; the
    // layers where only one of the two exceeds L2 ran 3-6% slower so). Not
    // for a column input (deformable samples): no window to keep in L1.
    int64_t weightBytes = 4 * oc * bounds[loops.inChannel()];
    for (unsigned i = 0; i < r; ++i)
      weightBytes *= bounds[loops.kernel(i)];
    int64_t imageBytes = 4;
    for (int64_t size : cast<ShapedType>(op.getDpsInputs()[0].getType())
                            .getShape()
                            .drop_front())
      imageBytes *= size;
    bool windowInput = op.getIndexingMapsArray()[0].getNumResults() == r + 2;
    bool streamBoth = windowInput && weightBytes > target.l2Bytes &&
                      imageBytes > target.l2Bytes;
    bool blocksOuter = blocked && tuning.blocksOuter
                           ? *tuning.blocksOuter
                           : weightBytes > target.l1dBytes && !streamBoth;
    s.interchange = blocksOuter ? interchange(numLoops, {ocb}, positions)
                                : interchange(numLoops, {}, positions);
    return choice;
  }

  int64_t groups = bounds[loops.group()];
  int64_t ocg = bounds[loops.outChannel()];
  int64_t icg = bounds[loops.inChannel()];
  bool windowInput = op.getIndexingMapsArray()[0].getNumResults() == r + 3;
  if (ocg == 1 && icg == 1 && windowInput) {
    // Depthwise: loops (n, o..., c, k...) in the rewritten form.
    choice.form = CoreForm::Depthwise;
    SmallVector<int64_t> channelwise(bounds.begin(), bounds.begin() + r + 1);
    channelwise.push_back(groups);
    for (unsigned i = 0; i < r; ++i)
      channelwise.push_back(bounds[loops.kernel(i)]);
    choice.schedule =
        chooseChannelwiseSchedule(channelwise, r, target, tuning);
    return choice;
  }

  if (int64_t m = laneRotationGroups(groups, icg, ocg, target);
      m && windowInput) {
    // A vector of m groups' q channels per output position: the register
    // tile runs along the row, one vector wide; the group tiles innermost
    // (all their weights fit L1; a pixel's channels are read together).
    // Besides its accumulators a tile holds q rotated weight vectors and an
    // input's rotations; past half the registers left by those, LLVM spilled
    // (Zen 5, 56-wide rows: q = 4 best at 8-10 positions, 12 spilled and ran
    // 0.87x, 24 0.56x; q = 2 best at 14, q = 8 at 7).
    choice.form = CoreForm::LaneRotation;
    int64_t widthLimit = std::max<int64_t>(
        1, (static_cast<int64_t>(target.vectorRegisters) - 2 * icg) / 2 - 1);
    init(loops.numLoops());
    s.tile[1 + r - 1] = tileExtent(row, widthLimit, tuning.width);
    s.tile[loops.group()] = m;
    s.tile[loops.outChannel()] = ocg;
    for (unsigned i = 0; i < r; ++i)
      s.reduce[loops.kernel(i)] = 1;
    s.reduce[loops.inChannel()] = icg;
    s.interchange = interchange(loops.numLoops(), {}, positions);
    return choice;
  }

  // Other grouped cores: one group at a time, its output channels as the
  // register tile.
  choice.form = CoreForm::Grouped;
  RegisterTile tile =
      chooseRegisterTile(ocg, row, target, /*allowBlockTiles=*/false, tuning);
  init(loops.numLoops());
  s.tile[1 + r - 1] = tile.width;
  s.tile[loops.group()] = 1;
  s.tile[loops.outChannel()] = tile.channels;
  for (unsigned i = 0; i < r; ++i)
    s.reduce[loops.kernel(i)] = 1;
  s.reduce[loops.inChannel()] = inputChannelStep(icg);
  s.interchange =
      interchange(loops.numLoops(), {loops.group(), loops.outChannel()},
                  positions);
  return choice;
}

SmallVector<PaddedWindowDim> convjit::getPaddedTaps(Operation *op) {
  SmallVector<PaddedWindowDim> dims;
  auto attr = op->getAttrOfType<DenseI64ArrayAttr>(kPaddedTapsAttrName);
  if (!attr)
    return dims;
  ArrayRef<int64_t> v = attr.asArrayRef();
  for (size_t i = 0; i + 6 <= v.size(); i += 6)
    dims.push_back({v[i], v[i + 1], v[i + 2], v[i + 3], v[i + 4], v[i + 5]});
  return dims;
}

void convjit::setPaddedTaps(Operation *op, ArrayRef<PaddedWindowDim> dims) {
  if (dims.empty())
    return;
  SmallVector<int64_t> values;
  for (const PaddedWindowDim &d : dims)
    values.append({d.kernelLoop, d.outputLoop, d.inputDim, d.dilation, d.padLow,
                   d.inputSize});
  op->setAttr(kPaddedTapsAttrName,
              DenseI64ArrayAttr::get(op->getContext(), values));
}

int64_t convjit::laneRotationGroups(int64_t groups, int64_t inChannels,
                                    int64_t outChannels,
                                    const TargetInfo &target) {
  int64_t lanes = target.f32Lanes();
  if (inChannels != outChannels || inChannels < 2 || inChannels >= lanes ||
      lanes % inChannels != 0)
    return 0;
  int64_t m = lanes / inChannels;
  return groups % m == 0 ? m : 0;
}

ConvSchedule convjit::chooseChannelwiseSchedule(
    ArrayRef<int64_t> bounds, unsigned rank, const TargetInfo &target,
    const ScheduleTuning &tuning, ArrayRef<bool> unitStrideDims) {
  ConvSchedule s;
  int64_t numLoops = bounds.size();
  int64_t channels = bounds[rank + 1];
  // The register tile runs along the last spatial dim, or down a column: a
  // depthwise layer's left and right border regions are one output wide
  // and many tall, and a tile down the column lets vertically neighbouring
  // outputs share their input rows (stride 1 only; at stride 2 they share
  // one row in three, and the taller input window spilled: 8-11% slower).
  unsigned tiled = rank;
  while (tiled > 1 && bounds[tiled] == 1 &&
         tiled - 2 < unitStrideDims.size() && unitStrideDims[tiled - 2])
    --tiled;
  int64_t row = bounds[tiled];
  s.tile.assign(numLoops, 0);
  s.reduce.assign(numLoops, 0);
  for (unsigned i = 0; i <= rank; ++i)
    s.tile[i] = 1;
  int64_t lanes = target.f32Lanes();
  // The innermost window loop unrolled: neighbouring taps of neighbouring
  // outputs read the same input, which LLVM then loads once. That needs the
  // inputs of a whole row of taps in registers besides the accumulators, so
  // the tile is one vector of channels wide (MobileNetV2 3x3 depthwise
  // layers: 10-20% faster on Zen 3).
  int64_t window = bounds[rank + 1 + tiled];
  bool unrollWindow = tuning.unrollWindow.value_or(window <= 8);
  int64_t vectors = 1;
  // A power of two only: a vector<Wx48xf32> accumulator (3 zmm) carried
  // around the window loop is scalarized by LLVM (MobileNetV2's 56x56
  // layer: 5 GFLOPS).
  bool tunedVectors = tuning.vectors && llvm::isPowerOf2_64(tuning.vectors) &&
                      channels % (tuning.vectors * lanes) == 0;
  if (tunedVectors)
    vectors = tuning.vectors;
  else if (!unrollWindow)
    for (int64_t v : {2, 4, 1})
      if (channels % (v * lanes) == 0) {
        vectors = v;
        break;
      }
  s.tile[rank + 1] = channels % lanes == 0 ? vectors * lanes
                                           : std::min<int64_t>(channels, lanes);
  // Accumulators plus one loaded input per vector and the weights (with the
  // window unrolled: `width + window - 1` inputs).
  int64_t widthLimit =
      unrollWindow
          ? std::max<int64_t>(1, (target.vectorRegisters - window) / 2)
          : std::max<int64_t>(1, (target.vectorRegisters - 1) / vectors - 1);
  // Channels innermost: consecutive tiles walk memory in order. Outermost
  // when one vector of channels over the whole output plane is small (at
  // most half of L1; ~14x14 and less): each block's input plane then stays
  // in L1 while all its rows are computed, where channels innermost read
  // every input row once per output row that needs it, from L2 when a few
  // rows of all the channels do not fit L1. MobileNetV2 on Zen 5:
  // 384 x 14x14 112 -> 142 GFLOPS, 960 x 7x7 89 -> 136; no gain at 28x28 and
  // up, and at 112x112 channels outermost ran at 0.56x.
  // Not when the tile's positions, all the channels apart, reach too few L1
  // sets to keep the input rows a row of tiles reads (l1LinesAtStride: a
  // power-of-two channel count); channels innermost read each position's
  // lines together. Zen 5: 14x14x512 72 -> 117 GFLOPS, 7x7x1024 67 -> 83,
  // 28x28x256/2 49 -> 72.
  int64_t planeBytes = 4 * s.tile[rank + 1];
  for (unsigned i = 1; i <= rank; ++i)
    planeBytes *= bounds[i];
  bool rowStrided = tiled >= 2 && tiled - 2 < unitStrideDims.size() &&
                    !unitStrideDims[tiled - 2];
  bool tiledStrided =
      tiled - 1 < unitStrideDims.size() && !unitStrideDims[tiled - 1];
  // The window's extent along the dim above the tiled one (1 when none).
  int64_t windowRows = tiled >= 2 ? bounds[rank + tiled] : 1;
  int64_t inputRow = bounds[tiled] * (tiledStrided ? 2 : 1) + window - 1;
  bool rowsStayInL1 = l1LinesAtStride(4 * channels) >= windowRows * inputRow;
  bool smallPlane = 2 * planeBytes <= target.l1dBytes;
  bool channelsOuter = tuning.blocksOuter.value_or(smallPlane && rowsStayInL1);
  // Such a small plane at stride 2 takes two vectors of channels per tile
  // (MobileNetV1's 14x14x512/2 62 -> 92 GFLOPS, 28x28x256/2 71 -> 86; at
  // stride 1 two vectors ran 0.7-0.9x, and at 56x56 no faster).
  if (!tunedVectors && vectors == 1 && !channelsOuter && smallPlane &&
      !rowsStayInL1 && tiledStrided && channels % (2 * lanes) == 0) {
    vectors = 2;
    s.tile[rank + 1] = vectors * lanes;
  }
  s.tile[tiled] = tileExtent(row, widthLimit, tuning.width);
  for (unsigned i = 0; i < rank; ++i)
    s.reduce[rank + 2 + i] = 1;
  if (unrollWindow) {
    s.unroll.assign(numLoops, 0);
    s.unroll[rank + 1 + tiled] = 1;
  }
  // With channels innermost, two output rows per tile, the window
  // unrolled along them as well: LLVM then loads each input vector of the
  // tile once for both rows of outputs that need it, and an input row
  // comes into L1 once per two output rows instead of once per output row.
  // The model takes the R x W (R <= 2, at most 12 accumulators) with the
  // fewest input loads per output, (R + kh - 1)(W + kw - 1) / RW, for
  // windows of up to 3x3 (5x5 weights alone would take 25 registers):
  // 2 x 6. MobileNetV2's 3x3 depthwise layers on Zen 5, side by side:
  // 56x56x144 136 -> 169 GFLOPS, 112x112x32 146 -> 168, 28x28x192 125 ->
  // 158, the stride-2 ones at 112 and 56 76 -> 91 and 75 -> 82. Three
  // rows were faster on the 56x56 layer (180) but slower on the other two
  // (117, 104: LLVM kept too many inputs live). Not with channels outermost,
  // whose plane is in L1 already (14x14: 0.9-1.0x), nor with 16 registers
  // (AVX2), where the tile and the weights do not fit and which was not
  // measured.
  int64_t windowCols = window;
  bool rowsTileable = tiled == rank && rank >= 2 && unrollWindow;
  auto loadsPerOutput = [&](int64_t r, int64_t w) {
    return static_cast<double>((r + windowRows - 1) * (w + windowCols - 1)) /
           (r * w);
  };
  // At stride 2 two output rows share one input row in three, and the
  // second row pays only where it halves how often an input row comes into
  // L1: not when the input rows a row of tiles reads fit half of it anyway
  // (a 16-channel block of a 56x56 plane, ChannelBlockedDepthwise.h:
  // 56x56x144/2 66 -> 85 GFLOPS with one row, 5x5/2 134 -> 179, on Zen 5).
  int64_t rowInputBytes =
      4 * windowRows * row * (rowStrided ? 2 : 1) * channels;
  bool rowsPay = !rowStrided || 2 * rowInputBytes > target.l1dBytes;
  int64_t rows = 1, width = s.tile[tiled];
  if (rowsTileable &&
      (tuning.rows ||
       (!channelsOuter && !tuning.width && rowsPay &&
        windowRows * windowCols <= 9 && target.vectorRegisters > 16))) {
    // A tuning's rows (and width, if given) are the only candidates.
    int64_t available = bounds[tiled - 1];
    int64_t fewestRows = tuning.rows ? std::min(tuning.rows, available) : 1,
            mostRows =
                tuning.rows ? fewestRows : std::min<int64_t>(2, available);
    double fewest = 0;
    for (int64_t r = fewestRows; r <= mostRows; ++r)
      for (int64_t w = 1;
           w <= std::min<int64_t>(std::max<int64_t>(1, 12 / r), row); ++w) {
        if (tuning.width && w != std::min(tuning.width, row))
          continue;
        double loads = loadsPerOutput(r, w);
        if (!fewest || loads < fewest - 1e-9 ||
            (loads < fewest + 1e-9 && w > width)) {
          fewest = loads;
          rows = r;
          width = w;
        }
      }
  }
  // A narrower width that divides the row, within a tenth more loads per
  // output: the row's left-over tile would be one more unrolled body
  // (MobileNetV2's 3x3/2 layer at 112, 55 interior columns: 2 x 5 compiled
  // in 43 ms, 2 x 6 in 54).
  if (rows > 1 && !tuning.width && row % width != 0)
    for (int64_t w = width - 1; w > 1; --w)
      if (row % w == 0) {
        if (loadsPerOutput(rows, w) <= 1.1 * loadsPerOutput(rows, width))
          width = w;
        break;
      }
  if (rows > 1) {
    s.tile[tiled - 1] = rows;
    s.tile[tiled] = width;
    s.unroll[rank + tiled] = 1;
  }
  s.interchange.push_back(0);
  if (channelsOuter)
    s.interchange.push_back(rank + 1);
  for (int64_t loop = 1; loop < numLoops; ++loop)
    if (!channelsOuter || loop != rank + 1)
      s.interchange.push_back(loop);
  return s;
}

ConvSchedule convjit::choosePlanewiseSchedule(ArrayRef<int64_t> bounds,
                                              unsigned rank,
                                              const TargetInfo &target,
                                              const ScheduleTuning &tuning) {
  ConvSchedule s;
  int64_t numLoops = bounds.size();
  s.tile.assign(numLoops, 0);
  s.reduce.assign(numLoops, 0);
  s.unroll.assign(numLoops, 0);
  for (unsigned i = 0; i < rank + 2; ++i)
    s.tile[i] = 1;
  int64_t lanes = target.f32Lanes();
  unsigned rowDim = rank + 1;
  int64_t row = bounds[rowDim];
  // Each tap is one load and one FMA per accumulator (the weight one
  // broadcast): the accumulators may take all but a few registers. Two
  // vectors along the row unless one divides it better: the last tile of a
  // row is shifted back over the one before it (TileAndVectorize.cpp), and
  // recomputes what the width leaves over.
  auto leftOver = [&](int64_t width) {
    return row % width == 0 ? 0 : width - row % width;
  };
  int64_t vectors = tuning.vectors ? tuning.vectors
                    : row >= 2 * lanes && leftOver(2 * lanes) <= leftOver(lanes)
                        ? 2
                        : 1;
  s.tile[rowDim] = std::min(vectors * lanes, row);
  // Rows shorter than a vector (a border column) take one output at a
  // time: a tile of several rows would be a vector down the column, read
  // element by element.
  if (rank >= 2 && row >= lanes) {
    int64_t limit =
        std::max<int64_t>(1, (target.vectorRegisters - 4) / vectors);
    s.tile[rowDim - 1] = tileExtent(bounds[rowDim - 1], limit, tuning.width);
  }
  for (unsigned i = 0; i < rank; ++i)
    s.reduce[rank + 2 + i] = 1;
  // The taps along a row unrolled: no loop overhead between their loads.
  s.unroll[numLoops - 1] = 1;
  for (int64_t loop = 0; loop < numLoops; ++loop)
    s.interchange.push_back(loop);
  return s;
}
