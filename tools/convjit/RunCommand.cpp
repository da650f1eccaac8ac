//===- RunCommand.cpp - convjit run: one layer on the user's tensors ------===//
//
//   convjit run <spec> --input x.npy [--weights w.npy] [--bias b.npy]
//               [--offset o.npy] [--mask m.npy] --output y.npy
//               [--engine jit|reference] [--threads N] [--force]
//
// Tensors are float32 .npy files in PyTorch's layouts (activations, offset
// and mask in the spec's layout, weights as torch stores them). Every shape
// is checked against the spec before anything runs. The output is written
// through a temporary file, never over an input, and over an existing file
// only with --force.
//
//===----------------------------------------------------------------------===//

#include "CommandSupport.h"
#include "Validation/LayerTensors.h"
#include "Subcommand.h"
#include "TextTable.h"

#include "Npy/Npy.h"
#include "Reference/Reference.h"
#include "convjit/Kernel.h"

#include "llvm/ADT/SmallVector.h"

using namespace convjit;
using namespace convjit::cli;
namespace cl = llvm::cl;

static cl::SubCommand runCommand("run",
                                 "Run one layer on tensors from .npy files");

static cl::list<std::string>
    specWords(cl::Positional, cl::OneOrMore, cl::sub(runCommand),
              cl::cat(convjitOptions()),
              cl::desc("<spec, benchdnn descriptor, or spec file of one "
                       "layer>"));

static cl::opt<std::string> inputPath("input", cl::sub(runCommand),
                                      cl::cat(convjitOptions()),
                                      cl::value_desc("x.npy"),
                                      cl::desc("The input activations"));
static cl::opt<std::string>
    weightPath("weights", cl::sub(runCommand), cl::cat(convjitOptions()),
               cl::value_desc("w.npy"),
               cl::desc("Weights (conv, conv_transpose, deform_conv)"));
static cl::opt<std::string> biasPath("bias", cl::sub(runCommand),
                                     cl::cat(convjitOptions()),
                                     cl::value_desc("b.npy"),
                                     cl::desc("Bias (specs with 'bias')"));
static cl::opt<std::string>
    offsetPath("offset", cl::sub(runCommand), cl::cat(convjitOptions()),
               cl::value_desc("o.npy"), cl::desc("Offsets (deform_conv)"));
static cl::opt<std::string>
    maskPath("mask", cl::sub(runCommand), cl::cat(convjitOptions()),
             cl::value_desc("m.npy"),
             cl::desc("Modulation mask (deform_conv with 'mask')"));
static cl::opt<std::string> outputPath("output", cl::sub(runCommand),
                                       cl::cat(convjitOptions()),
                                       cl::value_desc("y.npy"),
                                       cl::desc("Where to write the result"));
static cl::opt<bool>
    force("force", cl::sub(runCommand), cl::cat(convjitOptions()),
          cl::desc("Overwrite --output if it exists (never an input)"));
static cl::opt<std::string>
    engineName("engine", cl::sub(runCommand), cl::cat(convjitOptions()),
               cl::init("jit"), cl::value_desc("jit|reference"),
               cl::desc("jit (compiled kernel, the default) or reference "
                        "(the reference interpreter)"));
static cl::opt<unsigned> threads("threads", cl::sub(runCommand),
                                 cl::cat(convjitOptions()), cl::init(1),
                                 cl::desc("Worker threads of the JIT kernel"));

