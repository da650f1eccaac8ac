//===- ConvToLinalg.cpp - conv.conv to linalg -----------------------------===//
//
// Channels-last input, zero-padded by tensor.pad, contracted with the HWIO
// (or grouped G,K...,ICg,OCg) weight by the conv core; a depthwise conv
// goes a block of channels at a time (ChannelBlockedDepthwise.h: at nchw
// changing the block's layout) or, at nchw, stays channels-first
// (PlanewiseDepthwise.h), and so does an nchw conv that is a matrix product
// per image and group (ChannelsFirstProduct.h). A grouped conv with small
// groups of a vector or more of channels goes a group at a time
// (GroupBlockedConv.h).
//
//===----------------------------------------------------------------------===//

#include "Conv/ConvOps.h"
#include "Lowering/ChannelBlockedDepthwise.h"
#include "Lowering/ChannelsFirstProduct.h"
#include "Lowering/ConvCore.h"
#include "Lowering/GroupBlockedConv.h"
#include "Lowering/LinalgHelpers.h"
#include "Lowering/Patterns.h"
#include "Lowering/PlanewiseDepthwise.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace convjit::lowering {
namespace {

struct ConvLowering : OpConversionPattern<conv::ConvOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(conv::ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    conv::Layout layout = op.getLayout();
    auto groups = static_cast<int64_t>(op.getGroups());

    if (lowersByChannelBlocks(op)) {
      rewriter.replaceOp(op, buildChannelBlockedDepthwise(
                                 rewriter, op, adaptor.getInput(),
                                 adaptor.getWeight(), adaptor.getBias()));
      return success();
    }
    if (lowersPlanewise(op)) {
      rewriter.replaceOp(
          op, buildPlanewiseDepthwise(rewriter, op, adaptor.getInput(),
                                      adaptor.getWeight(), adaptor.getBias()));
      return success();
    }
    if (lowersByGroupBlocks(op)) {
      rewriter.replaceOp(
          op, buildGroupBlockedConv(rewriter, op, adaptor.getInput(),
                                    adaptor.getWeight(), adaptor.getBias()));
      return success();
    }
    if (lowersChannelsFirstProduct(op)) {
      rewriter.replaceOp(op, buildChannelsFirstProduct(
                                 rewriter, op, adaptor.getInput(),
                                 adaptor.getWeight(), adaptor.getBias()));
      return success();
    }
    Value input = toChannelsLast(rewriter, loc, adaptor.getInput(), layout);
    input =
        padSpatial(rewriter, loc, input, op.getPadLo(), op.getPadHi(), 0.0f);
    ConvCoreOperands core;
    core.input = input;
    core.strides = op.getStrides();
    core.dilations = op.getDilations();
    core.weight = packConvWeight(rewriter, loc, adaptor.getWeight(), groups);
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

void populateConvPattern(RewritePatternSet &patterns) {
  patterns.add<ConvLowering>(patterns.getContext());
}

} // namespace convjit::lowering
