//===- Summary.cpp - Geomeans of a bench run, overall and per category ----===//

#include "Summary.h"

#include "LayerCategory.h"

#include <algorithm>

using namespace convjit;
using namespace convjit::bench;

namespace {

/// Values pushed one layer at a time, then reduced to a geomean.
struct Accumulator {
  std::vector<double> values;
  void add(std::optional<double> value) {
    if (value && *value > 0)
      values.push_back(*value);
  }
  Geomean result() const { return {geomean(values), values.size()}; }
};

GroupSummary summarizeGroup(const BenchRun &run, llvm::StringRef category) {
  GroupSummary group;
  group.category = category.str();
  Accumulator best, same, torch, convjitPeak, oneDnnPeak;
  double peak = run.peakGflops();
  auto ofPeak = [&](std::optional<double> gflops) -> std::optional<double> {
    if (!gflops || peak <= 0)
      return std::nullopt;
    return *gflops / peak;
  };
  for (const BenchRow &row : run.rows) {
    if (category != "all" && row.category != category)
      continue;
    ++group.layers;
    best.add(row.ratioVsBestOneDnn());
    same.add(row.ratioVsSameLayoutOneDnn());
    torch.add(row.ratioVsBestTorch());
    if (row.convjitComparable())
      convjitPeak.add(ofPeak(row.gflops(row.convjit)));
    std::optional<double> oneDnn = row.gflops(row.oneDnnAny);
    if (std::optional<double> user = row.gflops(row.oneDnnUser))
      oneDnn = oneDnn ? std::max(*oneDnn, *user) : *user;
    oneDnnPeak.add(ofPeak(oneDnn));
  }
  group.vsBestOneDnn = best.result();
  group.vsSameLayoutOneDnn = same.result();
  group.vsBestTorch = torch.result();
  group.convjitOfPeak = convjitPeak.result();
  group.bestOneDnnOfPeak = oneDnnPeak.result();
  return group;
}

} // namespace

RunSummary convjit::bench::summarize(const BenchRun &run) {
  RunSummary summary;
  summary.all = summarizeGroup(run, "all");
  for (llvm::StringRef category : allLayerCategories()) {
    GroupSummary group = summarizeGroup(run, category);
    if (group.layers > 0)
      summary.categories.push_back(std::move(group));
  }
  for (const BenchRow &row : run.rows) {
    summary.mismatches += row.check.verdict == OutputCheck::Verdict::Mismatch;
    summary.peerDisagreements +=
        row.check.verdict == OutputCheck::Verdict::PeerDisagrees;
    summary.convjitFailures += row.convjit.state == PeerTime::State::Failed;
  }
  return summary;
}
