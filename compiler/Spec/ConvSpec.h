//===- ConvSpec.h - The user-level description of one layer -----*- C++ -*-===//
//
// ConvSpec is what a user writes (text or benchdnn descriptor) once parsed:
// one convolution-family layer with every parameter explicit and every
// default resolved (e.g. `pad=same` is stored as its lo/hi values). It knows
// nothing of MLIR; the dialect builder, the JIT and the reference interpreter
// all start from it.
//
// Semantics follow PyTorch: activations N,C,spatial... (or N,spatial...,C for
// channels-last), weights O,I/g,k... (transposed: I,O/g,k...), the output-size
// formulas of torch.nn.Conv*/ConvTranspose*/MaxPool*/AvgPool*, deformable as
// torchvision.ops.deform_conv2d.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_SPEC_CONVSPEC_H
#define CONVJIT_SPEC_CONVSPEC_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace convjit {

enum class OpKind {
  Conv,
  ConvTranspose,
  DeformConv,
  MaxPool,
  AvgPool,
  ChannelShuffle,
};

/// Memory layout of every activation tensor of a layer (input, output, and
/// for deform_conv the offset and mask). Weights always keep PyTorch's layout.
enum class Layout {
  ChannelsFirst, // nchw (ncw, ncdhw)
  ChannelsLast,  // nhwc (nwc, ndhwc)
};

/// The spec-text keyword of an op kind ("conv", "max_pool", ...).
llvm::StringRef opKindName(OpKind kind);
/// "nchw"/"nhwc" (the keyword is the same whatever the spatial rank).
llvm::StringRef layoutName(Layout layout);

using Dims = llvm::SmallVector<int64_t, 3>;
using Shape = llvm::SmallVector<int64_t, 5>;

struct ConvSpec {
  OpKind op = OpKind::Conv;
  /// Optional user label (benchdnn's n"..."); not part of the semantics.
  std::string name;

  int64_t n = 1;
  int64_t ic = 0;
  /// Output channels. For pooling and channel_shuffle it equals ic.
  int64_t oc = 0;

  /// Spatial sizes, all of the same rank (1, 2 or 3), outermost first (D,H,W).
  Dims in;
  Dims kernel;   // pooling: window; shuffle: all ones
  Dims stride;   // conv default 1; pooling default = kernel (as in PyTorch)
  Dims dilation; // default 1
  Dims padLo;    // top/left (front) padding; for conv_transpose: cropping
  Dims padHi;    // bottom/right (back)
  Dims outputPadding; // conv_transpose only; zeros otherwise

  /// conv/conv_transpose/deform_conv: weight groups (groups == ic is
  /// depthwise). channel_shuffle: the number of shuffle groups.
  int64_t groups = 1;
  /// deform_conv: offset groups (torchvision's offset_groups).
  int64_t deformGroups = 1;
  /// deform_conv: modulated (DCNv2) with a mask input.
  bool mask = false;

  bool bias = false; // fused bias add (weighted ops only)
  bool relu = false; // fused ReLU on the output
  Layout layout = Layout::ChannelsFirst;

  unsigned rank() const { return static_cast<unsigned>(in.size()); }
  bool isPooling() const {
    return op == OpKind::MaxPool || op == OpKind::AvgPool;
  }
  /// True for the ops that take a weight tensor.
  bool hasWeights() const {
    return op == OpKind::Conv || op == OpKind::ConvTranspose ||
           op == OpKind::DeformConv;
  }

  /// Output spatial size from the PyTorch formulas. Meaningful only for a
  /// spec that passed verifySpec (a non-positive size is reported there).
  Dims outSpatial() const;

  /// Tensor shapes in the spec's layout. Empty where the op has no such
  /// tensor (e.g. weightShape() of a pooling layer, biasShape() without bias).
  Shape inputShape() const;
  Shape outputShape() const;
  Shape weightShape() const;
  Shape biasShape() const;
  Shape offsetShape() const;
  Shape maskShape() const;

  /// sum(p.numel() for p in module.parameters()) of the PyTorch module.
  int64_t paramCount() const;
  /// Multiply-adds counted as 2 FLOPs, the formula of ../bench/ANCHORS.md:
  /// 2*N*OC*prod(out)*(IC/g)*prod(k); transposed 2*N*IC*prod(in)*(OC/g)*prod(k);
  /// pooling: one op per window element per output; shuffle: 0.
  /// Bias/ReLU and deformable sampling are not counted.
  double flops() const;

  /// The canonical text form: every key explicit, in a fixed order. Parsing
  /// it gives back an equal spec, so it serves as the kernel-cache key.
  std::string str() const;

  bool operator==(const ConvSpec &other) const;
  bool operator!=(const ConvSpec &other) const { return !(*this == other); }
};

} // namespace convjit

#endif // CONVJIT_SPEC_CONVSPEC_H
