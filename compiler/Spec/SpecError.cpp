//===- SpecError.cpp - One-line diagnostics about a spec ------------------===//

#include "Spec/SpecError.h"

#include "llvm/Support/raw_ostream.h"

using namespace convjit;

char SpecError::ID = 0;

void SpecError::log(llvm::raw_ostream &os) const {
  if (!locationText.empty())
    os << locationText << ": ";
  os << "error: ";
  if (!keyText.empty())
    os << keyText << ": ";
  os << reasonText;
}

std::error_code SpecError::convertToErrorCode() const {
  return llvm::inconvertibleErrorCode();
}

llvm::Error convjit::specError(llvm::StringRef key, const llvm::Twine &reason) {
  return llvm::make_error<SpecError>(key.str(), reason.str());
}

llvm::Error convjit::withLocation(llvm::Error error, llvm::StringRef location) {
  return llvm::handleErrors(std::move(error),
                            [&](std::unique_ptr<SpecError> e) -> llvm::Error {
                              if (e->locationText.empty())
                                e->locationText = location.str();
                              return llvm::Error(std::move(e));
                            });
}
