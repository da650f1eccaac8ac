//===- ResultFiles.cpp - Every number of a run as CSV and JSON ------------===//

#include "ResultFiles.h"

#include "Summary.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>

using namespace convjit;
using namespace convjit::bench;

using State = PeerTime::State;
using Verdict = OutputCheck::Verdict;

namespace {

llvm::StringRef stateName(State state) {
  switch (state) {
  case State::NotRun:
    return "not_run";
  case State::Measured:
    return "measured";
  case State::NotAvailable:
    return "n/a";
  case State::Unsupported:
    return "unsupported";
  case State::Failed:
    return "failed";
  }
  return "";
}

llvm::StringRef verdictName(Verdict verdict) {
  switch (verdict) {
  case Verdict::NotChecked:
    return "not_checked";
  case Verdict::Pass:
    return "pass";
  case Verdict::Mismatch:
    return "mismatch";
  case Verdict::Skipped:
    return "skipped";
  case Verdict::PeerDisagrees:
    return "peer_disagrees";
  }
  return "";
}

llvm::json::Value optional(std::optional<double> value) {
  return value ? llvm::json::Value(*value) : llvm::json::Value(nullptr);
}

std::optional<double> ofPeak(const BenchRow &row, const PeerTime &time,
                             double peak) {
  std::optional<double> gflops = row.gflops(time);
  if (!gflops || peak <= 0)
    return std::nullopt;
  return *gflops / peak;
}

llvm::json::Object timeToJson(const BenchRow &row, const PeerTime &time,
                              double peak) {
  return llvm::json::Object{
      {"state", stateName(time.state)},
      {"ms", time.measured() ? llvm::json::Value(time.ms)
                             : llvm::json::Value(nullptr)},
      {"spread", time.measured() ? llvm::json::Value(time.spread)
                                 : llvm::json::Value(nullptr)},
      {"gflops", optional(row.gflops(time))},
      {"peak_fraction", optional(ofPeak(row, time, peak))},
      {"note", time.note},
  };
}

llvm::json::Object geomeanToJson(const Geomean &geomean) {
  return llvm::json::Object{{"geomean", optional(geomean.value)},
                            {"layers", static_cast<int64_t>(geomean.count)}};
}

llvm::json::Object groupToJson(const GroupSummary &group) {
  return llvm::json::Object{
      {"category", group.category},
      {"layers", static_cast<int64_t>(group.layers)},
      {"vs_best_onednn", geomeanToJson(group.vsBestOneDnn)},
      {"vs_same_layout_onednn", geomeanToJson(group.vsSameLayoutOneDnn)},
      {"vs_best_torch", geomeanToJson(group.vsBestTorch)},
      {"convjit_peak_fraction", geomeanToJson(group.convjitOfPeak)},
      {"best_onednn_peak_fraction", geomeanToJson(group.bestOneDnnOfPeak)},
  };
}

llvm::json::Object rowToJson(const BenchRun &run, const BenchRow &row,
                             double peak) {
  llvm::json::Object oneDnnAny = timeToJson(row, row.oneDnnAny, peak);
  oneDnnAny["impl"] = row.oneDnnAnyImpl;
  llvm::json::Object oneDnnUser = timeToJson(row, row.oneDnnUser, peak);
  oneDnnUser["impl"] = row.oneDnnUserImpl;
  return llvm::json::Object{
      {"name", row.name},
      {"key", row.key()},
      {"spec", row.spec.str()},
      {"category", row.category},
      {"layout", row.layoutName()},
      {"flops", row.flops},
      {"convjit", timeToJson(row, row.convjit, peak)},
      {"onednn_any", std::move(oneDnnAny)},
      {"onednn_user", std::move(oneDnnUser)},
      {"torch", timeToJson(row, row.torch, peak)},
      {"torch_channels_last", timeToJson(row, row.torchChannelsLast, peak)},
      {"ratio_vs_best_onednn", optional(row.ratioVsBestOneDnn())},
      {"ratio_vs_same_layout_onednn", optional(row.ratioVsSameLayoutOneDnn())},
      {"ratio_vs_best_torch", optional(row.ratioVsBestTorch())},
      {"compile_cold_ms", optional(row.compileColdMs)},
      {"compile_warm_ms", optional(row.compileWarmMs)},
      {"cold_compile_was_cached", row.coldCompileWasCached},
      {"tuning", row.tuning},
      {"peak_probe", optional(row.peakProbe)},
      {"attempts", row.attempts},
      {"contended", run.contended(row)},
      {"check", llvm::json::Object{{"verdict", verdictName(row.check.verdict)},
                                   {"against", row.check.against},
                                   {"max_rel_error", row.check.maxRelError},
                                   {"rel_tolerance", row.check.relTolerance},
                                   {"detail", row.check.detail}}},
  };
}

/// RFC 4180 quoting where needed.
std::string csvField(llvm::StringRef text) {
  if (text.find_first_of(",\"\n") == llvm::StringRef::npos)
    return text.str();
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"')
      quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string number(std::optional<double> value) {
  if (!value)
    return "";
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.6g", *value);
  return text;
}

} // namespace

llvm::json::Value convjit::bench::runToJson(const BenchRun &run) {
  double peak = run.peakGflops();
  llvm::json::Array rows;
  for (const BenchRow &row : run.rows)
    rows.push_back(rowToJson(run, row, peak));
  RunSummary summary = summarize(run);
  llvm::json::Array categories;
  for (const GroupSummary &group : summary.categories)
    categories.push_back(groupToJson(group));
  return llvm::json::Object{
      {"tool", "convjit-bench"},
      {"host", llvm::json::Object{{"cpu_model", run.host.cpuModel},
                                  {"llvm_cpu", run.host.llvmCpu},
                                  {"logical_cpus", run.host.logicalCpus}}},
      {"threads", run.threads},
      {"layouts", run.layouts},
      {"tuned", run.tuned},
      {"timing", llvm::json::Object{{"rounds", run.rounds},
                                    {"min_time_ms", run.minTimeMs},
                                    {"min_runs", run.minRuns},
                                    {"settle_ms", run.settleMs},
                                    {"compile_runs", run.compileRuns}}},
      {"peak",
       llvm::json::Object{
           {"start_gflops", run.peakStart.gflops},
           {"end_gflops", run.peakEnd.gflops},
           {"used_gflops", peak},
           {"single_thread_gflops", optional(run.singleThreadPeak)},
           {"contention_warning", run.contentionWarning()},
           {"loop", run.peakStart.loop}}},
      {"onednn_version", run.oneDnnVersion},
      {"torch_version", run.torchVersion},
      {"rows", std::move(rows)},
      {"summary",
       llvm::json::Object{
           {"all", groupToJson(summary.all)},
           {"categories", std::move(categories)},
           {"mismatches", static_cast<int64_t>(summary.mismatches)},
           {"convjit_failures", static_cast<int64_t>(summary.convjitFailures)},
           {"peer_disagreements",
            static_cast<int64_t>(summary.peerDisagreements)}}},
  };
}

llvm::Error convjit::bench::writeTextFile(llvm::StringRef path,
                                          llvm::StringRef contents) {
  std::error_code error;
  llvm::raw_fd_ostream out(path, error);
  if (error)
    return llvm::createStringError(path + ": cannot write: " + error.message());
  out << contents;
  out.close();
  if (out.has_error()) {
    std::string message = out.error().message();
    out.clear_error();
    return llvm::createStringError(path + ": cannot write: " + message);
  }
  return llvm::Error::success();
}

llvm::Error convjit::bench::writeJsonFile(llvm::StringRef path,
                                          const BenchRun &run) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", runToJson(run)) << "\n";
  return writeTextFile(path, text);
}

