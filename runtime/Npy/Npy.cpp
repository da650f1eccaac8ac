//===- Npy.cpp - NumPy .npy float32 reader and writer ---------------------===//
//
// File layout (numpy/lib/format.py): the magic "\x93NUMPY", a major and a
// minor version byte, the header length (uint16 LE for 1.0, uint32 LE for
// 2.0/3.0), then the header: a Python dict literal with exactly the keys
// 'descr', 'fortran_order' and 'shape', padded with spaces and ended by '\n'.
// The raw array data follows.
//
//===----------------------------------------------------------------------===//

#include "Npy/Npy.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

using namespace convjit;
using llvm::StringRef;

static constexpr StringRef kMagic("\x93NUMPY", 6);
/// numpy aligns the start of the data to this many bytes.
static constexpr size_t kArrayAlign = 64;
/// numpy 1.23+ leaves room for the first dimension to grow to this many
/// digits; mirroring it makes our files byte-identical to numpy.save's.
static constexpr size_t kGrowthAxisMaxDigits = 21;

static std::string formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string text = "(";
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, ", ");
  if (shape.size() == 1)
    os << ",";
  os << ")";
  return text;
}

namespace {

struct NpyHeader {
  std::string descr;
  bool fortranOrder = false;
  llvm::SmallVector<int64_t, 5> shape;
};

/// Recursive-descent parser for the header's dict literal. Error messages
/// say what was expected and where, without the file name (added by the
/// caller).
class HeaderParser {
public:
  explicit HeaderParser(StringRef text) : rest(text) {}

  llvm::Expected<NpyHeader> parse() {
    NpyHeader header;
    bool seenDescr = false, seenFortran = false, seenShape = false;
    skipSpace();
    if (!consume('{'))
      return malformed("expected '{' at the start of the header dict");
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (llvm::Error err = parseString(key))
        return std::move(err);
      skipSpace();
      if (!consume(':'))
        return malformed("expected ':' after key '" + key + "'");
      skipSpace();
      if (key == "descr") {
        if (seenDescr)
          return malformed("duplicate key 'descr'");
        seenDescr = true;
        if (rest.empty() || (rest.front() != '\'' && rest.front() != '"'))
          return malformed("'descr' is not a dtype string (structured "
                           "dtypes are not supported)");
        if (llvm::Error err = parseString(header.descr))
          return std::move(err);
      } else if (key == "fortran_order") {
        if (seenFortran)
          return malformed("duplicate key 'fortran_order'");
        seenFortran = true;
        if (llvm::Error err = parseBool(header.fortranOrder))
          return std::move(err);
      } else if (key == "shape") {
        if (seenShape)
          return malformed("duplicate key 'shape'");
        seenShape = true;
        if (llvm::Error err = parseShape(header.shape))
          return std::move(err);
      } else {
        return malformed("unexpected key '" + key + "'");
      }
      skipSpace();
      if (consume(','))
        continue;
      if (consume('}'))
        break;
      return malformed("expected ',' or '}' after the value of '" + key +
                       "'");
    }
    // numpy pads with spaces and ends with '\n'; anything else is garbage.
    if (!rest.ltrim(" \t\r\n").empty())
      return malformed("unexpected text after the header dict");
    if (!seenDescr)
      return malformed("missing key 'descr'");
    if (!seenFortran)
      return malformed("missing key 'fortran_order'");
    if (!seenShape)
      return malformed("missing key 'shape'");
    return header;
  }

private:
  StringRef rest;

  static llvm::Error malformed(const llvm::Twine &what) {
    return llvm::createStringError("malformed header: " + what);
  }

  void skipSpace() { rest = rest.ltrim(" \t\r\n"); }
  bool consume(char c) { return rest.consume_front(StringRef(&c, 1)); }

  llvm::Error parseString(std::string &out) {
    if (rest.empty() || (rest.front() != '\'' && rest.front() != '"'))
      return malformed("expected a quoted key or string");
    char quote = rest.front();
    size_t end = rest.find(quote, 1);
    if (end == StringRef::npos)
      return malformed("unterminated string");
    out = rest.substr(1, end - 1).str();
    rest = rest.drop_front(end + 1);
    return llvm::Error::success();
  }

  llvm::Error parseBool(bool &out) {
    if (rest.consume_front("True"))
      out = true;
    else if (rest.consume_front("False"))
      out = false;
    else
      return malformed("'fortran_order' must be True or False");
    return llvm::Error::success();
  }

