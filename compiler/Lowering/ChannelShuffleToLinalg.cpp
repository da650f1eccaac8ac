//===- ChannelShuffleToLinalg.cpp - conv.channel_shuffle to linalg --------===//
//
// Channels-last, the shuffle is a reshape C -> (G, C/G), a transpose of those
// two dims and a reshape back.
//
//===----------------------------------------------------------------------===//

#include "Conv/ConvOps.h"
#include "Lowering/LinalgHelpers.h"
#include "Lowering/Patterns.h"

#include "mlir/Transforms/DialectConversion.h"

#include <numeric>

using namespace mlir;

namespace convjit::lowering {
namespace {

struct ChannelShuffleLowering : OpConversionPattern<conv::ChannelShuffleOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(conv::ChannelShuffleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    conv::Layout layout = op.getLayout();
    Value input = toChannelsLast(rewriter, loc, adaptor.getInput(), layout);
    auto channelDim = static_cast<unsigned>(op.getType().getRank() - 1);

    Value split = splitDim(rewriter, loc, input, channelDim,
                           static_cast<int64_t>(op.getGroups()));
    SmallVector<int64_t> perm(channelDim + 2);
    std::iota(perm.begin(), perm.end(), 0);
    std::swap(perm[channelDim], perm[channelDim + 1]);
    Value output = mergeDims(rewriter, loc,
                             transpose(rewriter, loc, split, perm), channelDim);
    if (op.getRelu())
      output = applyRelu(rewriter, loc, output);
    rewriter.replaceOp(op, fromChannelsLast(rewriter, loc, output, layout));
    return success();
  }
};

} // namespace

void populateChannelShufflePattern(RewritePatternSet &patterns) {
  patterns.add<ChannelShuffleLowering>(patterns.getContext());
}

} // namespace convjit::lowering
