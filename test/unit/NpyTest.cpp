//===- NpyTest.cpp - .npy reading, writing and every refusal --------------===//

#include "Npy/Npy.h"
#include "../torch/TorchCases.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace convjit;

namespace {

/// A .npy file per the format: magic, version, header length (2 bytes for
/// 1.x, 4 otherwise), the dict padded with spaces to a multiple of 64 and
/// '\n', then `data`.
std::string npyBytes(unsigned major, unsigned minor, llvm::StringRef dict,
                     llvm::ArrayRef<float> data) {
  size_t lengthBytes = major == 1 ? 2 : 4;
  size_t unpadded = 8 + lengthBytes + dict.size() + 1;
  size_t headerLength = dict.size() + 1 + (64 - unpadded % 64) % 64;
  std::string bytes("\x93NUMPY", 6);
  bytes.push_back(static_cast<char>(major));
  bytes.push_back(static_cast<char>(minor));
  char length[4];
  llvm::support::endian::write32le(length, headerLength);
  bytes.append(length, lengthBytes);
  bytes += dict.str();
  bytes.append(headerLength - dict.size() - 1, ' ');
  bytes.push_back('\n');
  for (float v : data) {
    char word[4];
    llvm::support::endian::write32le(word, llvm::bit_cast<uint32_t>(v));
    bytes.append(word, 4);
  }
  return bytes;
}

std::string dictFor(llvm::StringRef shape, llvm::StringRef descr = "<f4",
                    llvm::StringRef fortran = "False") {
  return ("{'descr': '" + descr + "', 'fortran_order': " + fortran +
          ", 'shape': " + shape + ", }")
      .str();
}

const std::vector<float> kSix = {0, 0.25f, 0.5f, 0.75f, 1, 1.25f};

/// The error's text: one line that names `name` and contains `what`.
::testing::AssertionResult failsWith(llvm::Expected<NpyArray> result,
                                     llvm::StringRef name,
                                     llvm::StringRef what) {
  if (result)
    return ::testing::AssertionFailure() << "parsed, expected: " << what.str();
  std::string message = llvm::toString(result.takeError());
  if (message.find('\n') != std::string::npos)
    return ::testing::AssertionFailure() << "multi-line: " << message;
  if (message.find(name.str()) == std::string::npos ||
      message.find(what.str()) == std::string::npos)
    return ::testing::AssertionFailure()
           << "message '" << message << "' lacks '" << what.str() << "'";
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult parseFails(const std::string &bytes,
                                      llvm::StringRef what) {
  return failsWith(parseNpy(bytes, "t.npy"), "'t.npy'", what);
}

/// A fresh temporary directory, removed with everything in it.
class NpyFiles : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("convjit-npy", dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }
  std::string file(llvm::StringRef name) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, name);
    return path.str().str();
  }
  std::vector<std::string> listing() {
    std::vector<std::string> names;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
         it.increment(ec))
      names.push_back(llvm::sys::path::filename(it->path()).str());
    llvm::sort(names);
    return names;
  }
  llvm::SmallString<256> dir;
};

//===----------------------------------------------------------------------===//
// Reading good files
//===----------------------------------------------------------------------===//

TEST(NpyParse, Version1) {
  llvm::Expected<NpyArray> a = parseNpy(npyBytes(1, 0, dictFor("(2, 3)"), kSix),
                                        "t.npy");
  ASSERT_TRUE(bool(a)) << llvm::toString(a.takeError());
  EXPECT_EQ(a->shape, (llvm::SmallVector<int64_t, 5>{2, 3}));
  EXPECT_EQ(a->data, kSix);
}

TEST(NpyParse, Versions2And3HaveFourByteHeaderLength) {
  for (unsigned major : {2u, 3u}) {
    llvm::Expected<NpyArray> a =
        parseNpy(npyBytes(major, 0, dictFor("(3, 2)"), kSix), "t.npy");
    ASSERT_TRUE(bool(a)) << major << ": " << llvm::toString(a.takeError());
    EXPECT_EQ(a->shape, (llvm::SmallVector<int64_t, 5>{3, 2}));
    EXPECT_EQ(a->data, kSix);
  }
}

TEST(NpyParse, HeaderSpellingsNumpyAccepts) {
  // Keys in any order, double quotes, no trailing comma, 1-tuple, spaces.
  llvm::Expected<NpyArray> a = parseNpy(
      npyBytes(1, 0,
               "{\"shape\": (6,), \"fortran_order\": False, \"descr\": "
               "\"<f4\"}",
               kSix),
      "t.npy");
  ASSERT_TRUE(bool(a)) << llvm::toString(a.takeError());
  EXPECT_EQ(a->shape, (llvm::SmallVector<int64_t, 5>{6}));
  EXPECT_EQ(a->data, kSix);
}

