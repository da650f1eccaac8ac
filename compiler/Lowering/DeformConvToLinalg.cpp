//===- DeformConvToLinalg.cpp - conv.deform_conv to linalg ----------------===//
//
// Channels-last throughout:
//  (a) sampling: columns[n, oh, ow, kh, kw, ic] is torchvision's bilinear
//      sample of the (unpadded) input at tap (kh, kw) of output pixel
//      (oh, ow), moved by its offset and scaled by its mask -- the corners'
//      positions and weights once per tap and offset group, then their
//      weighted sum per channel (buildSampleColumns);
//  (b) the conv core contracting the columns with the weight.
// The sampling follows runtime/Reference (torchvision's bilinear_interpolate)
// operation for operation, so border cases round the same way; a corner
// outside the input gets weight 0 instead of a pixel 0.
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

/// The body of the corners generic at loop point (n, oh, ow, g, kh, kw, c):
/// for corner c (0: y0x0, 1: y0x1, 2: y1x0, 3: y1x1) of the bilinear sample
/// of tap (kh, kw) of output (oh, ow) in offset group g, its flat position
/// y * W + x in the input plane and its weight, both 0 where the corner (or
/// the whole sample) is outside the input. `dy`, `dx` are the tap's offsets.
std::pair<Value, Value> cornerAt(OpBuilder &nb, Location nl,
                                 const SampleGeometry &geo, Value dy,
                                 Value dx) {
  BodyBuilder e(nb, nl);
  SmallVector<Value, 7> iv;
  for (unsigned d = 0; d < 7; ++d)
    iv.push_back(linalg::IndexOp::create(nb, nl, d));
  Value oh = iv[1], ow = iv[2], kh = iv[4], kw = iv[5], corner = iv[6];

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

  using IP = arith::CmpIPredicate;
  Value lower = e.cmpi(IP::uge, corner, e.index(2));
  Value right =
      e.cmpi(IP::eq, arith::RemUIOp::create(nb, nl, corner, e.index(2)),
             e.index(1));
  Value yc = e.add(y0, arith::SelectOp::create(nb, nl, lower, e.index(1),
                                               e.index(0)));
  Value xc = e.add(x0, arith::SelectOp::create(nb, nl, right, e.index(1),
                                               e.index(0)));
  Value wy = e.select(lower, ly, hy);
  Value wx = e.select(right, lx, hx);
  Value zeroIdx = e.index(0);
  Value valid = inside;
  for (auto [pos, size] : {std::pair(yc, geo.height), std::pair(xc, geo.width)}) {
    Value atLeast = e.cmpi(IP::sge, pos, zeroIdx);
    Value below = e.cmpi(IP::slt, pos, e.index(size));
    valid = e.both(valid, e.both(atLeast, below));
  }
  Value weight = e.select(valid, e.mul(wy, wx), zero);
  Value flat = e.add(e.mul(yc, e.index(geo.width)), xc);
  flat = e.select(valid, flat, zeroIdx);
  Value flat32 =
      arith::IndexCastOp::create(nb, nl, nb.getI32Type(), flat).getResult();
  return {flat32, weight};
}

