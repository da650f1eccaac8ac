//===- Report.cpp - The bench's text output -------------------------------===//

#include "Report.h"

#include "Summary.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"

#include <algorithm>

using namespace convjit;
using namespace convjit::bench;

using State = PeerTime::State;
using Verdict = OutputCheck::Verdict;

std::string convjit::bench::formatFixed(double value, int decimals) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.*f", decimals, value);
  return text;
}

namespace {

std::string percent(double fraction) {
  return formatFixed(fraction * 100, 0) + "%";
}

std::string stateWord(State state) {
  switch (state) {
  case State::NotRun:
    return "-";
  case State::NotAvailable:
    return "n/a";
  case State::Unsupported:
    return "unsupported";
  case State::Failed:
    return "FAILED";
  case State::Measured:
    break;
  }
  return "";
}

/// "45.2 (44%)*": GFLOPS, % of peak, '*' when the rounds disagreed by more
/// than 10%. A 0-FLOP layer (channel shuffle) shows its time instead.
std::string timeCell(const BenchRow &row, const PeerTime &time, double peak,
                     bool withPeak) {
  if (!time.measured())
    return stateWord(time.state);
  std::string cell;
  if (std::optional<double> gflops = row.gflops(time)) {
    cell = formatFixed(*gflops, 1);
    if (withPeak && peak > 0)
      cell += " (" + percent(*gflops / peak) + ")";
  } else {
    cell = formatFixed(time.ms, 3) + "ms";
  }
  if (time.noisy())
    cell += "*";
  return cell;
}

/// Three significant digits: 0.231, 0.00369, 19.9.
std::string gflopCell(double flops) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.3g", flops * 1e-9);
  return text;
}

std::string ratioCell(std::optional<double> ratio) {
  return ratio ? formatFixed(*ratio, 2) + "x" : "-";
}

std::string checkCell(const OutputCheck &check) {
  switch (check.verdict) {
  case Verdict::NotChecked:
    return "-";
  case Verdict::Pass:
    return "ok";
  case Verdict::Mismatch:
    return "MISMATCH";
  case Verdict::Skipped:
    return "unchecked";
  case Verdict::PeerDisagrees:
    return "ok (peer?)";
  }
  return "";
}

std::string compileCell(const BenchRow &row) {
  if (!row.compileColdMs)
    return "-";
  std::string cell = row.coldCompileWasCached
                         ? std::string("cached")
                         : formatFixed(*row.compileColdMs, 0);
  cell += "/";
  cell += row.compileWarmMs ? formatFixed(*row.compileWarmMs, 2) : "-";
  return cell;
}

/// Columns padded to their widest cell; `rightAligned` per column.
void printColumns(llvm::raw_ostream &os,
                  const std::vector<std::vector<std::string>> &lines,
                  const std::vector<bool> &rightAligned) {
  std::vector<size_t> widths(rightAligned.size(), 0);
  for (const auto &line : lines)
    for (size_t i = 0; i < line.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], line[i].size());
  for (const auto &line : lines) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      std::string padding(widths[i] - line[i].size(), ' ');
      text += rightAligned[i] ? padding + line[i] : line[i] + padding;
      if (i + 1 < line.size())
        text += "  ";
    }
    os << llvm::StringRef(text).rtrim() << "\n";
  }
}

std::string geomeanCell(const Geomean &geomean, bool asPercent) {
  if (!geomean.value)
    return "-";
  std::string value = asPercent ? percent(*geomean.value)
                                : formatFixed(*geomean.value, 2) + "x";
  return value + " (" + std::to_string(geomean.count) + ")";
}

void printSummary(llvm::raw_ostream &os, const BenchRun &run,
                  const RunSummary &summary) {
  os << "\ngeomeans (ratio = convjit speed / peer speed, > 1 = convjit "
        "faster; (n) = layers with both sides measured and convjit's output "
        "correct):\n\n";
  std::vector<std::vector<std::string>> lines{
      {"category", "layers", "vs best oneDNN", "vs oneDNN same layout",
       "vs best torch", "convjit % peak", "best oneDNN % peak"}};
  auto addGroup = [&](const GroupSummary &group) {
    lines.push_back({group.category, std::to_string(group.layers),
                     geomeanCell(group.vsBestOneDnn, false),
                     geomeanCell(group.vsSameLayoutOneDnn, false),
                     geomeanCell(group.vsBestTorch, false),
                     geomeanCell(group.convjitOfPeak, true),
                     geomeanCell(group.bestOneDnnOfPeak, true)});
  };
  addGroup(summary.all);
  for (const GroupSummary &group : summary.categories)
    addGroup(group);
  printColumns(os, lines, {false, true, true, true, true, true, true});
}

