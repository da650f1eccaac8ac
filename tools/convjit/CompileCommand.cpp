//===- CompileCommand.cpp - convjit compile: the kernel at any stage ------===//
//
//   convjit compile <spec> [--emit=conv|linalg|tiled|llvm|llvmir|asm]
//                   [--target host|avx2|avx512] [--tuning knobs|model]
//                   [-o file] [--force]
//
// Prints one layer's kernel as it stands after a stage of the pipeline
// (Pipeline/Compiler.h): the conv dialect, linalg, the tiled and vectorized
// IR, the LLVM dialect, optimized LLVM IR, or assembly. A named --target
// generates code for that CPU whatever the host is, so the output can be
// read (and tested) on any machine. The schedules are the ones a compile
// of the layer would use: what `convjit tune` recorded for it, else the
// cost model's; --tuning names knobs instead (ScheduleTuning.h).
//
//===----------------------------------------------------------------------===//

#include "CommandSupport.h"
#include "Subcommand.h"

#include "Pipeline/Compiler.h"
#include "Pipeline/TuningDatabase.h"
#include "Target/TargetInfo.h"

#include "llvm/Support/raw_ostream.h"

using namespace convjit;
using namespace convjit::cli;
namespace cl = llvm::cl;

static cl::SubCommand
    compileCommand("compile",
                   "Print a layer's kernel after a stage of the pipeline");

static cl::list<std::string>
    specWords(cl::Positional, cl::OneOrMore, cl::sub(compileCommand),
              cl::cat(convjitOptions()),
              cl::desc("<spec, benchdnn descriptor, or spec file of one "
                       "layer>"));
static cl::opt<std::string>
    emitName("emit", cl::sub(compileCommand), cl::cat(convjitOptions()),
             cl::init("llvm"),
             cl::value_desc("conv|linalg|tiled|llvm|llvmir|asm"),
             cl::desc("The stage to print (default llvm: the LLVM dialect)"));
static cl::opt<std::string>
    targetName("target", cl::sub(compileCommand), cl::cat(convjitOptions()),
               cl::init("host"), cl::value_desc("host|avx2|avx512"),
               cl::desc("The CPU to generate code for (default: this one)"));
static cl::opt<unsigned> threads(
    "threads", cl::sub(compileCommand), cl::cat(convjitOptions()), cl::init(1),
    cl::desc("Threads the kernel runs on (more than 1: OpenMP loops)"));
static cl::opt<std::string> tuningText(
    "tuning", cl::sub(compileCommand), cl::cat(convjitOptions()),
    cl::value_desc("knobs|model"),
    cl::desc("Schedule knobs, e.g. tile-width=6,tile-vectors=2 ('model': the "
             "cost model's schedules; default: what `convjit tune` recorded)"));
static cl::opt<std::string> outputPath("o", cl::sub(compileCommand),
                                       cl::cat(convjitOptions()),
                                       cl::value_desc("file"),
                                       cl::desc("Write to a file, not stdout"));
static cl::opt<bool> force("force", cl::sub(compileCommand),
                           cl::cat(convjitOptions()),
                           cl::desc("Overwrite the -o file if it exists"));

namespace {

int runCompile() {
  llvm::Expected<Stage> stage = parseStage(emitName);
  if (!stage)
    return reportError(llvm::createStringError(
        "--emit: " + llvm::toString(stage.takeError())));
  llvm::Expected<TargetInfo> target = TargetInfo::byName(targetName);
  if (!target)
    return reportError(llvm::createStringError(
        "--target: " + llvm::toString(target.takeError())));
  llvm::Expected<ConvSpec> spec = parseSingleLayer(specWords, "compile");
  if (!spec)
    return reportError(spec.takeError());
  if (!outputPath.empty())
    if (llvm::Error error = checkOutputPath({"-o", outputPath}, {}, force))
      return reportError(std::move(error));

  if (llvm::Error error = checkThreads(threads))
    return reportError(std::move(error));
  CodegenOptions codegen;
  codegen.target = *target;
  codegen.threads = threads;
  if (!tuningText.empty()) {
    llvm::Expected<ScheduleTuning> tuning = ScheduleTuning::parse(tuningText);
    if (!tuning)
      return reportError(llvm::createStringError(
          "--tuning: " + llvm::toString(tuning.takeError())));
    codegen.tuning = *tuning;
  } else if (std::optional<ScheduleTuning> tuned =
                 lookupTuning(*spec, codegen)) {
    codegen.tuning = *tuned;
  }
  llvm::Expected<std::string> text = emitStage(*spec, *stage, codegen);
  if (!text)
    return reportError(text.takeError());
  if (outputPath.empty()) {
    llvm::outs() << *text;
    return 0;
  }
  // Through a temporary file, so a failure leaves no partial output.
  if (llvm::Error error = llvm::writeToOutput(
          outputPath, [&](llvm::raw_ostream &os) {
            os << *text;
            return llvm::Error::success();
          }))
    return reportError(llvm::createStringError(
        "-o '" + outputPath + "': " + llvm::toString(std::move(error))));
  return 0;
}

SubcommandRegistration registration(compileCommand, runCompile);

} // namespace