  llvm::Error parseShape(llvm::SmallVectorImpl<int64_t> &shape) {
    if (!consume('('))
      return malformed("'shape' must be a tuple of integers");
    while (true) {
      skipSpace();
      if (consume(')'))
        return llvm::Error::success();
      bool negative = consume('-');
      size_t digits = rest.find_first_not_of("0123456789");
      if (digits == 0)
        return malformed("'shape' must be a tuple of integers");
      StringRef number = rest.take_front(digits);
      rest = rest.drop_front(number.size());
      consume('L'); // Python 2 era files write long integers as 3L.
      uint64_t magnitude;
      if (number.getAsInteger(10, magnitude) ||
          magnitude > static_cast<uint64_t>(INT64_MAX))
        return malformed("dimension " + llvm::Twine(negative ? "-" : "") +
                         number + " in 'shape' does not fit in 64 bits");
      if (negative && magnitude != 0)
        return malformed("negative dimension -" + number + " in 'shape'");
      shape.push_back(static_cast<int64_t>(magnitude));
      skipSpace();
      if (consume(','))
        continue;
      if (consume(')'))
        return llvm::Error::success();
      return malformed("expected ',' or ')' in 'shape'");
    }
  }
};

} // namespace

/// Checks that the header describes an array this reader can load.
static llvm::Error checkSupported(const NpyHeader &header) {
  if (header.descr == ">f4")
    return llvm::createStringError(
        "big-endian float32 ('>f4') is not supported; save it as '<f4'");
  if (header.descr != "<f4")
    return llvm::createStringError("dtype '" + header.descr +
                                   "' is not float32 ('<f4')");
  if (header.fortranOrder)
    return llvm::createStringError(
        "fortran_order is True; only C-order arrays are supported");
  return llvm::Error::success();
}

static llvm::Expected<NpyArray> parseNpyImpl(StringRef bytes) {
  if (!bytes.starts_with(kMagic))
    return llvm::createStringError("not a .npy file (no \\x93NUMPY magic)");
  if (bytes.size() < kMagic.size() + 2)
    return llvm::createStringError("truncated header: no version bytes");
  unsigned major = static_cast<unsigned char>(bytes[6]);
  unsigned minor = static_cast<unsigned char>(bytes[7]);
  if (minor != 0 || major < 1 || major > 3)
    return llvm::createStringError("unsupported .npy version " +
                                   llvm::Twine(major) + "." +
                                   llvm::Twine(minor) +
                                   " (supported: 1.0, 2.0, 3.0)");
  size_t lengthBytes = major == 1 ? 2 : 4;
  size_t prefix = 8 + lengthBytes;
  if (bytes.size() < prefix)
    return llvm::createStringError("truncated header: no header length");
  uint64_t headerLength =
      major == 1 ? llvm::support::endian::read16le(bytes.data() + 8)
                 : llvm::support::endian::read32le(bytes.data() + 8);
  if (bytes.size() - prefix < headerLength)
    return llvm::createStringError(
        "truncated header: header length is " + llvm::Twine(headerLength) +
        " bytes, but only " + llvm::Twine(bytes.size() - prefix) +
        " bytes follow");

  llvm::Expected<NpyHeader> header =
      HeaderParser(bytes.substr(prefix, headerLength)).parse();
  if (!header)
    return header.takeError();
  if (llvm::Error err = checkSupported(*header))
    return std::move(err);

  int64_t numElements = 1;
  for (int64_t dim : header->shape) {
    std::optional<int64_t> product = llvm::checkedMul(numElements, dim);
    if (!product)
      return llvm::createStringError("shape " + formatShape(header->shape) +
                                     " has too many elements");
    numElements = *product;
  }
  std::optional<int64_t> dataBytes =
      llvm::checkedMul<int64_t>(numElements, sizeof(float));
  if (!dataBytes)
    return llvm::createStringError("shape " + formatShape(header->shape) +
                                   " has too many elements");

  StringRef data = bytes.drop_front(prefix + headerLength);
  uint64_t expected = static_cast<uint64_t>(*dataBytes);
  if (data.size() < expected)
    return llvm::createStringError(
        "truncated data: shape " + formatShape(header->shape) + " needs " +
        llvm::Twine(expected) + " bytes, found " + llvm::Twine(data.size()));
  if (data.size() > expected)
    return llvm::createStringError(
        llvm::Twine(data.size() - expected) +
        " bytes of trailing data after the " + llvm::Twine(expected) +
        "-byte array of shape " + formatShape(header->shape));

  NpyArray array;
  array.shape = header->shape;
  array.data.resize(static_cast<size_t>(numElements));
  for (size_t i = 0; i < array.data.size(); ++i) {
    uint32_t bits =
        llvm::support::endian::read32le(data.data() + i * sizeof(float));
    array.data[i] = llvm::bit_cast<float>(bits);
  }
  return array;
}

