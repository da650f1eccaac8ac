//===- LayerBench.h - Check, then time, one layer vs oneDNN -----*- C++ -*-===//
//
// For one layer: compile it with convjit (cold, then warm from the memory
// cache), pack its weights once with prepare(), build the oneDNN variants on
// the same inputs, check convjit's output against oneDNN's (or the reference
// interpreter's) and then time everything in interleaved rounds. Nothing
// that fails stops the run: it becomes a note on the row.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_BENCH_LAYERBENCH_H
#define CONVJIT_BENCH_LAYERBENCH_H

#include "BenchResult.h"
#include "Tuning/Timing.h"

#include "Spec/ConvSpec.h"

#include "llvm/ADT/ArrayRef.h"

#include <vector>

namespace convjit::bench {

struct LayerBenchOptions {
  TimingOptions timing;
  unsigned threads = 1;
  bool vsOneDnn = true;
  /// The reference interpreter checks layers below this many FLOPs (it is a
  /// plain double-precision loop nest: ~0.5 GFLOP takes a few seconds).
  double referenceFlopLimit = 0.5e9;
  uint64_t seed = 1;
  /// Compile with what `convjit tune` recorded (the tuning database).
  bool tuned = true;
  /// Cold compiles per layer; the row reports their median (one compile on
  /// a shared machine is as noisy as one timed run).
  unsigned compileRuns = 3;
};

/// One row per layout in `layouts` (the spec's own layout is overridden).
/// With several layouts, "oneDNN any" is built and timed once and shared.
std::vector<BenchRow> benchLayer(const ConvSpec &spec,
                                 llvm::ArrayRef<Layout> layouts,
                                 const LayerBenchOptions &options);

/// The name of a row: the spec's label, else its canonical text.
std::string displayName(const ConvSpec &spec);

} // namespace convjit::bench

#endif // CONVJIT_BENCH_LAYERBENCH_H
