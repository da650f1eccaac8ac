//===- TextTable.h - Aligned columns for the CLI's reports -------*- C++ -*-===//
//
// check and demo print one row per layer; the columns line up whatever the
// numbers' widths. Text columns are left-aligned, number columns right.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_TOOLS_CONVJIT_TEXTTABLE_H
#define CONVJIT_TOOLS_CONVJIT_TEXTTABLE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace convjit::cli {

class TextTable {
public:
  /// `rightAligned[i]` says whether column i holds numbers.
  explicit TextTable(llvm::ArrayRef<bool> rightAligned)
      : rightAligned(rightAligned.begin(), rightAligned.end()) {}

  void addRow(llvm::ArrayRef<std::string> cells);
  void print(llvm::raw_ostream &os) const;

private:
  llvm::SmallVector<bool, 10> rightAligned;
  llvm::SmallVector<llvm::SmallVector<std::string, 10>, 20> rows;
};

/// "1x8x32x32".
std::string joinDims(llvm::ArrayRef<int64_t> dims);

} // namespace convjit::cli

#endif // CONVJIT_TOOLS_CONVJIT_TEXTTABLE_H