llvm::Error convjit::bench::writeCsvFile(llvm::StringRef path,
                                         const BenchRun &run) {
  double peak = run.peakGflops();
  using Cell = std::function<std::string(const BenchRow &)>;
  std::vector<std::pair<std::string, Cell>> columns{
      {"name", [](const BenchRow &r) { return r.name; }},
      {"spec", [](const BenchRow &r) { return r.spec.str(); }},
      {"category", [](const BenchRow &r) { return r.category; }},
      {"layout", [](const BenchRow &r) { return r.layoutName(); }},
      {"gflop", [](const BenchRow &r) { return number(r.flops * 1e-9); }},
  };
  auto addTime = [&](const std::string &prefix,
                     const PeerTime BenchRow::*time) {
    columns.push_back({prefix + "_state", [time](const BenchRow &r) {
                         return stateName((r.*time).state).str();
                       }});
    columns.push_back({prefix + "_ms", [time](const BenchRow &r) {
                         return (r.*time).measured() ? number((r.*time).ms)
                                                     : "";
                       }});
    columns.push_back({prefix + "_spread", [time](const BenchRow &r) {
                         return (r.*time).measured() ? number((r.*time).spread)
                                                     : "";
                       }});
    columns.push_back({prefix + "_gflops", [time](const BenchRow &r) {
                         return number(r.gflops(r.*time));
                       }});
    columns.push_back(
        {prefix + "_pct_peak", [time, peak](const BenchRow &r) {
           std::optional<double> fraction = ofPeak(r, r.*time, peak);
           return number(fraction ? std::optional<double>(*fraction * 100)
                                  : std::nullopt);
         }});
    columns.push_back({prefix + "_note",
                       [time](const BenchRow &r) { return (r.*time).note; }});
  };
  addTime("convjit", &BenchRow::convjit);
  addTime("onednn_any", &BenchRow::oneDnnAny);
  columns.push_back(
      {"onednn_any_impl", [](const BenchRow &r) { return r.oneDnnAnyImpl; }});
  addTime("onednn_user", &BenchRow::oneDnnUser);
  columns.push_back(
      {"onednn_user_impl", [](const BenchRow &r) { return r.oneDnnUserImpl; }});
  addTime("torch", &BenchRow::torch);
  addTime("torch_cl", &BenchRow::torchChannelsLast);
  columns.insert(
      columns.end(),
      {{"ratio_vs_best_onednn",
        [](const BenchRow &r) { return number(r.ratioVsBestOneDnn()); }},
       {"ratio_vs_same_layout_onednn",
        [](const BenchRow &r) { return number(r.ratioVsSameLayoutOneDnn()); }},
       {"ratio_vs_best_torch",
        [](const BenchRow &r) { return number(r.ratioVsBestTorch()); }},
       {"compile_cold_ms",
        [](const BenchRow &r) { return number(r.compileColdMs); }},
       {"compile_warm_ms",
        [](const BenchRow &r) { return number(r.compileWarmMs); }},
       {"tuning", [](const BenchRow &r) { return r.tuning; }},
       {"peak_probe", [](const BenchRow &r) { return number(r.peakProbe); }},
       {"contended",
        [&run](const BenchRow &r) {
          return std::string(run.contended(r) ? "true" : "false");
        }},
       {"check",
        [](const BenchRow &r) { return verdictName(r.check.verdict).str(); }},
       {"check_against", [](const BenchRow &r) { return r.check.against; }},
       {"check_max_rel_error",
        [](const BenchRow &r) { return number(r.check.maxRelError); }},
       {"check_rel_tolerance",
        [](const BenchRow &r) { return number(r.check.relTolerance); }},
       {"check_detail", [](const BenchRow &r) { return r.check.detail; }},
       {"threads",
        [&run](const BenchRow &) { return std::to_string(run.threads); }},
       {"peak_gflops", [peak](const BenchRow &) { return number(peak); }}});

  std::string text;
  for (size_t i = 0; i < columns.size(); ++i)
    text += (i ? "," : "") + columns[i].first;
  text += "\n";
  for (const BenchRow &row : run.rows) {
    for (size_t i = 0; i < columns.size(); ++i)
      text += (i ? "," : "") + csvField(columns[i].second(row));
    text += "\n";
  }
  return writeTextFile(path, text);
}
