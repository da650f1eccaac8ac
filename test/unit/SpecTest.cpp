//===- SpecTest.cpp - Spec parsers, verifier, shapes and counts -----------===//

#include "Spec/ConvSpec.h"
#include "Spec/SpecError.h"
#include "Spec/SpecParser.h"
#include "Spec/SpecVerifier.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

using namespace convjit;

namespace {

/// Parses `text`, failing the test (and returning a default spec) on error.
ConvSpec parsed(llvm::StringRef text, const ConvSpec *previous = nullptr) {
  llvm::Expected<ConvSpec> spec = parseSpec(text, previous);
  if (!spec) {
    ADD_FAILURE() << "'" << text.str()
                  << "' did not parse: " << llvm::toString(spec.takeError());
    return ConvSpec();
  }
  return *spec;
}

/// The key a failed parse blames, after checking the one-line message
/// names it too. "<parsed>" if the text parsed.
std::string blamedKey(llvm::StringRef text) {
  llvm::Expected<ConvSpec> spec = parseSpec(text);
  if (spec)
    return "<parsed>";
  std::string key, message;
  llvm::handleAllErrors(
      spec.takeError(),
      [&](const SpecError &e) {
        key = e.key().str();
        llvm::raw_string_ostream os(message);
        e.log(os);
      },
      [&](const llvm::ErrorInfoBase &e) {
        key = "<other: " + e.message() + ">";
      });
  if (!key.empty() && !message.empty()) {
    EXPECT_TRUE(llvm::StringRef(message).starts_with("error: " + key + ": "))
        << message;
    EXPECT_FALSE(llvm::StringRef(message).contains('\n')) << message;
  }
  return key;
}

std::string sourceDir() {
  llvm::SmallString<256> dir(__FILE__);
  llvm::sys::path::remove_filename(dir); // test/unit
  llvm::sys::path::remove_filename(dir); // test
  return dir.str().str();
}

} // namespace

//===----------------------------------------------------------------------===//
// Shapes and the PyTorch formulas
//===----------------------------------------------------------------------===//

TEST(ConvSpecShapes, ConvOutputFollowsPyTorchFormula) {
  ConvSpec s;
  s.ic = 64;
  s.oc = 64;
  s.in = {56, 56};
  s.kernel = {3, 3};
  s.stride = {2, 2};
  s.dilation = {1, 1};
  s.padLo = {1, 1};
  s.padHi = {1, 1};
  s.outputPadding = {0, 0};
  EXPECT_EQ(s.outSpatial(), (Dims{28, 28}));
}

TEST(ConvSpecShapes, ChannelsLastPermutesActivationsOnly) {
  ConvSpec s = parsed("conv n=2 ic=3 oc=8 in=10x12 k=3 layout=nhwc bias");
  EXPECT_EQ(s.inputShape(), (Shape{2, 10, 12, 3}));
  EXPECT_EQ(s.outputShape(), (Shape{2, 8, 10, 8}));
  EXPECT_EQ(s.weightShape(), (Shape{8, 3, 3, 3}));
  EXPECT_EQ(s.biasShape(), (Shape{8}));
}

TEST(ConvSpecShapes, TransposedWeightIsInputMajor) {
  ConvSpec s = parsed("conv_transpose ic=8 oc=12 in=7x9 k=3x4 stride=2x3 "
                      "pad=1x2 output_padding=1x2 groups=4");
  // torch.nn.ConvTranspose2d(8, 12, (3,4), (2,3), (1,2), (1,2), groups=4)
  EXPECT_EQ(s.outSpatial(), (Dims{14, 26}));
  EXPECT_EQ(s.weightShape(), (Shape{8, 3, 3, 4}));
}

TEST(ConvSpecShapes, DeformOffsetsAndMask) {
  ConvSpec s = parsed("deform_conv ic=8 oc=6 in=10x12 k=3 stride=2 pad=1 "
                      "dg=2 groups=2 bias mask");
  EXPECT_EQ(s.outSpatial(), (Dims{5, 6}));
  EXPECT_EQ(s.offsetShape(), (Shape{1, 36, 5, 6}));
  EXPECT_EQ(s.maskShape(), (Shape{1, 18, 5, 6}));
}

//===----------------------------------------------------------------------===//
// Parameter counts and FLOPs (checked against torch by hand)
//===----------------------------------------------------------------------===//

TEST(ConvSpecCounts, ArticleParameterCounts) {
  // sum(p.numel() for p in torch.nn.Conv2d(3, 30, 10, ...).parameters())
  EXPECT_EQ(parsed("conv ic=3 oc=30 in=32x32 k=10 bias").paramCount(), 9030);
  EXPECT_EQ(parsed("conv ic=3 oc=30 in=32x32 k=10 groups=3 bias").paramCount(),
            3030);
  EXPECT_EQ(parsed("conv ic=3 oc=30 in=32x32 k=1 bias").paramCount(), 120);
  EXPECT_EQ(parsed("conv ic=3 oc=30 in=32x32 k=10").paramCount(), 9000);
}

TEST(ConvSpecCounts, DepthwiseSeparableChainTotals423) {
  llvm::Expected<SpecList> list = parseSpecList(
      "conv ic=3 oc=3 in=32x32 k=10 groups=3 bias\nconv oc=30 k=1 bias\n",
      "chain");
  ASSERT_TRUE(!!list) << llvm::toString(list.takeError());
  ASSERT_EQ(list->layers.size(), 2u);
  EXPECT_EQ(list->layers[0].paramCount(), 303);
  EXPECT_EQ(list->layers[1].paramCount(), 120);
  EXPECT_EQ(list->layers[0].paramCount() + list->layers[1].paramCount(), 423);
}

