//===- LayerTensors.h - The buffers of one layer, and random ones -*- C++ -*-===//
//
// run fills these from .npy files; check, demo and the tests from a seeded
// generator;
// all three then hand them to the JIT (KernelArgs) and to the reference
// interpreter (ReferenceArgs) the same way.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_VALIDATION_LAYERTENSORS_H
#define CONVJIT_VALIDATION_LAYERTENSORS_H

#include "Reference/Reference.h"
#include "Spec/ConvSpec.h"
#include "Validation/CacheLineBuffer.h"
#include "convjit/Kernel.h"

#include <cstdint>
#include <vector>

namespace convjit {

/// Dense buffers in the spec's layout (ConvSpec::*Shape()), each starting on
/// a cache line. A buffer the op does not have stays empty.
struct LayerTensors {
  CacheLineBuffer input, weight, bias, offset, mask;

  ReferenceArgs referenceArgs(float *output) const;
  KernelArgs kernelArgs(const ConvSpec &spec, float *output) const;
  /// Packs these weights and bias into `kernel` (Kernel::prepare); nothing
  /// for an op without weights. Its runs then take activationArgs().
  llvm::Error prepareKernel(Kernel &kernel, const ConvSpec &spec) const;
  /// kernelArgs() without weight and bias, for a prepared kernel: what a
  /// timed run reads.
  KernelArgs activationArgs(const ConvSpec &spec, float *output) const;
};

/// Elements of a tensor of this shape; 0 for an empty (absent) shape.
int64_t elementCount(llvm::ArrayRef<int64_t> shape);

/// Tensors drawn from a generator seeded with `seed`, the same on every
/// platform (no std::*_distribution, whose output the standard leaves to the
/// library):
/// - input and bias uniform in [-1, 1);
/// - weights uniform in [-1, 1) / sqrt(ic/groups * prod(k)), so outputs stay
///   near unit size whatever the reduction length;
/// - deform offsets uniform in [-e, e) with e the largest dilated kernel
///   extent, so samples land inside, on and past the image border;
/// - mask uniform in [0, 1).
LayerTensors randomLayerTensors(const ConvSpec &spec, uint64_t seed);

} // namespace convjit

#endif // CONVJIT_VALIDATION_LAYERTENSORS_H
