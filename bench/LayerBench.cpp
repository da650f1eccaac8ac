//===- LayerBench.cpp - Check, then time, one layer against oneDNN --------===//

#include "LayerBench.h"

#include "LayerCategory.h"
#include "OneDnnPeer.h"

#include "Reference/Reference.h"
#include "Validation/Accuracy.h"
#include "Validation/LayerTensors.h"
#include "convjit/Kernel.h"

#include "llvm/Support/FormatVariadic.h"

#include <cfloat>
#include <memory>

using namespace convjit;
using namespace convjit::bench;

std::string convjit::bench::displayName(const ConvSpec &spec) {
  return spec.name.empty() ? spec.str() : spec.name;
}

namespace {

using State = PeerTime::State;
using Verdict = OutputCheck::Verdict;

/// Everything about the layer at one user layout.
struct LayoutCase {
  ConvSpec spec;
  LayerTensors tensors;
  BenchRow row;
  std::shared_ptr<Kernel> kernel; // null once convjit has failed
  CacheLineBuffer convjitOutput;  // aligned as oneDNN's tensors are
  KernelArgs convjitArgs;
  std::unique_ptr<OneDnnLayer> oneDnnUser;
  std::optional<std::vector<float>> reference;
};

std::string oneDnnUserLabel(const ConvSpec &spec) {
  return "oneDNN " + layoutName(spec.layout).str();
}

/// Compiles cold and warm and packs the weights; on failure the row says why
/// and `kernel` stays null.
void setUpConvjit(LayoutCase &c, const LayerBenchOptions &options) {
  CompileOptions compileOptions;
  compileOptions.threads = options.threads;
  // A cold compile must compile, whatever an earlier process left on disk
  // or an equal earlier layer left in memory. It still fills the memory
  // cache, which the warm compile then measures.
  compileOptions.persistentCache = false;
  compileOptions.memoryCache = false;
  compileOptions.tuningDatabase = options.tuned;
  auto cold = Kernel::compile(c.spec, compileOptions);
  if (!cold) {
    std::string message = llvm::toString(cold.takeError());
    if (options.threads != 1) {
      // Tell "refuses this thread count" from "cannot compile this layer".
      CompileOptions single = compileOptions;
      single.threads = 1;
      auto probe = Kernel::compile(c.spec, single);
      if (probe) {
        c.row.convjit = PeerTime::failure(State::Unsupported, message);
        return;
      }
      llvm::consumeError(probe.takeError());
    }
    c.row.convjit = PeerTime::failure(State::Failed, "compile: " + message);
    return;
  }
  std::vector<double> coldMs{(*cold)->stats().milliseconds};
  for (unsigned run = 1; run < options.compileRuns; ++run) {
    auto again = Kernel::compile(c.spec, compileOptions);
    if (!again) {
      c.row.convjit = PeerTime::failure(State::Failed,
                                        "compile (again): " +
                                            llvm::toString(again.takeError()));
      return;
    }
    coldMs.push_back((*again)->stats().milliseconds);
  }
  c.row.compileColdMs = median(coldMs);
  c.row.tuning = (*cold)->stats().tuning;
  c.row.coldCompileWasCached =
      (*cold)->stats().source != CompileStats::Source::Compiled;
  compileOptions.memoryCache = true;
  auto warm = Kernel::compile(c.spec, compileOptions);
  if (warm)
    c.row.compileWarmMs = (*warm)->stats().milliseconds;
  else
    llvm::consumeError(warm.takeError());

  std::shared_ptr<Kernel> kernel = *cold;
  if (llvm::Error error = c.tensors.prepareKernel(*kernel, c.spec)) {
    c.row.convjit = PeerTime::failure(
        State::Failed, "prepare: " + llvm::toString(std::move(error)));
    return;
  }
  c.convjitOutput.assign(elementCount(c.spec.outputShape()), 0.0f);
  // Packed weights are in the kernel now: time activations only.
  c.convjitArgs = c.tensors.activationArgs(c.spec, c.convjitOutput.data());
  c.kernel = std::move(kernel);
}

std::unique_ptr<OneDnnLayer> setUpOneDnn(const ConvSpec &spec,
                                         OneDnnLayer::Format format,
                                         const LayerTensors &tensors,
                                         PeerTime &time, std::string &impl) {
  if (auto reason = oneDnnUnsupportedReason(spec)) {
    time = PeerTime::failure(State::NotAvailable, *reason);
    return nullptr;
  }
  auto layer = OneDnnLayer::create(spec, format, tensors);
  if (!layer) {
    time = PeerTime::failure(State::NotAvailable,
                             llvm::toString(layer.takeError()));
    return nullptr;
  }
  impl = (*layer)->implementation();
  return std::move(*layer);
}

llvm::Expected<std::vector<float>> runOnce(OneDnnLayer &layer) {
  if (llvm::Error error = layer.run())
    return std::move(error);
  return layer.userOutput();
}

const std::vector<float> *referenceOutput(LayoutCase &c, std::string &why) {
  if (!c.reference) {
    std::vector<float> output(elementCount(c.spec.outputShape()));
    if (llvm::Error error =
            runReference(c.spec, c.tensors.referenceArgs(output.data()))) {
      why = llvm::toString(std::move(error));
      return nullptr;
    }
    c.reference = std::move(output);
  }
  return &*c.reference;
}

/// Accuracy.h's tolerance relative to max|expected|: 4 * eps * R.
double relativeTolerance(const ConvSpec &spec) {
  return 4.0 * FLT_EPSILON * static_cast<double>(reductionLength(spec));
}

void record(OutputCheck &check, const ConvSpec &spec, Verdict verdict,
            std::string against, const Accuracy &accuracy,
            std::string detail = "") {
  check.verdict = verdict;
  check.against = std::move(against);
  check.maxRelError = accuracy.maxRelError;
  check.relTolerance = relativeTolerance(spec);
  check.detail = std::move(detail);
}

std::string describe(const ConvSpec &spec, const Accuracy &accuracy) {
  return llvm::formatv("max normwise error {0:e2}, tolerance {1:e2}",
                       accuracy.maxRelError, relativeTolerance(spec))
      .str();
}

/// Runs convjit once and compares with oneDNN at the same layout, or with
/// the reference interpreter when there is no oneDNN (or to settle a
/// disagreement).
void checkConvjit(LayoutCase &c, const LayerBenchOptions &options) {
  if (!c.kernel)
    return;
  OutputCheck &check = c.row.check;
  if (llvm::Error error = c.kernel->run(c.convjitArgs)) {
    c.row.convjit = PeerTime::failure(
        State::Failed, "run: " + llvm::toString(std::move(error)));
    c.kernel = nullptr;
    return;
  }
  bool referenceAffordable = c.row.flops < options.referenceFlopLimit;
  std::string why;

  if (c.oneDnnUser) {
    llvm::Expected<std::vector<float>> expected = runOnce(*c.oneDnnUser);
    if (!expected) {
      c.row.oneDnnUser = PeerTime::failure(
          State::Failed, llvm::toString(expected.takeError()));
      c.oneDnnUser = nullptr;
    } else {
      std::string label = oneDnnUserLabel(c.spec);
      Accuracy vsOneDnn = compareOutputs(c.spec, c.convjitOutput, *expected);
      if (vsOneDnn.pass) {
        record(check, c.spec, Verdict::Pass, label, vsOneDnn);
        return;
      }
      const std::vector<float> *reference =
          referenceAffordable ? referenceOutput(c, why) : nullptr;
      if (!reference) {
        record(check, c.spec, Verdict::Mismatch, label, vsOneDnn,
               "vs " + label + ": " + describe(c.spec, vsOneDnn) +
                   (referenceAffordable ? "; reference failed: " + why
                                        : "; too large to ask the reference"));
        return;
      }
      Accuracy convjitVsReference =
          compareOutputs(c.spec, c.convjitOutput, *reference);
      Accuracy oneDnnVsReference =
          compareOutputs(c.spec, *expected, *reference);
      if (!convjitVsReference.pass)
        record(check, c.spec, Verdict::Mismatch, "reference",
               convjitVsReference,
               "vs reference: " + describe(c.spec, convjitVsReference) +
                   "; vs " + label + ": " + describe(c.spec, vsOneDnn));
      else if (!oneDnnVsReference.pass)
        record(check, c.spec, Verdict::PeerDisagrees, "reference",
               convjitVsReference,
               label + " differs from the reference: " +
                   describe(c.spec, oneDnnVsReference));
      else
        record(check, c.spec, Verdict::Pass, "reference", convjitVsReference,
               "both within tolerance of the reference; vs " + label + ": " +
                   describe(c.spec, vsOneDnn));
      return;
    }
  }

  if (!referenceAffordable) {
    check.verdict = Verdict::Skipped;
    check.detail = llvm::formatv("no oneDNN output and {0:f2} GFLOP is too "
                                 "much for the reference interpreter",
                                 c.row.flops * 1e-9)
                       .str();
    return;
  }
  const std::vector<float> *reference = referenceOutput(c, why);
  if (!reference) {
    check.verdict = Verdict::Skipped;
    check.detail = "reference failed: " + why;
    return;
  }
  Accuracy accuracy = compareOutputs(c.spec, c.convjitOutput, *reference);
  record(check, c.spec, accuracy.pass ? Verdict::Pass : Verdict::Mismatch,
         "reference", accuracy,
         accuracy.pass ? "" : "vs reference: " + describe(c.spec, accuracy));
}

/// oneDNN's blocked-layout variant must agree with its plain one, or its
/// time is not for the same problem.
void checkOneDnnAny(OneDnnLayer &any, LayoutCase &c, PeerTime &anyTime) {
  if (!c.oneDnnUser)
    return;
  auto anyOutput = runOnce(any);
  if (!anyOutput) {
    anyTime =
        PeerTime::failure(State::Failed, llvm::toString(anyOutput.takeError()));
    return;
  }
  auto userOutput = runOnce(*c.oneDnnUser);
  if (!userOutput) {
    anyTime = PeerTime::failure(State::Failed,
                                llvm::toString(userOutput.takeError()));
    return;
  }
  Accuracy accuracy = compareOutputs(c.spec, *anyOutput, *userOutput);
  if (!accuracy.pass)
    anyTime = PeerTime::failure(
        State::Failed, "output differs from " + oneDnnUserLabel(c.spec) + " (" +
                           describe(c.spec, accuracy) + ")");
}

} // namespace

