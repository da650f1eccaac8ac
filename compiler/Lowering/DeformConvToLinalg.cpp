//===- DeformConvToLinalg.cpp - conv.deform_conv to linalg ----------------===//
//
// Two generics, both channels-last:
//  (a) sampling, tagged kDeformSampleAttr: columns[n, oh, ow, kh, kw, ic] is
//      torchvision's bilinear sample of the (unpadded) input at tap (kh, kw)
//      of output pixel (oh, ow), moved by its offset and scaled by its mask;
//  (b) the conv core contracting the columns with the weight.
// The sampling follows runtime/Reference (torchvision's bilinear_interpolate)
// operation for operation, so border cases round the same way.
//
//===----------------------------------------------------------------------===//

#include "Conv/ConvOps.h"
#include "Lowering/ConvCore.h"
#include "Lowering/LinalgHelpers.h"
#include "Lowering/LoweringAttrs.h"
#include "Lowering/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace convjit::lowering {
namespace {

/// The constants of the sampling body.
struct SampleGeometry {
  int64_t height = 0, width = 0; // of the unpadded input
  int64_t kernelW = 0, taps = 0;
  int64_t channelsPerOffsetGroup = 0;
  int64_t stride[2] = {}, dilation[2] = {}, padLo[2] = {};
};

/// Arithmetic on index and f32 values inside the sampling body, spelled
/// compactly so the body reads like the reference's formulas.
class BodyBuilder {
public:
  BodyBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value f32(float v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  }
  Value add(Value x, Value y) {
    if (isa<IndexType>(x.getType()))
      return arith::AddIOp::create(b, loc, x, y);
    return arith::AddFOp::create(b, loc, x, y);
  }
  Value sub(Value x, Value y) {
    if (isa<IndexType>(x.getType()))
      return arith::SubIOp::create(b, loc, x, y);
    return arith::SubFOp::create(b, loc, x, y);
  }
  Value mul(Value x, Value y) {
    if (isa<IndexType>(x.getType()))
      return arith::MulIOp::create(b, loc, x, y);
    return arith::MulFOp::create(b, loc, x, y);
  }
  Value both(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value select(Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
  Value cmpf(arith::CmpFPredicate pred, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, pred, x, y);
  }
  Value cmpi(arith::CmpIPredicate pred, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, pred, x, y);
  }
  Value extract(Value tensor, ValueRange indices) {
    return tensor::ExtractOp::create(b, loc, tensor, indices);
  }
  /// A signed index as f32.
  Value toFloat(Value i) {
    Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), i);
    return arith::SIToFPOp::create(b, loc, b.getF32Type(), i64);
  }
  /// floor(x) both as f32 and as index (x must be in index range).
  std::pair<Value, Value> floor(Value x) {
    Value f = math::FloorOp::create(b, loc, x);
    Value i64 = arith::FPToSIOp::create(b, loc, b.getI64Type(), f);
    return {f, arith::IndexCastOp::create(b, loc, b.getIndexType(), i64)};
  }

  OpBuilder &b;
  Location loc;
};

/// The body of the sampling generic at loop point (n, oh, ow, kh, kw, ic).
Value sampleAt(OpBuilder &nb, Location nl, const SampleGeometry &geo,
               Value input, Value offset, Value mask) {
  BodyBuilder e(nb, nl);
  SmallVector<Value, 6> iv;
  for (unsigned d = 0; d < 6; ++d)
    iv.push_back(linalg::IndexOp::create(nb, nl, d));
  Value n = iv[0], oh = iv[1], ow = iv[2], kh = iv[3], kw = iv[4], ic = iv[5];

  Value offsetGroup =
      arith::DivUIOp::create(nb, nl, ic, e.index(geo.channelsPerOffsetGroup));
  Value tap = e.add(e.mul(kh, e.index(geo.kernelW)), kw);
  Value groupTap = e.add(e.mul(offsetGroup, e.index(geo.taps)), tap);
  Value dyChannel = e.mul(groupTap, e.index(2));
  Value dy = e.extract(offset, {n, oh, ow, dyChannel});
  Value dx = e.extract(offset, {n, oh, ow, e.add(dyChannel, e.index(1))});

  // Integer base first, then the float offset, as torchvision rounds.
  auto base = [&](Value out, Value k, unsigned dim) {
    Value strided = e.mul(out, e.index(geo.stride[dim]));
    Value shifted = e.sub(strided, e.index(geo.padLo[dim]));
    Value tapOffset = e.mul(k, e.index(geo.dilation[dim]));
    return e.toFloat(e.add(shifted, tapOffset));
  };
  Value y = e.add(base(oh, kh, 0), dy);
  Value x = e.add(base(ow, kw, 1), dx);

  // At or beyond one pixel outside the image the sample is 0. Ordered
  // compares, so a NaN position is outside too. (Each op is built in its own
  // statement so the IR order does not depend on argument evaluation order.)
  using FP = arith::CmpFPredicate;
  auto within = [&](Value pos, int64_t size) {
    Value above = e.cmpf(FP::OGT, pos, e.f32(-1.0f));
    Value below = e.cmpf(FP::OLT, pos, e.f32(float(size)));
    return e.both(above, below);
  };
  Value yWithin = within(y, geo.height);
  Value xWithin = within(x, geo.width);
  Value inside = e.both(yWithin, xWithin);
  // Positions outside are replaced before the float-to-int conversions,
  // which would be poison for NaN or huge values.
  Value zero = e.f32(0.0f);
  y = e.select(inside, y, zero);
  x = e.select(inside, x, zero);

  auto [y0f, y0] = e.floor(y);
  auto [x0f, x0] = e.floor(x);
  Value ly = e.sub(y, y0f), lx = e.sub(x, x0f);
  Value one = e.f32(1.0f);
  Value hy = e.sub(one, ly), hx = e.sub(one, lx);
  Value y1 = e.add(y0, e.index(1)), x1 = e.add(x0, e.index(1));

  // y0 >= -1 and y1 <= height here: only y0 < 0 and y1 == height fall off.
  using IP = arith::CmpIPredicate;
  Value zeroIdx = e.index(0);
  Value y0Inside = e.cmpi(IP::sge, y0, zeroIdx);
  Value x0Inside = e.cmpi(IP::sge, x0, zeroIdx);
  Value y1Inside = e.cmpi(IP::slt, y1, e.index(geo.height));
  Value x1Inside = e.cmpi(IP::slt, x1, e.index(geo.width));
  Value y0Safe = arith::MaxSIOp::create(nb, nl, y0, zeroIdx);
  Value x0Safe = arith::MaxSIOp::create(nb, nl, x0, zeroIdx);
  Value y1Safe = arith::MinSIOp::create(nb, nl, y1, e.index(geo.height - 1));
  Value x1Safe = arith::MinSIOp::create(nb, nl, x1, e.index(geo.width - 1));
  auto pixel = [&](Value yy, Value xx, Value yInside, Value xInside) {
    Value v = e.extract(input, {n, yy, xx, ic});
    Value valid = e.both(yInside, xInside);
    return e.select(valid, v, zero);
  };
  Value p00 = pixel(y0Safe, x0Safe, y0Inside, x0Inside);
  Value p01 = pixel(y0Safe, x1Safe, y0Inside, x1Inside);
  Value p10 = pixel(y1Safe, x0Safe, y1Inside, x0Inside);
  Value p11 = pixel(y1Safe, x1Safe, y1Inside, x1Inside);

  // hy*hx*p00 + hy*lx*p01 + ly*hx*p10 + ly*lx*p11, summed left to right.
  auto term = [&](Value wy, Value wx, Value p) {
    Value weight = e.mul(wy, wx);
    return e.mul(weight, p);
  };
  Value value = term(hy, hx, p00);
  value = e.add(value, term(hy, lx, p01));
  value = e.add(value, term(ly, hx, p10));
  value = e.add(value, term(ly, lx, p11));
  value = e.select(inside, value, zero);
  if (mask)
    value = e.mul(value, e.extract(mask, {n, oh, ow, groupTap}));
  return value;
}

