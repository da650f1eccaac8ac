//===- BorderRegions.cpp - A channel-wise window op split at its borders --===//
//
// A channel-wise window op (depthwise core, pooling; channels-last, or a
// channels-first depthwise conv, PlanewiseDepthwise.h) reads its input once
// and does little per element: it runs at memory speed, and a padded copy of
// the whole input first costs about as much again. Splitting its outputs
// into the interior, whose windows stay inside the input, and the border
// avoids that copy: the interior reads the input itself.
//
// When the padding value adds nothing to the reduction (0 for a sum of
// products, -inf for a max), a border output's window is cropped instead of
// padded: along each dim the outputs fall into runs whose windows keep the
// same taps inside the input, and each combination of runs (for a 3x3 pad-1
// window: the interior, four edges, four corners) reads the unpadded input
// and the slice of the window it keeps. No padded copies at all: the border
// of MobileNetV2's 14x14 depthwise layer took longer than its interior
// through them. Runs alike in length and tap count whose offsets step
// evenly (the first and the last output of a symmetric pad) are one body in
// a loop over them: each border body cost about as much compile time as the
// interior, and a 3x3 pad-1 window needs four bodies, not nine.
//
// Otherwise (a padding value that counts, a window wholly in the padding, or
// more than nine bodies) the border is taken in bands dim by dim -- before
// and after the interior along dim 0 with every other dim whole, then along
// dim 1 within dim 0's interior, and so on: 2r+1 regions, each band padding
// a copy of its small input.
//
//===----------------------------------------------------------------------===//

#include "Schedule/BorderRegions.h"
#include "Schedule/ConvSchedule.h"

#include "Lowering/LoweringAttrs.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace convjit;

namespace {
/// One spatial dim of the window: output o reads input
/// o*stride + k*dilation - padLow for the taps k in [0, taps).
struct WindowDim {
  int64_t stride, dilation, taps, outputs, inputs, padLow;
  /// The outputs whose whole window lies inside the input.
  int64_t interiorBegin, interiorEnd;
};

/// Along one spatial dim, the outputs [begin, end) reading the window taps
/// [kernelBegin, kernelEnd); with count > 1, `count` such spans, the j-th
/// shifted by j*beginStep outputs and j*kernelStep taps.
struct Span {
  int64_t begin, end, kernelBegin, kernelEnd;
  int64_t count = 1, beginStep = 0, kernelStep = 0;
};

/// One span per spatial dim; computed by one body, in a loop over the
/// instances of its spans with count > 1.
using BorderRegion = SmallVector<Span>;
} // namespace

/// Whether the padding value of `pad` is the identity of `op`'s reduction,
/// so that taps reading it could be left out: 0 for a sum (of products),
/// -inf for a max. `op`'s body must be a single reduction of that kind.
static bool paddingAddsNothing(linalg::GenericOp op, tensor::PadOp pad) {
  auto constant =
      pad.getConstantPaddingValue().getDefiningOp<arith::ConstantOp>();
  auto value = constant ? dyn_cast<FloatAttr>(constant.getValue()) : nullptr;
  if (!value || op.getNumDpsInputs() != 2)
    return false;
  bool adds = false, maxes = false, other = false;
  for (Operation &nested : op.getRegion().front().without_terminator()) {
    if (isa<arith::AddFOp>(nested))
      adds = true;
    else if (isa<arith::MaximumFOp, arith::MaxNumFOp>(nested))
      maxes = true;
    else if (!isa<arith::MulFOp>(nested))
      other = true;
  }
  if (other || adds == maxes)
    return false;
  const APFloat &padding = value.getValue();
  return adds ? padding.isZero() : padding.isInfinity() && padding.isNegative();
}

/// The first spatial dim of `op`'s loops and tensors: 1 channels-last
/// (loops (n, o..., c, k...), tensors [n, s..., c]), 2 for a channels-first
/// depthwise conv (loops (n, c, o..., k...), tensors [n, c, s...]).
static unsigned firstSpatialDim(linalg::GenericOp op) {
  return op->hasAttr(kPlanewiseAttr) ? 2 : 1;
}