TEST(ConvSpecCounts, OtherOpsMatchTorch) {
  // torch.nn.ConvTranspose2d(8,12,(3,4),groups=4,bias=True): 8*3*12 + 12
  EXPECT_EQ(parsed("conv_transpose ic=8 oc=12 in=7x9 k=3x4 groups=4 bias")
                .paramCount(),
            300);
  // torch.nn.Conv3d(4, 6, 3, bias=False)
  EXPECT_EQ(parsed("conv ic=4 oc=6 in=9x10x11 k=3").paramCount(), 648);
  // torchvision.ops.DeformConv2d(8, 6, 3, groups=2)
  EXPECT_EQ(
      parsed("deform_conv ic=8 oc=6 in=10x12 k=3 groups=2 bias").paramCount(),
      222);
  EXPECT_EQ(parsed("max_pool ic=3 in=11x13 k=3").paramCount(), 0);
  EXPECT_EQ(parsed("channel_shuffle ic=12 in=5x5 groups=3").paramCount(), 0);
}

TEST(ConvSpecCounts, Flops) {
  // 2 * N*OC*OH*OW * IC/g * KH*KW
  EXPECT_EQ(parsed("conv ic=3 oc=30 in=32x32 k=10 bias").flops(),
            2.0 * 30 * 23 * 23 * 3 * 100);
  EXPECT_EQ(parsed("conv n=2 ic=8 oc=16 in=10x10 k=3 pad=1 groups=4").flops(),
            2.0 * 2 * 16 * 100 * 2 * 9);
  // transposed: 2 * N*IC*IH*IW * OC/g * K
  EXPECT_EQ(
      parsed("conv_transpose ic=256 oc=128 in=8x8 k=4 stride=2 pad=1").flops(),
      2.0 * 256 * 64 * 128 * 16);
  // pooling: one op per window element per output
  EXPECT_EQ(parsed("max_pool ic=3 in=12x12 k=2").flops(), 3.0 * 36 * 4);
  EXPECT_EQ(parsed("channel_shuffle ic=12 in=5x5 groups=3").flops(), 0.0);
}

//===----------------------------------------------------------------------===//
// Text grammar
//===----------------------------------------------------------------------===//

TEST(TextGrammar, EveryKey) {
  ConvSpec s = parsed("conv_transpose n=4 ic=8 oc=12 in=7x9 k=3x4 "
                      "stride=2x3 dilation=2x1 pad=1x2:0x1 output_padding=1x2 "
                      "groups=4 layout=nhwc name=up1 bias relu");
  EXPECT_EQ(s.op, OpKind::ConvTranspose);
  EXPECT_EQ(s.n, 4);
  EXPECT_EQ(s.ic, 8);
  EXPECT_EQ(s.oc, 12);
  EXPECT_EQ(s.in, (Dims{7, 9}));
  EXPECT_EQ(s.kernel, (Dims{3, 4}));
  EXPECT_EQ(s.stride, (Dims{2, 3}));
  EXPECT_EQ(s.dilation, (Dims{2, 1}));
  EXPECT_EQ(s.padLo, (Dims{1, 2}));
  EXPECT_EQ(s.padHi, (Dims{0, 1}));
  EXPECT_EQ(s.outputPadding, (Dims{1, 2}));
  EXPECT_EQ(s.groups, 4);
  EXPECT_EQ(s.layout, Layout::ChannelsLast);
  EXPECT_EQ(s.name, "up1");
  EXPECT_TRUE(s.bias);
  EXPECT_TRUE(s.relu);

  ConvSpec d = parsed("deform_conv ic=8 oc=8 in=9x9 k=3 dg=4 mask");
  EXPECT_EQ(d.deformGroups, 4);
  EXPECT_TRUE(d.mask);
}

TEST(TextGrammar, Defaults) {
  ConvSpec s = parsed("conv ic=3 oc=5 in=9x9 k=3");
  EXPECT_EQ(s.n, 1);
  EXPECT_EQ(s.stride, (Dims{1, 1}));
  EXPECT_EQ(s.dilation, (Dims{1, 1}));
  EXPECT_EQ(s.padLo, (Dims{0, 0}));
  EXPECT_EQ(s.padHi, (Dims{0, 0}));
  EXPECT_EQ(s.outputPadding, (Dims{0, 0}));
  EXPECT_EQ(s.groups, 1);
  EXPECT_EQ(s.layout, Layout::ChannelsFirst);
  EXPECT_FALSE(s.bias || s.relu || s.mask);
  // Keys in any order.
  EXPECT_EQ(parsed("conv k=3 in=9x9 oc=5 ic=3"), s);
}

TEST(TextGrammar, SingleNumberBroadcastsToTheRank) {
  ConvSpec s = parsed("conv ic=2 oc=2 in=8x9x10 k=3 stride=2 dilation=1 pad=1");
  EXPECT_EQ(s.kernel, (Dims{3, 3, 3}));
  EXPECT_EQ(s.stride, (Dims{2, 2, 2}));
  EXPECT_EQ(s.padLo, (Dims{1, 1, 1}));
  EXPECT_EQ(s.padHi, (Dims{1, 1, 1}));
}