llvm::Expected<NpyArray> convjit::parseNpy(StringRef bytes, StringRef name) {
  llvm::Expected<NpyArray> array = parseNpyImpl(bytes);
  if (!array)
    return llvm::createStringError("'" + name + "': " +
                                   llvm::toString(array.takeError()));
  return array;
}

llvm::Expected<NpyArray> convjit::readNpy(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer)
    return llvm::createStringError("cannot read '" + path +
                                   "': " + buffer.getError().message());
  return parseNpy((*buffer)->getBuffer(), path);
}

llvm::Expected<std::string>
convjit::serializeNpy(llvm::ArrayRef<int64_t> shape,
                      llvm::ArrayRef<float> data) {
  int64_t numElements = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return llvm::createStringError("cannot write .npy: negative dimension " +
                                     llvm::Twine(dim) + " in shape " +
                                     formatShape(shape));
    std::optional<int64_t> product = llvm::checkedMul(numElements, dim);
    if (!product)
      return llvm::createStringError("cannot write .npy: shape " +
                                     formatShape(shape) +
                                     " has too many elements");
    numElements = *product;
  }
  if (static_cast<uint64_t>(numElements) != data.size())
    return llvm::createStringError(
        "cannot write .npy: shape " + formatShape(shape) + " has " +
        llvm::Twine(numElements) + " elements but " +
        llvm::Twine(data.size()) + " values were given");

  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " +
                     formatShape(shape) + ", }";
  if (!shape.empty())
    dict.append(kGrowthAxisMaxDigits - std::to_string(shape[0]).size(), ' ');

  // The header is the dict, at least one space of padding up to the
  // alignment, and '\n' (numpy pads a full ARRAY_ALIGN when already aligned).
  auto paddedLength = [&](size_t prefix) {
    size_t unpadded = prefix + dict.size() + 1;
    return dict.size() + (kArrayAlign - unpadded % kArrayAlign) + 1;
  };
  unsigned major = 1;
  size_t headerLength = paddedLength(10);
  if (headerLength > UINT16_MAX) {
    major = 2;
    headerLength = paddedLength(12);
  }

  std::string bytes = kMagic.str();
  bytes.push_back(static_cast<char>(major));
  bytes.push_back(0);
  char length[4];
  if (major == 1) {
    llvm::support::endian::write16le(length, headerLength);
    bytes.append(length, 2);
  } else {
    llvm::support::endian::write32le(length, headerLength);
    bytes.append(length, 4);
  }
  bytes += dict;
  bytes.append(headerLength - dict.size() - 1, ' ');
  bytes.push_back('\n');

  bytes.reserve(bytes.size() + data.size() * sizeof(float));
  for (float value : data) {
    char word[4];
    llvm::support::endian::write32le(word, llvm::bit_cast<uint32_t>(value));
    bytes.append(word, 4);
  }
  return bytes;
}

llvm::Error convjit::writeNpy(StringRef path, llvm::ArrayRef<int64_t> shape,
                              llvm::ArrayRef<float> data) {
  llvm::Expected<std::string> bytes = serializeNpy(shape, data);
  if (!bytes)
    return llvm::createStringError("'" + path +
                                   "': " + llvm::toString(bytes.takeError()));

  auto failure = [&](const llvm::Twine &what) {
    return llvm::createStringError("cannot write '" + path + "': " + what);
  };
  // The temporary lives next to the target so the final rename stays on one
  // file system and is atomic.
  llvm::Expected<llvm::sys::fs::TempFile> temp =
      llvm::sys::fs::TempFile::create(path + ".tmp-%%%%%%");
  if (!temp)
    return failure(llvm::toString(temp.takeError()));
  {
    llvm::raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    os << *bytes;
    os.flush();
    if (os.has_error()) {
      std::string message = os.error().message();
      os.clear_error();
      llvm::consumeError(temp->discard());
      return failure(message);
    }
  }
  // keep() removes the temporary itself when the rename fails.
  if (llvm::Error err = temp->keep(path))
    return failure(llvm::toString(std::move(err)));
  return llvm::Error::success();
}