TEST(NpyParse, ScalarAndEmptyArrays) {
  llvm::Expected<NpyArray> scalar =
      parseNpy(npyBytes(1, 0, dictFor("()"), {2.5f}), "t.npy");
  ASSERT_TRUE(bool(scalar)) << llvm::toString(scalar.takeError());
  EXPECT_TRUE(scalar->shape.empty());
  EXPECT_EQ(scalar->data, std::vector<float>{2.5f});

  llvm::Expected<NpyArray> empty =
      parseNpy(npyBytes(1, 0, dictFor("(0, 4)"), {}), "t.npy");
  ASSERT_TRUE(bool(empty)) << llvm::toString(empty.takeError());
  EXPECT_EQ(empty->shape, (llvm::SmallVector<int64_t, 5>{0, 4}));
  EXPECT_TRUE(empty->data.empty());
}

//===----------------------------------------------------------------------===//
// Every refusal
//===----------------------------------------------------------------------===//

TEST(NpyErrors, NotAnNpyFile) {
  EXPECT_TRUE(parseFails("PK\x03\x04 a zip file", "not a .npy file"));
  EXPECT_TRUE(parseFails("", "not a .npy file"));
  EXPECT_TRUE(parseFails(std::string("\x93NUMP", 5), "not a .npy file"));
}

TEST(NpyErrors, UnsupportedVersion) {
  EXPECT_TRUE(parseFails(npyBytes(4, 0, dictFor("(6,)"), kSix),
                         "unsupported .npy version 4.0"));
  EXPECT_TRUE(parseFails(npyBytes(1, 1, dictFor("(6,)"), kSix),
                         "unsupported .npy version 1.1"));
  EXPECT_TRUE(parseFails(npyBytes(0, 0, dictFor("(6,)"), kSix),
                         "unsupported .npy version 0.0"));
}

TEST(NpyErrors, TruncatedHeader) {
  std::string bytes = npyBytes(1, 0, dictFor("(6,)"), kSix);
  EXPECT_TRUE(parseFails(bytes.substr(0, 7), "truncated header"));
  EXPECT_TRUE(parseFails(bytes.substr(0, 9), "truncated header"));
  EXPECT_TRUE(parseFails(bytes.substr(0, 40), "truncated header"));
}

TEST(NpyErrors, MalformedHeaderDict) {
  struct {
    const char *dict, *problem;
  } cases[] = {
      {"'descr': '<f4'}", "expected '{'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (6,), ",
       "expected a quoted key"},
      {"{'descr' '<f4', 'fortran_order': False, 'shape': (6,)}",
       "expected ':' after key 'descr'"},
      {"{'descr': '<f4, 'fortran_order': False, 'shape': (6,)}",
       "expected ',' or '}'"},
      {"{'descr': '<f4', 'fortran_order': False}", "missing key 'shape'"},
      {"{'fortran_order': False, 'shape': (6,)}", "missing key 'descr'"},
      {"{'descr': '<f4', 'shape': (6,)}", "missing key 'fortran_order'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'x': 1}",
       "unexpected key 'x'"},
      {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, "
       "'shape': (6,)}",
       "duplicate key 'descr'"},
      {"{'descr': '<f4', 'fortran_order': 0, 'shape': (6,)}",
       "'fortran_order' must be True or False"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': [6]}",
       "'shape' must be a tuple"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (6, x)}",
       "'shape' must be a tuple of integers"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (6 6)}",
       "expected ',' or ')'"},
      {"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,)}",
       "'descr' is not a dtype string (structured dtypes are not "
       "supported)"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (6,)} junk",
       "unexpected text after the header dict"},
  };
  for (const auto &c : cases)
    EXPECT_TRUE(parseFails(npyBytes(1, 0, c.dict, kSix),
                           std::string("malformed header: ") + c.problem))
        << c.dict;
}

TEST(NpyErrors, DtypeNotFloat32NamesTheDtype) {
  EXPECT_TRUE(parseFails(npyBytes(1, 0, dictFor("(3,)", "<f8"), kSix),
                         "dtype '<f8' is not float32"));
  EXPECT_TRUE(parseFails(npyBytes(1, 0, dictFor("(6,)", "<i4"), kSix),
                         "dtype '<i4' is not float32"));
  EXPECT_TRUE(parseFails(npyBytes(1, 0, dictFor("(12,)", "<f2"), kSix),
                         "dtype '<f2' is not float32"));
}