/// Failures one per row; "n/a"/"unsupported" grouped by their reason, with
/// the systems and rows they apply to.
void printNotes(llvm::raw_ostream &os, const BenchRun &run,
                const RunSummary &summary) {
  struct Group {
    std::string reason;
    std::vector<std::string> systems, rows;
  };
  std::vector<std::string> failures;
  std::vector<Group> grouped;
  llvm::StringMap<size_t> groupIndex;
  auto group = [&](const std::string &reason, llvm::StringRef system,
                   const std::string &name) {
    auto [it, inserted] = groupIndex.try_emplace(reason, grouped.size());
    if (inserted)
      grouped.push_back({reason, {}, {}});
    Group &g = grouped[it->second];
    if (!llvm::is_contained(g.systems, system))
      g.systems.push_back(system.str());
    if (!llvm::is_contained(g.rows, name))
      g.rows.push_back(name);
  };
  auto note = [&](const BenchRow &row, llvm::StringRef system,
                  const PeerTime &time) {
    if (time.state == State::Failed)
      failures.push_back(row.name + ": " + system.str() +
                         " FAILED: " + time.note);
    else if (time.state == State::NotAvailable ||
             time.state == State::Unsupported)
      group(stateWord(time.state) + ": " + time.note, system, row.name);
  };
  for (const BenchRow &row : run.rows) {
    note(row, "convjit", row.convjit);
    note(row, "oneDNN any", row.oneDnnAny);
    note(row, "oneDNN " + row.layoutName(), row.oneDnnUser);
    note(row, "torch", row.torch);
    note(row, "torch CL", row.torchChannelsLast);
    const OutputCheck &check = row.check;
    if (check.verdict == Verdict::Mismatch)
      failures.push_back(row.name + ": MISMATCH: convjit's output is wrong (" +
                         check.detail + "); its time is excluded");
    else if (check.verdict == Verdict::PeerDisagrees)
      failures.push_back(row.name + ": convjit matches the reference, " +
                         check.detail);
    else if (check.verdict == Verdict::Skipped)
      group("unchecked: " + check.detail, "convjit output", row.name);
  }
  if (failures.empty() && grouped.empty())
    return;
  os << "\nnotes:\n";
  for (const std::string &failure : failures)
    os << "  " << failure << "\n";
  for (const Group &g : grouped) {
    os << "  " << g.reason << " [" << llvm::join(g.systems, ", ") << "; "
       << g.rows.size() << " row" << (g.rows.size() == 1 ? "" : "s");
    if (g.rows.size() <= 3)
      os << ": " << llvm::join(g.rows, ", ");
    os << "]\n";
  }
  if (summary.mismatches)
    os << "\nMISMATCH: convjit computed a wrong result on "
       << summary.mismatches << " layer(s)\n";
}

} // namespace

void convjit::bench::printHeader(llvm::raw_ostream &os, const BenchRun &run) {
  os << "convjit-bench: " << run.host.cpuModel << " (" << run.host.llvmCpu
     << ", " << run.host.logicalCpus << " logical CPUs), " << run.threads
     << " thread" << (run.threads == 1 ? "" : "s") << "\n";
  os << "peak FP32 FMA at start: " << formatFixed(run.peakStart.gflops, 1)
     << " GFLOPS (" << run.peakStart.loop << ", " << run.peakStart.threads
     << " thread" << (run.peakStart.threads == 1 ? "" : "s") << ")\n";
  if (run.singleThreadPeak)
    os << "peak FP32 FMA at 1 thread: " << formatFixed(*run.singleThreadPeak, 1)
       << " GFLOPS\n";
  if (std::string warning = run.contentionWarning(); !warning.empty())
    os << warning << "\n";
  os << "oneDNN " << run.oneDnnVersion
     << ": f32 forward_inference, direct; 'any' = blocked layouts of its "
        "choice, weights packed once\n";
  os << "convjit schedules: "
     << (run.tuned ? "tuned where `convjit tune` recorded a layer, else the "
                     "cost model's"
                   : "the cost model's (--tuned=false)")
     << "\n";
  os << "timing: " << run.rounds
     << " interleaved rounds, each batch >= " << formatFixed(run.minTimeMs, 0)
     << " ms and >= " << run.minRuns
     << " runs, per-run median; median over rounds";
  if (run.settleMs > 0)
    os << "; " << formatFixed(run.settleMs, 0) << " ms idle before each batch";
  os << "; cold compile: median of " << run.compileRuns << "\n";
  os.flush();
}

