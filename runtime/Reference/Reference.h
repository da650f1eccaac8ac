//===- Reference.h - The reference interpreter (the oracle) -----*- C++ -*-===//
//
// Computes a layer described by a ConvSpec with plain loops written from the
// PyTorch / torchvision definitions. It shares nothing with the compiled path
// but ConvSpec itself, so a misunderstanding in the compiler cannot hide in
// the oracle too. Clarity first; every op is O(multiply-adds) and sums in
// double, then rounds once to float.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_REFERENCE_REFERENCE_H
#define CONVJIT_REFERENCE_REFERENCE_H

#include "Spec/ConvSpec.h"

#include "llvm/Support/Error.h"

namespace convjit {

/// Contiguous buffers whose shapes are the spec's ConvSpec::*Shape(), in the
/// spec's layout (weights always in PyTorch's layout). A pointer is null
/// where the op has no such tensor: weight/bias for pooling and shuffle, bias
/// without the bias flag, offset except for deform_conv, mask without the
/// mask flag.
struct ReferenceArgs {
  const float *input = nullptr;
  const float *weight = nullptr;
  const float *bias = nullptr;
  const float *offset = nullptr;
  const float *mask = nullptr;
  float *output = nullptr;
};

/// Fills args.output with the layer's result. Fails (without touching the
/// output) if the spec is not a computable layer or a buffer it needs is
/// null.
///
/// Semantics, per op:
/// - conv: torch.nn.functional.conv{1,2,3}d on the input zero-padded by
///   padLo/padHi.
/// - conv_transpose: conv_transpose{1,2,3}d with padding 0, then padLo/padHi
///   cropped from the two ends (equal lo/hi is PyTorch's `padding`).
/// - deform_conv: torchvision.ops.deform_conv2d, bilinear sampling as its
///   CPU kernel; a non-finite sample position reads 0.
/// - max_pool: MaxPool{1,2,3}d (padding is -inf, NaN propagates).
/// - avg_pool: AvgPool{1,2,3}d with count_include_pad=True, floor mode. The
///   divisor is always prod(kernel): in floor mode no window reaches past
///   the padding, so PyTorch's window clipping never changes it, and that
///   holds for asymmetric padLo/padHi too.
/// - channel_shuffle: ChannelShuffle(groups): output channel j*groups + i is
///   input channel i*(channels/groups) + j.
/// The relu flag clamps the final output (after bias, after pooling).
llvm::Error runReference(const ConvSpec &spec, const ReferenceArgs &args);

} // namespace convjit

#endif // CONVJIT_REFERENCE_REFERENCE_H
