//===- SpecNumbers.cpp - Reading one number of a spec ---------------------===//

#include "Spec/SpecNumbers.h"
#include "Spec/SpecError.h"
#include "Spec/SpecVerifier.h"

#include "llvm/ADT/StringExtras.h"

using namespace convjit;

static bool isDecimal(llvm::StringRef text) {
  return !text.empty() && llvm::all_of(text, llvm::isDigit);
}

llvm::Expected<int64_t> convjit::parseSpecNumber(llvm::StringRef key,
                                                 llvm::StringRef text,
                                                 int64_t min) {
  const char *wanted = min > 0 ? "must be positive" : "must not be negative";
  if (text.empty())
    return specError(key, "missing value");
  if (text.starts_with("-") && isDecimal(text.drop_front()))
    return specError(key, llvm::Twine(wanted) + ", got " + text);
  if (!isDecimal(text))
    return specError(key, "'" + text + "' is not a whole number");

  int64_t value = 0;
  for (char c : text) {
    value = value * 10 + (c - '0');
    if (value > kMaxSpecValue)
      return specError(key, text + " is too large (at most " +
                                llvm::Twine(kMaxSpecValue) + ")");
  }
  if (value < min)
    return specError(key, llvm::Twine(wanted) + ", got " + text);
  return value;
}