TEST(TextGrammar, AsymmetricPadding) {
  ConvSpec s = parsed("conv ic=1 oc=1 in=8x8 k=3 pad=0x1:1x2");
  EXPECT_EQ(s.padLo, (Dims{0, 1}));
  EXPECT_EQ(s.padHi, (Dims{1, 2}));
  EXPECT_EQ(s.outSpatial(), (Dims{7, 9}));
  ConvSpec b = parsed("conv ic=1 oc=1 in=8x8 k=3 pad=1:2");
  EXPECT_EQ(b.padLo, (Dims{1, 1}));
  EXPECT_EQ(b.padHi, (Dims{2, 2}));
}

TEST(TextGrammar, PadSameMatchesPyTorch) {
  // total = dilation*(k-1); lo = total/2; hi = the rest (torch 'same').
  ConvSpec odd = parsed("conv ic=1 oc=1 in=9x9 k=3 pad=same");
  EXPECT_EQ(odd.padLo, (Dims{1, 1}));
  EXPECT_EQ(odd.padHi, (Dims{1, 1}));
  ConvSpec even = parsed("conv ic=1 oc=1 in=9x9 k=4x2 pad=same");
  EXPECT_EQ(even.padLo, (Dims{1, 0}));
  EXPECT_EQ(even.padHi, (Dims{2, 1}));
  ConvSpec dilated = parsed("conv ic=1 oc=1 in=20x20 k=4 dilation=3 pad=same");
  EXPECT_EQ(dilated.padLo, (Dims{4, 4}));
  EXPECT_EQ(dilated.padHi, (Dims{5, 5}));
  EXPECT_EQ(dilated.outSpatial(), (Dims{20, 20}));
  ConvSpec threeD = parsed("conv ic=1 oc=1 in=5x6x7 k=2x3x5 pad=same");
  EXPECT_EQ(threeD.outSpatial(), (Dims{5, 6, 7}));
  EXPECT_EQ(blamedKey("conv ic=1 oc=1 in=9 k=3 stride=2 pad=same"), "pad");
}

TEST(TextGrammar, Ranks) {
  EXPECT_EQ(
      parsed("conv ic=4 oc=6 in=100 k=7 stride=3 dilation=2").outSpatial(),
      (Dims{30})); // torch.nn.Conv1d
  EXPECT_EQ(parsed("conv ic=4 oc=6 in=9x10x11 k=3 stride=2 pad=1").outSpatial(),
            (Dims{5, 5, 6})); // torch.nn.Conv3d
  EXPECT_EQ(parsed("max_pool ic=1 in=10 k=2").rank(), 1u);
  EXPECT_EQ(parsed("avg_pool ic=1 in=4x10x10 k=2").rank(), 3u);
  EXPECT_EQ(
      parsed("conv_transpose ic=1 oc=1 in=4x5x6 k=2 stride=2").outSpatial(),
      (Dims{8, 10, 12}));
  EXPECT_EQ(parsed("channel_shuffle ic=4 in=7 groups=2").rank(), 1u);
}

TEST(TextGrammar, PoolingDefaultsStrideToTheWindow) {
  ConvSpec s = parsed("max_pool ic=3 in=11x13 k=2");
  EXPECT_EQ(s.stride, (Dims{2, 2}));
  EXPECT_EQ(s.oc, 3);
  EXPECT_EQ(s.outSpatial(), (Dims{5, 6}));
  // torch.nn.MaxPool2d(3, stride=2, padding=1, dilation=2) on 11x13
  EXPECT_EQ(parsed("max_pool ic=3 in=11x13 k=3 stride=2 pad=1 dilation=2")
                .outSpatial(),
            (Dims{5, 6}));
  // torch.nn.AvgPool3d((3,2,3)) on 5x11x7
  EXPECT_EQ(parsed("avg_pool ic=3 in=5x11x7 k=3x2x3").outSpatial(),
            (Dims{1, 5, 2}));
  // k=4 allows pad 2 on each side (k/2).
  EXPECT_EQ(parsed("max_pool ic=1 in=10 k=4 pad=2").outSpatial(), (Dims{3}));
}

TEST(TextGrammar, ChannelShuffle) {
  ConvSpec s = parsed("channel_shuffle ic=12 in=5x5 groups=3 relu");
  EXPECT_EQ(s.groups, 3);
  EXPECT_EQ(s.oc, 12);
  EXPECT_EQ(s.kernel, (Dims{1, 1}));
  EXPECT_EQ(s.outSpatial(), (Dims{5, 5}));
}

TEST(TextGrammar, Layouts) {
  EXPECT_EQ(parsed("conv ic=1 oc=1 in=8 k=3 layout=nwc").layout,
            Layout::ChannelsLast);
  EXPECT_EQ(parsed("conv ic=1 oc=1 in=8 k=3 layout=ncw").layout,
            Layout::ChannelsFirst);
  EXPECT_EQ(parsed("conv ic=1 oc=1 in=8 k=3 layout=nhwc").layout,
            Layout::ChannelsLast);
  EXPECT_EQ(parsed("conv ic=1 oc=1 in=4x8x8 k=3 layout=ndhwc").layout,
            Layout::ChannelsLast);
  EXPECT_EQ(parsed("conv ic=1 oc=1 in=4x8x8 k=3 layout=ncdhw").layout,
            Layout::ChannelsFirst);
  EXPECT_EQ(blamedKey("conv ic=1 oc=1 in=8x8 k=3 layout=nwc"), "layout");
  EXPECT_EQ(blamedKey("conv ic=1 oc=1 in=8 k=3 layout=ndhwc"), "layout");
}

