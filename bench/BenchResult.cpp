//===- BenchResult.cpp - What one bench run measured ----------------------===//

#include "BenchResult.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <cmath>
#include <thread>

using namespace convjit;
using namespace convjit::bench;

PeerTime PeerTime::measurement(double ms, double spread) {
  PeerTime time;
  time.state = State::Measured;
  time.ms = ms;
  time.spread = spread;
  return time;
}

PeerTime PeerTime::failure(State state, std::string note) {
  PeerTime time;
  time.state = state;
  time.note = std::move(note);
  return time;
}

std::string BenchRow::layoutName() const {
  return convjit::layoutName(spec.layout).str();
}

std::string BenchRow::key() const { return name + "|" + layoutName(); }

std::optional<double> BenchRow::gflops(const PeerTime &time) const {
  if (!time.measured() || flops <= 0 || time.ms <= 0)
    return std::nullopt;
  return flops / (time.ms * 1e6);
}

bool BenchRow::convjitComparable() const {
  return convjit.measured() && check.verdict != OutputCheck::Verdict::Mismatch;
}

static std::optional<double>
ratioOver(const BenchRow &row, std::initializer_list<const PeerTime *> peers) {
  if (!row.convjitComparable() || row.convjit.ms <= 0)
    return std::nullopt;
  std::optional<double> fastest;
  for (const PeerTime *peer : peers)
    if (peer->measured())
      fastest = fastest ? std::min(*fastest, peer->ms) : peer->ms;
  if (!fastest)
    return std::nullopt;
  return *fastest / row.convjit.ms;
}

std::optional<double> BenchRow::ratioVsBestOneDnn() const {
  return ratioOver(*this, {&oneDnnAny, &oneDnnUser});
}

std::optional<double> BenchRow::ratioVsSameLayoutOneDnn() const {
  return ratioOver(*this, {&oneDnnUser});
}

std::optional<double> BenchRow::ratioVsBestTorch() const {
  return ratioOver(*this, {&torch, &torchChannelsLast});
}

HostInfo convjit::bench::describeHost() {
  HostInfo host;
  host.llvmCpu = llvm::sys::getHostCPUName().str();
  host.logicalCpus = std::thread::hardware_concurrency();
  host.cpuModel = "unknown CPU";
  auto cpuinfo = llvm::MemoryBuffer::getFileAsStream("/proc/cpuinfo");
  if (!cpuinfo)
    return host;
  llvm::StringRef text = (*cpuinfo)->getBuffer();
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    text = rest;
    auto [key, value] = line.split(':');
    if (key.trim() == "model name") {
      host.cpuModel = value.trim().str();
      break;
    }
  }
  return host;
}

double BenchRun::peakGflops() const {
  return std::max(peakStart.gflops, peakEnd.gflops);
}

std::string BenchRun::contentionWarning() const {
  if (!singleThreadPeak || threads < 2 || *singleThreadPeak <= 0)
    return "";
  double expected = *singleThreadPeak * threads;
  double reached = peakGflops();
  if (reached >= 0.8 * expected)
    return "";
  return "warning: " + std::to_string(threads) + " threads reached " +
         std::to_string(static_cast<int>(reached)) + " GFLOPS of FMA peak, " +
         std::to_string(static_cast<int>(100 * reached / expected)) + "% of " +
         std::to_string(threads) +
         " x the 1-thread peak: other "
         "processes hold cores, so the multithreaded figures are unreliable";
}

bool BenchRun::contended(const BenchRow &row) const {
  return row.peakProbe && *row.peakProbe < contendedBelow;
}

std::optional<double>
convjit::bench::geomean(const std::vector<double> &values) {
  if (values.empty())
    return std::nullopt;
  double logSum = 0;
  for (double value : values)
    logSum += std::log(value);
  return std::exp(logSum / static_cast<double>(values.size()));
}
