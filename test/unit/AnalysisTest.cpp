//===- AnalysisTest.cpp - Receptive field and jump ------------------------===//

#include "Spec/Analysis.h"
#include "Spec/SpecParser.h"

#include "gtest/gtest.h"

using namespace convjit;

namespace {

/// The fields of an inline chain, failing the test on any error.
llvm::SmallVector<FieldOfView, 8> fieldsOf(llvm::StringRef chain) {
  llvm::Expected<SpecList> list = parseSpecArgument(chain);
  if (!list) {
    ADD_FAILURE() << llvm::toString(list.takeError());
    return {};
  }
  EXPECT_TRUE(list->isChain) << chain.str();
  auto fields = receptiveFields(list->layers);
  if (!fields) {
    ADD_FAILURE() << llvm::toString(fields.takeError());
    return {};
  }
  return *fields;
}

Fraction whole(int64_t n) { return Fraction{n, 1}; }

} // namespace

TEST(ReceptiveField, ThreeStacked3x3GiveSeven) {
  auto fields = fieldsOf("conv ic=1 oc=1 in=32x32 k=3 pad=1;"
                         "conv oc=1 k=3 pad=1; conv oc=1 k=3 pad=1");
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].receptiveField[0], whole(3));
  EXPECT_EQ(fields[1].receptiveField[0], whole(5));
  EXPECT_EQ(fields[2].receptiveField[0], whole(7));
  EXPECT_EQ(fields[2].receptiveField[1], whole(7));
  EXPECT_EQ(fields[2].jump[0], whole(1));
}

TEST(ReceptiveField, Dilations123GiveThirteen) {
  auto fields = fieldsOf("conv ic=1 oc=1 in=64x64 k=3 dilation=1;"
                         "conv oc=1 k=3 dilation=2; conv oc=1 k=3 dilation=3");
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].receptiveField[1], whole(3));
  EXPECT_EQ(fields[1].receptiveField[1], whole(7));
  EXPECT_EQ(fields[2].receptiveField[1], whole(13));
}

TEST(ReceptiveField, StrideMultipliesTheJump) {
  // ResNet stem: 7x7/2 conv then 3x3/2 max pool -> rf 11, jump 4.
  auto fields = fieldsOf("conv ic=3 oc=64 in=224x224 k=7 stride=2 pad=3;"
                         "max_pool k=3 stride=2 pad=1;"
                         "conv oc=64 k=3 pad=1");
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].receptiveField[0], whole(7));
  EXPECT_EQ(fields[0].jump[0], whole(2));
  EXPECT_EQ(fields[1].receptiveField[0], whole(11));
  EXPECT_EQ(fields[1].jump[0], whole(4));
  EXPECT_EQ(fields[2].receptiveField[0], whole(19));
  EXPECT_EQ(fields[2].jump[0], whole(4));
}

TEST(ReceptiveField, PerDimension) {
  auto fields = fieldsOf("conv ic=1 oc=1 in=16x16x16 k=3x1x5 stride=1x2x1;"
                         "avg_pool k=1x2x3 stride=1");
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[1].receptiveField[0], whole(3));
  EXPECT_EQ(fields[1].receptiveField[1], whole(3)); // 1 + 1*2
  EXPECT_EQ(fields[1].receptiveField[2], whole(7)); // 5 + 2*1
  EXPECT_EQ(fields[1].jump[1], whole(2));
}

TEST(ReceptiveField, TransposedDividesTheJump) {
  // Down by 2 then up by 2: back to a jump of 1; the transposed taps are
  // jump/s = 1 apart: rf = 3 + (2-1)*1.
  auto fields = fieldsOf("conv ic=1 oc=1 in=16x16 k=3 stride=2 pad=1;"
                         "conv_transpose oc=1 k=2 stride=2");
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[1].jump[0], whole(1));
  EXPECT_EQ(fields[1].receptiveField[0], whole(4));

  // A first-layer 4x4/2 transposed conv: outputs half a pixel apart,
  // taps spanning 3/2 pixels.
  auto up = fieldsOf("conv_transpose ic=1 oc=1 in=8 k=4 stride=2 pad=1");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].jump[0], (Fraction{1, 2}));
  EXPECT_EQ(up[0].receptiveField[0], (Fraction{5, 2}));
  EXPECT_EQ(up[0].receptiveField[0].str(), "5/2");
  EXPECT_EQ(up[0].jump[0].toDouble(), 0.5);
}

TEST(ReceptiveField, ChannelShuffleIsTransparent) {
  auto fields = fieldsOf("conv ic=4 oc=8 in=16 k=5 stride=2;"
                         "channel_shuffle groups=2");
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[1].receptiveField, fields[0].receptiveField);
  EXPECT_EQ(fields[1].jump, fields[0].jump);
  EXPECT_EQ(fields[1].receptiveField[0], whole(5));
}

TEST(ReceptiveField, MixedRanksAreRejected) {
  llvm::Expected<SpecList> a = parseSpecArgument("conv ic=1 oc=1 in=8 k=3");
  llvm::Expected<SpecList> b = parseSpecArgument("conv ic=1 oc=1 in=8x8 k=3");
  ASSERT_TRUE(a && b);
  std::vector<ConvSpec> mixed{a->layers[0], b->layers[0]};
  auto fields = receptiveFields(mixed);
  ASSERT_FALSE(!!fields);
  EXPECT_EQ(llvm::toString(fields.takeError()),
            "error: in: the receptive field needs layers of one rank, got "
            "1-D and 2-D");
}

TEST(ReceptiveField, FractionText) {
  EXPECT_EQ(whole(7).str(), "7");
  EXPECT_EQ((Fraction{3, 4}).str(), "3/4");
}