//===----------------------------------------------------------------------===//
// Canonical text
//===----------------------------------------------------------------------===//

TEST(CanonicalText, RoundTrips) {
  const char *const specs[] = {
      "conv ic=3 oc=30 in=32x32 k=10 bias",
      "conv n=4 ic=8 oc=16 in=17x19 k=3x5 stride=2x3 dilation=2x1 "
      "pad=1x2:0x3 groups=4 layout=nhwc bias relu",
      "conv ic=4 oc=6 in=100 k=7 stride=3 dilation=2 layout=nwc",
      "conv ic=4 oc=8 in=9x10x11 k=3 dilation=2 pad=same",
      "conv ic=4 oc=8 in=9x10x11 k=3 pad=same layout=ndhwc relu",
      "conv_transpose ic=8 oc=12 in=7x9 k=3x4 stride=2x3 pad=1x2 "
      "output_padding=1x2 groups=4 bias",
      "conv_transpose ic=4 oc=2 in=5x6x7 k=3 stride=2 dilation=2 "
      "output_padding=1",
      "deform_conv ic=8 oc=6 in=10x12 k=3 stride=2 pad=1 dg=2 groups=2 "
      "bias mask relu",
      "max_pool ic=3 in=11x13 k=3 stride=2 pad=1 dilation=2",
      "max_pool ic=3 in=11 k=2 relu",
      "avg_pool ic=3 in=5x11x7 k=3x2x3 pad=1:0",
      "channel_shuffle ic=12 in=5x5 groups=3",
      "channel_shuffle n=2 ic=8 in=4x5x6 groups=4 layout=nhwc",
      "mb1ic3ih224oc64oh112kh7sh2ph3n\"resnet50:conv1_7x7s2\"",
      "mb1ic10ih10oc3oh9kh3",
      "mb1ic8ih8oc4oh17kh3sh2ph1 deconv",
  };
  for (const char *text : specs) {
    ConvSpec first = parsed(text);
    std::string canonical = first.str();
    ConvSpec second = parsed(canonical);
    EXPECT_EQ(first, second)
        << text << "\n -> " << canonical << "\n -> " << second.str();
    EXPECT_EQ(second.str(), canonical);
  }
}

TEST(CanonicalText, ExactForm) {
  EXPECT_EQ(parsed("conv ic=3 oc=30 in=32x32 k=10 bias").str(),
            "conv n=1 ic=3 oc=30 in=32x32 k=10x10 stride=1x1 dilation=1x1 "
            "pad=0x0:0x0 groups=1 layout=nchw bias");
  EXPECT_EQ(parsed("channel_shuffle ic=12 in=5 groups=3").str(),
            "channel_shuffle n=1 ic=12 in=5 groups=3 layout=nchw");
}

//===----------------------------------------------------------------------===//
// benchdnn descriptors
//===----------------------------------------------------------------------===//

TEST(Benchdnn, AllAnchorShapesParseWithTheirStatedOutputs) {
  std::string path = sourceDir() + "/Inputs/anchor-shapes.txt";
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path);
  ASSERT_TRUE(!!file) << path;
  llvm::Expected<SpecList> list = parseSpecFile(path);
  ASSERT_TRUE(!!list) << llvm::toString(list.takeError());
  ASSERT_EQ(list->layers.size(), 24u);
  EXPECT_FALSE(list->isChain);

  // The stated o* of each descriptor line, in file order.
  llvm::SmallVector<llvm::StringRef, 64> lines;
  (*file)->getBuffer().split(lines, '\n');
  llvm::Regex stated("o([dhw])([0-9]+)");
  size_t index = 0;
  for (llvm::StringRef line : lines) {
    line = line.split('#').first.trim();
    if (line.empty())
      continue;
    ASSERT_LT(index, list->layers.size());
    const ConvSpec &spec = list->layers[index++];
    Dims out = spec.outSpatial();
    llvm::StringRef rest = line.split('n').first; // before the name
    llvm::SmallVector<llvm::StringRef, 3> match;
    unsigned checked = 0;
    while (stated.match(rest, &match)) {
      unsigned dim = spec.rank() - 1 -
                     (match[1] == "w"   ? 0
                      : match[1] == "h" ? 1
                                        : 2);
      int64_t value = std::stoll(match[2].str());
      EXPECT_EQ(out[dim], value) << line.str() << " -> " << spec.str();
      // Square problems state only oh: w copies it.
      if (spec.rank() >= 2 && match[1] == "h") {
        EXPECT_EQ(out[spec.rank() - 1], value) << line.str();
      }
      ++checked;
      rest = rest.drop_front(rest.find(match[0]) + match[0].size());
    }
    EXPECT_GT(checked, 0u) << line.str();
    EXPECT_EQ(spec.n, line.contains("mb8") ? 8 : 1) << line.str();
    EXPECT_FALSE(spec.name.empty()) << line.str();
  }
  EXPECT_EQ(index, 24u);

  const ConvSpec &conv1 = list->layers[0];
  EXPECT_EQ(conv1.name, "resnet50:conv1_7x7s2");
  EXPECT_EQ(conv1.flops(), 236027904.0); // ANCHORS.md: 0.236 GFLOP
  EXPECT_EQ(conv1.padLo, (Dims{3, 3}));
  EXPECT_EQ(conv1.padHi, (Dims{3, 3})); // symmetric gives the same 112
  EXPECT_EQ(list->layers[8].n, 8);
  EXPECT_EQ(list->layers[9].groups, 96);
  EXPECT_EQ(list->layers[14].groups, 32);
  EXPECT_EQ(list->layers[16].dilation, (Dims{2, 2}));
  EXPECT_EQ(list->layers[17].dilation, (Dims{4, 4}));
  EXPECT_EQ(list->layers[18].op, OpKind::ConvTranspose);
  EXPECT_EQ(list->layers[18].outputShape(), (Shape{1, 128, 16, 16}));
  EXPECT_EQ(list->layers[19].flops(), 1073741824.0); // 1.074 GFLOP
  EXPECT_EQ(list->layers[20].in, (Dims{16, 56, 56}));
  EXPECT_EQ(list->layers[20].kernel, (Dims{3, 3, 3}));
  EXPECT_EQ(list->layers[20].flops(), 11098128384.0); // 11.098 GFLOP
  EXPECT_EQ(list->layers[21].in, (Dims{16000}));
  EXPECT_EQ(list->layers[21].outSpatial(), (Dims{3199}));
  EXPECT_EQ(list->layers[23].op, OpKind::DeformConv);
  EXPECT_EQ(list->layers[23].deformGroups, 1);
  EXPECT_FALSE(list->layers[23].mask);
}

