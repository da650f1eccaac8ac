//===- BenchCommand.h - convjit bench runs convjit-bench --------*- C++ -*-===//
//
// The benchmark links oneDNN, which only bench/ may; `convjit bench` therefore
// runs the convjit-bench binary installed next to convjit with the rest of
// the command line unchanged (its options are documented by
// `convjit bench --help`).
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_TOOLS_CONVJIT_BENCHCOMMAND_H
#define CONVJIT_TOOLS_CONVJIT_BENCHCOMMAND_H

namespace convjit::cli {

/// True when the command line selects `bench`: main() then forwards it
/// before llvm::cl sees options it does not know.
bool selectsBench(int argc, char **argv);

/// Runs convjit-bench with `argv[2...]`; returns its exit code (1 with a
/// one-line error when it cannot be started).
int forwardToBench(int argc, char **argv);

} // namespace convjit::cli

#endif // CONVJIT_TOOLS_CONVJIT_BENCHCOMMAND_H
