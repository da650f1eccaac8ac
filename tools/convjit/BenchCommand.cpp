//===- BenchCommand.cpp - convjit bench: hands over to convjit-bench ------===//

#include "BenchCommand.h"
#include "Subcommand.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <string>
#include <vector>

using namespace convjit::cli;
namespace cl = llvm::cl;

// Registered only so that `convjit --help` lists it; main() forwards the
// command line before llvm::cl parses it.
static cl::SubCommand
    benchCommand("bench", "Benchmark layers against oneDNN and PyTorch in the "
                          "same run (runs convjit-bench; see "
                          "'convjit bench --help')");

static int unreachableRun() {
  return reportError(
      llvm::createStringError("bench: internal error: not forwarded"));
}
static SubcommandRegistration registration(benchCommand, unreachableRun);

bool convjit::cli::selectsBench(int argc, char **argv) {
  return argc > 1 && llvm::StringRef(argv[1]) == "bench";
}

int convjit::cli::forwardToBench(int argc, char **argv) {
  // Read from /proc on Linux; the address is the fallback elsewhere.
  static int anchor;
  std::string self = llvm::sys::fs::getMainExecutable(argv[0], &anchor);
  llvm::SmallString<256> bench(llvm::sys::path::parent_path(self));
  llvm::sys::path::append(bench, "convjit-bench");
  if (!llvm::sys::fs::can_execute(bench))
    return reportError(llvm::createStringError(
        "bench: no convjit-bench next to convjit (looked for '" + bench +
        "'); it is built only when oneDNN is installed (libdnnl-dev)"));

  std::vector<llvm::StringRef> args = {bench};
  for (int i = 2; i < argc; ++i)
    args.push_back(argv[i]);
  std::string message;
  int status = llvm::sys::ExecuteAndWait(bench, args, /*Env=*/std::nullopt,
                                         /*Redirects=*/{}, 0, 0, &message);
  if (status < 0)
    return reportError(llvm::createStringError(
        "bench: could not run '" + bench + "': " + message));
  return status;
}
