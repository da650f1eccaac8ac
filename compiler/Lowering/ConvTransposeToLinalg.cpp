//===- ConvTransposeToLinalg.cpp - conv.conv_transpose to linalg ----------===//
//
// A transposed convolution is the direct convolution, with stride 1 and the
// same dilation, of the zero-upsampled input (x[i] at i*stride) padded by
// dilation*(k-1) - pad_lo in front and dilation*(k-1) - pad_hi +
// output_padding at the back, with the kernel flipped spatially and its
// (ic, oc) dims swapped. That holds for every parameter combination, so this
// pattern is the general one.
//
// It multiplies (s^r - 1)/s^r of its products by inserted zeros (3/4 for a
// stride-2 2-D layer), so without dilation a second pattern, preferred,
// splits the layer by output phase instead: the outputs o = q*s + p of one
// phase p only ever meet the kernel taps k = c_p + j*s of that upsampled
// convolution, and in[q + e_p + j] -- a direct stride-1 convolution of the
// original input with a sub-kernel, written back with stride s. Every
// product it computes is a real one. When the phases are alike (as for a
// k=4, s=2 layer) they are one convolution at shifted offsets, built once in
// a loop over the phases.
//
//===----------------------------------------------------------------------===//

#include "Conv/ConvOps.h"
#include "Lowering/ConvCore.h"
#include "Lowering/LinalgHelpers.h"
#include "Lowering/LoweringAttrs.h"
#include "Lowering/Patterns.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace convjit::lowering {
namespace {

/// x[n, i..., c] placed at [n, i*stride..., c] of a zero tensor of spatial
/// size (I-1)*stride + 1.
Value upsample(OpBuilder &b, Location loc, Value input,
               ArrayRef<int64_t> strides) {
  if (llvm::all_of(strides, [](int64_t s) { return s == 1; }))
    return input;
  ArrayRef<int64_t> inShape =
      cast<RankedTensorType>(input.getType()).getShape();
  SmallVector<int64_t> shape(inShape);
  SmallVector<int64_t> steps{1};
  for (auto [d, stride] : llvm::enumerate(strides)) {
    shape[d + 1] = (shape[d + 1] - 1) * stride + 1;
    steps.push_back(stride);
  }
  steps.push_back(1);
  Value zeros = filledTensor(b, loc, shape, 0.0f);
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> offsets(shape.size(), 0);
  return tensor::InsertSliceOp::create(
      b, loc, input, zeros, getAsIndexOpFoldResult(ctx, offsets),
      getAsIndexOpFoldResult(ctx, inShape), getAsIndexOpFoldResult(ctx, steps));
}

/// The input of the equivalent direct convolution: `input` (in `layout`)
/// made channels-last, zero-upsampled by `strides`, then grown by lo in front
/// and hi at the back of each spatial dim: zero padding where positive,
/// cropping where negative.
Value buildDilatedInput(OpBuilder &b, Location loc, Value input,
                        conv::Layout layout, ArrayRef<int64_t> strides,
                        ArrayRef<int64_t> lo, ArrayRef<int64_t> hi) {
  SmallVector<int64_t> shape = channelsLastShape(
      cast<RankedTensorType>(input.getType()).getShape(), layout);
  SmallVector<int64_t> cropOffsets{0}, croppedShape{shape.front()};
  SmallVector<int64_t> padLo, padHi, resultShape{shape.front()};
  bool cropsAll = false;
  for (size_t d = 0; d < lo.size(); ++d) {
    int64_t upsampled = (shape[d + 1] - 1) * strides[d] + 1;
    int64_t cropLo = std::max<int64_t>(0, -lo[d]);
    int64_t cropHi = std::max<int64_t>(0, -hi[d]);
    cropsAll |= cropLo + cropHi >= upsampled;
    cropOffsets.push_back(cropLo);
    croppedShape.push_back(upsampled - cropLo - cropHi);
    padLo.push_back(std::max<int64_t>(0, lo[d]));
    padHi.push_back(std::max<int64_t>(0, hi[d]));
    resultShape.push_back(upsampled + lo[d] + hi[d]);
  }
  cropOffsets.push_back(0);
  croppedShape.push_back(shape.back());
  resultShape.push_back(shape.back());

  // Possible only with output_padding: the output sees none of the input,
  // just zeros (so it is the bias alone).
  if (cropsAll)
    return filledTensor(b, loc, resultShape, 0.0f);

  Value activation =
      upsample(b, loc, toChannelsLast(b, loc, input, layout), strides);
  ArrayRef<int64_t> upsampledShape =
      cast<RankedTensorType>(activation.getType()).getShape();
  if (ArrayRef<int64_t>(croppedShape) != upsampledShape) {
    MLIRContext *ctx = b.getContext();
    SmallVector<int64_t> steps(shape.size(), 1);
    activation = tensor::ExtractSliceOp::create(
        b, loc, activation, getAsIndexOpFoldResult(ctx, cropOffsets),
        getAsIndexOpFoldResult(ctx, croppedShape),
        getAsIndexOpFoldResult(ctx, steps));
  }
  return padSpatial(b, loc, activation, padLo, padHi, 0.0f);
}

/// The transposed weight (G*ICg, OCg, K...) as the core weight of the
/// equivalent direct convolution, kernel flipped and (ic, oc) swapped:
///   w'[k..., ic, oc] = w[ic, oc, K-1-k...]                 (groups == 1)
///   w'[g, k..., icg, ocg] = w[g*ICg + icg, ocg, K-1-k...]  (groups > 1)
Value flipTransposedWeight(OpBuilder &b, Location loc, Value weight,
                           int64_t groups) {
  bool grouped = groups > 1;
  if (grouped)
    weight = splitDim(b, loc, weight, 0, groups);
  ArrayRef<int64_t> shape = cast<RankedTensorType>(weight.getType()).getShape();
  unsigned lead = grouped ? 1 : 0;
  unsigned spatialRank = shape.size() - lead - 2;
  ArrayRef<int64_t> kernel = shape.drop_front(lead + 2);

  // Loop dims = result dims: [g,] k..., ic, oc.
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> resultShape(shape.take_front(lead));
  resultShape.append(kernel.begin(), kernel.end());
  resultShape.append({shape[lead], shape[lead + 1]});
  SmallVector<AffineExpr> sourceExprs;
  if (grouped)
    sourceExprs.push_back(getAffineDimExpr(0, ctx));
  sourceExprs.push_back(getAffineDimExpr(lead + spatialRank, ctx));
  sourceExprs.push_back(getAffineDimExpr(lead + spatialRank + 1, ctx));
  for (unsigned i = 0; i < spatialRank; ++i)
    sourceExprs.push_back(kernel[i] - 1 - getAffineDimExpr(lead + i, ctx));

  unsigned rank = resultShape.size();
  Value init = tensor::EmptyOp::create(b, loc, resultShape, b.getF32Type());
  SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, sourceExprs, ctx),
                                 b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{weight},
             ValueRange{init}, maps, iterators,
             [](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl, args[0]);
             })
      .getResult(0);
}

