//===- TuneCommand.cpp - convjit tune: measure schedules, keep the best ---===//
//
//   convjit tune <spec or file> [--threads N] [--budget N] [--retune]
//                [--layout nchw|nhwc] [--progress=true|false] [--force]
//
// Per layer: the autotuner (runtime/Tuning/Tuner.h) times schedule variants
// on this machine, checks each against the reference interpreter, and
// records the fastest in the tuning database (tuning.json in the kernel
// cache directory). From then on every compile of that layer for this CPU
// and thread count -- run, check, bench, the C and C++ APIs -- uses it.
// Layers already in the database are skipped unless --retune. The database
// is saved after each layer, so an interrupted run keeps what it measured.
//
//===----------------------------------------------------------------------===//

#include "CommandSupport.h"
#include "Subcommand.h"
#include "TextTable.h"

#include "Pipeline/Compiler.h"
#include "Pipeline/TuningDatabase.h"
#include "Spec/SpecParser.h"
#include "Tuning/Tuner.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

using namespace convjit;
using namespace convjit::cli;
namespace cl = llvm::cl;

static cl::SubCommand
    tuneCommand("tune", "Time schedule variants of layers on this machine and "
                        "record the fastest for later compiles");

static cl::list<std::string>
    specWords(cl::Positional, cl::OneOrMore, cl::sub(tuneCommand),
              cl::cat(convjitOptions()),
              cl::desc("<spec, benchdnn descriptor, or spec file>"));
static cl::opt<unsigned> threads("threads", cl::sub(tuneCommand),
                                 cl::cat(convjitOptions()), cl::init(1),
                                 cl::desc("Threads the tuned kernels run on"));
static cl::opt<unsigned>
    budget("budget", cl::sub(tuneCommand), cl::cat(convjitOptions()),
           cl::init(40),
           cl::desc("Most schedule variants timed per layer (default 40)"));
enum class LayoutChoice { Spec, Nchw, Nhwc };
static cl::opt<LayoutChoice> layout(
    "layout", cl::sub(tuneCommand), cl::cat(convjitOptions()),
    cl::init(LayoutChoice::Spec),
    cl::desc("Tune the layers at this activation layout, overriding the "
             "spec's (as `convjit bench --layout` does)"),
    cl::values(clEnumValN(LayoutChoice::Nchw, "nchw", "channels first"),
               clEnumValN(LayoutChoice::Nhwc, "nhwc", "channels last")));
static cl::opt<bool> retune("retune", cl::sub(tuneCommand),
                            cl::cat(convjitOptions()),
                            cl::desc("Tune layers the database already has"));
static cl::opt<cl::boolOrDefault> progress(
    "progress", cl::sub(tuneCommand), cl::cat(convjitOptions()),
    cl::desc("Show a progress bar on stderr (default: when it is a terminal)"));
static cl::opt<bool>
    force("force", cl::sub(tuneCommand), cl::cat(convjitOptions()),
          cl::desc("Replace a tuning database that cannot be read"));

namespace {

/// "[=========>          ] 12/30" and what is being timed, redrawn in place.
class ProgressBar {
public:
  explicit ProgressBar(bool enabled) : enabled(enabled) {}

  void draw(size_t layer, size_t layers, llvm::StringRef name,
            const TuneProgress &state) {
    if (!enabled)
      return;
    constexpr unsigned kWidth = 24;
    unsigned total = std::max(state.expected, 1u);
    unsigned filled = std::min(kWidth, state.timed * kWidth / total);
    std::string bar(filled, '=');
    if (filled < kWidth)
      bar += '>' + std::string(kWidth - filled - 1, ' ');
    std::string line = llvm::formatv(
        "layer {0}/{1}{2} [{3}] {4}/{5} variants, best {6:f3} ms: {7}",
        layer + 1, layers, name.empty() ? "" : " " + name.str(), bar,
        state.timed, total, state.bestMs, state.current);
    llvm::errs() << "\r" << line;
    if (line.size() < lastWidth)
      llvm::errs() << std::string(lastWidth - line.size(), ' ');
    lastWidth = line.size();
    llvm::errs().flush();
  }

