//===- BenchResult.h - What one bench run measured --------------*- C++ -*-===//
//
// The numbers every output (table, CSV, JSON, SVG, baseline check) is made
// from, and the ratios derived from them. A ratio is convjit's speed over a
// peer's (peer time / convjit time; > 1 means convjit is faster); a figure
// that was not measured stays absent rather than zero, so nothing downstream
// can average it in by mistake.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_BENCH_BENCHRESULT_H
#define CONVJIT_BENCH_BENCHRESULT_H

#include "PeakFlops.h"

#include "Spec/ConvSpec.h"

#include <optional>
#include <string>
#include <vector>

namespace convjit::bench {

/// A spread of rounds above which a time is flagged as noisy.
inline constexpr double kNoisySpread = 0.10;

/// One system's time on one layer.
struct PeerTime {
  enum class State {
    NotRun,       // not requested (--vs), or the peer was never reached
    Measured,     // ms/spread are valid
    NotAvailable, // the system has no such operator ("n/a")
    Unsupported,  // the system refuses this configuration (e.g. threads)
    Failed,       // it should have worked and did not
  };
  State state = State::NotRun;
  double ms = 0;
  /// Round-to-round spread over the median; above kNoisySpread the rounds
  /// disagree (flagged '*').
  double spread = 0;
  /// Why it was not measured (one line).
  std::string note;

  bool measured() const { return state == State::Measured; }
  bool noisy() const { return measured() && spread > kNoisySpread; }
  static PeerTime measurement(double ms, double spread);
  static PeerTime failure(State state, std::string note);
};

/// Whether convjit's output was right before it was timed.
struct OutputCheck {
  enum class Verdict {
    NotChecked, // convjit did not run
    Pass,
    Mismatch,      // convjit's output is wrong: its timing must not count
    Skipped,       // no peer and too large for the reference interpreter
    PeerDisagrees, // convjit matches the reference but oneDNN does not:
                   // a harness problem, reported, convjit's figure stands
  };
  Verdict verdict = Verdict::NotChecked;
  /// What convjit was compared with: "oneDNN nhwc", "reference", ...
  std::string against;
  double maxRelError = 0;
  /// The allowed normwise relative error (Accuracy.h tolerance over
  /// max|expected|).
  double relTolerance = 0;
  std::string detail;
};

/// One layer at one user layout.
struct BenchRow {
  /// benchdnn's n"..." (or the spec's name=), else the canonical spec; with
  /// --layout both a " [nhwc]" suffix tells the two rows apart.
  std::string name;
  ConvSpec spec; // at the user layout
  std::string category;
  double flops = 0;

  PeerTime convjit, oneDnnAny, oneDnnUser, torch, torchChannelsLast;
  std::string oneDnnAnyImpl, oneDnnUserImpl;
  std::optional<double> compileColdMs, compileWarmMs;
  /// The "cold" compile found the code already cached (a repeated layer).
  bool coldCompileWasCached = false;
  /// The schedule knobs `convjit tune` recorded for the layer and the kernel
  /// was compiled with; "" = the cost model's schedules.
  std::string tuning;
  OutputCheck check;
  /// The median speed of the FMA loop measured right after the layer's
  /// timing, as a fraction of the run's starting peak: below
  /// BenchRun::contendedBelow another process held a core while the layer
  /// ran, and its figures mean little.
  std::optional<double> peakProbe;
  /// How often the layer was measured: again when its rounds disagreed or
  /// the probe after it said contended (--retries); the least disturbed
  /// attempt is kept.
  unsigned attempts = 1;

  std::string layoutName() const;
  /// A key stable across runs: name plus layout.
  std::string key() const;
  /// GFLOPS of a measured time; none for 0-FLOP layers or no time.
  std::optional<double> gflops(const PeerTime &time) const;

  /// convjit's output was not wrong, so its time may be compared.
  bool convjitComparable() const;
  /// Peer time / convjit time against the faster oneDNN variant.
  std::optional<double> ratioVsBestOneDnn() const;
  /// ... against oneDNN with the same plain user layout.
  std::optional<double> ratioVsSameLayoutOneDnn() const;
  /// ... against the faster torch variant.
  std::optional<double> ratioVsBestTorch() const;
};

struct HostInfo {
  std::string cpuModel; // /proc/cpuinfo "model name"
  std::string llvmCpu;  // LLVM's name, e.g. "znver3"
  unsigned logicalCpus = 0;
};

HostInfo describeHost();

struct BenchRun {
  HostInfo host;
  unsigned threads = 1;
  unsigned rounds = 0;
  double minTimeMs = 0;
  unsigned minRuns = 0;
  double settleMs = 0;
  unsigned compileRuns = 1; // cold compiles per layer (median reported)
  std::string layouts; // "nhwc", "nchw" or "both"
  /// convjit used the tuning database (else the cost model only).
  bool tuned = true;
  std::string oneDnnVersion;
  std::string torchVersion; // or why torch is n/a
  PeakFlops peakStart, peakEnd;
  /// With --threads > 1, the 1-thread peak too (the larger of a measurement
  /// at the start and one at the end): N threads reaching far less
  /// than N times it means other processes hold cores, and every N-thread
  /// figure of the run is unreliable (OpenMP barriers wait for descheduled
  /// threads).
  std::optional<double> singleThreadPeak;
  std::vector<BenchRow> rows;
  /// A row whose peak probe is below this fraction is flagged contended.
  double contendedBelow = 0.85;

  /// The larger of the two measurements: the lower one was disturbed.
  double peakGflops() const;
  /// The warning to print when the cores were not free, else empty.
  std::string contentionWarning() const;
  bool contended(const BenchRow &row) const;
};

/// Geometric mean; none for an empty list.
std::optional<double> geomean(const std::vector<double> &values);

} // namespace convjit::bench

#endif // CONVJIT_BENCH_BENCHRESULT_H
