//===- PoolToLinalg.cpp - conv.pool to linalg -----------------------------===//
//
// max: linalg.pooling_{nwc,nhwc,ndhwc}_max over the -inf padded input, so
//      padding never wins;
// avg: linalg.pooling_*_sum over the zero padded input times 1/prod(kernel)
//      (padding counts in the divisor, PyTorch's count_include_pad).
//
//===----------------------------------------------------------------------===//

#include "Conv/ConvOps.h"
#include "Lowering/LinalgHelpers.h"
#include "Lowering/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;

namespace convjit::lowering {
namespace {

/// The named pooling op of one spatial rank.
template <typename MaxOp, typename SumOp>
Operation *createPooling(OpBuilder &b, Location loc, bool isMax,
                         ValueRange inputs, Value init, Attribute strides,
                         Attribute dilations) {
  TypeRange results{init.getType()};
  if (isMax)
    return MaxOp::create(b, loc, results, inputs, ValueRange{init}, strides,
                         dilations);
  return SumOp::create(b, loc, results, inputs, ValueRange{init}, strides,
                       dilations);
}

struct PoolLowering : OpConversionPattern<conv::PoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(conv::PoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    conv::Layout layout = op.getLayout();
    bool isMax = op.getKind() == conv::PoolKind::max;
    float identity = isMax ? -std::numeric_limits<float>::infinity() : 0.0f;
    ArrayRef<int64_t> kernel = op.getKernel();
    // The verifier allows only these ranks; checked before building anything.
    if (kernel.empty() || kernel.size() > 3)
      return rewriter.notifyMatchFailure(op, "spatial rank must be 1, 2 or 3");

    Value input = toChannelsLast(rewriter, loc, adaptor.getInput(), layout);
    input = padSpatial(rewriter, loc, input, op.getPadLo(), op.getPadHi(),
                       identity);
    // The named ops take the window's shape from a dummy tensor.
    Value window =
        tensor::EmptyOp::create(rewriter, loc, kernel, rewriter.getF32Type());
    SmallVector<int64_t> outShape =
        channelsLastShape(op.getType().getShape(), layout);
    Value init = filledTensor(rewriter, loc, outShape, identity);
    Attribute strides = rewriter.getI64VectorAttr(op.getStrides());
    Attribute dilations = rewriter.getI64VectorAttr(op.getDilations());
    SmallVector<Value, 2> inputs{input, window};

    Operation *pool;
    if (kernel.size() == 1)
      pool = createPooling<linalg::PoolingNwcMaxOp, linalg::PoolingNwcSumOp>(
          rewriter, loc, isMax, inputs, init, strides, dilations);
    else if (kernel.size() == 2)
      pool = createPooling<linalg::PoolingNhwcMaxOp, linalg::PoolingNhwcSumOp>(
          rewriter, loc, isMax, inputs, init, strides, dilations);
    else
      pool =
          createPooling<linalg::PoolingNdhwcMaxOp, linalg::PoolingNdhwcSumOp>(
              rewriter, loc, isMax, inputs, init, strides, dilations);
    inheritDiscardableAttrs(op, pool);

    Value output = pool->getResult(0);
    if (!isMax) {
      int64_t windowSize = 1;
      for (int64_t k : kernel)
        windowSize *= k;
      float scale = 1.0f / static_cast<float>(windowSize);
      output = mapElements(
          rewriter, loc, output,
          [scale](OpBuilder &nb, Location nl, Value sum) {
            Value factor =
                arith::ConstantOp::create(nb, nl, nb.getF32FloatAttr(scale));
            return arith::MulFOp::create(nb, nl, sum, factor).getResult();
          });
    }
    if (op.getRelu())
      output = applyRelu(rewriter, loc, output);
    rewriter.replaceOp(op, fromChannelsLast(rewriter, loc, output, layout));
    return success();
  }
};

} // namespace

void populatePoolPattern(RewritePatternSet &patterns) {
  patterns.add<PoolLowering>(patterns.getContext());
}

} // namespace convjit::lowering
