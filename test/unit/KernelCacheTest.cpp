//===- KernelCacheTest.cpp - The persistent kernel cache ------------------===//

#include "convjit/Kernel.h"

#include "Pipeline/KernelCache.h"
#include "Spec/SpecParser.h"
#include "Reference/Reference.h"
#include "Validation/Accuracy.h"
#include "Validation/LayerTensors.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "gtest/gtest.h"

#include <cmath>
#include <cstdlib>

using namespace convjit;

namespace {

/// A fresh cache directory per test, removed afterwards.
class KernelCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::SmallString<128> path;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("convjit-cache", path));
    dir = std::string(path);
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  CompiledObject fakeKernel(llvm::StringRef bytes) {
    CompiledObject kernel;
    kernel.signature.hasPack = true;
    kernel.signature.packedElements = 1234;
    kernel.object = llvm::MemoryBuffer::getMemBufferCopy(bytes);
    return kernel;
  }

  std::string readFile(const std::string &path) {
    auto buffer = llvm::MemoryBuffer::getFile(path);
    return buffer ? (*buffer)->getBuffer().str() : std::string();
  }
  void writeFile(const std::string &path, llvm::StringRef data) {
    std::error_code error;
    llvm::raw_fd_ostream os(path, error);
    ASSERT_FALSE(error);
    os << data;
  }

  std::string dir;
};

TEST_F(KernelCacheTest, StoredKernelsLoadBackExactly) {
  KernelCache cache(dir);
  ASSERT_FALSE(static_cast<bool>(cache.store("key A", fakeKernel("object A"))));
  std::string why;
  auto loaded = cache.load("key A", &why);
  ASSERT_TRUE(loaded.has_value()) << why;
  EXPECT_EQ(loaded->object->getBuffer(), "object A");
  EXPECT_TRUE(loaded->signature.hasPack);
  EXPECT_FALSE(loaded->signature.usesOpenMP);
  EXPECT_EQ(loaded->signature.packedElements, 1234);
  EXPECT_FALSE(cache.load("key B", &why).has_value());
  EXPECT_EQ(why, "no entry");
}

TEST_F(KernelCacheTest, DamagedFilesReadAsMisses) {
  KernelCache cache(dir);
  ASSERT_FALSE(static_cast<bool>(cache.store("key", fakeKernel("object"))));
  std::string path = cache.pathFor("key");
  std::string good = readFile(path);
  ASSERT_FALSE(good.empty());
  std::string why;

  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x20;
  writeFile(path, flipped);
  EXPECT_FALSE(cache.load("key", &why).has_value());
  EXPECT_EQ(why, "checksum mismatch");

  writeFile(path, llvm::StringRef(good).take_front(good.size() - 9));
  EXPECT_FALSE(cache.load("key", &why).has_value());
  EXPECT_EQ(why, "checksum mismatch");

  writeFile(path, "xyz");
  EXPECT_FALSE(cache.load("key", &why).has_value());
  EXPECT_EQ(why, "truncated");

  // An intact file under the wrong name (a hash collision, or a copy).
  writeFile(cache.pathFor("other key"), good);
  EXPECT_FALSE(cache.load("other key", &why).has_value());
  EXPECT_EQ(why, "written for another key");
}

TEST_F(KernelCacheTest, KeysNameTheSpecTheTargetTheThreadsAndTheCompiler) {
  auto spec = parseSpec("conv ic=4 oc=8 in=6x6 k=3 pad=1");
  ASSERT_TRUE(static_cast<bool>(spec));
  CodegenOptions one, two;
  two.threads = 2;
  std::string key = KernelCache::keyFor(*spec, one);
  EXPECT_NE(key, KernelCache::keyFor(*spec, two));
  EXPECT_NE(key.find(spec->str()), std::string::npos);
  EXPECT_NE(key.find(TargetInfo::host().cpu), std::string::npos);
  EXPECT_NE(key.find("llvm 22."), std::string::npos);
  ConvSpec other = *spec;
  other.relu = true;
  EXPECT_NE(key, KernelCache::keyFor(other, one));
}

/// Runs `kernel` on seeded tensors and checks it against the reference.
void expectCorrect(Kernel &kernel) {
  const ConvSpec &spec = kernel.spec();
  LayerTensors tensors = randomLayerTensors(spec, 11);
  int64_t count = elementCount(spec.outputShape());
  std::vector<float> jit(count, NAN), reference(count, NAN);
  ASSERT_FALSE(static_cast<bool>(kernel.run(tensors.kernelArgs(spec, jit.data()))));
  ASSERT_FALSE(static_cast<bool>(
      runReference(spec, tensors.referenceArgs(reference.data()))));
  EXPECT_TRUE(compareOutputs(spec, jit, reference).pass);
}

TEST_F(KernelCacheTest, KernelsComeBackFromDiskAndCorruptEntriesAreRebuilt) {
  ASSERT_EQ(setenv("CONVJIT_CACHE_DIR", dir.c_str(), 1), 0);
  CompileOptions options;
  options.memoryCache = false; // measure the disk, not this process's memory
  const char *text = "conv ic=6 oc=16 in=9x7 k=3 stride=2 pad=1 bias relu";

  auto cold = Kernel::compile(text, options);
  ASSERT_TRUE(static_cast<bool>(cold)) << llvm::toString(cold.takeError());
  EXPECT_EQ((*cold)->stats().source, CompileStats::Source::Compiled);
  expectCorrect(**cold);

  auto warm = Kernel::compile(text, options);
  ASSERT_TRUE(static_cast<bool>(warm)) << llvm::toString(warm.takeError());
  EXPECT_EQ((*warm)->stats().source, CompileStats::Source::DiskCache);
  expectCorrect(**warm);

  // Damage the entry: the next compile notices, compiles, and rewrites it.
  KernelCache cache(dir);
  std::string path = cache.pathFor(
      KernelCache::keyFor((*cold)->spec(), CodegenOptions()));
  std::string good = readFile(path);
  ASSERT_FALSE(good.empty());
  writeFile(path, llvm::StringRef(good).drop_back(100));
  auto rebuilt = Kernel::compile(text, options);
  ASSERT_TRUE(static_cast<bool>(rebuilt));
  EXPECT_EQ((*rebuilt)->stats().source, CompileStats::Source::Compiled);
  expectCorrect(**rebuilt);
  EXPECT_EQ(readFile(path), good);

  // With the cache off, nothing is read or written.
  options.persistentCache = false;
  llvm::sys::fs::remove(path);
  auto uncached = Kernel::compile(text, options);
  ASSERT_TRUE(static_cast<bool>(uncached));
  EXPECT_EQ((*uncached)->stats().source, CompileStats::Source::Compiled);
  EXPECT_FALSE(llvm::sys::fs::exists(path));
}

} // namespace