TEST(Benchdnn, EqualsTheTextGrammarSpec) {
  EXPECT_EQ(parsed("mb1ic64ih56oc64oh56kh3ph1n\"resnet50:res2a_2b_3x3\""),
            parsed("conv ic=64 oc=64 in=56x56 k=3 pad=1"));
  EXPECT_EQ(parsed("mb1g32ic128ih56oc128oh56kh3ph1n\"x\""),
            parsed("conv ic=128 oc=128 in=56x56 k=3 pad=1 groups=32"));
  EXPECT_EQ(parsed("mb1ic256ih65oc256oh65kh3ph2dh1n\"dil\""),
            parsed("conv ic=256 oc=256 in=65x65 k=3 pad=2 dilation=2"));
  EXPECT_EQ(parsed("mb1ic64id16ih56oc64od16oh56kd3kh3pd1ph1n\"c3d\""),
            parsed("conv ic=64 oc=64 in=16x56x56 k=3 pad=1"));
  EXPECT_EQ(parsed("mb1ic1iw16000oc512ow3199kw10sw5n\"wav2vec\""),
            parsed("conv ic=1 oc=512 in=16000 k=10 stride=5"));
  EXPECT_EQ(parsed("mb1ic256ih8oc128oh16kh4sh2ph1 deconv"),
            parsed("conv_transpose ic=256 oc=128 in=8x8 k=4 stride=2 pad=1"));
  EXPECT_EQ(parsed("deconv:mb1ic256ih8oc128oh16kh4sh2ph1"),
            parsed("conv_transpose ic=256 oc=128 in=8x8 k=4 stride=2 pad=1"));
  EXPECT_EQ(parsed("deform:mb1ic128ih28oc128oh28kh3ph1"),
            parsed("deform_conv ic=128 oc=128 in=28x28 k=3 pad=1"));
  EXPECT_EQ(parsed("mb1ic8ih8oc8kh3ph1 bias relu"),
            parsed("conv ic=8 oc=8 in=8x8 k=3 pad=1 bias relu"));
}

TEST(Benchdnn, IsToldApartFromTheTextGrammar) {
  EXPECT_TRUE(isBenchdnnDescriptor("mb1ic3ih8oc3kh3"));
  EXPECT_TRUE(isBenchdnnDescriptor("  g2ic4ih8oc4kh3"));
  EXPECT_TRUE(isBenchdnnDescriptor("_ic3ih8oc3kh3"));
  EXPECT_TRUE(isBenchdnnDescriptor("deconv:mb1ic3ih8oc3kh3"));
  EXPECT_FALSE(isBenchdnnDescriptor("conv ic=3 oc=3 in=8 k=3"));
  EXPECT_FALSE(isBenchdnnDescriptor("conv2d ic=3 oc=3 in=8 k=3"));
  EXPECT_FALSE(isBenchdnnDescriptor("ic=3 oc=3 in=8 k=3"));
  EXPECT_FALSE(isBenchdnnDescriptor("max_pool k=2"));
}

TEST(Benchdnn, ImplicitRules) {
  // benchdnn's default minibatch is 2.
  EXPECT_EQ(parsed("ic3ih10oc4kh3").n, 2);
  // '_' separators; w copies h; missing o is computed.
  ConvSpec s = parsed("g2mb3_ic4ih10_oc6_kh3_sh2_ph1");
  EXPECT_EQ(s.n, 3);
  EXPECT_EQ(s.groups, 2);
  EXPECT_EQ(s.in, (Dims{10, 10}));
  EXPECT_EQ(s.stride, (Dims{2, 2}));
  EXPECT_EQ(s.outSpatial(), (Dims{5, 5}));
  // Non-square.
  ConvSpec r = parsed("mb1ic3ih10iw20oc4kh3kw5sh1sw2");
  EXPECT_EQ(r.in, (Dims{10, 20}));
  EXPECT_EQ(r.kernel, (Dims{3, 5}));
  EXPECT_EQ(r.stride, (Dims{1, 2}));
  // Cubic: only d given.
  ConvSpec c = parsed("mb1ic2id8oc2kd3pd1");
  EXPECT_EQ(c.in, (Dims{8, 8, 8}));
  EXPECT_EQ(c.kernel, (Dims{3, 3, 3}));
  EXPECT_EQ(c.padLo, (Dims{1, 1, 1}));
  // 3-D with a missing kd copies kh.
  EXPECT_EQ(parsed("mb1ic2id4ih8oc2kh3").kernel, (Dims{3, 3, 3}));
  // Missing pad with a stated output: ((o-1)*s - i + k) / 2.
  EXPECT_EQ(parsed("mb1ic2ih56oc2oh56kh5").padLo, (Dims{2, 2}));
  // Dilation is 0-based.
  EXPECT_EQ(parsed("mb1ic2ih20oc2kh3dh2").dilation, (Dims{3, 3}));
}

