//===- Timing.cpp - Interleaved, repeated timing of several contestants ---===//

#include "Timing.h"

#include <algorithm>
#include <chrono>
#include <thread>

using namespace convjit;

double convjit::median(std::vector<double> values) {
  if (values.empty())
    return 0;
  size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + middle, values.end());
  double upper = values[middle];
  if (values.size() % 2)
    return upper;
  double lower = *std::max_element(values.begin(), values.begin() + middle);
  return (lower + upper) / 2;
}

namespace {

using Clock = std::chrono::steady_clock;

double millisecondsBetween(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double, std::milli>(end - start).count();
}

/// Runs until both limits are met; each run is timed on its own.
llvm::Expected<std::vector<double>> runBatch(const Contestant &contestant,
                                             double minTimeMs, unsigned minRuns,
                                             double settleMs) {
  if (settleMs > 0)
    std::this_thread::sleep_for(
        std::chrono::duration<double, std::milli>(settleMs));
  std::vector<double> runMs;
  double total = 0;
  while (runMs.size() < minRuns || total < minTimeMs) {
    auto start = Clock::now();
    if (llvm::Error error = contestant.run())
      return std::move(error);
    double ms = millisecondsBetween(start, Clock::now());
    runMs.push_back(ms);
    total += ms;
  }
  return runMs;
}

} // namespace

std::vector<Measurement>
convjit::timeInterleaved(llvm::ArrayRef<Contestant> contestants,
                                const TimingOptions &options) {
  std::vector<Measurement> results(contestants.size());
  auto fail = [&](size_t index, llvm::Error error) {
    results[index].ok = false;
    results[index].error = llvm::toString(std::move(error));
  };

  // Warm-up: page in the buffers, fill the caches and branch predictors,
  // let the clock ramp. A failure here drops the contestant.
  for (size_t i = 0; i < contestants.size(); ++i) {
    results[i].ok = true;
    auto warm =
        runBatch(contestants[i], options.minTimeMs / 5, 3, options.settleMs);
    if (!warm)
      fail(i, warm.takeError());
  }

  for (unsigned round = 0; round < options.rounds; ++round)
    for (size_t i = 0; i < contestants.size(); ++i) {
      if (!results[i].ok)
        continue;
      auto batch = runBatch(contestants[i], options.minTimeMs, options.minRuns,
                            options.settleMs);
      if (!batch) {
        fail(i, batch.takeError());
        continue;
      }
      results[i].totalRuns += batch->size();
      results[i].roundMs.push_back(median(std::move(*batch)));
    }

  for (Measurement &result : results) {
    if (!result.ok || result.roundMs.empty())
      continue;
    result.medianMs = median(result.roundMs);
    auto [fastest, slowest] =
        std::minmax_element(result.roundMs.begin(), result.roundMs.end());
    result.spread =
        result.medianMs > 0 ? (*slowest - *fastest) / result.medianMs : 0;
  }
  return results;
}
