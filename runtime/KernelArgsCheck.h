//===- KernelArgsCheck.h - Validating and staging call arguments -*- C++ -*-===//
//
// A kernel reads dense buffers of exactly the spec's shapes. These helpers
// check what a caller passed (one-line errors naming the tensor) and stage
// strided views through dense copies when needed.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_RUNTIME_KERNELARGSCHECK_H
#define CONVJIT_RUNTIME_KERNELARGSCHECK_H

#include "convjit/Kernel.h"

#include "llvm/Support/Error.h"

#include <vector>

namespace convjit {

/// Checks that `view` is present exactly when `expected` is non-empty, and
/// then that its shape is `expected` and its strides are non-negative.
llvm::Error checkTensor(llvm::StringRef name, const TensorView &view,
                        llvm::ArrayRef<int64_t> expected, bool optional = false);

/// A dense pointer to `view`'s elements: its own data when contiguous, else a
/// copy kept in `storage`.
const float *denseInput(const TensorView &view, std::vector<float> &storage);

/// Copies a dense buffer into a (possibly strided) view.
void scatterToView(const float *dense, const TensorView &view);

} // namespace convjit

#endif // CONVJIT_RUNTIME_KERNELARGSCHECK_H
