//===- Tuner.cpp - Measure schedule variants, keep the fastest ------------===//

#include "Tuning/Tuner.h"

#include "Pipeline/Compiler.h"
#include "Reference/Reference.h"
#include "Target/TargetInfo.h"
#include "Validation/Accuracy.h"
#include "Validation/LayerTensors.h"
#include "convjit/Kernel.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <memory>
#include <optional>

using namespace convjit;

namespace {

/// A variant compiled, checked and ready to run. `args` points into
/// `output`, which therefore has a fixed address (and Variant is move-only).
struct Variant {
  ScheduleTuning tuning;
  std::shared_ptr<Kernel> kernel;
  std::unique_ptr<CacheLineBuffer> output;
  KernelArgs args;
  double searchMs = 0;
};

class Search {
public:
  Search(const ConvSpec &spec, const TuneOptions &options)
      : spec(spec), options(options),
        tensors(randomLayerTensors(spec, /*seed=*/1)) {}

  llvm::Expected<TuneResult> run();

private:
  /// Hash of the layer scheduled with `tuning`: equal for variants that
  /// schedule it the same way.
  llvm::Expected<uint64_t> scheduleHash(const ScheduleTuning &tuning);
  /// The variants of `candidates` not scheduled like one seen before.
  llvm::Expected<std::vector<ScheduleTuning>>
  distinct(llvm::ArrayRef<ScheduleTuning> candidates);
  /// Compiles, checks and times `tuning`; nullopt when it was rejected.
  std::optional<Variant> measure(const ScheduleTuning &tuning);
  void report(const std::string &current);