  void clear() {
    if (!enabled || lastWidth == 0)
      return;
    llvm::errs() << "\r" << std::string(lastWidth, ' ') << "\r";
    llvm::errs().flush();
    lastWidth = 0;
  }

private:
  bool enabled;
  size_t lastWidth = 0;
};

std::string gflops(const ConvSpec &spec, double ms) {
  return ms > 0 ? llvm::formatv("{0:f1}", spec.flops() / ms / 1e6).str() : "-";
}

int runTune() {
  if (llvm::Error error = checkThreads(threads))
    return reportError(std::move(error));
  if (budget < 1)
    return reportError(llvm::createStringError("--budget: must be at least 1"));
  llvm::Expected<SpecList> list = parseSpecArgument(llvm::join(specWords, " "));
  if (!list)
    return reportError(list.takeError());

  std::string databasePath = TuningDatabase::defaultPath();
  auto loaded = TuningDatabase::load(databasePath);
  TuningDatabase database;
  if (loaded) {
    database = std::move(*loaded);
  } else if (force) {
    llvm::errs() << "convjit tune: " << llvm::toString(loaded.takeError())
                 << "; replacing it (--force)\n";
  } else {
    return reportError(llvm::createStringError(
        llvm::toString(loaded.takeError()) +
        "; pass --force to replace it with a new one"));
  }

  bool showProgress = progress == cl::BOU_UNSET
                          ? llvm::sys::Process::StandardErrIsDisplayed()
                          : progress == cl::BOU_TRUE;
  ProgressBar bar(showProgress);
  TextTable table({true, false, true, true, true, false, true});
  table.addRow({"#", "layer", "model GFLOPS", "tuned GFLOPS", "gain",
                "knobs", "variants"});
  size_t failures = 0;
  size_t layers = list->layers.size();
  for (auto [index, spec] : llvm::enumerate(list->layers)) {
    if (layout != LayoutChoice::Spec)
      spec.layout = layout == LayoutChoice::Nhwc ? Layout::ChannelsLast
                                                 : Layout::ChannelsFirst;
    std::string name = spec.name.empty() ? spec.str() : spec.name;
    CodegenOptions codegen;
    codegen.threads = threads;
    std::string key = TuningDatabase::keyFor(spec, codegen);
    if (const TuningRecord *record = database.lookup(key); record && !retune) {
      table.addRow({std::to_string(index), name, gflops(spec, record->modelMs),
                    gflops(spec, record->tunedMs), "(recorded)",
                    record->tuning.isModel() ? "model" : record->tuning.str(),
                    std::to_string(record->candidates)});
      continue;
    }
    TuneOptions options;
    options.threads = threads;
    options.budget = budget;
    options.progress = [&, index = index](const TuneProgress &state) {
      bar.draw(index, layers, spec.name, state);
    };
    auto result = tuneLayer(spec, options);
    bar.clear();
    if (!result) {
      ++failures;
      llvm::errs() << "layer " << index << ": error: "
                   << llvm::toString(result.takeError()) << "\n";
      table.addRow({std::to_string(index), name, "-", "-", "ERROR", "-", "-"});
      continue;
    }
    for (const std::string &rejected : result->rejected)
      llvm::errs() << "layer " << index
                   << ": warning: schedule variant rejected (a compiler bug; "
                      "please report it): "
                   << rejected << "\n";
    TuningRecord record;
    record.key = key;
    record.spec = spec.str();
    record.tuning = result->best;
    record.modelMs = result->modelMs;
    record.tunedMs = result->bestMs;
    record.candidates = result->timed;
    database.insert(record);
    if (llvm::Error error = database.save(databasePath))
      return reportError(std::move(error));
    table.addRow({std::to_string(index), name,
                  gflops(spec, result->modelMs), gflops(spec, result->bestMs),
                  llvm::formatv("{0:f2}x", result->modelMs / result->bestMs),
                  result->best.isModel() ? "model" : result->best.str(),
                  std::to_string(result->timed)});
  }
  table.print(llvm::outs());
  llvm::outs() << "\ntuning database: " << databasePath << "\n";
  return failures == 0 ? 0 : 1;
}

SubcommandRegistration registration(tuneCommand, runTune);

} // namespace
