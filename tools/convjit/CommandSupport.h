//===- CommandSupport.h - Checks several subcommands share -------*- C++ -*-===//
//
// run and compile take exactly one layer and write a file the user names;
// they check both the same way, with the same one-line errors.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_TOOLS_CONVJIT_COMMANDSUPPORT_H
#define CONVJIT_TOOLS_CONVJIT_COMMANDSUPPORT_H

#include "Spec/ConvSpec.h"
#include "convjit/Kernel.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace convjit::cli {

/// The spec words of a command line joined as InfoCommand does, parsed, and
/// required to hold one layer. `command` names the subcommand in the error.
llvm::Expected<ConvSpec> parseSingleLayer(llvm::ArrayRef<std::string> words,
                                          llvm::StringRef command);

/// A file the command will write, and where it came from on the command line.
struct NamedPath {
  llvm::StringRef flag; // "--input"
  llvm::StringRef path;
};

/// Fails if `output` is the same file as any of `inputs` (same inode, so
/// links and different spellings of one path count too), or if it exists and
/// `force` is off.
llvm::Error checkOutputPath(NamedPath output, llvm::ArrayRef<NamedPath> inputs,
                            bool force);

/// --threads: at least 1.
llvm::Error checkThreads(unsigned threads);

/// The last line of check and demo: "PASS: 7 of 7 layers within
/// tolerance" or "FAIL: ...".
std::string passSummary(size_t passed, size_t total);

/// CompileOptions for a CLI run.
CompileOptions cliCompileOptions(unsigned threads);

} // namespace convjit::cli

#endif // CONVJIT_TOOLS_CONVJIT_COMMANDSUPPORT_H
