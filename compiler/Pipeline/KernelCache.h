//===- KernelCache.h - Compiled kernels kept on disk ------------*- C++ -*-===//
//
// Object code of compiled layers, one file per kernel under the cache
// directory ($CONVJIT_CACHE_DIR, else $XDG_CACHE_HOME/convjit, else
// ~/.cache/convjit). A file is named by a hash of its key and holds:
//
//   "CONVJITK" | format version | key | kernel signature | object | checksum
//
// The key names everything that shapes the code: the canonical spec, the
// code generation options (target CPU, features, threads) and the compiler
// itself (a fingerprint of its sources and the LLVM version), so a kernel is
// never served to a different compiler. A file that is truncated, altered
// or written for another key reads as a miss: the kernel is compiled again
// and the file replaced. Files are written to a temporary name and renamed,
// so concurrent writers and crashes never leave half a file.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_PIPELINE_KERNELCACHE_H
#define CONVJIT_PIPELINE_KERNELCACHE_H

#include "Pipeline/Compiler.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace convjit {

class KernelCache {
public:
  /// The cache at `directory`; `KernelCache::fromEnvironment()` picks the
  /// default one.
  explicit KernelCache(std::string directory) : dir(std::move(directory)) {}
  static KernelCache fromEnvironment();

  /// The key of a layer compiled with `options`.
  static std::string keyFor(const ConvSpec &spec,
                            const CodegenOptions &options);

  /// The kernel stored under `key`, or nullopt when there is none or the
  /// file is unusable (`whyNot`, when given, says why: for tests and
  /// reports; a miss is never an error).
  std::optional<CompiledObject> load(llvm::StringRef key,
                                     std::string *whyNot = nullptr) const;

  /// Stores `kernel` under `key`, replacing any file there.
  llvm::Error store(llvm::StringRef key, const CompiledObject &kernel) const;

  /// The file that holds (or would hold) `key`.
  std::string pathFor(llvm::StringRef key) const;
  const std::string &directory() const { return dir; }

private:
  std::string dir;
};

} // namespace convjit

#endif // CONVJIT_PIPELINE_KERNELCACHE_H