std::vector<BenchRow>
convjit::bench::benchLayer(const ConvSpec &spec, llvm::ArrayRef<Layout> layouts,
                           const LayerBenchOptions &options) {
  std::vector<std::unique_ptr<LayoutCase>> cases;
  for (Layout layout : layouts) {
    auto c = std::make_unique<LayoutCase>();
    c->spec = spec;
    c->spec.layout = layout;
    c->tensors = randomLayerTensors(c->spec, options.seed);
    BenchRow &row = c->row;
    row.spec = c->spec;
    row.name = displayName(c->spec);
    if (layouts.size() > 1 && !spec.name.empty())
      row.name += " [" + layoutName(layout).str() + "]";
    row.category = layerCategory(c->spec).str();
    row.flops = c->spec.flops();
    cases.push_back(std::move(c));
  }

  // oneDNN first: convjit's check compares with its output.
  PeerTime anyTime;
  std::string anyImpl;
  std::unique_ptr<OneDnnLayer> any;
  if (options.vsOneDnn) {
    LayoutCase &first = *cases.front();
    any = setUpOneDnn(first.spec, OneDnnLayer::Format::Any, first.tensors,
                      anyTime, anyImpl);
    for (auto &c : cases)
      c->oneDnnUser =
          setUpOneDnn(c->spec, OneDnnLayer::Format::User, c->tensors,
                      c->row.oneDnnUser, c->row.oneDnnUserImpl);
    if (any) {
      checkOneDnnAny(*any, first, anyTime);
      if (anyTime.state == State::Failed)
        any = nullptr;
    }
  }
  for (auto &c : cases) {
    setUpConvjit(*c, options);
    checkConvjit(*c, options);
  }

  // Each round: the convjit batches, then the oneDNN ones.
  std::vector<Contestant> contestants;
  std::vector<PeerTime *> targets;
  for (auto &c : cases)
    if (c->kernel) {
      LayoutCase *raw = c.get();
      contestants.push_back({"convjit " + c->row.layoutName(), [raw] {
                               return raw->kernel->run(raw->convjitArgs);
                             }});
      targets.push_back(&c->row.convjit);
    }
  if (any) {
    OneDnnLayer *raw = any.get();
    contestants.push_back({"oneDNN any", [raw] { return raw->run(); }});
    targets.push_back(&anyTime);
  }
  for (auto &c : cases)
    if (c->oneDnnUser) {
      OneDnnLayer *raw = c->oneDnnUser.get();
      contestants.push_back(
          {oneDnnUserLabel(c->spec), [raw] { return raw->run(); }});
      targets.push_back(&c->row.oneDnnUser);
    }
  std::vector<Measurement> measured =
      timeInterleaved(contestants, options.timing);
  for (size_t i = 0; i < measured.size(); ++i)
    *targets[i] =
        measured[i].ok
            ? PeerTime::measurement(measured[i].medianMs, measured[i].spread)
            : PeerTime::failure(State::Failed, "run: " + measured[i].error);

  std::vector<BenchRow> rows;
  for (auto &c : cases) {
    if (options.vsOneDnn) {
      c->row.oneDnnAny = anyTime;
      c->row.oneDnnAnyImpl = anyImpl;
    }
    rows.push_back(std::move(c->row));
  }
  return rows;
}
