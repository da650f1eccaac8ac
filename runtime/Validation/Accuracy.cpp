//===- Accuracy.cpp - When a kernel's output counts as correct ------------===//

#include "Validation/Accuracy.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

using namespace convjit;

/// Along one dimension of a transposed conv, output o receives tap j when
/// o + padLo - j*dilation is a multiple of the stride; the taps of one
/// residue class are those that can meet at one output.
static int64_t mostTapsPerOutput(int64_t kernel, int64_t stride,
                                 int64_t dilation) {
  int64_t most = 0;
  for (int64_t residue = 0; residue < stride; ++residue) {
    int64_t count = 0;
    for (int64_t tap = 0; tap < kernel; ++tap)
      if ((tap * dilation) % stride == residue)
        ++count;
    most = std::max(most, count);
  }
  return most;
}

int64_t convjit::reductionLength(const ConvSpec &spec) {
  int64_t taps = 1;
  switch (spec.op) {
  case OpKind::Conv:
  case OpKind::DeformConv:
    for (int64_t k : spec.kernel)
      taps *= k;
    return spec.ic / spec.groups * taps + (spec.bias ? 1 : 0);
  case OpKind::ConvTranspose:
    for (unsigned d = 0; d < spec.rank(); ++d)
      taps *= mostTapsPerOutput(spec.kernel[d], spec.stride[d],
                                spec.dilation[d]);
    return spec.ic / spec.groups * taps + (spec.bias ? 1 : 0);
  case OpKind::AvgPool:
    for (int64_t k : spec.kernel)
      taps *= k;
    return taps;
  case OpKind::MaxPool:
  case OpKind::ChannelShuffle:
    return 1;
  }
  return 1;
}

Accuracy convjit::compareOutputs(const ConvSpec &spec,
                                      llvm::ArrayRef<float> actual,
                                      llvm::ArrayRef<float> expected) {
  Accuracy accuracy;
  double largest = 0;
  bool nonFinite = actual.size() != expected.size();
  for (size_t i = 0; i < actual.size() && i < expected.size(); ++i) {
    double want = expected[i], got = actual[i];
    if (std::isnan(want) && std::isnan(got))
      continue; // max_pool propagates NaN; both agreeing is correct
    if (std::isinf(want) || std::isinf(got)) {
      if (want != got)
        nonFinite = true;
      continue;
    }
    double error = std::fabs(got - want);
    if (std::isnan(error))
      nonFinite = true;
    else
      accuracy.maxAbsError = std::max(accuracy.maxAbsError, error);
    largest = std::max(largest, std::fabs(want));
  }
  if (nonFinite)
    accuracy.maxAbsError = std::numeric_limits<double>::infinity();
  accuracy.maxRelError =
      largest > 0 ? accuracy.maxAbsError / largest
                  : (accuracy.maxAbsError > 0
                         ? std::numeric_limits<double>::infinity()
                         : 0.0);
  accuracy.tolerance = 4.0 * FLT_EPSILON *
                       static_cast<double>(reductionLength(spec)) * largest;
  accuracy.pass = !nonFinite && accuracy.maxAbsError <= accuracy.tolerance;
  return accuracy;
}
