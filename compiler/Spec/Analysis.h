//===- Analysis.h - Receptive field and jump of a chain ---------*- C++ -*-===//
//
// For each layer of a chain and each spatial dim, in pixels of the chain's
// input:
//   jump  -- the distance between two neighbouring outputs of the layer;
//   rf    -- the receptive field: the extent of chain input one output sees.
//
//   conv, deform_conv, max_pool, avg_pool (window k, dilation d, stride s):
//     rf_l   = rf_{l-1} + d*(k-1) * jump_{l-1}
//     jump_l = jump_{l-1} * s
//   conv_transpose: a stride-1 conv over the input upsampled s times (zeros
//   inserted), whose taps are therefore jump_{l-1}/s apart:
//     jump_l = jump_{l-1} / s
//     rf_l   = rf_{l-1} + d*(k-1) * jump_l
//   channel_shuffle: rf and jump unchanged.
// starting from rf_0 = jump_0 = 1 (one input pixel). After a transposed
// conv both may be fractions: rf then measures the span of the taps in
// input pixels, plus one, which can exceed the count of distinct input
// pixels reached (k=4, s=2 gives 5/2, each output reads 2 pixels).
// deform_conv is counted on its regular sampling grid; learned offsets can
// move its taps anywhere.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_SPEC_ANALYSIS_H
#define CONVJIT_SPEC_ANALYSIS_H

#include "Spec/ConvSpec.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace convjit {

/// A non-negative rational in lowest terms.
struct Fraction {
  int64_t num = 0;
  int64_t den = 1;

  bool isInteger() const { return den == 1; }
  double toDouble() const { return static_cast<double>(num) / den; }
  /// "7" or "5/2".
  std::string str() const;
  bool operator==(const Fraction &o) const {
    return num == o.num && den == o.den;
  }
};

struct FieldOfView {
  /// Per spatial dim, outermost first (as ConvSpec::in).
  llvm::SmallVector<Fraction, 3> receptiveField;
  llvm::SmallVector<Fraction, 3> jump;
};

/// One FieldOfView per layer. Needs layers of one rank (a chain); fails on
/// mixed ranks or if a fraction leaves int64.
llvm::Expected<llvm::SmallVector<FieldOfView, 8>>
receptiveFields(llvm::ArrayRef<ConvSpec> chain);

} // namespace convjit

#endif // CONVJIT_SPEC_ANALYSIS_H
