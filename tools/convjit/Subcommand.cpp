//===- Subcommand.cpp - How convjit's subcommands plug in -----------------===//

#include "Subcommand.h"

#include "llvm/Support/raw_ostream.h"

#include <vector>

using namespace convjit::cli;

/// Function-local so registrations from other files' static initializers
/// never see it unconstructed.
static std::vector<Subcommand> &registry() {
  static std::vector<Subcommand> subcommands;
  return subcommands;
}

SubcommandRegistration::SubcommandRegistration(llvm::cl::SubCommand &command,
                                               RunFunction run) {
  registry().push_back({&command, run});
}

llvm::ArrayRef<Subcommand> convjit::cli::registeredSubcommands() {
  return registry();
}

llvm::cl::OptionCategory &convjit::cli::convjitOptions() {
  static llvm::cl::OptionCategory category("convjit options");
  return category;
}

int convjit::cli::reportError(llvm::Error error) {
  // A SpecError already reads "[loc: ]error: ..."; anything else gets the
  // prefix here, so every failure is one line of the same shape.
  std::string message = llvm::toString(std::move(error));
  llvm::StringRef text(message);
  if (!text.starts_with("error: ") && !text.contains(": error: "))
    llvm::errs() << "error: ";
  llvm::errs() << text.rtrim() << "\n";
  return 1;
}
