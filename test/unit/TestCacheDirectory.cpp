//===- TestCacheDirectory.cpp - Keep the tests out of the user's cache ----===//
//
// Every kernel the unit tests compile would otherwise land in the user's
// kernel cache (~/.cache/convjit). Before any test runs, point
// CONVJIT_CACHE_DIR at a directory of this run's own; tests that exercise
// the cache set their own.
//
//===----------------------------------------------------------------------===//

#include "llvm/Support/FileSystem.h"

#include <cstdlib>
#include <string>

namespace {
struct TestCacheDirectory {
  TestCacheDirectory() {
    llvm::SmallString<128> path;
    if (!llvm::sys::fs::createUniqueDirectory("convjit-unittests-cache", path)) {
      dir = std::string(path);
      setenv("CONVJIT_CACHE_DIR", dir.c_str(), 1);
    }
  }
  ~TestCacheDirectory() {
    if (!dir.empty())
      llvm::sys::fs::remove_directories(dir);
  }
  std::string dir;
} testCacheDirectory;
} // namespace
