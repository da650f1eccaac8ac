//===- OneDnnPeer.h - The same layer computed by oneDNN ---------*- C++ -*-===//
//
// oneDNN is the peer convjit is measured against: the same problem (shapes,
// strides, dilations, asymmetric padding, groups, bias, fused ReLU), f32,
// prop_kind forward_inference, direct algorithm. Two variants:
//
// - Format::Any: source, weights and destination in the layouts oneDNN
//   chooses (blocked, e.g. nChw8c on AVX2). The source is reordered into it
//   and the weights packed once, outside the timing; that is how the anchor
//   table measured "oneDNN any" (a network keeps its activations blocked).
// - Format::User: source and destination in the layer's own plain layout
//   (nchw or nhwc), weights still packed once, the way convjit's prepare()
//   packs them: the fair same-interface comparison.
//
// Pooling has a plain source only (oneDNN pooling takes no `any` source), so
// Format::Any is refused for it. Deformable convolution and channel shuffle
// are not offered (see oneDnnUnsupportedReason).
//
// The C API is used so that every failure (an unsupported shape, a post-op
// oneDNN cannot fuse) is a status to report, not an exception.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_BENCH_ONEDNNPEER_H
#define CONVJIT_BENCH_ONEDNNPEER_H

#include "Spec/ConvSpec.h"
#include "Validation/LayerTensors.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace convjit::bench {

/// Why oneDNN cannot run this layer at all, or nothing if it can.
std::optional<std::string> oneDnnUnsupportedReason(const ConvSpec &spec);

/// "2.6.3 (OpenMP)".
std::string oneDnnVersion();

/// Sets the thread count of the OpenMP runtime oneDNN runs on and returns
/// that runtime's file. The symbol is looked up in what the process loaded
/// rather than linked: linking -fopenmp here would bind libgomp.so.1 through
/// this binary's RUNPATH (/usr/lib/llvm-22/lib), where the name is LLVM's
/// libomp, not the GNU runtime Debian's oneDNN is built for.
llvm::Expected<std::string> setOneDnnThreads(unsigned threads);

class OneDnnLayer {
public:
  enum class Format { Any, User };

  /// Builds the primitive for `spec` (its layout is the user layout) on
  /// copies of `tensors`, reordering the source and packing the weights.
  static llvm::Expected<std::unique_ptr<OneDnnLayer>>
  create(const ConvSpec &spec, Format format, const LayerTensors &tensors);
  ~OneDnnLayer();

  /// Computes the layer once (the timed call): execute, then wait.
  llvm::Error run();
  /// The last run()'s output, reordered into the spec's layout.
  llvm::Expected<std::vector<float>> userOutput();
  /// oneDNN's name for the implementation it picked, e.g. "jit:avx2".
  std::string implementation() const;

private:
  OneDnnLayer();
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace convjit::bench

#endif // CONVJIT_BENCH_ONEDNNPEER_H