  const ConvSpec &spec;
  const TuneOptions &options;
  LayerTensors tensors;
  std::vector<float> expected;
  llvm::DenseSet<uint64_t> seen;
  TuneResult result;
  unsigned expectedTotal = 0;
  double bestMs = 0;
};

llvm::Expected<uint64_t> Search::scheduleHash(const ScheduleTuning &tuning) {
  CodegenOptions codegen;
  codegen.threads = options.threads;
  codegen.minParallelWork = options.minParallelWork;
  codegen.tuning = tuning;
  auto text = emitStage(spec, Stage::Linalg, codegen);
  if (!text)
    return text.takeError();
  return llvm::xxh3_64bits(*text);
}

llvm::Expected<std::vector<ScheduleTuning>>
Search::distinct(llvm::ArrayRef<ScheduleTuning> candidates) {
  std::vector<ScheduleTuning> fresh;
  for (const ScheduleTuning &candidate : candidates) {
    auto hash = scheduleHash(candidate);
    if (!hash)
      return hash.takeError();
    if (seen.insert(*hash).second)
      fresh.push_back(candidate);
    else
      ++result.duplicates;
  }
  return fresh;
}

void Search::report(const std::string &current) {
  if (!options.progress)
    return;
  TuneProgress progress;
  progress.timed = result.timed;
  progress.expected = std::max(expectedTotal, result.timed);
  progress.current = current;
  progress.bestMs = bestMs;
  options.progress(progress);
}

std::optional<Variant> Search::measure(const ScheduleTuning &tuning) {
  std::string label = tuning.isModel() ? "model" : tuning.str();
  report(label);
  auto reject = [&](const std::string &why) -> std::optional<Variant> {
    result.rejected.push_back(label + ": " + why);
    return std::nullopt;
  };
  CompileOptions compileOptions;
  compileOptions.threads = options.threads;
  compileOptions.minParallelWork = options.minParallelWork;
  compileOptions.tuning = label;
  // Variants are throwaway: none goes to the disk cache or stays in memory.
  compileOptions.persistentCache = false;
  compileOptions.memoryCache = false;
  auto kernel = Kernel::compile(spec, compileOptions);
  if (!kernel)
    return reject("compile: " + llvm::toString(kernel.takeError()));
  Variant variant;
  variant.tuning = tuning;
  variant.kernel = std::move(*kernel);
  if (llvm::Error error = tensors.prepareKernel(*variant.kernel, spec))
    return reject("prepare: " + llvm::toString(std::move(error)));
  variant.output =
      std::make_unique<CacheLineBuffer>(elementCount(spec.outputShape()), 0.0f);
  variant.args = tensors.activationArgs(spec, variant.output->data());
  if (llvm::Error error = variant.kernel->run(variant.args))
    return reject("run: " + llvm::toString(std::move(error)));
  Accuracy accuracy = compareOutputs(spec, *variant.output, expected);
  if (!accuracy.pass)
    return reject(llvm::formatv("wrong result (max abs error {0:e2}, "
                                "tolerance {1:e2})",
                                accuracy.maxAbsError, accuracy.tolerance)
                      .str());
  Kernel &code = *variant.kernel;
  KernelArgs args = variant.args;
  std::vector<Measurement> times = timeInterleaved(
      {Contestant{label, [&] { return code.run(args); }}},
      options.searchTiming);
  if (!times.front().ok)
    return reject("run: " + times.front().error);
  variant.searchMs = times.front().medianMs;
  ++result.timed;
  if (bestMs == 0 || variant.searchMs < bestMs)
    bestMs = variant.searchMs;
  report(label);
  return variant;
}

llvm::Expected<TuneResult> Search::run() {
  expected.assign(elementCount(spec.outputShape()), 0.0f);
  // The reference interpreter is plain loops: seconds for a big layer.
  report("computing the reference output");
  if (llvm::Error error =
          runReference(spec, tensors.referenceArgs(expected.data())))
    return std::move(error);

  ScheduleTuning model;
  auto modelHash = scheduleHash(model);
  if (!modelHash)
    return modelHash.takeError();
  seen.insert(*modelHash);
  expectedTotal = 1;
  std::optional<Variant> modelVariant = measure(model);
  if (!modelVariant)
    return llvm::createStringError("the model's schedule: " +
                                   result.rejected.back());

  // The variants timed, fastest first; only a few keep their kernels.
  constexpr size_t kFinalists = 3;
  std::vector<Variant> finalists;
  ScheduleTuning current; // the best knobs so far, starting from the model's
  double currentMs = modelVariant->searchMs;
  auto keep = [&](Variant variant) {
    finalists.push_back(std::move(variant));
    llvm::sort(finalists, [](const Variant &a, const Variant &b) {
      return a.searchMs < b.searchMs;
    });
    if (finalists.size() > kFinalists)
      finalists.pop_back();
  };

  const TargetInfo &target = TargetInfo::host();
  int64_t registers = target.vectorRegisters;
  // One stage per knob; each varies it around the best knobs so far.
  auto registerTiles = [&] {
    std::vector<ScheduleTuning> candidates;
    for (int64_t vectors : {1, 2, 4, 3})
      for (int64_t width = (registers - vectors - 1) / vectors;
           width >= 1 && width * vectors >= 4; --width) {
        ScheduleTuning t = current;
        t.width = width;
        t.vectors = vectors;
        candidates.push_back(t);
      }
    return candidates;
  };
  auto reductionSteps = [&] {
    std::vector<ScheduleTuning> candidates;
    for (int64_t step : {1, 2, 4, 8, 16, 32}) {
      ScheduleTuning t = current;
      t.inputChannelStep = step;
      candidates.push_back(t);
    }
    return candidates;
  };
  auto loopOrders = [&] {
    std::vector<ScheduleTuning> candidates;
    for (bool on : {true, false}) {
      ScheduleTuning blocks = current, unroll = current, split = current,
                     flat = current;
      blocks.blocksOuter = on;
      unroll.unrollWindow = on;
      split.splitColumns = on;
      flat.flatChannels = on;
      candidates.push_back(blocks);
      candidates.push_back(unroll);
      candidates.push_back(split);
      candidates.push_back(flat);
    }
    for (int64_t rows : {1, 2, 3}) {
      ScheduleTuning windowRows = current;
      windowRows.rows = rows;
      candidates.push_back(windowRows);
    }
    return candidates;
  };
  // Each stage with a rough count of the variants after it, for the
  // progress estimate.
  struct Stage {
    std::function<std::vector<ScheduleTuning>()> candidates;
    unsigned later;
  } stages[] = {{registerTiles, 6 + 4}, {reductionSteps, 4}, {loopOrders, 0}};
  for (const Stage &stage : stages) {
    auto candidates = distinct(stage.candidates());
    if (!candidates)
      return candidates.takeError();
    expectedTotal = std::min<unsigned>(
        options.budget, result.timed + candidates->size() + stage.later);
    ScheduleTuning stageBest = current;
    for (const ScheduleTuning &candidate : *candidates) {
      if (result.timed >= options.budget)
        break;
      std::optional<Variant> variant = measure(candidate);
      if (!variant)
        continue;
      if (variant->searchMs < currentMs) {
        currentMs = variant->searchMs;
        stageBest = candidate;
      }
      keep(std::move(*variant));
    }
    current = stageBest;
  }

  // The finalists against the model, side by side.
  std::vector<Contestant> contestants{
      {"model", [&] { return modelVariant->kernel->run(modelVariant->args); }}};
  for (Variant &variant : finalists)
    contestants.push_back(
        {variant.tuning.str(),
         [&variant] { return variant.kernel->run(variant.args); }});
  std::vector<Measurement> times =
      timeInterleaved(contestants, options.finalTiming);
  if (!times.front().ok)
    return llvm::createStringError("the model's schedule: " +
                                   times.front().error);
  // A winner must beat the model both in the median round and in the
  // fastest: on a shared machine a neighbour's burst can slow the model's
  // rounds alone (at 2 threads, a 1.22x "win" that did not reproduce).
  auto fastestRound = [](const Measurement &m) {
    return *std::min_element(m.roundMs.begin(), m.roundMs.end());
  };
  double modelFastest = fastestRound(times.front());
  result.modelMs = result.bestMs = times.front().medianMs;
  for (size_t i = 1; i < times.size(); ++i)
    if (times[i].ok &&
        times[i].medianMs < result.modelMs * (1 - options.minGain) &&
        fastestRound(times[i]) < modelFastest * (1 - options.minGain) &&
        times[i].medianMs < result.bestMs) {
      result.bestMs = times[i].medianMs;
      result.best = finalists[i - 1].tuning;
    }
  return result;
}

} // namespace

llvm::Expected<TuneResult> convjit::tuneLayer(const ConvSpec &spec,
                                              const TuneOptions &options) {
  if (options.threads < 1)
    return llvm::createStringError("threads: must be at least 1");
  if (options.budget < 1)
    return llvm::createStringError("budget: must be at least 1");
  TuneOptions settled = options;
  if (options.threads > 1) {
    settled.searchTiming.settleMs = options.threadedSettleMs;
    settled.finalTiming.settleMs = options.threadedSettleMs;
  }
  Search search(spec, settled);
  return search.run();
}
