//===- CheckCommand.cpp - convjit check: JIT against the reference --------===//
//
//   convjit check <spec or file> [--seed S] [--threads N] [--tuning knobs]
//
// Per layer: seeded random tensors (LayerTensors.h), the JIT kernel's output
// and the reference interpreter's, their largest difference and the
// tolerance it is held to (Accuracy.h). Exit 0 only if every layer passes.
// --tuning checks the kernels of other schedules than the default (the
// knobs `convjit tune` varies, or the model's alone).
//
// The hidden --perturb adds 1e-3 to one element of the JIT's output before
// the comparison: a test that the check catches a kernel that is only
// slightly wrong.
//
//===----------------------------------------------------------------------===//

#include "Validation/Accuracy.h"
#include "CommandSupport.h"
#include "Validation/LayerTensors.h"
#include "Subcommand.h"
#include "TextTable.h"

#include "Reference/Reference.h"
#include "Schedule/ScheduleTuning.h"
#include "Spec/SpecParser.h"
#include "convjit/Kernel.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace convjit;
using namespace convjit::cli;
namespace cl = llvm::cl;

static cl::SubCommand
    checkCommand("check",
                 "Run layers on random tensors with the JIT and the "
                 "reference interpreter and compare");

static cl::list<std::string>
    specWords(cl::Positional, cl::OneOrMore, cl::sub(checkCommand),
              cl::cat(convjitOptions()),
              cl::desc("<spec, benchdnn descriptor, or spec file>"));
static cl::opt<uint64_t> seed("seed", cl::sub(checkCommand),
                              cl::cat(convjitOptions()), cl::init(1),
                              cl::desc("Seed of the random tensors"));
static cl::opt<unsigned> threads("threads", cl::sub(checkCommand),
                                 cl::cat(convjitOptions()), cl::init(1),
                                 cl::desc("Worker threads of the JIT kernels"));
static cl::opt<std::string> tuningText(
    "tuning", cl::sub(checkCommand), cl::cat(convjitOptions()),
    cl::value_desc("knobs|model"),
    cl::desc("Schedule knobs, e.g. tile-width=6,tile-vectors=2 ('model': the "
             "cost model's schedules; default: what `convjit tune` recorded)"));
static cl::opt<bool>
    perturb("perturb", cl::sub(checkCommand), cl::cat(convjitOptions()),
            cl::Hidden,
            cl::desc("Add 1e-3 to one JIT output element (tests the check)"));

namespace {

/// What the JIT computed, or why it could not.
llvm::Expected<std::vector<float>> runJit(const ConvSpec &spec,
                                          const LayerTensors &tensors) {
  CompileOptions options = cliCompileOptions(threads);
  options.tuning = tuningText;
  auto kernel = Kernel::compile(spec, options);
  if (!kernel)
    return kernel.takeError();
  std::vector<float> output(elementCount(spec.outputShape()));
  if (llvm::Error error = (*kernel)->run(tensors.kernelArgs(spec, output.data())))
    return std::move(error);
  return output;
}

std::string scientific(double value) {
  return llvm::formatv("{0:e2}", value).str();
}

int runCheck() {
  if (llvm::Error error = checkThreads(threads))
    return reportError(std::move(error));
  if (llvm::Expected<ScheduleTuning> tuning = ScheduleTuning::parse(tuningText);
      !tuning)
    return reportError(llvm::createStringError(
        "--tuning: " + llvm::toString(tuning.takeError())));
  llvm::Expected<SpecList> list = parseSpecArgument(llvm::join(specWords, " "));
  if (!list)
    return reportError(list.takeError());

  TextTable table({true, false, true, true, true, false});
  table.addRow({"#", "result", "max abs err", "max rel err", "tolerance",
                "spec"});
  size_t passed = 0;
  for (auto [index, spec] : llvm::enumerate(list->layers)) {
    // Each layer its own stream, so adding a layer changes no other's data.
    LayerTensors tensors = randomLayerTensors(spec, seed + index);
    auto layerError = [&, index = index, &spec = spec](llvm::Error error) {
      llvm::errs() << "layer " << index << ": error: "
                   << llvm::toString(std::move(error)) << "\n";
      table.addRow({std::to_string(index), "ERROR", "-", "-", "-", spec.str()});
    };
    std::vector<float> expected(elementCount(spec.outputShape()));
    if (llvm::Error error =
            runReference(spec, tensors.referenceArgs(expected.data()))) {
      layerError(std::move(error));
      continue;
    }
    llvm::Expected<std::vector<float>> actual = runJit(spec, tensors);
    if (!actual) {
      layerError(actual.takeError());
      continue;
    }
    if (perturb && !actual->empty())
      (*actual)[actual->size() / 2] += 1e-3f;
    Accuracy accuracy = compareOutputs(spec, *actual, expected);
    passed += accuracy.pass;
    table.addRow({std::to_string(index), accuracy.pass ? "PASS" : "FAIL",
                  scientific(accuracy.maxAbsError),
                  scientific(accuracy.maxRelError),
                  scientific(accuracy.tolerance), spec.str()});
  }
  table.print(llvm::outs());
  size_t total = list->layers.size();
  llvm::outs() << "\n";
  llvm::outs() << passSummary(passed, total) << "\n";
  return passed == total ? 0 : 1;
}

SubcommandRegistration registration(checkCommand, runCheck);

} // namespace