/// The columns [N, OH, OW, KH, KW, IC] from channels-last input, offset and
/// (optional) mask.
Value buildSampleColumns(OpBuilder &b, Location loc, const SampleGeometry &geo,
                         ArrayRef<int64_t> columnsShape, Value input,
                         Value offset, Value mask) {
  Value init = tensor::EmptyOp::create(b, loc, columnsShape, b.getF32Type());
  unsigned rank = columnsShape.size();
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto sample = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{}, ValueRange{init},
      ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank)}, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange) {
        linalg::YieldOp::create(nb, nl,
                                sampleAt(nb, nl, geo, input, offset, mask));
      });
  sample->setAttr(kDeformSampleAttr, b.getUnitAttr());
  return sample.getResult(0);
}

struct DeformConvLowering : OpConversionPattern<conv::DeformConvOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(conv::DeformConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    conv::Layout layout = op.getLayout();
    auto groups = static_cast<int64_t>(op.getGroups());
    auto deformGroups = static_cast<int64_t>(op.getDeformGroups());

    Value input = toChannelsLast(rewriter, loc, adaptor.getInput(), layout);
    Value offset = toChannelsLast(rewriter, loc, adaptor.getOffset(), layout);
    Value mask = adaptor.getMask();
    if (mask)
      mask = toChannelsLast(rewriter, loc, mask, layout);

    // input [N, H, W, IC], weight [OC, IC/g, KH, KW], output [N, OH, OW, OC]
    ArrayRef<int64_t> inShape =
        cast<RankedTensorType>(input.getType()).getShape();
    ArrayRef<int64_t> kernel =
        op.getWeight().getType().getShape().drop_front(2);
    SmallVector<int64_t> outShape =
        channelsLastShape(op.getType().getShape(), layout);
    SampleGeometry geo;
    geo.height = inShape[1];
    geo.width = inShape[2];
    geo.kernelW = kernel[1];
    geo.taps = kernel[0] * kernel[1];
    geo.channelsPerOffsetGroup = inShape[3] / deformGroups;
    for (unsigned d = 0; d < 2; ++d) {
      geo.stride[d] = op.getStrides()[d];
      geo.dilation[d] = op.getDilations()[d];
      geo.padLo[d] = op.getPadLo()[d];
    }
    SmallVector<int64_t> columnsShape = {outShape[0], outShape[1], outShape[2],
                                         kernel[0],   kernel[1],   inShape[3]};
    Value columns = buildSampleColumns(rewriter, loc, geo, columnsShape, input,
                                       offset, mask);

    ConvCoreOperands core;
    core.input = columns;
    core.weight = packConvWeight(rewriter, loc, adaptor.getWeight(), groups);
    core.bias = adaptor.getBias();
    core.groups = groups;
    core.relu = op.getRelu();
    Value output = buildConvCore(rewriter, loc, core, outShape, op);
    rewriter.replaceOp(op, fromChannelsLast(rewriter, loc, output, layout));
    return success();
  }
};

} // namespace

void populateDeformConvPattern(RewritePatternSet &patterns) {
  patterns.add<DeformConvLowering>(patterns.getContext());
}

} // namespace convjit::lowering
