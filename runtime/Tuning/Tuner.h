//===- Tuner.h - Measure schedule variants, keep the fastest ----*- C++ -*-===//
//
// The cost model picks schedules from the target's facts; on a real machine
// a neighbouring register tile or reduction step is sometimes faster. The
// tuner searches the knobs of ScheduleTuning one at a time (coordinate
// descent from the model's choice):
//
//   1. the register tile: every width x vector count that fits the
//      registers (at least 4 accumulators);
//   2. the input channels per reduction step: 1, 2, 4 ... 32;
//   3. channel blocks outermost or innermost; the window loop unrolled or
//      not.
//
// Variants that schedule the layer exactly as an earlier one (the knob does
// not fit it) are recognized from their scheduled IR and not timed again.
// Every variant timed is first checked against the reference interpreter:
// one that computes a wrong result is reported, never chosen. The fastest
// variants are then timed again side by side with the model's schedule
// (Timing.h), and a variant wins only if it beats the model by more than
// the noise margin there, in its median round and in its fastest.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_TUNING_TUNER_H
#define CONVJIT_TUNING_TUNER_H

#include "Schedule/ScheduleTuning.h"
#include "Spec/ConvSpec.h"
#include "Tuning/Timing.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <string>

namespace convjit {

struct TuneProgress {
  unsigned timed = 0;    // variants compiled, checked and timed so far
  unsigned expected = 0; // the search's current estimate of its length
  std::string current;   // the variant being timed (its knobs)
  double bestMs = 0;     // fastest so far
};

struct TuneOptions {
  unsigned threads = 1;
  int64_t minParallelWork = int64_t(1) << 18;
  /// At most this many variants (the model's included) are timed.
  unsigned budget = 40;
  /// The margin a variant must beat the model's schedule by in the final,
  /// side-by-side timing.
  double minGain = 0.03;
  /// How each variant is timed during the search, and the finalists at the
  /// end.
  TimingOptions searchTiming{/*rounds=*/3, /*minTimeMs=*/15, /*minRuns=*/3};
  TimingOptions finalTiming{/*rounds=*/7, /*minTimeMs=*/40, /*minRuns=*/5};
  /// With threads > 1, idle time before each timed batch, as convjit bench
  /// waits (its --settle-ms): timed back to back, a 2-thread kernel ran 40%
  /// slower on the development VM than after a pause (ResNeXt conv4: 66
  /// against 113 GFLOPS), and a tuning must hold in the conditions the
  /// bench measures.
  double threadedSettleMs = 250;
  std::function<void(const TuneProgress &)> progress;
};

struct TuneResult {
  ScheduleTuning best;   // model's (isModel()) when nothing beat it
  double modelMs = 0;    // final side-by-side times
  double bestMs = 0;
  unsigned timed = 0;    // variants timed
  unsigned duplicates = 0; // variants that scheduled like an earlier one
  /// Variants that failed to compile or whose output disagreed with the
  /// reference, as "<knobs>: <why>": a compiler bug, reported, never chosen.
  std::vector<std::string> rejected;
};

/// Tunes one layer (already verified) for the host CPU.
llvm::Expected<TuneResult> tuneLayer(const ConvSpec &spec,
                                     const TuneOptions &options);

} // namespace convjit

#endif // CONVJIT_TUNING_TUNER_H