TEST(Benchdnn, BackPaddingComesFromTheStatedOutput) {
  // o=9 from i=10, k=3 needs one more row at the back only.
  ConvSpec s = parsed("mb1ic1ih10oc1oh9kh3ph0");
  EXPECT_EQ(s.padLo, (Dims{0, 0}));
  EXPECT_EQ(s.padHi, (Dims{1, 1}));
  EXPECT_EQ(s.outSpatial(), (Dims{9, 9}));
  // Floor already drops the last row: zero back padding.
  ConvSpec f = parsed("mb1ic1ih10oc1oh4kh3sh2");
  EXPECT_EQ(f.padHi, (Dims{0, 0}));
  EXPECT_EQ(f.outSpatial(), (Dims{4, 4}));
  // deconv: a stated output one larger than the formula is output_padding.
  ConvSpec t = parsed("mb1ic1ih8oc1oh17kh3sh2ph1 deconv");
  EXPECT_EQ(t.outSpatial(), (Dims{17, 17}));
  EXPECT_EQ(t.outputPadding, (Dims{1, 1}));
  EXPECT_EQ(parsed("mb1ic1ih8oc1oh16kh3sh2ph1 deconv").outSpatial(),
            (Dims{16, 16}));
  // Unreachable outputs.
  EXPECT_EQ(blamedKey("mb1ic1ih10oc1oh3kh3"), "oh");
  EXPECT_EQ(blamedKey("mb1ic1iw10oc1ow40kw3sw2 deconv"), "ow");
}

//===----------------------------------------------------------------------===//
// Errors: each bad input is one line that names the key
//===----------------------------------------------------------------------===//

