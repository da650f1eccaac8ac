//===- TextTable.cpp - Aligned columns for the CLI's reports --------------===//

#include "TextTable.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace convjit::cli;

void TextTable::addRow(llvm::ArrayRef<std::string> cells) {
  rows.emplace_back(cells.begin(), cells.end());
}

void TextTable::print(llvm::raw_ostream &os) const {
  llvm::SmallVector<size_t, 10> widths;
  for (const auto &row : rows)
    for (auto [i, cell] : llvm::enumerate(row)) {
      if (widths.size() <= i)
        widths.push_back(0);
      widths[i] = std::max(widths[i], cell.size());
    }
  for (const auto &row : rows) {
    std::string line;
    for (auto [i, cell] : llvm::enumerate(row)) {
      size_t pad = widths[i] - cell.size();
      if (i > 0)
        line += "  ";
      bool right = i < rightAligned.size() && rightAligned[i];
      if (right)
        line.append(pad, ' ');
      line += cell;
      if (!right)
        line.append(pad, ' ');
    }
    os << llvm::StringRef(line).rtrim() << "\n";
  }
}

std::string convjit::cli::joinDims(llvm::ArrayRef<int64_t> dims) {
  return llvm::join(
      llvm::map_range(dims, [](int64_t d) { return std::to_string(d); }), "x");
}