void convjit::bench::printProgress(llvm::raw_ostream &os, const BenchRow &row,
                                   size_t index, size_t total) {
  os << "[" << index + 1 << "/" << total << "] " << row.name << " ("
     << row.layoutName() << "): convjit "
     << timeCell(row, row.convjit, 0, false) << ", oneDNN any "
     << timeCell(row, row.oneDnnAny, 0, false) << ", oneDNN "
     << row.layoutName() << " " << timeCell(row, row.oneDnnUser, 0, false)
     << ", check " << checkCell(row.check);
  if (row.attempts > 1)
    os << " (measured " << row.attempts << " times: its rounds were disturbed)";
  os << "\n";
  os.flush();
}

void convjit::bench::printReport(llvm::raw_ostream &os, const BenchRun &run) {
  double peak = run.peakGflops();
  os << "\npeak FP32 FMA: start " << formatFixed(run.peakStart.gflops, 1)
     << ", end " << formatFixed(run.peakEnd.gflops, 1) << " GFLOPS; % of peak "
     << "uses " << formatFixed(peak, 1) << "\n";
  if (std::string warning = run.contentionWarning(); !warning.empty())
    os << warning << "\n";
  os << "torch peer: " << run.torchVersion << "\n\n";

  std::string userColumn =
      run.layouts == "both" ? "oneDNN plain" : "oneDNN " + run.layouts;
  std::vector<std::vector<std::string>> lines{
      {"layer", "kind", "GFLOP", "convjit GFLOPS", "oneDNN any", userColumn,
       "torch", "torch CL", "vs best oneDNN", "vs " + userColumn, "vs torch",
       "compile ms", "schedule", "check"}};
  for (const BenchRow &row : run.rows) {
    std::string convjit = timeCell(row, row.convjit, peak, true);
    if (row.check.verdict == Verdict::Mismatch)
      convjit += " WRONG";
    lines.push_back({run.contended(row) ? row.name + " !" : row.name,
                     row.category, gflopCell(row.flops), convjit,
                     timeCell(row, row.oneDnnAny, peak, true),
                     timeCell(row, row.oneDnnUser, peak, true),
                     timeCell(row, row.torch, peak, false),
                     timeCell(row, row.torchChannelsLast, peak, false),
                     ratioCell(row.ratioVsBestOneDnn()),
                     ratioCell(row.ratioVsSameLayoutOneDnn()),
                     ratioCell(row.ratioVsBestTorch()), compileCell(row),
                     row.tuning.empty() ? "model" : "tuned",
                     checkCell(row.check)});
  }
  printColumns(os, lines,
               {false, false, true, true, true, true, true, true, true, true,
                true, true, false, false});
  os << "\nGFLOPS (% of peak); '*' = rounds differ by > 10% (noisy); "
        "compile ms = cold/warm (warm = memory cache); vs = convjit speed / "
        "peer speed; schedule = the cost model's, or tuned (convjit tune; "
        "the knobs are in --json)\n";
  size_t contended = llvm::count_if(
      run.rows, [&](const BenchRow &row) { return run.contended(row); });
  if (contended)
    os << "warning: " << contended << " of " << run.rows.size()
       << " layers marked '!': the FMA loop right after them ran below "
       << percent(run.contendedBelow)
       << " of the starting peak (another process held a core while they "
          "ran); their figures mean little, re-run them\n";

  RunSummary summary = summarize(run);
  printSummary(os, run, summary);
  printNotes(os, run, summary);
}
