//===- Timing.h - Interleaved timing of several contestants -----*- C++ -*-===//
//
// Shared machines drift: a neighbour's build, the clock, the memory system.
// Comparing two systems is only fair when they are timed side by side, so the
// contestants of one layer (convjit and the oneDNN variants in the bench,
// schedule variants in the tuner) take turns: in each
// round every contestant runs one batch, and a batch repeats its run until it
// has taken at least `minTimeMs` and at least `minRuns` runs. A batch's
// figure is its per-run median; a contestant's result is the median over the
// rounds, with the spread of the rounds as a noise flag.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_TUNING_TIMING_H
#define CONVJIT_TUNING_TIMING_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <string>
#include <vector>

namespace convjit {

struct TimingOptions {
  unsigned rounds = 5;
  double minTimeMs = 50;
  unsigned minRuns = 10;
  /// Idle time before each batch. Multithreaded runtimes keep their workers
  /// spinning after a parallel region (LLVM's libomp for KMP_BLOCKTIME =
  /// 200 ms by default, GNU libgomp briefly): without a pause, the previous
  /// contestant's spinning workers would eat the cores of the next one.
  double settleMs = 0;
};

/// One thing being timed: a call that computes the layer once.
struct Contestant {
  std::string label;
  std::function<llvm::Error()> run;
};

/// The outcome for one contestant. `ok` is false if a run failed; `error`
/// then says why and the times are meaningless.
struct Measurement {
  bool ok = false;
  std::string error;
  double medianMs = 0;
  /// (slowest round - fastest round) / median: above ~0.1 the figure is
  /// noisy (a neighbour was busy).
  double spread = 0;
  std::vector<double> roundMs;
  unsigned totalRuns = 0;
};

/// Warms every contestant up, then times them in interleaved rounds.
/// The result is in the order of `contestants`.
std::vector<Measurement> timeInterleaved(llvm::ArrayRef<Contestant> contestants,
                                         const TimingOptions &options);

double median(std::vector<double> values);

} // namespace convjit

#endif // CONVJIT_TUNING_TIMING_H