TEST(SpecErrors, NameTheKey) {
  struct Case {
    const char *text;
    const char *key;
  } cases[] = {
      // unknown words
      {"cnov ic=3 oc=3 in=8 k=3", "cnov"},
      {"ic=3 oc=3 in=8 k=3", "op"},
      {"conv ic=3 oc=3 in=8 k=3 foo=1", "foo"},
      {"conv ic=3 oc=3 in=8 k=3 bais", "bais"},
      {"conv ic=3 oc=3 in=8 k", "k"},
      {"conv ic=3 oc=3 in=8 k=3 bias=1", "bias"},
      {"conv ic=3 oc=3 in=8 k=", "k"},
      {"conv ic=3 ic=3 oc=3 in=8 k=3", "ic"},
      {"conv ic=3 oc=3 in=8 k=3 relu relu", "relu"},
      // bad numbers
      {"conv ic=3 oc=3 in=8 k=3.5", "k"},
      {"conv ic=3 oc=3 in=8 k=-1", "k"},
      {"conv ic=3 oc=3 in=8 k=0", "k"},
      {"conv ic=0 oc=3 in=8 k=3", "ic"},
      {"conv n=0 ic=3 oc=3 in=8 k=3", "n"},
      {"conv ic=3 oc=3 in=8 k=3 stride=0", "stride"},
      {"conv ic=3 oc=3 in=8 k=3 dilation=0", "dilation"},
      {"conv ic=3 oc=3 in=8 k=3 pad=-1", "pad"},
      {"conv ic=3 oc=3 in=8 k=99999999999999999999999", "k"},
      {"conv ic=3 oc=3 in=8x k=3", "in"},
      {"conv ic=3 oc=3 in=2x2x2x2 k=1", "in"},
      {"conv ic=3 oc=3 in=8 k=3 pad=1:", "pad"},
      {"conv ic=3 oc=3 in=8 k=3 groups=x", "groups"},
      // missing keys
      {"conv oc=3 in=8 k=3", "ic"},
      {"conv ic=3 in=8 k=3", "oc"},
      {"conv ic=3 oc=3 k=3", "in"},
      {"conv ic=3 oc=3 in=8", "k"},
      {"max_pool ic=3 in=8", "k"},
      {"channel_shuffle ic=4 in=8", "groups"},
      // rank mismatches
      {"conv ic=3 oc=3 in=8x8 k=3x3x3", "k"},
      {"conv ic=3 oc=3 in=8x8 k=3 stride=1x1x1", "stride"},
      {"conv ic=3 oc=3 in=8x8 k=3 dilation=1x1x1", "dilation"},
      {"conv ic=3 oc=3 in=8x8 k=3 pad=1x1x1", "pad"},
      {"conv ic=3 oc=3 in=8x8 k=3 pad=1:1x1x1", "pad"},
      {"conv_transpose ic=3 oc=3 in=8x8 k=3 output_padding=0x0x0",
       "output_padding"},
      // groups
      {"conv ic=4 oc=6 in=8 k=3 groups=3", "groups"},
      {"conv ic=6 oc=4 in=8 k=3 groups=3", "groups"},
      {"conv_transpose ic=6 oc=4 in=8 k=3 groups=3", "groups"},
      {"deform_conv ic=6 oc=6 in=8x8 k=3 dg=4", "dg"},
      {"channel_shuffle ic=6 in=8 groups=4", "groups"},
      // geometry
      {"conv ic=3 oc=3 in=4x4 k=5", "k"},
      {"conv ic=3 oc=3 in=4 k=3 dilation=3", "k"},
      {"max_pool ic=3 in=2 k=3", "k"},
      {"conv_transpose ic=3 oc=3 in=2 k=3 pad=3", "pad"},
      {"conv_transpose ic=3 oc=3 in=8 k=3 stride=2 output_padding=2",
       "output_padding"},
      {"conv_transpose ic=3 oc=3 in=8 k=3 output_padding=1", "output_padding"},
      // per-op rules
      {"max_pool ic=3 oc=3 in=8 k=2", "oc"},
      {"channel_shuffle ic=4 oc=4 in=8 groups=2", "oc"},
      {"max_pool ic=3 in=8 k=2 bias", "bias"},
      {"channel_shuffle ic=4 in=8 groups=2 bias", "bias"},
      {"conv ic=3 oc=3 in=8 k=3 mask", "mask"},
      {"conv ic=3 oc=3 in=8 k=3 dg=1", "dg"},
      {"conv ic=3 oc=3 in=8 k=3 output_padding=0", "output_padding"},
      {"max_pool ic=3 in=8 k=2 groups=1", "groups"},
      {"channel_shuffle ic=4 in=8 k=1 groups=2", "k"},
      {"avg_pool ic=3 in=9 k=3 dilation=2", "dilation"},
      {"max_pool ic=3 in=9 k=3 pad=2", "pad"},
      {"max_pool ic=3 in=9 k=4 pad=0:3", "pad"},
      {"deform_conv ic=3 oc=3 in=9 k=3", "in"},
      {"deform_conv ic=3 oc=3 in=9x9x9 k=3", "in"},
      {"conv ic=3 oc=3 in=9 k=3 stride=2 pad=same", "pad"},
      {"conv ic=3 oc=3 in=9 k=3 layout=nchwc", "layout"},
      // absurd sizes
      {"conv n=1024 ic=1024 oc=4 in=2048x2048 k=1", "input"},
      {"conv ic=1 oc=1 in=2147483647 k=1 pad=1", "output"},
      {"conv ic=65536 oc=65536 in=4 k=1", "weight"},
      {"conv_transpose ic=1 oc=1 in=2147483647 k=2147483647 "
       "stride=2147483647 dilation=2147483647",
       "output"},
      {"deform_conv ic=1 oc=1 in=4096x4096 k=64 dg=1 pad=32", "offset"},
      // benchdnn
      {"mb1ic3ih10oc3kh3zz4", "zz4"},
      {"mb1ic3ih10oc3kh", "kh"},
      {"mb1ic3ih10oc3kh-3", "kh"},
      {"mb1ic3ih10oc3kh0", "kh"},
      {"mb1ic3ih10ih12oc3kh3", "ih"},
      {"mb1ih10oc3kh3", "ic"},
      {"mb1ic3ih10kh3", "oc"},
      {"mb1ic3oc3kh3", "ih"},
      {"mb1ic3ih10oc3", "kh"},
      {"mb1ic3ic3oc3", "ic"},
      {"mb1ic3iw10oc3kw3id4kd3", "ih"},
      {"mb1ic3ih10oc3kh3n\"open", "n"},
      {"mb1ic3ih10oc3kh3 bogus", "bogus"},
      {"mb1ic3ih10oc3kh3 deconv deform", "deform"},
      {"mb1g4ic6ih10oc8kh3", "groups"},
      {"mb1ic3ih4oc3kh7", "k"},
      {"deform:mb1ic4id4ih8oc4kh3", "in"},
      {"--dir=FWD_B", "--dir=FWD_B"},
      {"conv2d ic=3 oc=3 in=8 k=3", "conv2d"},
  };
  for (const Case &c : cases)
    EXPECT_EQ(blamedKey(c.text), c.key) << c.text;
}

TEST(SpecErrors, VerifierChecksHandBuiltSpecs) {
  ConvSpec s = parsed("conv ic=4 oc=4 in=8x8 k=3");
  ASSERT_FALSE(llvm::errorToBool(verifySpec(s)));

  ConvSpec rank = s;
  rank.stride = {1};
  llvm::Error e = verifySpec(rank);
  ASSERT_TRUE(!!e);
  EXPECT_EQ(llvm::toString(std::move(e)),
            "error: stride: has 1 sizes but in has 2");

  ConvSpec noRank = s;
  noRank.in.clear();
  EXPECT_TRUE(llvm::errorToBool(verifySpec(noRank)));

  ConvSpec shuffleOc = parsed("channel_shuffle ic=4 in=8 groups=2");
  shuffleOc.oc = 8;
  llvm::Error oc = verifySpec(shuffleOc);
  ASSERT_TRUE(!!oc);
  EXPECT_TRUE(llvm::StringRef(llvm::toString(std::move(oc)))
                  .starts_with("error: oc: "));
}

//===----------------------------------------------------------------------===//
// Lists, files and command-line arguments
//===----------------------------------------------------------------------===//

