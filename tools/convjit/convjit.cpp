//===- convjit.cpp - The convjit command-line tool ------------------------===//
//
// main() only parses the command line and hands over to the selected
// subcommand; each subcommand is its own file (see Subcommand.h).
//
//===----------------------------------------------------------------------===//

#include "BenchCommand.h"
#include "Subcommand.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"

using namespace convjit::cli;

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  if (selectsBench(argc, argv))
    return forwardToBench(argc, argv);
  llvm::cl::HideUnrelatedOptions(convjitOptions());
  for (const Subcommand &sub : registeredSubcommands())
    llvm::cl::HideUnrelatedOptions(convjitOptions(), *sub.command);
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "convjit - a JIT compiler for convolution layers\n\n"
      "  A layer is a spec such as 'conv ic=64 oc=64 in=56x56 k=3 pad=1',\n"
      "  a oneDNN benchdnn descriptor such as 'mb1ic64ih56oc64oh56kh3ph1',\n"
      "  or a file of such lines. Run 'convjit <subcommand> --help'.\n");

  for (const Subcommand &sub : registeredSubcommands())
    if (*sub.command)
      return sub.run();
  llvm::cl::PrintHelpMessage();
  return 1;
}
