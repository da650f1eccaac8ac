//===- convjit-bench.cpp - convjit against oneDNN and PyTorch, same run ---===//
//
//   convjit-bench <spec | benchdnn descriptor | shape file>
//       [--threads N] [--vs onednn,torch|onednn|torch|none]
//       [--layout nhwc|nchw|both] [--rounds R] [--min-time-ms T]
//       [--csv out.csv] [--svg out.svg] [--json out.json]
//       [--baseline baseline.json [--max-drop 0.25]]
//
// Measures the FMA peak, then for each layer checks convjit's output against
// oneDNN's (or the reference interpreter's) and times convjit and oneDNN in
// interleaved rounds; then runs the torch peer as a subprocess, measures the
// peak again and prints the table and geomeans.
//
// Exit status: 0 when everything ran and matched; 1 on a usage error, a
// wrong convjit output, a convjit failure, an unwritable output file or a
// failed --baseline check.
//
//===----------------------------------------------------------------------===//

#include "Baseline.h"
#include "BenchResult.h"
#include "LayerBench.h"
#include "OneDnnPeer.h"
#include "PeakFlops.h"
#include "Report.h"
#include "ResultFiles.h"
#include "Summary.h"
#include "SvgChart.h"
#include "TorchPeer.h"

#include "Spec/SpecParser.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace convjit;
using namespace convjit::bench;
namespace cl = llvm::cl;

