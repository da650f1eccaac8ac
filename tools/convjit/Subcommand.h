//===- Subcommand.h - How convjit's subcommands plug in ---------*- C++ -*-===//
//
// A subcommand lives in its own file: a static llvm::cl::SubCommand, its
// options (with cl::sub(thatCommand) and cl::cat(convjitOptions())), a run
// function, and a static SubcommandRegistration tying the two together.
// main() runs whichever registered subcommand the command line selected.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_TOOLS_CONVJIT_SUBCOMMAND_H
#define CONVJIT_TOOLS_CONVJIT_SUBCOMMAND_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

namespace convjit::cli {

/// Runs a selected subcommand; returns the process exit code.
using RunFunction = int (*)();

struct Subcommand {
  llvm::cl::SubCommand *command;
  RunFunction run;
};

/// Construct one at namespace scope in the subcommand's file.
struct SubcommandRegistration {
  SubcommandRegistration(llvm::cl::SubCommand &command, RunFunction run);
};

llvm::ArrayRef<Subcommand> registeredSubcommands();

/// The category of every convjit option; --help shows only these (the
/// shared libLLVM registers many options of its own).
llvm::cl::OptionCategory &convjitOptions();

/// Prints `error` as one line on stderr and returns exit code 1.
int reportError(llvm::Error error);

} // namespace convjit::cli

#endif // CONVJIT_TOOLS_CONVJIT_SUBCOMMAND_H