/// The columns [N, OH, OW, KH, KW, IC] from channels-last input, offset and
/// (optional) mask, in two generics:
///  - corners [N, OH, OW, G, KH, KW, 4], tagged kDeformCornersAttr: per tap
///    and offset group, where its four bilinear corners are in the input
///    plane and their weights (cornerAt): the position arithmetic, once per
///    tap, not per channel;
///  - the samples, tagged kDeformSampleAttr: per channel, the weighted sum
///    of the four corner pixels, in torchvision's order, times the mask.
///    Along the channels the corners stay put, so each channel run is four
///    contiguous loads and multiply-adds.
Value buildSampleColumns(OpBuilder &b, Location loc, const SampleGeometry &geo,
                         ArrayRef<int64_t> columnsShape, Value input,
                         Value offset, Value mask) {
  MLIRContext *ctx = b.getContext();
  int64_t n = columnsShape[0], oh = columnsShape[1], ow = columnsShape[2],
          kh = columnsShape[3], kw = columnsShape[4], ic = columnsShape[5];
  int64_t groupChannels = geo.channelsPerOffsetGroup;
  int64_t groups = ic / groupChannels;
  auto dim = [&](unsigned d) { return getAffineDimExpr(d, ctx); };
  auto parallel = [](unsigned count) {
    return SmallVector<utils::IteratorType>(count,
                                            utils::IteratorType::parallel);
  };
  Type f32 = b.getF32Type();

  // Offset [N, OH, OW, G*KH*KW*2] -> [N, OH, OW, G, KH, KW, 2].
  Value offset7 = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({n, oh, ow, groups, kh, kw, 2}, f32),
      offset, SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4, 5, 6}});
  SmallVector<int64_t> cornersShape{n, oh, ow, groups, kh, kw, 4};
  Value flatInit =
      tensor::EmptyOp::create(b, loc, cornersShape, b.getI32Type());
  Value weightInit = tensor::EmptyOp::create(b, loc, cornersShape, f32);
  auto offsetMap = [&](int64_t component) {
    SmallVector<AffineExpr> exprs;
    for (unsigned d = 0; d < 6; ++d)
      exprs.push_back(dim(d));
    exprs.push_back(getAffineConstantExpr(component, ctx));
    return AffineMap::get(7, 0, exprs, ctx);
  };
  AffineMap identity7 = b.getMultiDimIdentityMap(7);
  auto corners = linalg::GenericOp::create(
      b, loc, TypeRange{flatInit.getType(), weightInit.getType()},
      ValueRange{offset7, offset7}, ValueRange{flatInit, weightInit},
      ArrayRef<AffineMap>{offsetMap(0), offsetMap(1), identity7, identity7},
      parallel(7), [&](OpBuilder &nb, Location nl, ValueRange args) {
        auto [flat, weight] = cornerAt(nb, nl, geo, args[0], args[1]);
        linalg::YieldOp::create(nb, nl, ValueRange{flat, weight});
      });
  corners->setAttr(kDeformCornersAttr, b.getUnitAttr());

  // Samples over (n, oh, ow, kh, kw, g, icg) into [N, OH, OW, KH, KW, G, ICg].
  Value plane = tensor::CollapseShapeOp::create(
      b, loc, input, SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}});
  // The corners are read with tensor.extract at the loop indices rather
  // than as operands: operands would be vectors across the channel loop,
  // and the vectorizer would gather the pixels by them; read as scalars at
  // indices that do not change along the channels, they leave each pixel
  // read a contiguous vector load.
  Value flats = corners.getResult(0), weights = corners.getResult(1);
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  if (mask) {
    inputs.push_back(tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({n, oh, ow, groups, kh, kw}, f32), mask,
        SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4, 5}}));
    maps.push_back(AffineMap::get(
        7, 0, {dim(0), dim(1), dim(2), dim(5), dim(3), dim(4)}, ctx));
  }
  SmallVector<int64_t> samplesShape{n, oh, ow, kh, kw, groups, groupChannels};
  Value samplesInit = tensor::EmptyOp::create(b, loc, samplesShape, f32);
  maps.push_back(identity7);
  auto samples = linalg::GenericOp::create(
      b, loc, TypeRange{samplesInit.getType()}, inputs, ValueRange{samplesInit},
      maps, parallel(7), [&](OpBuilder &nb, Location nl, ValueRange args) {
        BodyBuilder e(nb, nl);
        SmallVector<Value, 7> iv;
        for (unsigned d = 0; d < 7; ++d)
          iv.push_back(linalg::IndexOp::create(nb, nl, d));
        Value ic = e.add(e.mul(iv[5], e.index(groupChannels)), iv[6]);
        Value value;
        for (int64_t corner = 0; corner < 4; ++corner) {
          SmallVector<Value> at{iv[0], iv[1], iv[2], iv[5],
                                iv[3], iv[4], e.index(corner)};
          Value flat = arith::IndexCastOp::create(
              nb, nl, nb.getIndexType(), e.extract(flats, at));
          Value pixel = e.extract(plane, {iv[0], flat, ic});
          Value term = e.mul(e.extract(weights, at), pixel);
          value = value ? e.add(value, term) : term;
        }
        if (mask)
          value = e.mul(value, args[0]);
        linalg::YieldOp::create(nb, nl, value);
      });
  samples->setAttr(kDeformSampleAttr, b.getUnitAttr());
  return tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get(columnsShape, f32), samples.getResult(0),
      SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3}, {4}, {5, 6}});
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