struct ConvTransposeAsUpsampledConv
    : OpConversionPattern<conv::ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(conv::ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    conv::Layout layout = op.getLayout();
    auto groups = static_cast<int64_t>(op.getGroups());
    ArrayRef<int64_t> weightShape = op.getWeight().getType().getShape();
    ArrayRef<int64_t> kernel = weightShape.drop_front(2);
    ArrayRef<int64_t> dilations = op.getDilations();

    SmallVector<int64_t> lo, hi;
    for (size_t d = 0; d < kernel.size(); ++d) {
      int64_t reach = dilations[d] * (kernel[d] - 1);
      lo.push_back(reach - op.getPadLo()[d]);
      hi.push_back(reach - op.getPadHi()[d] + op.getOutputPadding()[d]);
    }
    Value input = buildDilatedInput(rewriter, loc, adaptor.getInput(), layout,
                                    op.getStrides(), lo, hi);

    SmallVector<int64_t> unitStrides(kernel.size(), 1);
    ConvCoreOperands core;
    core.input = input;
    core.strides = unitStrides;
    core.dilations = dilations;
    core.weight =
        flipTransposedWeight(rewriter, loc, adaptor.getWeight(), groups);
    core.bias = adaptor.getBias();
    core.groups = groups;
    core.relu = op.getRelu();
    Value output =
        buildConvCore(rewriter, loc, core,
                      channelsLastShape(op.getType().getShape(), layout), op);
    rewriter.replaceOp(op, fromChannelsLast(rewriter, loc, output, layout));
    return success();
  }
};

