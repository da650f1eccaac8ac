//===- ShapeFormulas.h - PyTorch output-size formulas -----------*- C++ -*-===//
//
// The one definition of the output-size formulas, shared by ConvSpec and the
// conv dialect's verifiers so the two can never disagree.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_SPEC_SHAPEFORMULAS_H
#define CONVJIT_SPEC_SHAPEFORMULAS_H

#include "llvm/Support/MathExtras.h"

#include <cstdint>

namespace convjit {

/// torch.nn.Conv*d / MaxPool*d / AvgPool*d (floor mode) along one dimension:
/// floor((in + lo + hi - dilation*(k-1) - 1) / stride) + 1. May be <= 0 for
/// impossible shapes; callers report that.
inline int64_t convOutputSize(int64_t in, int64_t k, int64_t stride,
                              int64_t dilation, int64_t padLo, int64_t padHi) {
  int64_t span = in + padLo + padHi - dilation * (k - 1) - 1;
  return llvm::divideFloorSigned(span, stride) + 1;
}

/// torch.nn.ConvTranspose*d along one dimension, with padLo/padHi cropping:
/// (in-1)*stride - lo - hi + dilation*(k-1) + output_padding + 1.
inline int64_t convTransposeOutputSize(int64_t in, int64_t k, int64_t stride,
                                       int64_t dilation, int64_t padLo,
                                       int64_t padHi, int64_t outputPadding) {
  return (in - 1) * stride - padLo - padHi + dilation * (k - 1) +
         outputPadding + 1;
}

} // namespace convjit

#endif // CONVJIT_SPEC_SHAPEFORMULAS_H
