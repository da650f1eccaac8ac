//===- ConvTransposeToLinalg.cpp - conv.conv_transpose to linalg ----------===//
//
// A transposed convolution is the direct convolution, with stride 1 and the
// same dilation, of the zero-upsampled input (x[i] at i*stride) padded by
// dilation*(k-1) - pad_lo in front and dilation*(k-1) - pad_hi +
// output_padding at the back, with the kernel flipped spatially and its
// (ic, oc) dims swapped. That holds for every parameter combination, so this
// pattern is the general one; a faster decomposition for stride > 1 (one
// sub-convolution per stride phase, skipping the zeros) belongs in its own
// pattern with a higher benefit.
//
//===----------------------------------------------------------------------===//

#include "Conv/ConvOps.h"
#include "Lowering/ConvCore.h"
#include "Lowering/LinalgHelpers.h"
#include "Lowering/Patterns.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/DialectConversion.h"

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

} // namespace

void populateConvTransposePattern(RewritePatternSet &patterns) {
  patterns.add<ConvTransposeAsUpsampledConv>(patterns.getContext());
}

} // namespace convjit::lowering
