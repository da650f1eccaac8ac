//===- Report.h - The bench's text output -----------------------*- C++ -*-===//
//
// One line per layer (GFLOPS of every system, % of the measured peak, the
// ratios, compile times, the correctness verdict), then the geomeans overall
// and per category, then every failure and mismatch spelled out.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_BENCH_REPORT_H
#define CONVJIT_BENCH_REPORT_H

#include "BenchResult.h"

#include "llvm/Support/raw_ostream.h"

namespace convjit::bench {

/// Host, threads, timing rules and the start-of-run peak.
void printHeader(llvm::raw_ostream &os, const BenchRun &run);

/// A one-line progress note for a finished row (for stderr).
void printProgress(llvm::raw_ostream &os, const BenchRow &row, size_t index,
                   size_t total);

/// The table, the geomeans and the notes.
void printReport(llvm::raw_ostream &os, const BenchRun &run);

/// "45.2" / "0.52x" style helpers shared with the file writers.
std::string formatFixed(double value, int decimals);

} // namespace convjit::bench

#endif // CONVJIT_BENCH_REPORT_H
