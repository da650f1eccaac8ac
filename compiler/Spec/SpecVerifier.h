//===- SpecVerifier.h - Is a ConvSpec a layer PyTorch accepts? --*- C++ -*-===//
//
// verifySpec checks a ConvSpec however it was made (parsed, built in C++)
// against the rules of the PyTorch op it stands for (torchvision's for
// deform_conv), plus convjit's own limits. A spec that passes has every
// vector of the right rank, a positive output size, and tensors small enough
// that shape arithmetic cannot overflow.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_SPEC_SPECVERIFIER_H
#define CONVJIT_SPEC_SPECVERIFIER_H

#include "Spec/ConvSpec.h"

#include "llvm/Support/Error.h"

#include <cstdint>

namespace convjit {

/// The largest value of any single number in a spec. Keeps every formula in
/// int64 arithmetic far from overflow.
constexpr int64_t kMaxSpecValue = 2147483647; // 2^31 - 1

/// The largest number of elements of any one tensor of a layer (input,
/// output, weight, offset, mask): 32-bit indexing stays valid below it.
constexpr int64_t kMaxTensorElements = int64_t(1) << 31;

/// Success, or a SpecError naming the offending key.
llvm::Error verifySpec(const ConvSpec &spec);

/// "D", "H" or "W": the name of spatial dim `dim` of a rank-`rank` layer.
llvm::StringRef spatialDimName(unsigned rank, unsigned dim);

} // namespace convjit

#endif // CONVJIT_SPEC_SPECVERIFIER_H
