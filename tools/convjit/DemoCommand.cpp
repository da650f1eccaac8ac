//===- DemoCommand.cpp - convjit demo: every op family, compiled and checked ===//
//
//   convjit demo [--threads N] [--seed S]
//
// Compiles, runs and checks (against the reference interpreter, with the
// tolerance of Accuracy.h) a built-in set of small layers that covers every
// op family and the parameters that change the generated code, and prints
// one table row per layer. Exit 0 only if every layer passes. The layers are
// small so the whole demo runs in seconds; their timings show the shape of
// the work, not the compiler's peak (that is `convjit-bench`).
//
//===----------------------------------------------------------------------===//

#include "Validation/Accuracy.h"
#include "CommandSupport.h"
#include "Validation/LayerTensors.h"
#include "Subcommand.h"
#include "TextTable.h"

#include "Reference/Reference.h"
#include "Spec/SpecParser.h"
#include "Target/TargetInfo.h"
#include "convjit/Kernel.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <limits>

using namespace convjit;
using namespace convjit::cli;
namespace cl = llvm::cl;

static cl::SubCommand
    demoCommand("demo", "Compile, run and check a built-in set of layers "
                        "covering every op family");

static cl::opt<unsigned> threads("threads", cl::sub(demoCommand),
                                 cl::cat(convjitOptions()), cl::init(1),
                                 cl::desc("Worker threads of the JIT kernels"));
static cl::opt<uint64_t> seed("seed", cl::sub(demoCommand),
                              cl::cat(convjitOptions()), cl::init(1),
                              cl::desc("Seed of the random tensors"));

/// One line per case the code generator treats differently.
static constexpr const char *kDemoLayers = R"(
conv name=conv1d_stride2 ic=8 oc=16 in=128 k=5 stride=2 pad=2 bias
conv name=conv2d_3x3_bias_relu ic=16 oc=32 in=28x28 k=3 pad=1 bias relu
conv name=conv3d ic=4 oc=8 in=8x12x12 k=3 pad=1
conv name=conv2d_stride2 ic=16 oc=32 in=28x28 k=3 stride=2 pad=1
conv name=conv2d_dilated ic=8 oc=8 in=20x20 k=3 dilation=2 pad=2
conv name=conv2d_asym_pad ic=8 oc=12 in=15x17 k=2x3 pad=0x1:1x1
conv name=conv2d_grouped ic=16 oc=32 in=14x14 k=3 pad=1 groups=4 bias
conv name=conv2d_depthwise ic=32 oc=32 in=28x28 k=3 pad=1 groups=32 bias relu
conv name=conv2d_pointwise ic=32 oc=64 in=28x28 k=1 bias relu
conv name=conv2d_nhwc ic=16 oc=16 in=28x28 k=3 pad=1 bias relu layout=nhwc
conv_transpose name=conv_transpose2d ic=16 oc=8 in=14x14 k=3 stride=2 pad=1 output_padding=1 bias
conv_transpose name=conv_transpose1d_nwc ic=8 oc=4 in=32 k=4 stride=2 pad=1 layout=nwc
deform_conv name=deform_v1 ic=8 oc=16 in=14x14 k=3 pad=1
deform_conv name=deform_v2_mask ic=8 oc=16 in=14x14 k=3 pad=1 dg=2 mask bias
max_pool name=max_pool2d ic=16 in=28x28 k=3 stride=2 pad=1
avg_pool name=avg_pool2d ic=16 in=28x28 k=2
avg_pool name=avg_pool3d_ndhwc ic=8 in=8x8x8 k=2 layout=ndhwc
channel_shuffle name=channel_shuffle ic=24 in=14x14 groups=3 relu
)";

namespace {

/// What one layer of the demo measured.
struct DemoRow {
  double compileMs = 0;
  bool cached = false;
  double runMs = 0;
  Accuracy accuracy;
};

double millisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

llvm::Expected<DemoRow> runLayer(const ConvSpec &spec, uint64_t layerSeed) {
  DemoRow row;
  LayerTensors tensors = randomLayerTensors(spec, layerSeed);
  std::vector<float> expected(elementCount(spec.outputShape()));
  if (llvm::Error error =
          runReference(spec, tensors.referenceArgs(expected.data())))
    return std::move(error);

  auto kernel = Kernel::compile(spec, cliCompileOptions(threads));
  if (!kernel)
    return kernel.takeError();
  row.compileMs = (*kernel)->stats().milliseconds;
  row.cached = (*kernel)->stats().source != CompileStats::Source::Compiled;

  // The first run is checked; the best of a few is the time (the first also
  // pays for page faults on the output).
  std::vector<float> actual(expected.size());
  KernelArgs args = tensors.kernelArgs(spec, actual.data());
  row.runMs = std::numeric_limits<double>::infinity();
  for (int repeat = 0; repeat < 5; ++repeat) {
    auto start = std::chrono::steady_clock::now();
    if (llvm::Error error = (*kernel)->run(args))
      return std::move(error);
    row.runMs = std::min(row.runMs, millisecondsSince(start));
    if (repeat == 0)
      row.accuracy = compareOutputs(spec, actual, expected);
  }
  return row;
}

std::string fixed(double value, int decimals) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.*f", decimals, value);
  return text;
}

int runDemo() {
  if (llvm::Error error = checkThreads(threads))
    return reportError(std::move(error));
  llvm::Expected<SpecList> list = parseSpecList(kDemoLayers, "<demo layers>");
  if (!list)
    return reportError(list.takeError());

  const TargetInfo &host = TargetInfo::host();
  llvm::outs() << "convjit demo: " << list->layers.size() << " layers, target "
               << host.cpu << " (" << host.vectorBits << "-bit vectors"
               << (host.hasFMA ? ", FMA" : "") << ")\n\n";
  TextTable table({false, false, false, true, true, true, true, false});
  table.addRow({"layer", "op", "output", "compile ms", "run ms", "GFLOPS",
                "max error", "result"});
  size_t passed = 0, cached = 0;
  for (auto [index, spec] : llvm::enumerate(list->layers)) {
    llvm::SmallVector<std::string, 8> cells{spec.name,
                                            opKindName(spec.op).str(),
                                            joinDims(spec.outputShape())};
    llvm::Expected<DemoRow> row = runLayer(spec, seed + index);
    if (!row) {
      llvm::errs() << spec.name << ": error: "
                   << llvm::toString(row.takeError()) << "\n";
      cells.append({"-", "-", "-", "-", "ERROR"});
      table.addRow(cells);
      continue;
    }
    passed += row->accuracy.pass;
    cached += row->cached;
    double flops = spec.flops();
    cells.append({fixed(row->compileMs, 1) + (row->cached ? "*" : ""),
                  fixed(row->runMs, 3),
                  flops > 0 ? fixed(flops / (row->runMs * 1e6), 2) : "-",
                  llvm::formatv("{0:e1}", row->accuracy.maxAbsError).str(),
                  row->accuracy.pass ? "PASS" : "FAIL"});
    table.addRow(cells);
  }
  table.print(llvm::outs());

  size_t total = list->layers.size();
  llvm::outs() << "\n";
  if (cached)
    llvm::outs() << "* compiled earlier: the kernel came from the kernel "
                    "cache\n";
  llvm::outs() << "max error: largest |jit - reference|; a layer passes when "
                  "it is within 4 * FLT_EPSILON * R * max|reference| (R: "
                  "terms summed per output)\n";
  llvm::outs() << passSummary(passed, total) << "\n";
  return passed == total ? 0 : 1;
}

SubcommandRegistration registration(demoCommand, runDemo);

} // namespace
