//===- Npy.h - Read and write NumPy .npy float32 arrays ---------*- C++ -*-===//
//
// The tensors a user hands to `convjit run/check` and the cases the tests
// compare against are .npy files. Only what those need is supported: C-order,
// little-endian float32 ('<f4'), header versions 1.0, 2.0 and 3.0. Anything
// else is refused with a one-line error naming the file and the problem.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_NPY_NPY_H
#define CONVJIT_NPY_NPY_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace convjit {

struct NpyArray {
  /// Empty for a 0-d array (which holds one element).
  llvm::SmallVector<int64_t, 5> shape;
  std::vector<float> data;
};

/// Parses the bytes of a .npy file. `name` only labels error messages.
llvm::Expected<NpyArray> parseNpy(llvm::StringRef bytes, llvm::StringRef name);

/// Reads a .npy file from disk.
llvm::Expected<NpyArray> readNpy(llvm::StringRef path);

/// The bytes numpy.save would write for a float32 array of this shape: a
/// version 1.0 header padded so the data starts at a multiple of 64 bytes
/// (version 2.0 if the header would not fit 1.0's 16-bit length).
/// `data.size()` must equal the product of `shape`.
llvm::Expected<std::string> serializeNpy(llvm::ArrayRef<int64_t> shape,
                                         llvm::ArrayRef<float> data);

/// Writes a .npy file through a temporary file renamed into place, so a
/// failed write never leaves a partial file at `path`.
llvm::Error writeNpy(llvm::StringRef path, llvm::ArrayRef<int64_t> shape,
                     llvm::ArrayRef<float> data);

} // namespace convjit

#endif // CONVJIT_NPY_NPY_H
