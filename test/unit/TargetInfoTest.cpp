//===- TargetInfoTest.cpp - Reading the host CPU --------------------------===//
//
// The host's cache sizes come from sysfs, whose files all claim 4096 bytes:
// read as such, the text came with NULs after it, failed to parse, and every
// host silently got the fallback sizes. The test reads the same files its
// own way (a stream to EOF) and compares.
//
//===----------------------------------------------------------------------===//

#include "Target/TargetInfo.h"

#include "gtest/gtest.h"

#include <fstream>
#include <string>

using namespace convjit;

namespace {

/// The size in bytes of the data cache at `level` per sysfs, or 0.
int64_t sysfsCacheBytes(int level) {
  for (int index = 0; index < 8; ++index) {
    std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" +
                      std::to_string(index) + "/";
    std::ifstream levelFile(dir + "level"), typeFile(dir + "type"),
        sizeFile(dir + "size");
    int cacheLevel = 0;
    std::string type, size;
    if (!(levelFile >> cacheLevel) || !(typeFile >> type) ||
        !(sizeFile >> size))
      continue;
    if (cacheLevel != level || type == "Instruction")
      continue;
    int64_t multiplier = 1;
    if (size.back() == 'K')
      multiplier = 1024;
    else if (size.back() == 'M')
      multiplier = 1024 * 1024;
    return std::stoll(size) * multiplier;
  }
  return 0;
}

TEST(TargetInfo, HostCacheSizesAreTheOnesSysfsReports) {
  int64_t l1d = sysfsCacheBytes(1), l2 = sysfsCacheBytes(2);
  if (!l1d || !l2)
    GTEST_SKIP() << "this host's sysfs does not report its caches";
  EXPECT_EQ(TargetInfo::host().l1dBytes, l1d);
  EXPECT_EQ(TargetInfo::host().l2Bytes, l2);
}

TEST(TargetInfo, NamedTargetsKeepTheirFacts) {
  auto avx512 = TargetInfo::byName("avx512");
  ASSERT_TRUE(static_cast<bool>(avx512)) << llvm::toString(avx512.takeError());
  EXPECT_EQ(avx512->f32Lanes(), 16u);
  EXPECT_EQ(avx512->vectorRegisters, 32u);
  EXPECT_EQ(avx512->l1dBytes, 48 * 1024);
  auto unknown = TargetInfo::byName("sparc");
  ASSERT_FALSE(static_cast<bool>(unknown));
  EXPECT_NE(llvm::toString(unknown.takeError()).find("unknown target 'sparc'"),
            std::string::npos);
}

} // namespace
