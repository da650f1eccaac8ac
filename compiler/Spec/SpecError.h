//===- SpecError.h - One-line diagnostics about a spec ----------*- C++ -*-===//
//
// Every problem found while reading or checking a spec is a SpecError: the
// key it concerns (as the user wrote it, e.g. "k" or "kh"), the reason, and
// optionally where it came from ("layers.txt:3"). Printed as one line:
//
//   error: k: must be positive, got 0
//   layers.txt:3: error: groups: 4 does not divide ic=6
//
// Keeping key and location apart lets a file reader add the line number to
// an error the single-layer parser made, and lets tests check which key a
// message blames without matching the whole text.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_SPEC_SPECERROR_H
#define CONVJIT_SPEC_SPECERROR_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <string>

namespace convjit {

class SpecError : public llvm::ErrorInfo<SpecError> {
public:
  static char ID;

  SpecError(std::string key, std::string reason, std::string location = "")
      : keyText(std::move(key)), reasonText(std::move(reason)),
        locationText(std::move(location)) {}

  /// The spec key the problem is about; empty when none applies (e.g. a
  /// file that cannot be read).
  llvm::StringRef key() const { return keyText; }
  llvm::StringRef reason() const { return reasonText; }
  /// "file:line", "layer 2", or empty.
  llvm::StringRef location() const { return locationText; }

  /// "[<location>: ]error: [<key>: ]<reason>" (no trailing newline).
  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override;

private:
  friend llvm::Error withLocation(llvm::Error error, llvm::StringRef location);

  std::string keyText;
  std::string reasonText;
  std::string locationText;
};

/// A SpecError about `key`.
llvm::Error specError(llvm::StringRef key, const llvm::Twine &reason);

/// Sets the location of a SpecError that has none yet; any other error
/// passes through unchanged.
llvm::Error withLocation(llvm::Error error, llvm::StringRef location);

} // namespace convjit

#endif // CONVJIT_SPEC_SPECERROR_H
