//===- TuningDatabase.h - What the autotuner found, kept on disk -*- C++ -*-===//
//
// `convjit tune` measures schedule variants of a layer and records the
// fastest here; Kernel::compile looks every layer up and compiles a tuned
// one with the recorded knobs (ScheduleTuning.h). One JSON file, tuning.json
// in the kernel cache directory (KernelCache.h):
//
//   {"format": "convjit-tuning-1",
//    "entries": [{"key": ..., "spec": ..., "tuning": "tile-width=6",
//                 "model_ms": 0.21, "tuned_ms": 0.18, "candidates": 17}]}
//
// An entry is keyed by the canonical spec and the code generation options
// without the tuning (target CPU and features, threads): the knobs stay
// meaningful across compiler versions, so a rebuilt convjit keeps them
// (`convjit tune --retune` measures again). "tuning": "" records that the
// model's schedule won. The file is rewritten whole through a temporary
// name, so a crash never leaves half of it; two tuners writing at once may
// lose one's entries, never corrupt the file.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_PIPELINE_TUNINGDATABASE_H
#define CONVJIT_PIPELINE_TUNINGDATABASE_H

#include "Pipeline/Compiler.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace convjit {

struct TuningRecord {
  std::string key;
  std::string spec; // for people reading the file
  ScheduleTuning tuning;
  double modelMs = 0; // the cost model's schedule
  double tunedMs = 0; // the recorded tuning's
  int64_t candidates = 0;
};

class TuningDatabase {
public:
  /// The database file in `directory`.
  static std::string pathIn(llvm::StringRef directory);
  /// The one next to the kernel cache KernelCache::fromEnvironment() picks.
  static std::string defaultPath();

  /// Reads `path`; a missing file is an empty database. A file that is not
  /// a tuning database is an error naming the file and the problem.
  static llvm::Expected<TuningDatabase> load(llvm::StringRef path);

  /// The key of a layer compiled with `options` (their tuning ignored).
  static std::string keyFor(const ConvSpec &spec,
                            const CodegenOptions &options);

  const TuningRecord *lookup(llvm::StringRef key) const;
  /// Adds `record`, replacing an entry with its key.
  void insert(TuningRecord record);
  const std::vector<TuningRecord> &records() const { return entries; }

  /// Writes the database to `path` (creating its directory).
  llvm::Error save(llvm::StringRef path) const;

private:
  std::vector<TuningRecord> entries;
};

/// The tuning recorded for a layer in the default database, if any. An
/// unreadable database counts as empty here: compiling falls back to the
/// cost model (`convjit tune` reports the problem).
std::optional<ScheduleTuning> lookupTuning(const ConvSpec &spec,
                                           const CodegenOptions &options);

} // namespace convjit

#endif // CONVJIT_PIPELINE_TUNINGDATABASE_H