/// Input positions [begin, end) of each spatial dim of a channels-last
/// `input`: cropped where they lie inside it, zero where they reach outside.
Value inputWindow(OpBuilder &b, Location loc, Value input,
                  ArrayRef<int64_t> begin, ArrayRef<int64_t> end) {
  ArrayRef<int64_t> inShape =
      cast<RankedTensorType>(input.getType()).getShape();
  unsigned rank = begin.size();
  SmallVector<int64_t> offsets(inShape.size(), 0), sizes(inShape);
  SmallVector<int64_t> padLo, padHi;
  for (unsigned d = 0; d < rank; ++d) {
    int64_t from = std::clamp<int64_t>(begin[d], 0, inShape[d + 1]);
    int64_t to = std::clamp<int64_t>(end[d], from, inShape[d + 1]);
    offsets[d + 1] = from;
    sizes[d + 1] = to - from;
    padLo.push_back(from - begin[d]);
    padHi.push_back(end[d] - to);
  }
  if (llvm::is_contained(ArrayRef<int64_t>(sizes).slice(1, rank), 0)) {
    SmallVector<int64_t> shape(inShape);
    for (unsigned d = 0; d < rank; ++d)
      shape[d + 1] = end[d] - begin[d];
    return filledTensor(b, loc, shape, 0.0f);
  }
  Value window = input;
  if (ArrayRef<int64_t>(sizes) != inShape) {
    MLIRContext *ctx = b.getContext();
    window = tensor::ExtractSliceOp::create(
        b, loc, input, getAsIndexOpFoldResult(ctx, offsets),
        getAsIndexOpFoldResult(ctx, sizes),
        getAsIndexOpFoldResult(ctx, SmallVector<int64_t>(inShape.size(), 1)));
  }
  return padSpatial(b, loc, window, padLo, padHi, 0.0f);
}

/// One output phase along one spatial dim of the upsampled convolution.
struct Phase {
  int64_t firstTap = 0; // c: the first kernel tap the phase meets
  int64_t taps = 0;     // K_p: taps c, c+s, ... below the kernel size
  int64_t inputStart = 0; // e: input read by output q at tap j is q + e + j
  int64_t outputs = 0;  // Q_p: outputs o < O with o = q*s + p
};

/// The front padding of dim d of the upsampled convolution (dilation 1):
/// where the upsampled input's element 0 sits.
int64_t upsampledFrontPad(conv::ConvTransposeOp op, unsigned d) {
  int64_t kernel = op.getWeight().getType().getDimSize(2 + d);
  return kernel - 1 - op.getPadLo()[d];
}

/// Phase p of a dim of an upsampled convolution with front padding `lo`
/// (the upsampled input's element i*s sits at lo + i*s).
Phase phaseOf(int64_t p, int64_t stride, int64_t kernel, int64_t lo,
              int64_t outputSize) {
  Phase phase;
  phase.firstTap = llvm::mod(lo - p, stride);
  phase.taps = phase.firstTap < kernel
                   ? llvm::divideCeil(kernel - phase.firstTap, stride)
                   : 0;
  phase.inputStart = (p + phase.firstTap - lo) / stride;
  phase.outputs = p < outputSize ? llvm::divideCeil(outputSize - p, stride) : 0;
  return phase;
}