TEST(NpyErrors, BigEndian) {
  EXPECT_TRUE(parseFails(npyBytes(1, 0, dictFor("(6,)", ">f4"), kSix),
                         "big-endian float32 ('>f4') is not supported"));
}

TEST(NpyErrors, FortranOrder) {
  EXPECT_TRUE(parseFails(npyBytes(1, 0, dictFor("(2, 3)", "<f4", "True"), kSix),
                         "fortran_order is True"));
}

TEST(NpyErrors, TruncatedDataSaysExpectedAndFound) {
  std::vector<float> five(kSix.begin(), kSix.end() - 1);
  EXPECT_TRUE(parseFails(npyBytes(1, 0, dictFor("(2, 3)"), five),
                         "truncated data: shape (2, 3) needs 24 bytes, "
                         "found 20"));
  std::string bytes = npyBytes(1, 0, dictFor("(2, 3)"), kSix);
  bytes.pop_back();
  EXPECT_TRUE(parseFails(bytes, "needs 24 bytes, found 23"));
}

TEST(NpyErrors, TrailingData) {
  std::vector<float> seven = kSix;
  seven.push_back(9);
  EXPECT_TRUE(parseFails(npyBytes(1, 0, dictFor("(2, 3)"), seven),
                         "4 bytes of trailing data after the 24-byte array"));
}

TEST(NpyErrors, BadShapes) {
  EXPECT_TRUE(parseFails(npyBytes(1, 0, dictFor("(2, -3)"), kSix),
                         "negative dimension -3"));
  EXPECT_TRUE(parseFails(npyBytes(1, 0, dictFor("(99999999999999999999,)"),
                                  kSix),
                         "dimension 99999999999999999999 in 'shape' does not "
                         "fit in 64 bits"));
  // Each dimension fits but the element (and byte) count does not.
  EXPECT_TRUE(parseFails(npyBytes(1, 0, dictFor("(4294967296, 4294967296)"),
                                  kSix),
                         "has too many elements"));
  EXPECT_TRUE(parseFails(npyBytes(1, 0, dictFor("(4611686018427387904,)"),
                                  kSix),
                         "has too many elements"));
}

TEST_F(NpyFiles, FileNotFound) {
  std::string path = file("absent.npy");
  EXPECT_TRUE(failsWith(readNpy(path), path, "cannot read"));
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

TEST(NpySerialize, HeaderIsPaddedTo64Bytes) {
  for (llvm::SmallVector<int64_t, 5> shape :
       {llvm::SmallVector<int64_t, 5>{}, {6}, {2, 3}, {1, 2, 1, 3, 1}}) {
    int64_t count = 1;
    for (int64_t d : shape)
      count *= d;
    std::vector<float> data(kSix.begin(), kSix.begin() + count);
    llvm::Expected<std::string> bytes = serializeNpy(shape, data);
    ASSERT_TRUE(bool(bytes)) << llvm::toString(bytes.takeError());
    llvm::StringRef text(*bytes);
    ASSERT_TRUE(text.starts_with(llvm::StringRef("\x93NUMPY\x01\x00", 8)));
    size_t dataStart = 10 + llvm::support::endian::read16le(text.data() + 8);
    EXPECT_EQ(dataStart % 64, 0u);
    EXPECT_EQ(text[dataStart - 1], '\n');
    EXPECT_EQ(text.size(), dataStart + 4 * count);
  }
}

TEST(NpySerialize, RefusesMismatchedDataAndNegativeDims) {
  llvm::Expected<std::string> r = serializeNpy({2, 3}, kSix);
  ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
  r = serializeNpy({2, 4}, kSix);
  ASSERT_FALSE(bool(r));
  EXPECT_NE(llvm::toString(r.takeError()).find("8 elements but 6 values"),
            std::string::npos);
  r = serializeNpy({-6}, kSix);
  ASSERT_FALSE(bool(r));
  EXPECT_NE(llvm::toString(r.takeError()).find("negative dimension -6"),
            std::string::npos);
}

TEST_F(NpyFiles, RoundTripIsBitExact) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  float inf = std::numeric_limits<float>::infinity();
  std::vector<float> data = {-0.0f, 1e-45f, nan, inf, -inf, 3.4e38f,
                             1.0f / 3, -2.5f};
  std::string path = file("a.npy");
  ASSERT_FALSE(bool(writeNpy(path, {2, 1, 4}, data)));
  llvm::Expected<NpyArray> back = readNpy(path);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->shape, (llvm::SmallVector<int64_t, 5>{2, 1, 4}));
  ASSERT_EQ(back->data.size(), data.size());
  EXPECT_EQ(0, std::memcmp(back->data.data(), data.data(),
                           data.size() * sizeof(float)));
}

