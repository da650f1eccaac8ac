//===- Summary.h - Geomeans of a run, overall and per category --*- C++ -*-===//
//
// A ratio enters a geomean only when both sides were measured and convjit's
// output passed its check: a fast wrong kernel must never look good, and a
// missing peer must not drop out silently (the count says how many layers a
// figure is over).
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_BENCH_SUMMARY_H
#define CONVJIT_BENCH_SUMMARY_H

#include "BenchResult.h"

#include <optional>
#include <string>
#include <vector>

namespace convjit::bench {

struct Geomean {
  std::optional<double> value;
  size_t count = 0;
};

struct GroupSummary {
  std::string category; // "all" for the whole run
  size_t layers = 0;
  Geomean vsBestOneDnn, vsSameLayoutOneDnn, vsBestTorch;
  /// Fractions of the measured peak (0.5 = 50%).
  Geomean convjitOfPeak, bestOneDnnOfPeak;
};

struct RunSummary {
  GroupSummary all;
  /// Only categories that have layers, in allLayerCategories() order.
  std::vector<GroupSummary> categories;
  size_t mismatches = 0;
  size_t convjitFailures = 0; // compile/prepare/run errors (not refusals)
  size_t peerDisagreements = 0;
};

RunSummary summarize(const BenchRun &run);

} // namespace convjit::bench

#endif // CONVJIT_BENCH_SUMMARY_H
