#include "Spec/ConvSpec.h"
#include "gtest/gtest.h"

using namespace convjit;

TEST(ConvSpecShapes, ConvOutputFollowsPyTorchFormula) {
  ConvSpec s;
  s.ic = 64; s.oc = 64; s.in = {56, 56}; s.kernel = {3, 3}; s.stride = {2, 2};
  s.dilation = {1, 1}; s.padLo = {1, 1}; s.padHi = {1, 1}; s.outputPadding = {0, 0};
  EXPECT_EQ(s.outSpatial(), (Dims{28, 28}));
}
