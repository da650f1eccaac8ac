//===- ResultFiles.h - Every number of a run as CSV and JSON ----*- C++ -*-===//
//
// The text table rounds and abbreviates; these files keep every figure
// (times in ms, spreads, GFLOPS, % of peak, ratios, compile times, oneDNN's
// implementation names, the check's errors) for plots, spreadsheets and the
// regression baseline. The JSON is also the baseline file's format.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_BENCH_RESULTFILES_H
#define CONVJIT_BENCH_RESULTFILES_H

#include "BenchResult.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

namespace convjit::bench {

llvm::json::Value runToJson(const BenchRun &run);

llvm::Error writeJsonFile(llvm::StringRef path, const BenchRun &run);
llvm::Error writeCsvFile(llvm::StringRef path, const BenchRun &run);

/// Writes `contents` to `path`, with a one-line error naming the path.
llvm::Error writeTextFile(llvm::StringRef path, llvm::StringRef contents);

} // namespace convjit::bench

#endif // CONVJIT_BENCH_RESULTFILES_H
