//===- SpecNumbers.h - Reading one number of a spec -------------*- C++ -*-===//
//
// Both spec syntaxes read numbers the same way and report the same
// problems (not a whole number, negative, zero where a size is needed, too
// large), so a user sees one wording whichever syntax they wrote.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_SPEC_SPECNUMBERS_H
#define CONVJIT_SPEC_SPECNUMBERS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace convjit {

/// `text` as a decimal number in [min, kMaxSpecValue] (min is 0 or 1), or a
/// SpecError about `key`.
llvm::Expected<int64_t> parseSpecNumber(llvm::StringRef key,
                                        llvm::StringRef text, int64_t min);

} // namespace convjit

#endif // CONVJIT_SPEC_SPECNUMBERS_H
