//===- TargetInfo.cpp - Reading the host CPU ------------------------------===//

#include "Target/TargetInfo.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/TargetParser/Host.h"

#include <vector>

using namespace convjit;

std::string TargetInfo::str() const {
  return llvm::formatv("{0} cpu={1} vector={2}b x{3}{4} l1d={5}K l2={6}K "
                       "features={7}",
                       triple, cpu, vectorBits, vectorRegisters,
                       hasFMA ? " fma" : "", l1dBytes / 1024, l2Bytes / 1024,
                       features)
      .str();
}

std::string TargetInfo::summary() const {
  return llvm::formatv("{0}, {1}-bit vectors x{2}{3}, L1d {4}K, L2 {5}K", cpu,
                       vectorBits, vectorRegisters, hasFMA ? ", FMA" : "",
                       l1dBytes / 1024, l2Bytes / 1024)
      .str();
}

/// Sizes in bytes of the L1 and L2 data caches as Linux reports them, or
/// the fallbacks when sysfs does not say (containers, other OSes). Read as
/// streams: sysfs files all claim 4096 bytes, and MemoryBuffer::getFile read
/// that many, the text followed by NULs that failed to parse (every host got
/// the fallbacks, a Zen 5's 48K / 1M L1d / L2 as 32K / 512K). One pass over
/// the cache directories, reading a size only for data caches: each sysfs
/// read costs tens of microseconds, and the first kernel a process loads
/// from the disk cache waits for them.
static void readCacheBytes(int64_t &l1d, int64_t &l2) {
  bool foundL1 = false, foundL2 = false;
  for (int index = 0; index < 8 && !(foundL1 && foundL2); ++index) {
    std::string dir =
        llvm::formatv("/sys/devices/system/cpu/cpu0/cache/index{0}/", index);
    auto levelFile = llvm::MemoryBuffer::getFileAsStream(dir + "level");
    if (!levelFile)
      break; // the indices are consecutive
    int level = 0;
    if ((*levelFile)->getBuffer().trim().getAsInteger(10, level) ||
        (level == 1   ? foundL1
         : level == 2 ? foundL2
                      : true))
      continue;
    auto typeFile = llvm::MemoryBuffer::getFileAsStream(dir + "type");
    if (!typeFile || (*typeFile)->getBuffer().trim() == "Instruction")
      continue;
    auto sizeFile = llvm::MemoryBuffer::getFileAsStream(dir + "size");
    if (!sizeFile)
      continue;
    llvm::StringRef size = (*sizeFile)->getBuffer().trim();
    int64_t multiplier = 1;
    if (size.consume_back("K"))
      multiplier = 1024;
    else if (size.consume_back("M"))
      multiplier = 1024 * 1024;
    int64_t value = 0;
    if (size.getAsInteger(10, value) || value <= 0)
      continue;
    (level == 1 ? l1d : l2) = value * multiplier;
    (level == 1 ? foundL1 : foundL2) = true;
  }
}

static TargetInfo readHost() {
  TargetInfo target;
  target.name = "host";
  target.triple = llvm::sys::getProcessTriple();
  target.cpu = llvm::sys::getHostCPUName().str();
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  std::vector<std::string> enabled;
  for (const auto &feature : features)
    enabled.push_back((feature.second ? "+" : "-") + feature.getKey().str());
  llvm::sort(enabled);
  for (const std::string &feature : enabled) {
    if (!target.features.empty())
      target.features += ",";
    target.features += feature;
  }
  auto has = [&](llvm::StringRef name) {
    auto it = features.find(name);
    return it != features.end() && it->second;
  };
  target.hasFMA = has("fma");
  if (has("avx512f")) {
    target.vectorBits = 512;
    target.vectorRegisters = 32;
  } else if (has("avx2") || has("avx")) {
    target.vectorBits = 256;
    target.vectorRegisters = 16;
  }
  readCacheBytes(target.l1dBytes, target.l2Bytes);
  return target;
}

const TargetInfo &TargetInfo::host() {
  static const TargetInfo host = readHost();
  return host;
}

llvm::Expected<TargetInfo> TargetInfo::byName(llvm::StringRef name) {
  if (name == "host")
    return host();
  TargetInfo target;
  target.name = name.str();
  target.triple = "x86_64-unknown-linux-gnu";
  target.hasFMA = true;
  if (name == "avx2") {
    target.cpu = "znver3";
    target.features = "+avx,+avx2,+fma,+f16c,+bmi,+bmi2";
    target.vectorBits = 256;
    target.vectorRegisters = 16;
    target.l1dBytes = 32 * 1024;
    target.l2Bytes = 512 * 1024;
    return target;
  }
  if (name == "avx512") {
    target.cpu = "znver5";
    target.features = "+avx,+avx2,+fma,+avx512f,+avx512bw,+avx512dq,+avx512vl";
    target.vectorBits = 512;
    target.vectorRegisters = 32;
    target.l1dBytes = 48 * 1024;
    target.l2Bytes = 1024 * 1024;
    return target;
  }
  return llvm::createStringError("unknown target '" + name +
                                 "' (expected host, avx2 or avx512)");
}
