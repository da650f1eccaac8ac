//===- TargetInfo.h - Facts about the CPU kernels are compiled for -*- C++ -*-===//
//
// What schedules and code generation need to know about the machine: the
// vector ISA (its width and register count decide the register tile), the
// cache sizes (they decide the blocking) and the LLVM names of the CPU and
// its features (they go into the TargetMachine and into cache keys).
//
// The host is read at run time, never assumed: the same binary must do the
// right thing on an AVX2-only Zen 3 and on an AVX-512 Zen 5.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_TARGET_TARGETINFO_H
#define CONVJIT_TARGET_TARGETINFO_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <string>

namespace convjit {

struct TargetInfo {
  /// How byName() knows it: "host", "avx2" or "avx512".
  std::string name;
  std::string triple;
  std::string cpu;      // e.g. "znver3"
  std::string features; // LLVM feature string, e.g. "+avx2,+fma,..."

  /// Widest vector ISA the kernels use.
  unsigned vectorBits = 128;
  /// Architectural vector registers available at that width.
  unsigned vectorRegisters = 16;
  bool hasFMA = false;

  int64_t l1dBytes = 32 * 1024;
  int64_t l2Bytes = 512 * 1024;

  /// f32 lanes in one vector register.
  unsigned f32Lanes() const { return vectorBits / 32; }

  /// Everything that changes the generated code, for kernel-cache keys.
  std::string str() const;
  /// A short line for humans: "znver3, 256-bit vectors x16, FMA, L1d 32K,
  /// L2 512K".
  std::string summary() const;

  /// The machine this process runs on.
  static const TargetInfo &host();

  /// A named target for cross-checking schedules and lit tests independently
  /// of the host: "avx2" (Zen 3-like), "avx512" (Zen 5-like), "host".
  static llvm::Expected<TargetInfo> byName(llvm::StringRef name);
};

/// How many lines of positions `strideBytes` apart (whole lines) an L1 data
/// cache keeps. x86 cores index L1 by the offset in a 4 KiB page (64 sets
/// of 64-byte lines), so lines 4 KiB apart share a set and a stride with a
/// large power-of-two factor reaches few sets: 256 floats apart, 4 sets.
/// 8 ways, the fewest of the cores convjit targets.
inline int64_t l1LinesAtStride(int64_t strideBytes) {
  constexpr int64_t kLineBytes = 64, kSets = 64, kWays = 8;
  int64_t lines = std::max<int64_t>(1, strideBytes / kLineBytes);
  return kSets / std::gcd(lines, kSets) * kWays;
}

} // namespace convjit

#endif // CONVJIT_TARGET_TARGETINFO_H
