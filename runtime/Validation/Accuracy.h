//===- Accuracy.h - When a kernel's output counts as correct -----*- C++ -*-===//
//
// check, demo and the tests compare the JIT's output with the reference interpreter's
// (which sums in double and rounds once). The JIT sums R products in float,
// in an order of its choosing, so its error grows with R, the number of
// terms summed into one output. The tolerance is
//
//   tol = 4 * FLT_EPSILON * R * max|expected|
//
// a float summation's worst-case relative error (R * eps) with a margin of
// 4, taken relative to the largest output (the inputs are drawn so that
// outputs are near unit size; see LayerTensors.h). A layer passes when
// max|actual - expected| <= tol. An indexing mistake (an off-by-one tap, a
// wrong channel) moves outputs by about their own size, ~1e4 times the
// tolerance of a typical layer, so it fails; NaN anywhere fails too.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_VALIDATION_ACCURACY_H
#define CONVJIT_VALIDATION_ACCURACY_H

#include "Spec/ConvSpec.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace convjit {

/// R: products (or window elements) summed into one output, plus one for a
/// fused bias.
/// - conv, deform_conv: ic/groups * prod(k);
/// - conv_transpose: ic/groups * the most taps that reach one output (per
///   dimension, the most kernel positions k*dilation with the same residue
///   modulo the stride);
/// - avg_pool: prod(k); max_pool and channel_shuffle: 1 (exact ops).
int64_t reductionLength(const ConvSpec &spec);

struct Accuracy {
  double maxAbsError = 0;
  /// maxAbsError / max|expected|: a normwise relative error, which unlike
  /// an elementwise one does not blow up on outputs that happen to be ~0.
  double maxRelError = 0;
  double tolerance = 0;
  bool pass = false;
};

/// Compares same-sized buffers.
Accuracy compareOutputs(const ConvSpec &spec, llvm::ArrayRef<float> actual,
                        llvm::ArrayRef<float> expected);

} // namespace convjit

#endif // CONVJIT_VALIDATION_ACCURACY_H
