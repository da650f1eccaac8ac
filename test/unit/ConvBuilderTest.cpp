//===- ConvBuilderTest.cpp - conv dialect IR built from ConvSpecs ---------===//
//
// The builder is the JIT's calling convention (argument order) and the point
// where ConvSpec's shape logic meets the dialect verifiers: these tests pin
// both, and check that bad specs come back as errors, not crashes.
//
//===----------------------------------------------------------------------===//

#include "Conv/ConvBuilder.h"
#include "Conv/ConvOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <string>

using namespace convjit;

namespace {

ConvSpec conv2dNhwc() {
  ConvSpec s;
  s.op = OpKind::Conv;
  s.n = 1; s.ic = 16; s.oc = 32; s.in = {8, 8}; s.kernel = {3, 3};
  s.stride = {2, 2}; s.dilation = {1, 1}; s.padLo = {1, 1}; s.padHi = {0, 1};
  s.outputPadding = {0, 0}; s.groups = 4; s.bias = true; s.relu = true;
  s.layout = Layout::ChannelsLast;
  return s;
}

ConvSpec convTranspose1d() {
  ConvSpec s;
  s.op = OpKind::ConvTranspose;
  s.n = 1; s.ic = 4; s.oc = 6; s.in = {5}; s.kernel = {4};
  s.stride = {3}; s.dilation = {1}; s.padLo = {0}; s.padHi = {2};
  s.outputPadding = {2}; s.groups = 2; s.bias = true;
  return s;
}

ConvSpec deformConv2d() {
  ConvSpec s;
  s.op = OpKind::DeformConv;
  s.n = 1; s.ic = 4; s.oc = 6; s.in = {7, 7}; s.kernel = {3, 3};
  s.stride = {2, 2}; s.dilation = {1, 1}; s.padLo = {1, 1}; s.padHi = {1, 1};
  s.outputPadding = {0, 0}; s.groups = 2; s.deformGroups = 2; s.mask = true;
  s.bias = true; s.relu = true; s.layout = Layout::ChannelsLast;
  return s;
}

ConvSpec maxPool3d() {
  ConvSpec s;
  s.op = OpKind::MaxPool;
  s.n = 1; s.ic = 2; s.oc = 2; s.in = {7, 7, 7}; s.kernel = {2, 2, 2};
  s.stride = {1, 1, 1}; s.dilation = {2, 2, 2}; s.padLo = {0, 0, 0};
  s.padHi = {1, 1, 1}; s.outputPadding = {0, 0, 0};
  return s;
}

ConvSpec avgPool1d() {
  ConvSpec s;
  s.op = OpKind::AvgPool;
  s.n = 2; s.ic = 3; s.oc = 3; s.in = {10}; s.kernel = {2}; s.stride = {2};
  s.dilation = {1}; s.padLo = {0}; s.padHi = {1}; s.outputPadding = {0};
  s.relu = true; s.layout = Layout::ChannelsLast;
  return s;
}

ConvSpec channelShuffle2d() {
  ConvSpec s;
  s.op = OpKind::ChannelShuffle;
  s.n = 1; s.ic = 16; s.oc = 16; s.in = {8, 8}; s.kernel = {1, 1};
  s.stride = {1, 1}; s.dilation = {1, 1}; s.padLo = {0, 0}; s.padHi = {0, 0};
  s.outputPadding = {0, 0}; s.groups = 4; s.relu = true;
  return s;
}

std::string print(mlir::Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  op->print(os);
  return text;
}

std::string shapeOf(mlir::Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

/// The argument and result types of `func`, printed, in order.
std::vector<std::string> signature(mlir::func::FuncOp func) {
  std::vector<std::string> types;
  for (mlir::Type t : func.getArgumentTypes())
    types.push_back(shapeOf(t));
  types.push_back("-> " + shapeOf(func.getResultTypes().front()));
  return types;
}

/// The one conv-dialect op in `func` (the other op is the return).
mlir::Operation *layerOp(mlir::func::FuncOp func) {
  return &func.getBody().front().front();
}

class ConvBuilderTest : public ::testing::Test {
protected:
  mlir::MLIRContext context;

  mlir::OwningOpRef<mlir::ModuleOp> build(llvm::ArrayRef<ConvSpec> specs) {
    auto module = buildConvModule(context, specs);
    if (!module) {
      ADD_FAILURE() << llvm::toString(module.takeError());
      return {};
    }
    return std::move(*module);
  }

  /// The builder's error for `specs`, or "" if it unexpectedly succeeded.
  std::string buildError(llvm::ArrayRef<ConvSpec> specs) {
    auto module = buildConvModule(context, specs);
    if (module)
      return "";
    return llvm::toString(module.takeError());
  }
};

} // namespace

TEST_F(ConvBuilderTest, OneFunctionPerLayerInSpecOrder) {
  auto module = build({conv2dNhwc(), convTranspose1d(), deformConv2d(),
                       maxPool3d(), avgPool1d(), channelShuffle2d()});
  ASSERT_TRUE(module);
  EXPECT_TRUE(mlir::succeeded(mlir::verify(*module)));

  std::vector<std::string> names;
  for (auto func : module->getOps<mlir::func::FuncOp>())
    names.push_back(func.getSymName().str());
  EXPECT_EQ(names, (std::vector<std::string>{"layer0", "layer1", "layer2",
                                             "layer3", "layer4", "layer5"}));
}

TEST_F(ConvBuilderTest, ConvPrintsEveryParameter) {
  auto module = build({conv2dNhwc()});
  ASSERT_TRUE(module);
  auto func = *module->getOps<mlir::func::FuncOp>().begin();
  EXPECT_EQ(signature(func),
            (std::vector<std::string>{
                "tensor<1x8x8x16xf32>", "tensor<32x4x3x3xf32>",
                "tensor<32xf32>", "-> tensor<1x4x4x32xf32>"}));
  EXPECT_NE(print(layerOp(func)).find(
                "conv.conv %arg0, %arg1 bias(%arg2) stride [2, 2] dilation "
                "[1, 1] pad [1, 1] to [0, 1] groups 4 layout nhwc relu"),
            std::string::npos)
      << print(layerOp(func));
}

TEST_F(ConvBuilderTest, ConvTransposeWeightIsInputChannelsFirst) {
  auto module = build({convTranspose1d()});
  ASSERT_TRUE(module);
  auto func = *module->getOps<mlir::func::FuncOp>().begin();
  // Weight (ic, oc/groups, k) = (4, 3, 4); out = (5-1)*3 - 0 - 2 + 3 + 2 + 1.
  EXPECT_EQ(signature(func),
            (std::vector<std::string>{"tensor<1x4x5xf32>", "tensor<4x3x4xf32>",
                                      "tensor<6xf32>",
                                      "-> tensor<1x6x16xf32>"}));
  auto op = llvm::dyn_cast<conv::ConvTransposeOp>(layerOp(func));
  ASSERT_TRUE(op);
  EXPECT_EQ(op.getOutputPadding(), llvm::ArrayRef<int64_t>{2});
  EXPECT_EQ(op.getPadHi(), llvm::ArrayRef<int64_t>{2});
  EXPECT_EQ(op.getGroups(), 2u);
  EXPECT_FALSE(op.getRelu());
}

TEST_F(ConvBuilderTest, DeformConvArgumentsAreInputOffsetMaskWeightBias) {
  auto module = build({deformConv2d()});
  ASSERT_TRUE(module);
  auto func = *module->getOps<mlir::func::FuncOp>().begin();
  // Out 4x4; offset 2*dg*kh*kw = 36 and mask dg*kh*kw = 18 channels, nhwc.
  EXPECT_EQ(signature(func),
            (std::vector<std::string>{
                "tensor<1x7x7x4xf32>", "tensor<1x4x4x36xf32>",
                "tensor<1x4x4x18xf32>", "tensor<6x2x3x3xf32>", "tensor<6xf32>",
                "-> tensor<1x4x4x6xf32>"}));
  auto op = llvm::dyn_cast<conv::DeformConvOp>(layerOp(func));
  ASSERT_TRUE(op);
  mlir::Block &body = func.getBody().front();
  EXPECT_EQ(op.getInput(), body.getArgument(0));
  EXPECT_EQ(op.getOffset(), body.getArgument(1));
  EXPECT_EQ(op.getMask(), body.getArgument(2));
  EXPECT_EQ(op.getWeight(), body.getArgument(3));
  EXPECT_EQ(op.getBias(), body.getArgument(4));
  EXPECT_EQ(op.getDeformGroups(), 2u);
}

TEST_F(ConvBuilderTest, DeformConvWithoutMaskOrBiasHasThreeArguments) {
  ConvSpec spec = deformConv2d();
  spec.mask = false;
  spec.bias = false;
  auto module = build({spec});
  ASSERT_TRUE(module);
  auto func = *module->getOps<mlir::func::FuncOp>().begin();
  EXPECT_EQ(func.getNumArguments(), 3u);
  auto op = llvm::cast<conv::DeformConvOp>(layerOp(func));
  EXPECT_FALSE(op.getMask());
  EXPECT_FALSE(op.getBias());
  EXPECT_EQ(op.getWeight(), func.getBody().front().getArgument(2));
}

TEST_F(ConvBuilderTest, PoolingAndShufflePrintTheirKindAndLayout) {
  auto module = build({maxPool3d(), avgPool1d(), channelShuffle2d()});
  ASSERT_TRUE(module);
  auto funcs = llvm::to_vector(module->getOps<mlir::func::FuncOp>());
  ASSERT_EQ(funcs.size(), 3u);
  EXPECT_NE(print(layerOp(funcs[0]))
                .find("conv.pool max %arg0 kernel [2, 2, 2] stride [1, 1, 1] "
                      "dilation [2, 2, 2] pad [0, 0, 0] to [1, 1, 1] layout "
                      "nchw : (tensor<1x2x7x7x7xf32>) -> "
                      "tensor<1x2x6x6x6xf32>"),
            std::string::npos)
      << print(layerOp(funcs[0]));
  EXPECT_NE(print(layerOp(funcs[1]))
                .find("conv.pool avg %arg0 kernel [2] stride [2] dilation [1] "
                      "pad [0] to [1] layout nhwc relu : (tensor<2x10x3xf32>) "
                      "-> tensor<2x5x3xf32>"),
            std::string::npos)
      << print(layerOp(funcs[1]));
  EXPECT_NE(print(layerOp(funcs[2]))
                .find("conv.channel_shuffle %arg0 groups 4 layout nchw relu : "
                      "(tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>"),
            std::string::npos)
      << print(layerOp(funcs[2]));
}

TEST_F(ConvBuilderTest, ValidSpecNamesBecomeSymbolsAndClashesAreUniqued) {
  ConvSpec stem = conv2dNhwc();
  stem.name = "stem";
  ConvSpec spaced = maxPool3d();
  spaced.name = "not a symbol";
  ConvSpec again = channelShuffle2d();
  again.name = "stem";
  auto module = build({stem, spaced, again});
  ASSERT_TRUE(module);
  std::vector<std::string> names;
  for (auto func : module->getOps<mlir::func::FuncOp>())
    names.push_back(func.getSymName().str());
  EXPECT_EQ(names, (std::vector<std::string>{"stem", "layer1", "stem_0"}));
  EXPECT_EQ(layerSymbolName(stem, 7), "stem");
  EXPECT_EQ(layerSymbolName(spaced, 7), "layer7");
}

TEST_F(ConvBuilderTest, VerifierErrorNamesTheLayer) {
  ConvSpec bad = conv2dNhwc();
  bad.ic = 6; // not divisible by groups = 4
  EXPECT_EQ(buildError({maxPool3d(), bad}),
            "layer 1 (conv): 'conv.conv' op input channels (6) must be "
            "divisible by 'groups' (4)");
}

TEST_F(ConvBuilderTest, MalformedSpecsAreErrorsNotCrashes) {
  ConvSpec zeroGroups = conv2dNhwc();
  zeroGroups.groups = 0;
  EXPECT_EQ(buildError({zeroGroups}),
            "layer 0 (conv): groups must be >= 1, got 0");

  ConvSpec zeroStride = maxPool3d();
  zeroStride.stride = {1, 0, 1};
  EXPECT_EQ(buildError({zeroStride}),
            "layer 0 (max_pool): stride entries must be >= 1");

  ConvSpec shortKernel = convTranspose1d();
  shortKernel.in = {5, 5};
  EXPECT_EQ(buildError({shortKernel}),
            "layer 0 (conv_transpose): k has 1 entries, expected 2 (one per "
            "spatial dim of in)");

  ConvSpec tooSmall = conv2dNhwc();
  tooSmall.in = {1, 8};
  tooSmall.padLo = {0, 0};
  tooSmall.padHi = {0, 0};
  EXPECT_EQ(buildError({tooSmall}),
            "layer 0 (conv): output size along spatial dim 0 would be 0: the "
            "dilated window is larger than the padded input");

  ConvSpec negativeChannels = channelShuffle2d();
  negativeChannels.ic = -16;
  EXPECT_EQ(buildError({negativeChannels}),
            "layer 0 (channel_shuffle): input shape has a negative size: "
            "1x-16x8x8");

  ConvSpec negativeOutChannels = maxPool3d();
  negativeOutChannels.oc = -2;
  EXPECT_EQ(buildError({negativeOutChannels}),
            "layer 0 (max_pool): output shape has a negative size: "
            "1x-2x6x6x6");

  ConvSpec rank4 = maxPool3d();
  rank4.in = {4, 4, 4, 4};
  rank4.kernel = rank4.stride = rank4.dilation = {1, 1, 1, 1};
  rank4.padLo = rank4.padHi = {0, 0, 0, 0};
  EXPECT_EQ(buildError({rank4}),
            "layer 0 (max_pool): 'conv.pool' op input must have rank 3, 4 or "
            "5 (batch, channels and 1-3 spatial dims), got 6");
}

// ConvSpec's shape methods and the dialect verifiers compute layouts and
// weight shapes independently; across a grid of layers they must agree: each
// builds, verifies, and its function returns spec.outputShape().
TEST_F(ConvBuilderTest, SpecShapesAgreeWithVerifiersAcrossAGrid) {
  int built = 0;
  for (OpKind op : {OpKind::Conv, OpKind::ConvTranspose, OpKind::DeformConv,
                    OpKind::MaxPool, OpKind::AvgPool, OpKind::ChannelShuffle})
    for (unsigned rank = 1; rank <= 3; ++rank)
      for (Layout layout : {Layout::ChannelsFirst, Layout::ChannelsLast})
        for (int64_t stride : {1, 2})
          for (int64_t dilation : {1, 2})
            for (int64_t pad : {0, 1}) {
              if (op == OpKind::DeformConv && rank != 2)
                continue;
              ConvSpec s;
              s.op = op;
              s.n = 2;
              s.ic = 4;
              bool pooling = op == OpKind::MaxPool || op == OpKind::AvgPool;
              s.oc = (pooling || op == OpKind::ChannelShuffle) ? 4 : 6;
              s.in.assign(rank, 9);
              s.kernel.assign(rank, op == OpKind::ChannelShuffle ? 1 : 3);
              s.stride.assign(rank, stride);
              s.dilation.assign(rank, dilation);
              s.padLo.assign(rank, pad);
              s.padHi.assign(rank, pad + 1);
              s.outputPadding.assign(
                  rank, op == OpKind::ConvTranspose ? stride - 1 : 0);
              s.groups = 2;
              s.deformGroups = 2;
              s.mask = true;
              s.bias = !pooling && op != OpKind::ChannelShuffle;
              s.layout = layout;
              SCOPED_TRACE(s.str());
              auto module = build({s});
              ASSERT_TRUE(module);
              auto func = *module->getOps<mlir::func::FuncOp>().begin();
              auto result = llvm::cast<mlir::RankedTensorType>(
                  func.getResultTypes().front());
              EXPECT_EQ(result.getShape(),
                        llvm::ArrayRef<int64_t>(s.outputShape()));
              ++built;
            }
  EXPECT_EQ(built, 5 * 3 * 2 * 8 + 1 * 2 * 8);
}