struct ConvTransposeByPhases : OpConversionPattern<conv::ConvTransposeOp> {
  ConvTransposeByPhases(MLIRContext *context)
      : OpConversionPattern(context, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(conv::ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> strides = op.getStrides();
    if (llvm::any_of(op.getDilations(), [](int64_t d) { return d != 1; }) ||
        llvm::all_of(strides, [](int64_t s) { return s == 1; }))
      return rewriter.notifyMatchFailure(op, "needs stride > 1, dilation 1");
    Location loc = op.getLoc();
    conv::Layout layout = op.getLayout();
    auto groups = static_cast<int64_t>(op.getGroups());
    SmallVector<int64_t> outShape =
        channelsLastShape(op.getType().getShape(), layout);
    Value input = toChannelsLast(rewriter, loc, adaptor.getInput(), layout);
    Value flipped =
        flipTransposedWeight(rewriter, loc, adaptor.getWeight(), groups);
    // Grouped cores get their weights merged block-diagonally by the
    // scheduler, a re-layout that would run in the loop: one by one there.
    Value output;
    if (std::optional<SmallVector<SmallVector<Phase>>> alike =
            alikePhases(op, outShape);
        alike && groups == 1)
      output = buildPhaseLoops(rewriter, loc, op, adaptor, input, flipped,
                               *alike, outShape);
    else
      output = buildPhasesOneByOne(rewriter, loc, op, adaptor, input, flipped,
                                   outShape, groups);
    if (op.getRelu())
      output = applyRelu(rewriter, loc, output);
    rewriter.replaceOp(op, fromChannelsLast(rewriter, loc, output, layout));
    return success();
  }

private:
  /// The phases of every spatial dim, when they all meet the same number of
  /// taps (at least one) and the same number of outputs along each dim: then
  /// the phases are one convolution of the same shape at shifted offsets.
  static std::optional<SmallVector<SmallVector<Phase>>>
  alikePhases(conv::ConvTransposeOp op, ArrayRef<int64_t> outShape) {
    ArrayRef<int64_t> kernel =
        op.getWeight().getType().getShape().drop_front(2);
    SmallVector<SmallVector<Phase>> all;
    for (auto [d, k] : llvm::enumerate(kernel)) {
      int64_t stride = op.getStrides()[d];
      int64_t lo = upsampledFrontPad(op, d);
      SmallVector<Phase> &phases = all.emplace_back();
      for (int64_t p = 0; p < stride; ++p) {
        phases.push_back(phaseOf(p, stride, k, lo, outShape[d + 1]));
        if (phases.back().taps == 0 || phases.back().outputs == 0 ||
            phases.back().taps != phases.front().taps ||
            phases.back().outputs != phases.front().outputs)
          return std::nullopt;
      }
    }
    return all;
  }

  /// Alike phases as one convolution in a loop nest over the phases: the
  /// core is compiled once instead of once per phase (a stride-2 2-D layer
  /// has four), and the input is padded once for all of them. Phase p of a
  /// dim reads its window from input (p - lo) ceildiv s on and its taps from
  /// (lo - p) mod s on; the weights of all phases are stacked [P..., T...,
  /// IC, OC] outside the loops, where they depend on the weights alone.
  Value buildPhaseLoops(OpBuilder &b, Location loc, conv::ConvTransposeOp op,
                        OpAdaptor adaptor, Value input, Value flipped,
                        ArrayRef<SmallVector<Phase>> phases,
                        ArrayRef<int64_t> outShape) const {
    MLIRContext *ctx = b.getContext();
    unsigned rank = phases.size();
    ArrayRef<int64_t> inShape =
        cast<RankedTensorType>(input.getType()).getShape();
    ArrayRef<int64_t> strides = op.getStrides();

    // One padded input holding every phase's window; `first` is the input
    // position of its element 0.
    SmallVector<int64_t> first, last, window;
    for (unsigned d = 0; d < rank; ++d) {
      window.push_back(phases[d].front().outputs + phases[d].front().taps - 1);
      first.push_back(phases[d].front().inputStart);
      last.push_back(first.back() + window.back());
      for (const Phase &phase : phases[d]) {
        first.back() = std::min(first.back(), phase.inputStart);
        last.back() = std::max(last.back(), phase.inputStart + window.back());
      }
    }
    Value padded = inputWindow(b, loc, input, first, last);

    // stacked[p..., j..., ic, oc] = flipped[(lo - p) mod s + j*s..., ic, oc]
    auto flippedShape = cast<RankedTensorType>(flipped.getType()).getShape();
    SmallVector<int64_t> stackShape(strides), taps;
    for (unsigned d = 0; d < rank; ++d)
      taps.push_back(phases[d].front().taps);
    stackShape.append(taps);
    stackShape.append({flippedShape[rank], flippedShape[rank + 1]});
    unsigned stackRank = stackShape.size();
    SmallVector<AffineExpr> readTaps;
    for (unsigned d = 0; d < rank; ++d) {
      int64_t lo = upsampledFrontPad(op, d);
      readTaps.push_back((lo - getAffineDimExpr(d, ctx)) % strides[d] +
                         getAffineDimExpr(rank + d, ctx) * strides[d]);
    }
    readTaps.push_back(getAffineDimExpr(2 * rank, ctx));
    readTaps.push_back(getAffineDimExpr(2 * rank + 1, ctx));
    Value stackInit =
        tensor::EmptyOp::create(b, loc, stackShape, b.getF32Type());
    Value stacked =
        linalg::GenericOp::create(
            b, loc, TypeRange{stackInit.getType()}, ValueRange{flipped},
            ValueRange{stackInit},
            ArrayRef<AffineMap>{AffineMap::get(stackRank, 0, readTaps, ctx),
                                b.getMultiDimIdentityMap(stackRank)},
            SmallVector<utils::IteratorType>(stackRank,
                                             utils::IteratorType::parallel),
            [](OpBuilder &nb, Location nl, ValueRange args) {
              linalg::YieldOp::create(nb, nl, args[0]);
            })
            .getResult(0);

    SmallVector<int64_t> phaseShape(outShape);
    for (unsigned d = 0; d < rank; ++d)
      phaseShape[d + 1] = phases[d].front().outputs;
    SmallVector<Value> lbs, ubs, steps;
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    for (int64_t stride : strides) {
      lbs.push_back(zero);
      ubs.push_back(arith::ConstantIndexOp::create(b, loc, stride));
      steps.push_back(one);
    }
    Value output = tensor::EmptyOp::create(b, loc, outShape, b.getF32Type());
    scf::LoopNest nest = scf::buildLoopNest(
        b, loc, lbs, ubs, steps, ValueRange{output},
        [&](OpBuilder &nb, Location nl, ValueRange ivs,
            ValueRange carried) -> scf::ValueVector {
          SmallVector<OpFoldResult> inOffsets{nb.getIndexAttr(0)},
              inSizes{nb.getIndexAttr(inShape[0])};
          SmallVector<OpFoldResult> kOffsets, kSizes,
              outOffsets{nb.getIndexAttr(0)};
          for (unsigned d = 0; d < rank; ++d) {
            int64_t lo = upsampledFrontPad(op, d);
            AffineExpr p = getAffineDimExpr(0, ctx);
            inOffsets.push_back(affine::makeComposedFoldedAffineApply(
                nb, nl, (p - lo).ceilDiv(strides[d]) - first[d], {ivs[d]}));
            inSizes.push_back(nb.getIndexAttr(window[d]));
            kOffsets.push_back(ivs[d]);
            kSizes.push_back(nb.getIndexAttr(1));
            outOffsets.push_back(ivs[d]);
          }
          inOffsets.push_back(nb.getIndexAttr(0));
          inSizes.push_back(nb.getIndexAttr(inShape.back()));
          for (unsigned i = rank; i < stackRank; ++i) {
            kOffsets.push_back(nb.getIndexAttr(0));
            kSizes.push_back(nb.getIndexAttr(stackShape[i]));
          }
          outOffsets.push_back(nb.getIndexAttr(0));
          Value phaseInput = tensor::ExtractSliceOp::create(
              nb, nl, padded, inOffsets, inSizes,
              getAsIndexOpFoldResult(ctx,
                                     SmallVector<int64_t>(inShape.size(), 1)));
          auto subKernelType = RankedTensorType::get(
              ArrayRef<int64_t>(stackShape).drop_front(rank), nb.getF32Type());
          Value subKernel = tensor::ExtractSliceOp::create(
              nb, nl, subKernelType, stacked, kOffsets, kSizes,
              getAsIndexOpFoldResult(ctx, SmallVector<int64_t>(stackRank, 1)));
          Value phaseOutput =
              buildPhaseCore(nb, nl, op, phaseInput, subKernel,
                             adaptor.getBias(), /*groups=*/1, phaseShape);
          SmallVector<int64_t> outSteps(outShape.size(), 1);
          for (unsigned d = 0; d < rank; ++d)
            outSteps[d + 1] = strides[d];
          return {tensor::InsertSliceOp::create(
              nb, nl, phaseOutput, carried[0], outOffsets,
              getAsIndexOpFoldResult(ctx, phaseShape),
              getAsIndexOpFoldResult(ctx, outSteps))};
        });
    for (scf::ForOp loop : nest.loops)
      loop->setAttr(kIndependentLoopAttr, b.getUnitAttr());
    return nest.results.front();
  }

  /// Every phase as its own convolution, unrolled: phases that differ in
  /// taps or outputs, grouped layers.
  Value buildPhasesOneByOne(OpBuilder &b, Location loc,
                            conv::ConvTransposeOp op, OpAdaptor adaptor,
                            Value input, Value flipped,
                            ArrayRef<int64_t> outShape, int64_t groups) const {
    MLIRContext *ctx = b.getContext();
    ArrayRef<int64_t> strides = op.getStrides();
    ArrayRef<int64_t> kernel =
        op.getWeight().getType().getShape().drop_front(2);
    unsigned rank = kernel.size();
    ArrayRef<int64_t> inShape =
        cast<RankedTensorType>(input.getType()).getShape();
    unsigned kernelLead = groups > 1 ? 1 : 0; // [g,] k..., ic, oc
    ArrayRef<int64_t> flippedShape =
        cast<RankedTensorType>(flipped.getType()).getShape();
    Value output = tensor::EmptyOp::create(b, loc, outShape, b.getF32Type());
    SmallVector<int64_t> phaseIndex(rank, 0);
    while (true) {
      SmallVector<Phase> phases;
      bool empty = false;
      for (unsigned d = 0; d < rank; ++d) {
        int64_t lo = upsampledFrontPad(op, d);
        phases.push_back(phaseOf(phaseIndex[d], strides[d], kernel[d], lo,
                                 outShape[d + 1]));
        empty |= phases.back().outputs == 0;
      }
      if (!empty) {
        SmallVector<int64_t> phaseShape(outShape);
        for (unsigned d = 0; d < rank; ++d)
          phaseShape[d + 1] = phases[d].outputs;
        Value phaseOutput =
            buildPhase(b, loc, op, adaptor, input, inShape, flipped,
                       flippedShape, kernelLead, phases, phaseShape, groups);
        SmallVector<int64_t> offsets(outShape.size(), 0), steps(
                                                              outShape.size(), 1);
        for (unsigned d = 0; d < rank; ++d) {
          offsets[d + 1] = phaseIndex[d];
          steps[d + 1] = strides[d];
        }
        output = tensor::InsertSliceOp::create(
            b, loc, phaseOutput, output, getAsIndexOpFoldResult(ctx, offsets),
            getAsIndexOpFoldResult(ctx, phaseShape),
            getAsIndexOpFoldResult(ctx, steps));
      }
      // Next phase, last dim fastest.
      int d = static_cast<int>(rank) - 1;
      for (; d >= 0; --d) {
        if (++phaseIndex[d] < strides[d])
          break;
        phaseIndex[d] = 0;
      }
      if (d < 0)
        break;
    }
    return output;
  }

  /// The outputs of one phase: a stride-1 convolution of the input window
  /// [e, e + Q + K - 1) (zero padded where it leaves the input) with the
  /// sub-kernel of taps c, c+s, ...; or the bias alone if no tap reaches it.
  Value buildPhase(OpBuilder &b, Location loc, conv::ConvTransposeOp op,
                   OpAdaptor adaptor, Value input, ArrayRef<int64_t> inShape,
                   Value flipped, ArrayRef<int64_t> flippedShape,
                   unsigned kernelLead, ArrayRef<Phase> phases,
                   ArrayRef<int64_t> phaseShape, int64_t groups) const {
    MLIRContext *ctx = b.getContext();
    unsigned rank = phases.size();
    if (llvm::any_of(phases, [](const Phase &p) { return p.taps == 0; })) {
      Value zeros = filledTensor(b, loc, phaseShape, 0.0f);
      if (!adaptor.getBias())
        return zeros;
      return broadcastTrailing(b, loc, adaptor.getBias(), phaseShape);
    }
    SmallVector<int64_t> begin, end;
    for (const Phase &phase : phases) {
      begin.push_back(phase.inputStart);
      end.push_back(phase.inputStart + phase.outputs + phase.taps - 1);
    }
    Value window = inputWindow(b, loc, input, begin, end);
    // The sub-kernel: taps c, c+s, ... of the flipped weight.
    SmallVector<int64_t> kOffsets(flippedShape.size(), 0),
        kSizes(flippedShape), kSteps(flippedShape.size(), 1);
    for (unsigned d = 0; d < rank; ++d) {
      kOffsets[kernelLead + d] = phases[d].firstTap;
      kSizes[kernelLead + d] = phases[d].taps;
      kSteps[kernelLead + d] = op.getStrides()[d];
    }
    Value subKernel = tensor::ExtractSliceOp::create(
        b, loc, flipped, getAsIndexOpFoldResult(ctx, kOffsets),
        getAsIndexOpFoldResult(ctx, kSizes), getAsIndexOpFoldResult(ctx, kSteps));

    return buildPhaseCore(b, loc, op, window, subKernel, adaptor.getBias(),
                          groups, phaseShape);
  }

  /// One phase's outputs: the stride-1 convolution of its input window with
  /// its sub-kernel.
  static Value buildPhaseCore(OpBuilder &b, Location loc,
                              conv::ConvTransposeOp op, Value window,
                              Value subKernel, Value bias, int64_t groups,
                              ArrayRef<int64_t> phaseShape) {
    SmallVector<int64_t> ones(phaseShape.size() - 2, 1);
    ConvCoreOperands core;
    core.input = window;
    core.strides = ones;
    core.dilations = ones;
    core.weight = subKernel;
    core.bias = bias;
    core.groups = groups;
    return buildConvCore(b, loc, core, phaseShape, op);
  }
};

} // namespace

void populateConvTransposePattern(RewritePatternSet &patterns, bool byPhases) {
  patterns.add<ConvTransposeAsUpsampledConv>(patterns.getContext());
  if (byPhases)
    patterns.add<ConvTransposeByPhases>(patterns.getContext());
}

} // namespace convjit::lowering