/// The window of `op` along each spatial dim, read off its input map
/// (n, o*s + k*d..., c), or (n, c, o*s + k*d...), and `pad`; failure for
/// any other form.
static FailureOr<SmallVector<WindowDim>> analyzeWindow(linalg::GenericOp op,
                                                       tensor::PadOp pad) {
  unsigned rank = (op.getNumLoops() - 2) / 2;
  unsigned first = firstSpatialDim(op);
  AffineMap inputMap = op.getIndexingMapsArray()[0];
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  ArrayRef<int64_t> lo = pad.getStaticLow();
  ArrayRef<int64_t> source = pad.getSourceType().getShape();
  SmallVector<WindowDim> dims;
  for (unsigned i = 0; i < rank; ++i) {
    AffineExpr expr = inputMap.getResult(first + i);
    int64_t stride = 0, dilation = 0;
    expr.walk([&](AffineExpr sub) {
      auto mul = dyn_cast<AffineBinaryOpExpr>(sub);
      if (!mul || mul.getKind() != AffineExprKind::Mul)
        return;
      auto dim = dyn_cast<AffineDimExpr>(mul.getLHS());
      auto factor = dyn_cast<AffineConstantExpr>(mul.getRHS());
      if (!dim || !factor)
        return;
      (dim.getPosition() == first + i ? stride : dilation) = factor.getValue();
    });
    if (stride == 0 && expr.isFunctionOfDim(first + i))
      stride = 1;
    if (dilation == 0 && expr.isFunctionOfDim(rank + 2 + i))
      dilation = 1;
    if (stride == 0 || dilation == 0)
      return failure();
    int64_t outputs = bounds[first + i], taps = bounds[rank + 2 + i];
    int64_t padLow = lo[first + i], inputs = source[first + i];
    int64_t reach = dilation * (taps - 1);
    // Outputs whose window [o*s - lo, o*s - lo + reach] lies inside.
    int64_t begin =
        std::min<int64_t>(outputs, llvm::divideCeilSigned(padLow, stride));
    int64_t end = std::clamp<int64_t>(
        llvm::divideFloorSigned(padLow + inputs - 1 - reach, stride) + 1, begin,
        outputs);
    dims.push_back(
        WindowDim{stride, dilation, taps, outputs, inputs, padLow, begin, end});
  }
  return dims;
}

/// The regions of a cropped border (file comment), the interior first; none
/// when some output's window lies wholly in the padding or the border would
/// need more than nine bodies (more cost more compile time than the padded
/// copies of the bands save).
static SmallVector<BorderRegion> croppedRegions(ArrayRef<WindowDim> dims) {
  SmallVector<SmallVector<Span>> spans(dims.size());
  int64_t bodies = 1;
  for (auto [window, dimSpans] : llvm::zip(dims, spans)) {
    SmallVector<Span> runs;
    for (int64_t o = 0; o < window.outputs; ++o) {
      int64_t first = o * window.stride - window.padLow; // tap 0's input
      int64_t kernelBegin = std::clamp<int64_t>(
          llvm::divideCeilSigned(-first, window.dilation), 0, window.taps);
      int64_t kernelEnd = std::clamp<int64_t>(
          llvm::divideFloorSigned(window.inputs - 1 - first, window.dilation) +
              1,
          0, window.taps);
      if (kernelBegin >= kernelEnd)
        return {};
      if (!runs.empty() && runs.back().kernelBegin == kernelBegin &&
          runs.back().kernelEnd == kernelEnd) {
        runs.back().end = o + 1;
        continue;
      }
      runs.push_back(Span{o, o + 1, kernelBegin, kernelEnd});
    }
    for (const Span &run : runs) {
      auto alike = llvm::find_if(dimSpans, [&](const Span &span) {
        return span.end - span.begin == run.end - run.begin &&
               span.kernelEnd - span.kernelBegin ==
                   run.kernelEnd - run.kernelBegin &&
               (span.count == 1 ||
                (run.begin == span.begin + span.count * span.beginStep &&
                 run.kernelBegin ==
                     span.kernelBegin + span.count * span.kernelStep));
      });
      if (alike == dimSpans.end()) {
        dimSpans.push_back(run);
        continue;
      }
      if (alike->count == 1) {
        alike->beginStep = run.begin - alike->begin;
        alike->kernelStep = run.kernelBegin - alike->kernelBegin;
      }
      ++alike->count;
    }
    bodies *= dimSpans.size();
  }
  if (bodies > 9)
    return {};
  SmallVector<BorderRegion> regions;
  for (int64_t index = 0; index < bodies; ++index) {
    BorderRegion region;
    bool wholeWindow = true;
    int64_t rest = index;
    for (auto [window, dimSpans] : llvm::zip(dims, spans)) {
      const Span &span = dimSpans[rest % dimSpans.size()];
      rest /= dimSpans.size();
      region.push_back(span);
      wholeWindow &= span.kernelBegin == 0 && span.kernelEnd == window.taps;
    }
    regions.insert(wholeWindow ? regions.begin() : regions.end(), region);
  }
  return regions;
}