namespace {

enum class LayoutChoice { Nhwc, Nchw, Both };

/// The command line. libLLVM.so registers a top-level `--threads` of its own
/// (an int in "General options") and llvm::cl allows one option per name, so
/// the bench starts from a reset parser (cl::ResetCommandLineParser) and
/// registers these afterwards, which is why they are members, not globals.
struct Flags {
  cl::OptionCategory category{"convjit-bench options"};
  cl::list<std::string> specWords{
      cl::Positional, cl::OneOrMore, cl::cat(category),
      cl::desc("<spec | benchdnn descriptor | shape file>")};
  cl::opt<unsigned> threads{
      "threads", cl::init(1), cl::cat(category),
      cl::desc("Threads for convjit, oneDNN (OpenMP) and torch, and for the "
               "peak measurement")};
  cl::opt<std::string> versus{
      "vs", cl::init("onednn,torch"), cl::cat(category),
      cl::desc("Peers to run: onednn, torch (comma-separated), all or none")};
  cl::opt<LayoutChoice> layout{
      "layout", cl::init(LayoutChoice::Nhwc), cl::cat(category),
      cl::desc("User layout of the activations (overrides the spec's)"),
      cl::values(clEnumValN(LayoutChoice::Nhwc, "nhwc", "channels last"),
                 clEnumValN(LayoutChoice::Nchw, "nchw", "channels first"),
                 clEnumValN(LayoutChoice::Both, "both", "one row per layout"))};
  cl::opt<unsigned> rounds{"rounds", cl::init(5), cl::cat(category),
                           cl::desc("Interleaved timing rounds")};
  cl::opt<double> minTimeMs{"min-time-ms", cl::init(50), cl::cat(category),
                            cl::desc("Minimum time of one timed batch")};
  cl::opt<unsigned> minRuns{"min-runs", cl::init(10), cl::cat(category),
                            cl::desc("Minimum runs of one timed batch")};
  cl::opt<double> settleMs{
      "settle-ms", cl::init(-1), cl::cat(category),
      cl::desc("Idle time before each timed batch, so the previous system's "
               "spinning OpenMP workers sleep (default: 0 at 1 thread, 250 "
               "above)")};
  cl::opt<unsigned> compileRuns{
      "compile-runs", cl::init(3), cl::cat(category),
      cl::desc("Cold compiles per layer; the median is reported")};
  cl::opt<bool> tuned{
      "tuned", cl::init(true), cl::cat(category),
      cl::desc("Compile convjit's kernels with the schedules `convjit tune` "
               "recorded (--tuned=false: the cost model's only)")};
  cl::opt<std::string> csvPath{"csv", cl::cat(category),
                               cl::desc("Write every number as CSV"),
                               cl::value_desc("file")};
  cl::opt<std::string> svgPath{"svg", cl::cat(category),
                               cl::desc("Write the ratio bar chart as SVG"),
                               cl::value_desc("file")};
  cl::opt<std::string> jsonPath{"json", cl::cat(category),
                                cl::desc("Write every number as JSON"),
                                cl::value_desc("file")};
  cl::opt<std::string> baselinePath{
      "baseline", cl::cat(category),
      cl::desc("Fail if a convjit/oneDNN ratio dropped below this earlier "
               "--json output"),
      cl::value_desc("file")};
  cl::opt<double> maxDrop{"max-drop", cl::init(0.25), cl::cat(category),
                          cl::desc("Allowed fractional drop of a ratio below "
                                   "the baseline")};
  cl::opt<double> referenceLimitGflop{
      "reference-limit-gflop", cl::init(0.5), cl::cat(category),
      cl::desc("Largest layer the reference interpreter checks")};
  cl::opt<double> contendedBelow{
      "contended-below", cl::init(0.85), cl::cat(category), cl::Hidden,
      cl::desc("Flag a layer contended when the FMA loop after it runs below "
               "this fraction of the starting peak")};
  cl::opt<unsigned> retries{
      "retries", cl::init(2), cl::cat(category),
      cl::desc("Measure a layer again, up to this many times, when its rounds "
               "disagree or the FMA loop after it says another process took "
               "a core; the least disturbed attempt is kept")};
  cl::opt<uint64_t> seed{"seed", cl::init(1), cl::cat(category),
                         cl::desc("Seed of the random tensors")};
  cl::opt<std::string> python{"python", cl::init("/usr/bin/python3"),
                              cl::cat(category),
                              cl::desc("Python with torch for the torch peer")};
  cl::opt<std::string> torchPeerScript{
      "torch-peer", cl::cat(category),
      cl::desc("torch_peer.py (default: next to this binary)")};
};

/// One line on stderr, in the shape `convjit` uses: a SpecError already
/// reads "[file:line: ]error: ...", anything else gets the prefix here.
int fail(const llvm::Twine &message) {
  std::string text = message.str();
  llvm::StringRef line = llvm::StringRef(text).rtrim();
  if (!line.starts_with("error: ") && !line.contains(": error: "))
    llvm::errs() << "error: ";
  llvm::errs() << line << "\n";
  return 1;
}

struct Peers {
  bool oneDnn = false;
  bool torch = false;
};

llvm::Expected<Peers> parsePeers(llvm::StringRef text) {
  Peers peers;
  llvm::SmallVector<llvm::StringRef, 3> names;
  text.split(names, ',', -1, false);
  for (llvm::StringRef name : names) {
    name = name.trim();
    if (name == "onednn")
      peers.oneDnn = true;
    else if (name == "torch")
      peers.torch = true;
    else if (name == "all")
      peers.oneDnn = peers.torch = true;
    else if (name != "none")
      return llvm::createStringError("--vs: unknown peer '" + name +
                                     "' (onednn, torch, all or none)");
  }
  return peers;
}

llvm::Error checkFlags(const Flags &flags) {
  if (flags.threads < 1)
    return llvm::createStringError("--threads: must be at least 1");
  if (flags.rounds < 1)
    return llvm::createStringError("--rounds: must be at least 1");
  if (flags.minRuns < 1)
    return llvm::createStringError("--min-runs: must be at least 1");
  if (flags.compileRuns < 1)
    return llvm::createStringError("--compile-runs: must be at least 1");
  if (!(flags.minTimeMs >= 0))
    return llvm::createStringError("--min-time-ms: must not be negative");
  if (!(flags.contendedBelow >= 0))
    return llvm::createStringError("--contended-below: must not be negative");
  if (!(flags.maxDrop > 0 && flags.maxDrop < 1))
    return llvm::createStringError("--max-drop: must be between 0 and 1");
  if (!(flags.referenceLimitGflop >= 0))
    return llvm::createStringError(
        "--reference-limit-gflop: must not be negative");
  // Fail now rather than after a long run.
  for (auto [flag, path] : {std::pair{"--csv", &flags.csvPath},
                            std::pair{"--json", &flags.jsonPath},
                            std::pair{"--svg", &flags.svgPath}}) {
    if (path->empty())
      continue;
    llvm::StringRef directory = llvm::sys::path::parent_path(*path);
    if (!directory.empty() && !llvm::sys::fs::is_directory(directory))
      return llvm::createStringError(llvm::Twine(flag) + ": " + directory +
                                     ": no such directory");
  }
  if (!flags.baselinePath.empty() && !llvm::sys::fs::exists(flags.baselinePath))
    return llvm::createStringError("--baseline: " + flags.baselinePath +
                                   ": no such file");
  return llvm::Error::success();
}

llvm::SmallVector<Layout, 2> chosenLayouts(LayoutChoice choice) {
  switch (choice) {
  case LayoutChoice::Nchw:
    return {Layout::ChannelsFirst};
  case LayoutChoice::Both:
    return {Layout::ChannelsFirst, Layout::ChannelsLast};
  case LayoutChoice::Nhwc:
    break;
  }
  return {Layout::ChannelsLast};
}

std::string layoutChoiceName(LayoutChoice choice) {
  switch (choice) {
  case LayoutChoice::Nchw:
    return "nchw";
  case LayoutChoice::Both:
    return "both";
  case LayoutChoice::Nhwc:
    break;
  }
  return "nhwc";
}

/// Writes the requested files; false if any failed (each says why).
bool writeOutputs(const Flags &flags, const BenchRun &run) {
  bool ok = true;
  auto attempt = [&](llvm::Error error) {
    if (error) {
      fail(llvm::toString(std::move(error)));
      ok = false;
    }
  };
  if (!flags.csvPath.empty())
    attempt(writeCsvFile(flags.csvPath, run));
  if (!flags.jsonPath.empty())
    attempt(writeJsonFile(flags.jsonPath, run));
  if (!flags.svgPath.empty())
    attempt(writeTextFile(flags.svgPath, renderRatioChart(run)));
  return ok;
}

/// Fills the torch columns from the subprocess (run after everything else
/// so it never competes with the in-process timing).
void addTorchColumns(const Flags &flags, const char *argv0,
                     llvm::ArrayRef<ConvSpec> layers,
                     llvm::ArrayRef<size_t> layerOfRow,
                     const TimingOptions &timing, BenchRun &run) {
  TorchPeerOptions options;
  options.python = flags.python;
  options.script = flags.torchPeerScript.empty()
                       ? defaultTorchPeerScript(argv0)
                       : flags.torchPeerScript.getValue();
  options.threads = flags.threads;
  options.timing = timing;
  options.seed = flags.seed;
  TorchResults torch = runTorchPeer(layers, options);
  run.torchVersion = torch.version;
  for (size_t row = 0; row < run.rows.size(); ++row) {
    const TorchLayerTimes &times = torch.layers[layerOfRow[row]];
    run.rows[row].torch = times.contiguous;
    run.rows[row].torchChannelsLast = times.channelsLast;
  }
}

/// How far a layer's measurement is from undisturbed: the largest spread
/// of rounds above the noisy mark, or how far the FMA loop after it fell
/// below --contended-below; 0 when neither.
double disturbanceOf(llvm::ArrayRef<BenchRow> rows, std::optional<double> probe,
                     const Flags &flags) {
  double disturbance = 0;
  if (probe && *probe < flags.contendedBelow)
    disturbance = flags.contendedBelow - *probe;
  for (const BenchRow &row : rows)
    for (const PeerTime *time : {&row.convjit, &row.oneDnnAny, &row.oneDnnUser})
      if (time->noisy())
        disturbance = std::max(disturbance, time->spread - kNoisySpread);
  return disturbance;
}

/// Exit status 1 for wrong outputs (convjit's, or oneDNN's against the
/// reference), convjit failures and a failed baseline check, each said on
/// stderr.
bool verdict(const Flags &flags, const BenchRun &run) {
  bool ok = true;
  RunSummary summary = summarize(run);
  if (summary.mismatches) {
    fail(llvm::Twine(summary.mismatches) +
         " layer(s) where convjit's output is wrong (MISMATCH)");
    ok = false;
  }
  if (summary.peerDisagreements) {
    fail(llvm::Twine(summary.peerDisagreements) +
         " layer(s) where oneDNN disagrees with the reference interpreter "
         "(a harness problem: see the notes)");
    ok = false;
  }
  if (summary.convjitFailures) {
    fail(llvm::Twine(summary.convjitFailures) +
         " layer(s) where convjit failed to compile or run");
    ok = false;
  }
  if (!flags.baselinePath.empty()) {
    auto passed = checkAgainstBaseline(flags.baselinePath, run, flags.maxDrop,
                                       llvm::outs());
    if (!passed) {
      fail(llvm::toString(passed.takeError()));
      ok = false;
    } else if (!*passed) {
      ok = false;
    }
  }
  return ok;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::ResetCommandLineParser();
  Flags flags;
  cl::HideUnrelatedOptions(flags.category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "convjit-bench - convjit against oneDNN and PyTorch in the same run\n\n"
      "  A layer is a spec ('conv ic=64 oc=64 in=56x56 k=3 pad=1'), a oneDNN\n"
      "  benchdnn descriptor ('mb1ic64ih56oc64oh56kh3ph1n\"name\"') or a file\n"
      "  of such lines (e.g. bench/shapes/anchor-shapes.txt).\n");
  if (llvm::Error error = checkFlags(flags))
    return fail(llvm::toString(std::move(error)));
  auto peers = parsePeers(flags.versus);
  if (!peers)
    return fail(llvm::toString(peers.takeError()));
  auto list = parseSpecArgument(llvm::join(flags.specWords, " "));
  if (!list)
    return fail(llvm::toString(list.takeError()));

  BenchRun run;
  run.host = describeHost();
  run.threads = flags.threads;
  run.rounds = flags.rounds;
  run.minTimeMs = flags.minTimeMs;
  run.minRuns = flags.minRuns;
  run.compileRuns = flags.compileRuns;
  run.settleMs = flags.settleMs >= 0 ? flags.settleMs
                 : flags.threads > 1 ? 250.0
                                     : 0.0;
  run.layouts = layoutChoiceName(flags.layout);
  run.tuned = flags.tuned;
  run.oneDnnVersion = "not run (--vs)";
  run.torchVersion = "not run (--vs)";
  if (peers->oneDnn) {
    // oneDNN parallelises with the calling thread's OpenMP setting.
    auto runtime = setOneDnnThreads(flags.threads);
    if (!runtime)
      return fail(llvm::toString(runtime.takeError()));
    run.oneDnnVersion = oneDnnVersion() + " on " + *runtime;
  }
  run.peakStart = measurePeakFlops(flags.threads);
  if (flags.threads > 1)
    run.singleThreadPeak = measurePeakFlops(1).gflops;
  printHeader(llvm::outs(), run);

  LayerBenchOptions options;
  options.timing = {flags.rounds, flags.minTimeMs, flags.minRuns, run.settleMs};
  options.threads = flags.threads;
  options.vsOneDnn = peers->oneDnn;
  options.referenceFlopLimit = flags.referenceLimitGflop * 1e9;
  options.tuned = flags.tuned;
  options.compileRuns = flags.compileRuns;
  options.seed = flags.seed;
  llvm::SmallVector<Layout, 2> layouts = chosenLayouts(flags.layout);
  std::vector<size_t> layerOfRow;
  size_t total = list->layers.size() * layouts.size();
  run.contendedBelow = flags.contendedBelow;
  for (auto [index, spec] : llvm::enumerate(list->layers)) {
    // A neighbour that takes a core for a while makes a layer's rounds
    // disagree, or sits out all of them (no spread to flag) and halves it:
    // the FMA loop right after the layer tells. Either way the layer is
    // measured again.
    std::vector<BenchRow> rows;
    std::optional<double> probe;
    double leastDisturbance = 0;
    unsigned attempts = 0;
    while (attempts <= flags.retries) {
      std::vector<BenchRow> attempt = benchLayer(spec, layouts, options);
      ++attempts;
      std::optional<double> fraction;
      if (run.peakStart.gflops > 0)
        fraction =
            measurePeakFlops(flags.threads).medianGflops / run.peakStart.gflops;
      double disturbance = disturbanceOf(attempt, fraction, flags);
      if (rows.empty() || disturbance < leastDisturbance) {
        rows = std::move(attempt);
        probe = fraction;
        leastDisturbance = disturbance;
      }
      if (leastDisturbance == 0)
        break;
    }
    for (BenchRow &row : rows) {
      row.peakProbe = probe;
      row.attempts = attempts;
      printProgress(llvm::errs(), row, run.rows.size(), total);
      run.rows.push_back(std::move(row));
      layerOfRow.push_back(index);
    }
  }
  if (peers->torch)
    addTorchColumns(flags, argv[0], list->layers, layerOfRow, options.timing,
                    run);
  run.peakEnd = measurePeakFlops(flags.threads);
  if (run.singleThreadPeak)
    run.singleThreadPeak =
        std::max(*run.singleThreadPeak, measurePeakFlops(1).gflops);

  printReport(llvm::outs(), run);
  llvm::outs().flush();
  bool ok = writeOutputs(flags, run);
  ok &= verdict(flags, run);
  return ok ? 0 : 1;
}