namespace {

/// One tensor option: its flag, its file, its shape for this layer, and
/// why a layer might not take it.
struct TensorFile {
  llvm::StringRef flag;
  llvm::StringRef path;
  Shape shape;
  CacheLineBuffer *destination;
  std::string whyAbsent;
};

llvm::SmallVector<TensorFile, 5> tensorFiles(const ConvSpec &spec,
                                             LayerTensors &tensors) {
  std::string op = opKindName(spec.op).str();
  bool deform = spec.op == OpKind::DeformConv;
  return {
      {"--input", inputPath, spec.inputShape(), &tensors.input, ""},
      {"--weights", weightPath, spec.weightShape(), &tensors.weight,
       op + " has no weights"},
      {"--bias", biasPath, spec.biasShape(), &tensors.bias,
       spec.hasWeights() ? "the spec has no 'bias' flag"
                         : op + " has no bias"},
      {"--offset", offsetPath, spec.offsetShape(), &tensors.offset,
       "only deform_conv takes offsets"},
      {"--mask", maskPath, spec.maskShape(), &tensors.mask,
       deform ? "the spec has no 'mask' flag"
              : "only deform_conv with the 'mask' flag takes a mask"},
  };
}

/// Reads every tensor the layer takes. Which tensors are given is checked
/// for all of them before any file is read: a wrong set of flags is the
/// more useful message.
llvm::Error readTensors(llvm::ArrayRef<TensorFile> files) {
  for (const TensorFile &file : files) {
    if (file.shape.empty() && !file.path.empty())
      return llvm::createStringError(file.flag + " given, but the layer " +
                                     "takes no such tensor (" +
                                     file.whyAbsent + ")");
    if (!file.shape.empty() && file.path.empty())
      return llvm::createStringError("missing " + file.flag +
                                     ": the layer needs a tensor of shape " +
                                     joinDims(file.shape));
  }
  for (const TensorFile &file : files) {
    if (file.shape.empty())
      continue;
    llvm::Expected<NpyArray> array = readNpy(file.path);
    if (!array)
      return llvm::createStringError(file.flag + ": " +
                                     llvm::toString(array.takeError()));
    if (llvm::ArrayRef<int64_t>(array->shape) !=
        llvm::ArrayRef<int64_t>(file.shape))
      return llvm::createStringError(
          file.flag + " '" + file.path + "': expected shape " +
          joinDims(file.shape) + ", found " +
          (array->shape.empty() ? std::string("a scalar")
                                : joinDims(array->shape)));
    file.destination->assign(array->data.begin(), array->data.end());
  }
  return llvm::Error::success();
}

llvm::Error runJit(const ConvSpec &spec, const LayerTensors &tensors,
                   std::vector<float> &output) {
  auto kernel = Kernel::compile(spec, cliCompileOptions(threads));
  if (!kernel)
    return kernel.takeError();
  return (*kernel)->run(tensors.kernelArgs(spec, output.data()));
}

int runRun() {
  if (engineName != "jit" && engineName != "reference")
    return reportError(llvm::createStringError(
        "--engine: unknown engine '" + engineName +
        "' (expected jit or reference)"));
  if (llvm::Error error = checkThreads(threads))
    return reportError(std::move(error));
  llvm::Expected<ConvSpec> spec = parseSingleLayer(specWords, "run");
  if (!spec)
    return reportError(spec.takeError());

  if (outputPath.empty())
    return reportError(llvm::createStringError(
        "missing --output: where to write the result (y.npy)"));
  LayerTensors tensors;
  llvm::SmallVector<TensorFile, 5> files = tensorFiles(*spec, tensors);
  llvm::SmallVector<NamedPath, 5> inputs;
  for (const TensorFile &file : files)
    if (!file.path.empty())
      inputs.push_back({file.flag, file.path});
  if (llvm::Error error =
          checkOutputPath({"--output", outputPath}, inputs, force))
    return reportError(std::move(error));
  if (llvm::Error error = readTensors(files))
    return reportError(std::move(error));

  std::vector<float> output(elementCount(spec->outputShape()));
  llvm::Error computed =
      engineName == "jit"
          ? runJit(*spec, tensors, output)
          : runReference(*spec, tensors.referenceArgs(output.data()));
  if (computed)
    return reportError(std::move(computed));
  if (llvm::Error error = writeNpy(outputPath, spec->outputShape(), output))
    return reportError(std::move(error));
  return 0;
}

SubcommandRegistration registration(runCommand, runRun);

} // namespace
