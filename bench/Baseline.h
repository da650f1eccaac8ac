//===- Baseline.h - A run's ratios against a committed baseline -*- C++ -*-===//
//
// The perf regression check (bench/regression.sh). Absolute times drift with
// the machine and its neighbours, so what is compared is convjit's speed
// relative to oneDNN measured in the same run (ratio vs the faster oneDNN
// variant), layer by layer, against the same ratio in a baseline JSON written
// by an earlier `convjit-bench --json`. A layer regresses when its ratio
// falls more than `maxDrop` (a fraction) below the baseline, or when it had a
// ratio and now has none (convjit failed, or its output became wrong).
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_BENCH_BASELINE_H
#define CONVJIT_BENCH_BASELINE_H

#include "BenchResult.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace convjit::bench {

/// Prints one line per baseline layer and returns whether none regressed.
/// A baseline that cannot be read or has no layers is an error.
llvm::Expected<bool> checkAgainstBaseline(llvm::StringRef path,
                                          const BenchRun &run, double maxDrop,
                                          llvm::raw_ostream &os);

} // namespace convjit::bench

#endif // CONVJIT_BENCH_BASELINE_H