TEST(SpecLists, ChainInheritsInputFromThePreviousLayer) {
  llvm::Expected<SpecList> list = parseSpecList(
      "# a small net\n"
      "conv n=2 ic=3 oc=16 in=32x32 k=3 pad=1 layout=nhwc bias relu\n"
      "\n"
      "max_pool k=2          # 16x16\n"
      "conv oc=32 k=3 stride=2 pad=1\n"
      "channel_shuffle groups=4\n"
      "conv_transpose oc=8 k=2 stride=2\n",
      "net.txt");
  ASSERT_TRUE(!!list) << llvm::toString(list.takeError());
  ASSERT_EQ(list->layers.size(), 5u);
  EXPECT_TRUE(list->isChain);
  const ConvSpec &pool = list->layers[1];
  EXPECT_EQ(pool.n, 2);
  EXPECT_EQ(pool.ic, 16);
  EXPECT_EQ(pool.in, (Dims{32, 32}));
  EXPECT_EQ(pool.layout, Layout::ChannelsLast);
  EXPECT_EQ(list->layers[2].in, (Dims{16, 16}));
  EXPECT_EQ(list->layers[3].ic, 32);
  EXPECT_EQ(list->layers[3].in, (Dims{8, 8}));
  EXPECT_EQ(list->layers[4].outputShape(), (Shape{2, 16, 16, 8}));
}

TEST(SpecLists, UnconnectedLayersAreNotAChain) {
  llvm::Expected<SpecList> list = parseSpecList("conv ic=3 oc=8 in=16x16 k=3\n"
                                                "conv ic=8 oc=8 in=16x16 k=3\n",
                                                "set.txt");
  ASSERT_TRUE(!!list) << llvm::toString(list.takeError());
  EXPECT_FALSE(list->isChain); // 14x14 out, 16x16 in

  // ic given, in inherited: connected only if the channels agree.
  llvm::Expected<SpecList> channels =
      parseSpecList("conv ic=3 oc=8 in=16x16 k=3\nconv ic=4 oc=8 k=3\n", "x");
  ASSERT_TRUE(!!channels) << llvm::toString(channels.takeError());
  EXPECT_FALSE(channels->isChain);

  llvm::Expected<SpecList> single =
      parseSpecList("conv ic=3 oc=8 in=16 k=3", "one");
  ASSERT_TRUE(!!single);
  EXPECT_TRUE(single->isChain);
}

TEST(SpecLists, ErrorsCarryFileAndLine) {
  llvm::Expected<SpecList> list = parseSpecList(
      "conv ic=3 oc=8 in=16x16 k=3\n# comment\nconv oc=8 k=3 groups=3\n",
      "layers.txt");
  ASSERT_FALSE(!!list);
  EXPECT_EQ(llvm::toString(list.takeError()),
            "layers.txt:3: error: groups: 3 does not divide ic=8");

  llvm::Expected<SpecList> first = parseSpecList("\nconv oc=8 k=3\n", "f");
  ASSERT_FALSE(!!first);
  EXPECT_EQ(llvm::toString(first.takeError()),
            "f:2: error: ic: missing (the input channels, e.g. ic=64)");

  llvm::Expected<SpecList> empty = parseSpecList("# nothing\n\n", "empty.txt");
  ASSERT_FALSE(!!empty);
  EXPECT_EQ(llvm::toString(empty.takeError()),
            "empty.txt: error: no layers (only blank lines and comments)");
}

TEST(SpecLists, CommandLineArgument) {
  // Inline, ';' between layers.
  llvm::Expected<SpecList> inlined = parseSpecArgument(
      "conv ic=3 oc=3 in=32x32 k=10 groups=3 bias; conv oc=30 k=1 bias");
  ASSERT_TRUE(!!inlined) << llvm::toString(inlined.takeError());
  EXPECT_EQ(inlined->layers.size(), 2u);
  EXPECT_TRUE(inlined->isChain);

  llvm::Expected<SpecList> bad =
      parseSpecArgument("conv ic=3 oc=3 in=8 k=3; conv oc=3 k=30");
  ASSERT_FALSE(!!bad);
  EXPECT_TRUE(llvm::StringRef(llvm::toString(bad.takeError()))
                  .starts_with("layer 2: error: k: "));

  // A file.
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("spectest", "txt", path));
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    ASSERT_FALSE(ec);
    os << "mb1ic64ih56oc64oh56kh3ph1n\"a\"  # benchdnn\n"
          "conv ic=3 oc=8 in=8 k=3\n";
  }
  llvm::Expected<SpecList> file = parseSpecArgument(path);
  ASSERT_TRUE(!!file) << llvm::toString(file.takeError());
  EXPECT_EQ(file->layers.size(), 2u);
  EXPECT_FALSE(file->isChain);
  llvm::sys::fs::remove(path);

  // A typo'd file name is reported as such, not as a bad spec.
  llvm::Expected<SpecList> missing = parseSpecArgument("nets/resnet.txt");
  ASSERT_FALSE(!!missing);
  EXPECT_EQ(llvm::toString(missing.takeError()),
            "error: nets/resnet.txt: no such spec file");
  llvm::Expected<SpecList> missingExt = parseSpecArgument("layers.spec");
  ASSERT_FALSE(!!missingExt);
  EXPECT_EQ(llvm::toString(missingExt.takeError()),
            "error: layers.spec: no such spec file");
  // A bad spec stays a spec error.
  llvm::Expected<SpecList> notPath = parseSpecArgument("conv ic=3");
  ASSERT_FALSE(!!notPath);
  EXPECT_TRUE(llvm::StringRef(llvm::toString(notPath.takeError()))
                  .starts_with("error: in: missing"));
}
