//===- PeakFlops.h - The FP32 FMA peak of the host, measured ----*- C++ -*-===//
//
// "% of peak" must mean the peak of the machine the bench runs on, measured
// in the same process and at the same thread count, not a datasheet figure:
// a shared cloud core's clock and neighbours change it. The measurement is a
// register-only loop of independent FMAs in inline assembly (so no compiler
// can turn it into something else): 24 zmm accumulators where the host has
// AVX-512F, else 12 ymm accumulators (AVX2 + FMA). Enough accumulators hide
// the FMA latency behind both FMA pipes on Zen 3/4/5 and Intel cores alike.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_BENCH_PEAKFLOPS_H
#define CONVJIT_BENCH_PEAKFLOPS_H

#include <string>

namespace convjit::bench {

struct PeakFlops {
  double gflops = 0;
  /// The median repetition: the best one dodges a neighbour's burst, the
  /// median shows a neighbour that holds a core for the whole measurement.
  double medianGflops = 0;
  /// "avx512f zmm x24", "avx2 ymm x12", or "none" on a host without FMA
  /// (then gflops is 0 and no percentage is printed).
  std::string loop;
  unsigned threads = 1;
};

/// The best of several timed repetitions of the FMA loop run on `threads`
/// threads at once (their summed FLOPs over the wall time of the slowest).
PeakFlops measurePeakFlops(unsigned threads);

} // namespace convjit::bench

#endif // CONVJIT_BENCH_PEAKFLOPS_H
