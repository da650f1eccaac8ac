//===- Baseline.cpp - Compare a run's ratios with a committed baseline ----===//

#include "Baseline.h"

#include "Report.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace convjit;
using namespace convjit::bench;

llvm::Expected<bool>
convjit::bench::checkAgainstBaseline(llvm::StringRef path, const BenchRun &run,
                                     double maxDrop, llvm::raw_ostream &os) {
  auto text = llvm::MemoryBuffer::getFile(path);
  if (!text)
    return llvm::createStringError(
        path + ": cannot read: " + text.getError().message());
  auto parsed = llvm::json::parse((*text)->getBuffer());
  if (!parsed)
    return llvm::createStringError(path + ": " +
                                   llvm::toString(parsed.takeError()));
  const llvm::json::Object *root = parsed->getAsObject();
  const llvm::json::Array *baselineRows =
      root ? root->getArray("rows") : nullptr;
  if (!baselineRows)
    return llvm::createStringError(path + ": no \"rows\" array (not a "
                                          "convjit-bench --json file)");

  os << "\nregression check against " << path << " (fails below "
     << formatFixed((1 - maxDrop) * 100, 0) << "% of a baseline ratio):\n";
  if (const llvm::json::Object *host = root->getObject("host")) {
    llvm::StringRef baselineCpu = host->getString("llvm_cpu").value_or("?");
    if (baselineCpu != run.host.llvmCpu)
      os << "  warning: the baseline was measured on " << baselineCpu
         << ", this is " << run.host.llvmCpu
         << ": ratios move with the ISA; regenerate it (bench/regression.sh "
            "--update)\n";
  }
  if (root->getInteger("threads").value_or(0) != run.threads)
    os << "  warning: the baseline was measured at "
       << root->getInteger("threads").value_or(0) << " thread(s), this run at "
       << run.threads << "\n";

  llvm::StringMap<const BenchRow *> current;
  for (const BenchRow &row : run.rows)
    current[row.key()] = &row;

  bool passed = true;
  size_t compared = 0;
  for (const llvm::json::Value &entry : *baselineRows) {
    const llvm::json::Object *row = entry.getAsObject();
    if (!row)
      continue;
    std::string key = row->getString("key").value_or("").str();
    std::optional<double> before = row->getNumber("ratio_vs_best_onednn");
    if (key.empty() || !before)
      continue; // the baseline had no ratio for it: nothing to hold it to
    ++compared;
    os << "  " << key << ": baseline " << formatFixed(*before, 2) << "x, now ";
    auto found = current.find(key);
    if (found == current.end()) {
      os << "missing from this run: REGRESSION\n";
      passed = false;
      continue;
    }
    std::optional<double> now = found->second->ratioVsBestOneDnn();
    if (!now) {
      os << "no ratio ("
         << (found->second->check.verdict == OutputCheck::Verdict::Mismatch
                 ? std::string("output MISMATCH")
                 : "convjit: " + found->second->convjit.note)
         << "): REGRESSION\n";
      passed = false;
      continue;
    }
    double change = *now / *before - 1;
    bool regressed = *now < *before * (1 - maxDrop);
    os << formatFixed(*now, 2) << "x (" << (change >= 0 ? "+" : "")
       << formatFixed(change * 100, 0) << "%)"
       << (regressed ? ": REGRESSION" : "") << "\n";
    passed &= !regressed;
  }
  if (compared == 0)
    return llvm::createStringError(path + ": no layer with a convjit/oneDNN "
                                          "ratio to compare with");
  os << (passed ? "regression check passed" : "regression check FAILED") << " ("
     << compared << " layers)\n";
  return passed;
}
