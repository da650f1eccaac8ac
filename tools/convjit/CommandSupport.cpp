//===- CommandSupport.cpp - Checks several subcommands share --------------===//

#include "CommandSupport.h"

#include "Spec/SpecParser.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"

using namespace convjit;
using namespace convjit::cli;

llvm::Expected<ConvSpec>
convjit::cli::parseSingleLayer(llvm::ArrayRef<std::string> words,
                               llvm::StringRef command) {
  std::string argument = llvm::join(words, " ");
  llvm::Expected<SpecList> list = parseSpecArgument(argument);
  if (!list)
    return list.takeError();
  if (list->layers.size() != 1)
    return llvm::createStringError(
        llvm::Twine("convjit ") + command + " takes one layer, but '" +
        llvm::StringRef(argument).trim() + "' has " +
        llvm::Twine(list->layers.size()) +
        " (multi-layer chains are not supported yet; give one layer)");
  return std::move(list->layers.front());
}

llvm::Error convjit::cli::checkOutputPath(NamedPath output,
                                          llvm::ArrayRef<NamedPath> inputs,
                                          bool force) {
  for (const NamedPath &input : inputs) {
    bool same = false;
    // An error means one of the two does not exist, so they are different.
    if (!llvm::sys::fs::equivalent(output.path, input.path, same) && same)
      return llvm::createStringError(
          output.flag + " '" + output.path + "' is the " + input.flag +
          " file; convjit never overwrites an input");
  }
  if (llvm::sys::fs::is_directory(output.path))
    return llvm::createStringError(output.flag + " '" + output.path +
                                   "' is a directory");
  if (!force && llvm::sys::fs::exists(output.path))
    return llvm::createStringError(output.flag + " '" + output.path +
                                   "' exists; pass --force to overwrite it");
  return llvm::Error::success();
}

llvm::Error convjit::cli::checkThreads(unsigned threads) {
  if (threads == 0)
    return llvm::createStringError("--threads: must be at least 1");
  return llvm::Error::success();
}

CompileOptions convjit::cli::cliCompileOptions(unsigned threads) {
  CompileOptions options;
  options.threads = threads;
  return options;
}

std::string convjit::cli::passSummary(size_t passed, size_t total) {
  return (passed == total ? "PASS: " : "FAIL: ") + std::to_string(passed) +
         " of " + std::to_string(total) + (total == 1 ? " layer" : " layers") +
         " within tolerance";
}
