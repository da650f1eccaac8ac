//===- TorchPeer.h - PyTorch timings from a subprocess ----------*- C++ -*-===//
//
// PyTorch is the only CPU peer for deformable convolution
// (torchvision.ops.deform_conv2d) and a useful extra column elsewhere. It
// runs as a separate process (bench/torch_peer.py under a Python that has
// torch), after the in-process measurements so the two never compete for the
// cores, with the same thread count and timing rules. A machine without
// Python or torch gets "n/a" columns, not a failed run.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_BENCH_TORCHPEER_H
#define CONVJIT_BENCH_TORCHPEER_H

#include "BenchResult.h"
#include "Tuning/Timing.h"

#include "Spec/ConvSpec.h"

#include "llvm/ADT/ArrayRef.h"

#include <string>
#include <vector>

namespace convjit::bench {

struct TorchPeerOptions {
  std::string python = "/usr/bin/python3";
  std::string script; // path of torch_peer.py
  unsigned threads = 1;
  TimingOptions timing;
  uint64_t seed = 1;
};

struct TorchLayerTimes {
  PeerTime contiguous;   // NCHW (torch's default memory format)
  PeerTime channelsLast; // channels_last / channels_last_3d; n/a for 1-D
};

struct TorchResults {
  /// "torch 1.13.0, torchvision 0.14.1", or why there are no numbers.
  std::string version;
  /// One entry per spec; all n/a when torch could not run.
  std::vector<TorchLayerTimes> layers;
};

TorchResults runTorchPeer(llvm::ArrayRef<ConvSpec> specs,
                          const TorchPeerOptions &options);

/// torch_peer.py next to the executable (the build copies it there), else
/// in the source tree this binary was built from.
std::string defaultTorchPeerScript(const char *argv0);

} // namespace convjit::bench

#endif // CONVJIT_BENCH_TORCHPEER_H
