//===- TorchPeer.cpp - PyTorch/torchvision timings from a subprocess ------===//

#include "TorchPeer.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

extern char **environ;

using namespace convjit;
using namespace convjit::bench;

namespace {

using State = PeerTime::State;

llvm::json::Array dims(llvm::ArrayRef<int64_t> values) {
  llvm::json::Array array;
  for (int64_t value : values)
    array.push_back(value);
  return array;
}

llvm::json::Object layerRequest(const ConvSpec &spec) {
  return llvm::json::Object{
      {"op", opKindName(spec.op)},
      {"n", spec.n},
      {"ic", spec.ic},
      {"oc", spec.oc},
      {"in", dims(spec.in)},
      {"k", dims(spec.kernel)},
      {"stride", dims(spec.stride)},
      {"dilation", dims(spec.dilation)},
      {"pad_lo", dims(spec.padLo)},
      {"pad_hi", dims(spec.padHi)},
      {"output_padding", dims(spec.outputPadding)},
      {"groups", spec.groups},
      {"dg", spec.deformGroups},
      {"mask", spec.mask},
      {"bias", spec.bias},
      {"relu", spec.relu},
  };
}

TorchResults unavailable(size_t count, std::string why) {
  TorchResults results;
  results.version = "n/a: " + why;
  results.layers.assign(count, {PeerTime::failure(State::NotAvailable, why),
                                PeerTime::failure(State::NotAvailable, why)});
  return results;
}

/// {"ms": .., "spread": ..} or {"na": "why"} or {"error": "why"}.
PeerTime readTime(const llvm::json::Object *entry) {
  if (!entry)
    return PeerTime::failure(State::Failed, "torch peer gave no result");
  if (auto ms = entry->getNumber("ms"))
    return PeerTime::measurement(*ms, entry->getNumber("spread").value_or(0));
  if (auto why = entry->getString("na"))
    return PeerTime::failure(State::NotAvailable, why->str());
  if (auto why = entry->getString("error"))
    return PeerTime::failure(State::Failed, why->str());
  return PeerTime::failure(State::Failed, "torch peer gave no time");
}

/// The environment of the bench, with the settings that would skew torch:
/// OPENBLAS_CORETYPE (some of these machines pin a slower kernel set) gone,
/// OMP_NUM_THREADS the bench's thread count.
std::vector<std::string> childEnvironment(unsigned threads) {
  std::vector<std::string> environment;
  for (char **entry = environ; entry && *entry; ++entry) {
    llvm::StringRef variable(*entry);
    if (variable.starts_with("OPENBLAS_CORETYPE=") ||
        variable.starts_with("OMP_NUM_THREADS="))
      continue;
    environment.push_back(variable.str());
  }
  environment.push_back("OMP_NUM_THREADS=" + std::to_string(threads));
  return environment;
}

} // namespace

std::string convjit::bench::defaultTorchPeerScript(const char *argv0) {
  std::string executable = llvm::sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&defaultTorchPeerScript));
  if (!executable.empty()) {
    llvm::SmallString<256> besideBinary(
        llvm::sys::path::parent_path(executable));
    llvm::sys::path::append(besideBinary, "torch_peer.py");
    if (llvm::sys::fs::exists(besideBinary))
      return std::string(besideBinary);
  }
  return CONVJIT_BENCH_SOURCE_DIR "/torch_peer.py";
}

TorchResults convjit::bench::runTorchPeer(llvm::ArrayRef<ConvSpec> specs,
                                          const TorchPeerOptions &options) {
  if (!llvm::sys::fs::can_execute(options.python))
    return unavailable(specs.size(), options.python + " not found");
  if (!llvm::sys::fs::exists(options.script))
    return unavailable(specs.size(), options.script + " not found");

  llvm::json::Array layers;
  for (const ConvSpec &spec : specs)
    layers.push_back(layerRequest(spec));
  llvm::json::Value request(llvm::json::Object{
      {"threads", options.threads},
      {"rounds", options.timing.rounds},
      {"min_time_ms", options.timing.minTimeMs},
      {"min_runs", options.timing.minRuns},
      {"seed", static_cast<int64_t>(options.seed)},
      {"layers", std::move(layers)},
  });

  llvm::SmallString<128> requestPath, resultPath;
  if (llvm::sys::fs::createTemporaryFile("convjit-bench-torch-request", "json",
                                         requestPath) ||
      llvm::sys::fs::createTemporaryFile("convjit-bench-torch-result", "json",
                                         resultPath))
    return unavailable(specs.size(), "cannot create a temporary file");
  llvm::FileRemover removeRequest(requestPath), removeResult(resultPath);
  {
    std::error_code error;
    llvm::raw_fd_ostream out(requestPath, error);
    if (error)
      return unavailable(specs.size(), "cannot write " +
                                           std::string(requestPath) + ": " +
                                           error.message());
    out << request;
  }

  std::vector<std::string> environment = childEnvironment(options.threads);
  std::vector<llvm::StringRef> environmentRefs(environment.begin(),
                                               environment.end());
  llvm::StringRef arguments[] = {options.python, options.script, "--request",
                                 requestPath};
  // stdin from /dev/null, stdout (the JSON) to a file, stderr (progress and
  // Python's own errors) to ours.
  std::optional<llvm::StringRef> redirects[] = {
      llvm::StringRef(""), llvm::StringRef(resultPath), std::nullopt};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(
      options.python, arguments, environmentRefs, redirects, 0, 0, &message);
  if (status != 0)
    return unavailable(specs.size(),
                       "torch_peer.py exited with status " +
                           std::to_string(status) +
                           (message.empty() ? "" : ": " + message));

  auto text = llvm::MemoryBuffer::getFile(resultPath);
  if (!text)
    return unavailable(specs.size(), "torch_peer.py wrote no result");
  auto parsed = llvm::json::parse((*text)->getBuffer());
  if (!parsed)
    return unavailable(specs.size(), "torch_peer.py result: " +
                                         llvm::toString(parsed.takeError()));
  const llvm::json::Object *root = parsed->getAsObject();
  if (!root)
    return unavailable(specs.size(), "torch_peer.py result is not an object");
  if (auto why = root->getString("error"))
    return unavailable(specs.size(), why->str());
  const llvm::json::Array *results = root->getArray("layers");
  if (!results || results->size() != specs.size())
    return unavailable(specs.size(), "torch_peer.py result has the wrong "
                                     "number of layers");

  TorchResults torch;
  torch.version = root->getString("version").value_or("torch ?").str();
  for (const llvm::json::Value &entry : *results) {
    const llvm::json::Object *layer = entry.getAsObject();
    torch.layers.push_back(
        {readTime(layer ? layer->getObject("contiguous") : nullptr),
         readTime(layer ? layer->getObject("channels_last") : nullptr)});
  }
  return torch;
}