TEST_F(NpyFiles, WriteReplacesAtomicallyAndLeavesNoTemporary) {
  std::string path = file("out.npy");
  ASSERT_FALSE(bool(writeNpy(path, {6}, kSix)));
  std::vector<float> other = {7, 8};
  ASSERT_FALSE(bool(writeNpy(path, {2}, other)));
  llvm::Expected<NpyArray> back = readNpy(path);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->data, other);
  EXPECT_EQ(listing(), std::vector<std::string>{"out.npy"});
}

TEST_F(NpyFiles, FailedWriteLeavesNothing) {
  std::string path = file("missing-dir/out.npy");
  llvm::Error err = writeNpy(path, {6}, kSix);
  ASSERT_TRUE(bool(err));
  std::string message = llvm::toString(std::move(err));
  EXPECT_NE(message.find("cannot write '" + path + "'"), std::string::npos)
      << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
  EXPECT_TRUE(listing().empty());

  // A shape/data mismatch is refused before any file is created.
  err = writeNpy(file("bad.npy"), {7}, kSix);
  ASSERT_TRUE(bool(err));
  llvm::consumeError(std::move(err));
  EXPECT_TRUE(listing().empty());
}

//===----------------------------------------------------------------------===//
// Files written by numpy itself (from the torch-cases target)
//===----------------------------------------------------------------------===//

class NumpyWrittenFiles : public ::testing::Test {
protected:
  std::string sample(llvm::StringRef name) {
    llvm::SmallString<256> path(test::torchCasesDir());
    llvm::sys::path::append(path, "npy-samples", name);
    return path.str().str();
  }
  void SetUp() override {
    ASSERT_TRUE(llvm::sys::fs::exists(sample("v1.npy")))
        << "no numpy-written samples at " << sample("") << "; "
        << test::torchCasesHowTo();
  }
};

TEST_F(NumpyWrittenFiles, ReadsEveryVersion) {
  for (const char *name : {"v1.npy", "v2.npy", "v3.npy"}) {
    llvm::Expected<NpyArray> a = readNpy(sample(name));
    ASSERT_TRUE(bool(a)) << llvm::toString(a.takeError());
    EXPECT_EQ(a->shape, (llvm::SmallVector<int64_t, 5>{2, 3})) << name;
    EXPECT_EQ(a->data, kSix) << name;
  }
  llvm::Expected<NpyArray> scalar = readNpy(sample("scalar.npy"));
  ASSERT_TRUE(bool(scalar)) << llvm::toString(scalar.takeError());
  EXPECT_TRUE(scalar->shape.empty());
  EXPECT_EQ(scalar->data, std::vector<float>{2.5f});
  llvm::Expected<NpyArray> empty = readNpy(sample("empty.npy"));
  ASSERT_TRUE(bool(empty)) << llvm::toString(empty.takeError());
  EXPECT_EQ(empty->shape, (llvm::SmallVector<int64_t, 5>{0, 3}));
}

TEST_F(NumpyWrittenFiles, RefusesWhatNumpyWritesForOtherArrays) {
  EXPECT_TRUE(failsWith(readNpy(sample("float64.npy")), "float64.npy",
                        "dtype '<f8' is not float32"));
  EXPECT_TRUE(failsWith(readNpy(sample("bigendian.npy")), "bigendian.npy",
                        "big-endian"));
  EXPECT_TRUE(failsWith(readNpy(sample("fortran.npy")), "fortran.npy",
                        "fortran_order is True"));
}

TEST_F(NumpyWrittenFiles, WriterMatchesNumpySaveByteForByte) {
  for (const char *name : {"v1.npy", "scalar.npy", "empty.npy"}) {
    auto numpyBytes = llvm::MemoryBuffer::getFile(sample(name));
    ASSERT_TRUE(bool(numpyBytes)) << name;
    llvm::Expected<NpyArray> a = readNpy(sample(name));
    ASSERT_TRUE(bool(a)) << llvm::toString(a.takeError());
    llvm::Expected<std::string> ours = serializeNpy(a->shape, a->data);
    ASSERT_TRUE(bool(ours)) << llvm::toString(ours.takeError());
    EXPECT_EQ(*ours, (*numpyBytes)->getBuffer().str()) << name;
  }
}

} // namespace