/// The interior and the bands around it (file comment), the interior first.
static SmallVector<BorderRegion> bandRegions(ArrayRef<WindowDim> dims) {
  BorderRegion middle;
  for (const WindowDim &window : dims)
    middle.push_back(Span{0, window.outputs, 0, window.taps});
  SmallVector<BorderRegion> regions;
  for (auto [i, window] : llvm::enumerate(dims)) {
    BorderRegion front = middle, back = middle;
    front[i].begin = 0;
    front[i].end = window.interiorBegin;
    back[i].begin = window.interiorEnd;
    back[i].end = window.outputs;
    for (BorderRegion *band : {&front, &back})
      if ((*band)[i].begin < (*band)[i].end)
        regions.push_back(*band);
    middle[i].begin = window.interiorBegin;
    middle[i].end = window.interiorEnd;
  }
  regions.insert(regions.begin(), middle);
  return regions;
}

/// `op`'s second input (the window: weights or a pooling window's shape)
/// cut down to `tapSizes` taps from `tapOffsets` along each window dim.
static Value sliceWindow(OpBuilder &b, Location loc, linalg::GenericOp op,
                         unsigned rank, ArrayRef<OpFoldResult> tapOffsets,
                         ArrayRef<int64_t> tapSizes) {
  Value window = op.getDpsInputs()[1];
  auto type = cast<RankedTensorType>(window.getType());
  AffineMap map = op.getIndexingMapsArray()[1];
  SmallVector<OpFoldResult> offsets, sizes;
  bool whole = true;
  for (auto [d, expr] : llvm::enumerate(map.getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(expr);
    int64_t loop = dim ? dim.getPosition() : -1;
    bool tap = loop >= rank + 2 && loop < 2 * rank + 2;
    int64_t size = tap ? tapSizes[loop - rank - 2] : type.getDimSize(d);
    offsets.push_back(tap ? tapOffsets[loop - rank - 2] : b.getIndexAttr(0));
    sizes.push_back(b.getIndexAttr(size));
    whole &= size == type.getDimSize(d);
  }
  if (whole)
    return window;
  SmallVector<OpFoldResult> ones(type.getRank(), b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(b, loc, window, offsets, sizes, ones);
}

/// Computes one instance of `region` of `op` -- the one `instance` selects,
/// an index per spatial dim (null where the region's span has one
/// instance) -- into a tensor of its own, and returns `output` with it
/// inserted.
static Value buildRegion(OpBuilder &b, Location loc, linalg::GenericOp op,
                         tensor::PadOp pad, ArrayRef<WindowDim> dims,
                         const BorderRegion &region, ArrayRef<Value> instance,
                         Value output, IntegerAttr partition,
                         const TargetInfo &target,
                         const ScheduleTuning &tuning) {
  unsigned rank = dims.size();
  auto outType = cast<RankedTensorType>(output.getType());
  Type elementType = outType.getElementType();
  ArrayRef<int64_t> source = pad.getSourceType().getShape();
  // Offset base + j*step of instance j along spatial dim i.
  auto shifted = [&](unsigned i, int64_t base, int64_t step) -> OpFoldResult {
    if (!instance[i] || step == 0)
      return b.getIndexAttr(base);
    return affine::makeComposedFoldedAffineApply(
        b, loc, b.getAffineDimExpr(0) * step + base, {instance[i]});
  };
  // Output slice [n, region..., c] (or [n, c, region...]); the input window
  // it reads in the unpadded input, and the padding that window lacks; its
  // taps. Batch and channels are whole.
  unsigned first = firstSpatialDim(op);
  SmallVector<OpFoldResult> outOffsets, inOffsets, tapOffsets;
  SmallVector<int64_t> outSizes, inSizes, padLo, padHi, tapSizes;
  auto whole = [&](unsigned d) {
    outOffsets.push_back(b.getIndexAttr(0));
    outSizes.push_back(outType.getDimSize(d));
    inOffsets.push_back(b.getIndexAttr(0));
    inSizes.push_back(source[d]);
    padLo.push_back(0);
    padHi.push_back(0);
  };
  for (unsigned d = 0; d < first; ++d)
    whole(d);
  for (auto [i, window, span] : llvm::enumerate(dims, region)) {
    outOffsets.push_back(shifted(i, span.begin, span.beginStep));
    outSizes.push_back(span.end - span.begin);
    int64_t start = span.begin * window.stride +
                    window.dilation * span.kernelBegin - window.padLow;
    int64_t stop = (span.end - 1) * window.stride +
                   window.dilation * (span.kernelEnd - 1) + 1 - window.padLow;
    int64_t from = std::max<int64_t>(start, 0);
    int64_t to = std::min<int64_t>(stop, window.inputs);
    // Spans with instances are cropped: their windows lie inside (from ==
    // start), so the input shifts with the outputs and taps.
    inOffsets.push_back(shifted(i, from,
                                span.beginStep * window.stride +
                                    window.dilation * span.kernelStep));
    inSizes.push_back(std::max<int64_t>(to - from, 0));
    padLo.push_back(from - start);
    padHi.push_back(stop - start - padLo.back() - inSizes.back());
    tapOffsets.push_back(shifted(i, span.kernelBegin, span.kernelStep));
    tapSizes.push_back(span.kernelEnd - span.kernelBegin);
  }
  for (unsigned d = first + rank; d < rank + 2; ++d)
    whole(d);
  SmallVector<OpFoldResult> ones(rank + 2, b.getIndexAttr(1));
  SmallVector<int64_t> paddedShape;
  for (unsigned d = 0; d < rank + 2; ++d)
    paddedShape.push_back(inSizes[d] + padLo[d] + padHi[d]);

  Value input;
  if (llvm::is_contained(inSizes, 0)) {
    // Windows entirely in the padding (a pad wider than the kernel's
    // reach): the region reads the pad value only.
    Value empty = tensor::EmptyOp::create(b, loc, paddedShape, elementType);
    input = linalg::FillOp::create(b, loc, pad.getConstantPaddingValue(), empty)
                .getResult(0);
  } else {
    input = tensor::ExtractSliceOp::create(
        b, loc, pad.getSource(), inOffsets,
        getAsIndexOpFoldResult(b.getContext(), inSizes), ones);
    if (llvm::any_of(padLo, [](int64_t p) { return p != 0; }) ||
        llvm::any_of(padHi, [](int64_t p) { return p != 0; }))
      input = tensor::PadOp::create(
          b, loc, RankedTensorType::get(paddedShape, elementType), input,
          getAsIndexOpFoldResult(b.getContext(), padLo),
          getAsIndexOpFoldResult(b.getContext(), padHi),
          pad.getConstantPaddingValue());
  }

  // The region computes into a tensor of its own, starting from the op's
  // initial value there. Inserted into the output, that tensor is what
  // eliminate-empty-tensors turns into the region's part of the caller's
  // buffer (a slice of `output` here would hide the output behind a chain
  // of slices of one empty tensor: a temporary and a copy of the output).
  Value init = op.getDpsInits()[0];
  Value outSlice = tensor::EmptyOp::create(b, loc, outSizes, elementType);
  Value regionInit;
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    regionInit =
        linalg::FillOp::create(b, loc, fill.getInputs(), ValueRange{outSlice})
            .getResult(0);
  } else if (auto broadcast = init.getDefiningOp<linalg::BroadcastOp>()) {
    regionInit =
        linalg::BroadcastOp::create(b, loc, broadcast.getInput(), outSlice,
                                    broadcast.getDimensions())
            .getResult()[0];
  } else {
    Value initSlice = tensor::ExtractSliceOp::create(
        b, loc, init, outOffsets,
        getAsIndexOpFoldResult(b.getContext(), outSizes), ones);
    regionInit =
        linalg::CopyOp::create(b, loc, initSlice, outSlice).getResult(0);
  }
  // The op itself (maps, body, attributes) on the region's operands.
  SmallVector<Value> operands(op.getDpsInputs());
  operands[0] = input;
  operands[1] = sliceWindow(b, loc, op, rank, tapOffsets, tapSizes);
  operands.push_back(regionInit);
  auto copy = clone(b, op, TypeRange{regionInit.getType()}, operands);
  SmallVector<bool> unitStride = llvm::map_to_vector(
      dims, [](const WindowDim &window) { return window.stride == 1; });
  ConvSchedule schedule =
      first == 2 ? choosePlanewiseSchedule(copy.getStaticLoopRanges(), rank,
                                           target, tuning)
                 : chooseChannelwiseSchedule(copy.getStaticLoopRanges(), rank,
                                             target, tuning, unitStride);
  copy->setAttr(kScheduleAttrName, schedule.toAttr(b.getContext()));
  copy->setAttr(kPartitionAttr, partition);
  return tensor::InsertSliceOp::create(
      b, loc, copy.getResult(0), output, outOffsets,
      getAsIndexOpFoldResult(b.getContext(), outSizes), ones);
}

void convjit::splitPaddedBorders(RewriterBase &rewriter, linalg::GenericOp op,
                                 const TargetInfo &target,
                                 const ScheduleTuning &tuning) {
  auto pad = op.getDpsInputs()[0].getDefiningOp<tensor::PadOp>();
  if (!pad || !pad.getConstantPaddingValue() ||
      ShapedType::isDynamicShape(pad.getStaticLow()) ||
      ShapedType::isDynamicShape(pad.getStaticHigh()) ||
      !pad.getSourceType().hasStaticShape())
    return;
  FailureOr<SmallVector<WindowDim>> dims = analyzeWindow(op, pad);
  if (failed(dims))
    return;
  bool allInterior = true, emptyInterior = false;
  for (const WindowDim &window : *dims) {
    allInterior &=
        window.interiorBegin == 0 && window.interiorEnd == window.outputs;
    emptyInterior |= window.interiorBegin >= window.interiorEnd;
  }
  if (allInterior || emptyInterior)
    return; // nothing to gain: no border, or no interior

  SmallVector<BorderRegion> regions;
  if (paddingAddsNothing(op, pad))
    regions = croppedRegions(*dims);
  if (regions.empty())
    regions = bandRegions(*dims);

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  auto outType = cast<RankedTensorType>(op.getDpsInits()[0].getType());
  Value output = tensor::EmptyOp::create(rewriter, loc, outType.getShape(),
                                         outType.getElementType());
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  IntegerAttr partition = newPartition(op);
  for (const BorderRegion &region : regions) {
    SmallVector<Value> lbs, ubs, steps;
    SmallVector<unsigned> loopDims;
    for (auto [i, span] : llvm::enumerate(region)) {
      if (span.count == 1)
        continue;
      loopDims.push_back(i);
      lbs.push_back(zero);
      ubs.push_back(arith::ConstantIndexOp::create(rewriter, loc, span.count));
      steps.push_back(one);
    }
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps, ValueRange{output},
        [&](OpBuilder &b, Location loc, ValueRange ivs,
            ValueRange carried) -> scf::ValueVector {
          SmallVector<Value> instance(dims->size());
          for (auto [dim, iv] : llvm::zip(loopDims, ivs))
            instance[dim] = iv;
          return {buildRegion(b, loc, op, pad, *dims, region, instance,
                              carried.front(), partition, target, tuning)};
        });
    for (scf::ForOp loop : nest.loops)
      loop->setAttr(kIndependentLoopAttr, rewriter.getUnitAttr());
    output = nest.results.front();
  }
  rewriter.replaceOp(op, output);
  if (pad->use_empty())
    rewriter.eraseOp(pad);
}
