//===- KernelCache.cpp - Compiled kernels kept on disk --------------------===//

#include "Pipeline/KernelCache.h"
#include "Pipeline/Fingerprint.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

using namespace convjit;

static constexpr llvm::StringLiteral kMagic = "CONVJITK";
static constexpr uint32_t kFormatVersion = 2;

KernelCache KernelCache::fromEnvironment() {
  if (auto dir = llvm::sys::Process::GetEnv("CONVJIT_CACHE_DIR"))
    return KernelCache(*dir);
  llvm::SmallString<256> path;
  if (auto xdg = llvm::sys::Process::GetEnv("XDG_CACHE_HOME")) {
    path = *xdg;
  } else if (llvm::sys::path::home_directory(path)) {
    llvm::sys::path::append(path, ".cache");
  } else {
    llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/false, path);
  }
  llvm::sys::path::append(path, "convjit");
  return KernelCache(std::string(path));
}

std::string KernelCache::keyFor(const ConvSpec &spec,
                                const CodegenOptions &options) {
  return "convjit " CONVJIT_COMPILER_FINGERPRINT " llvm " LLVM_VERSION_STRING
         " | " +
         spec.str() + " | " + options.str();
}

std::string KernelCache::pathFor(llvm::StringRef key) const {
  std::array<uint8_t, 32> hash = llvm::SHA256::hash(
      llvm::ArrayRef<uint8_t>(key.bytes_begin(), key.bytes_end()));
  std::string name;
  llvm::raw_string_ostream os(name);
  for (uint8_t byte : llvm::ArrayRef<uint8_t>(hash).take_front(16))
    os << llvm::format_hex_no_prefix(byte, 2);
  os << ".cjk";
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, name);
  return std::string(path);
}

namespace {
/// Reads the fields of a cache file in order; any overrun marks it broken.
class Reader {
public:
  explicit Reader(llvm::StringRef data) : data(data) {}

  bool bytes(size_t count, llvm::StringRef &out) {
    if (data.size() < count)
      return false;
    out = data.take_front(count);
    data = data.drop_front(count);
    return true;
  }
  template <typename T> bool integer(T &out) {
    llvm::StringRef raw;
    if (!bytes(sizeof(T), raw))
      return false;
    out = llvm::support::endian::read<T, llvm::endianness::little>(raw.data());
    return true;
  }
  bool string(llvm::StringRef &out) {
    uint64_t size;
    return integer(size) && bytes(size, out);
  }
  size_t remaining() const { return data.size(); }

private:
  llvm::StringRef data;
};

template <typename T> void writeInteger(llvm::raw_ostream &os, T value) {
  char raw[sizeof(T)];
  llvm::support::endian::write<T, llvm::endianness::little>(raw, value);
  os.write(raw, sizeof(T));
}

void writeString(llvm::raw_ostream &os, llvm::StringRef value) {
  writeInteger<uint64_t>(os, value.size());
  os << value;
}
} // namespace

std::optional<CompiledObject> KernelCache::load(llvm::StringRef key,
                                                std::string *whyNot) const {
  auto miss = [&](llvm::StringRef reason) -> std::optional<CompiledObject> {
    if (whyNot)
      *whyNot = reason.str();
    return std::nullopt;
  };
  std::string path = pathFor(key);
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file)
    return miss("no entry");
  llvm::StringRef contents = (*file)->getBuffer();
  // The checksum covers everything before it.
  if (contents.size() < sizeof(uint64_t))
    return miss("truncated");
  llvm::StringRef body = contents.drop_back(sizeof(uint64_t));
  uint64_t checksum = llvm::support::endian::read<uint64_t,
                                                  llvm::endianness::little>(
      contents.take_back(sizeof(uint64_t)).data());
  if (llvm::xxh3_64bits(body) != checksum)
    return miss("checksum mismatch");

  Reader reader(body);
  llvm::StringRef magic, storedKey, object;
  uint32_t version;
  uint8_t hasPack, usesOpenMP;
  int64_t packedElements, workspaceBytes;
  if (!reader.bytes(kMagic.size(), magic) || magic != kMagic)
    return miss("not a convjit kernel file");
  if (!reader.integer(version) || version != kFormatVersion)
    return miss("format version mismatch");
  if (!reader.string(storedKey) || storedKey != key)
    return miss("written for another key");
  if (!reader.integer(hasPack) || !reader.integer(usesOpenMP) ||
      !reader.integer(packedElements) || !reader.integer(workspaceBytes) ||
      !reader.string(object) || reader.remaining() != 0 ||
      packedElements < 0 || workspaceBytes < 0)
    return miss("malformed");
  CompiledObject kernel;
  kernel.signature.hasPack = hasPack != 0;
  kernel.signature.usesOpenMP = usesOpenMP != 0;
  kernel.signature.packedElements = packedElements;
  kernel.signature.workspaceBytes = workspaceBytes;
  kernel.object = llvm::MemoryBuffer::getMemBufferCopy(object, path);
  return kernel;
}

llvm::Error KernelCache::store(llvm::StringRef key,
                               const CompiledObject &kernel) const {
  if (std::error_code error = llvm::sys::fs::create_directories(dir))
    return llvm::createStringError("kernel cache: cannot create " + dir +
                                   ": " + error.message());
  std::string body;
  llvm::raw_string_ostream os(body);
  os << kMagic;
  writeInteger<uint32_t>(os, kFormatVersion);
  writeString(os, key);
  writeInteger<uint8_t>(os, kernel.signature.hasPack);
  writeInteger<uint8_t>(os, kernel.signature.usesOpenMP);
  writeInteger<int64_t>(os, kernel.signature.packedElements);
  writeInteger<int64_t>(os, kernel.signature.workspaceBytes);
  writeString(os, kernel.object->getBuffer());
  uint64_t checksum = llvm::xxh3_64bits(body);
  return llvm::writeToOutput(pathFor(key), [&](llvm::raw_ostream &out) {
    out << body;
    writeInteger<uint64_t>(out, checksum);
    return llvm::Error::success();
  });
}
