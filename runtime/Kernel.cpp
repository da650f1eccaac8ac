//===- Kernel.cpp - Compiled layers behind the C++ API --------------------===//

#include "convjit/Kernel.h"

#include "KernelArgsCheck.h"

#include "Pipeline/Compiler.h"
#include "Pipeline/Jit.h"
#include "Pipeline/KernelAbi.h"
#include "Pipeline/KernelCache.h"
#include "Pipeline/TuningDatabase.h"
#include "Spec/SpecParser.h"

#include "llvm/ADT/StringMap.h"

#include <chrono>
#include <cstdlib>
#include <mutex>

using namespace convjit;

namespace {
/// Machine code of one layer, shared by every Kernel compiled from an equal
/// spec for the same target.
struct CompiledCode {
  std::unique_ptr<LoadedCode> code;
  void *run = nullptr;
  void *pack = nullptr;
  KernelSignature signature;
};

struct AlignedFree {
  void operator()(float *p) const { std::free(p); }
};
using AlignedBuffer = std::unique_ptr<float[], AlignedFree>;

AlignedBuffer allocateAligned(int64_t elements) {
  size_t bytes = llvm::alignTo(std::max<int64_t>(elements, 1) * sizeof(float), 64);
  return AlignedBuffer(static_cast<float *>(std::aligned_alloc(64, bytes)));
}

/// Compiled code by cache key; a second compile of the same layer is free.
class CodeCache {
public:
  static CodeCache &get() {
    static CodeCache cache;
    return cache;
  }
  std::shared_ptr<CompiledCode> lookup(const std::string &key) {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = entries.find(key);
    return it == entries.end() ? nullptr : it->second;
  }
  void insert(const std::string &key, std::shared_ptr<CompiledCode> code) {
    std::lock_guard<std::mutex> lock(mutex);
    entries.try_emplace(key, std::move(code));
  }

private:
  std::mutex mutex;
  llvm::StringMap<std::shared_ptr<CompiledCode>> entries;
};

using Pointers = llvm::SmallVector<float *, 6>;

/// Calls a kernel entry point with the bare-pointer convention.
void callKernel(void *function, const Pointers &args) {
  using P = float *;
  switch (args.size()) {
  case 2:
    return reinterpret_cast<void (*)(P, P)>(function)(args[0], args[1]);
  case 3:
    return reinterpret_cast<void (*)(P, P, P)>(function)(args[0], args[1],
                                                         args[2]);
  case 4:
    return reinterpret_cast<void (*)(P, P, P, P)>(function)(args[0], args[1],
                                                            args[2], args[3]);
  case 5:
    return reinterpret_cast<void (*)(P, P, P, P, P)>(function)(
        args[0], args[1], args[2], args[3], args[4]);
  case 6:
    return reinterpret_cast<void (*)(P, P, P, P, P, P)>(function)(
        args[0], args[1], args[2], args[3], args[4], args[5]);
  }
  llvm_unreachable("kernels take 2 to 6 pointers");
}
} // namespace

struct Kernel::Impl {
  std::shared_ptr<CompiledCode> code;
  AlignedBuffer packed; // prepared weights, null until prepare()
  /// Scratch for the kernel's temporaries, allocated on the first run and
  /// reused by every run that finds it free (a concurrent run gets its own).
  std::mutex workspaceMutex;
  AlignedBuffer workspace;
};

Kernel::Kernel(ConvSpec spec)
    : layerSpec(std::move(spec)), impl(std::make_unique<Impl>()) {}

Kernel::~Kernel() = default;

/// Links a compiled layer into this process and finds its entry points.
static llvm::Expected<std::shared_ptr<CompiledCode>>
linkKernel(CompiledObject compiled) {
  auto linker = JitLinker::get();
  if (!linker)
    return linker.takeError();
  if (compiled.signature.usesOpenMP)
    if (llvm::Error error = linker->loadOpenMPRuntime())
      return std::move(error);
  auto loaded = linker->load(std::move(compiled.object));
  if (!loaded)
    return loaded.takeError();
  auto code = std::make_shared<CompiledCode>();
  code->signature = compiled.signature;
  code->code = std::move(*loaded);
  auto run = code->code->lookup(kRunSymbol);
  if (!run)
    return run.takeError();
  code->run = *run;
  if (code->signature.hasPack) {
    auto pack = code->code->lookup(kPackSymbol);
    if (!pack)
      return pack.takeError();
    code->pack = *pack;
  }
  return code;
}

/// The layer's machine code: from the disk cache when `cache` holds it,
/// else compiled now (and stored there). A cache that cannot be written
/// only costs the next process a compile, so that is not an error.
static llvm::Expected<std::shared_ptr<CompiledCode>>
obtainCode(const ConvSpec &spec, const CodegenOptions &options,
           const std::string &key, const KernelCache *cache,
           CompileStats::Source &source) {
  if (cache) {
    if (std::optional<CompiledObject> cached = cache->load(key)) {
      auto code = linkKernel(std::move(*cached));
      if (code) {
        source = CompileStats::Source::DiskCache;
        return code;
      }
      // An object that will not link is as good as a corrupt file.
      llvm::consumeError(code.takeError());
    }
  }
  auto compiled = compileToObject(spec, options);
  if (!compiled)
    return compiled.takeError();
  if (cache)
    llvm::consumeError(cache->store(key, *compiled));
  source = CompileStats::Source::Compiled;
  return linkKernel(std::move(*compiled));
}

llvm::Expected<std::shared_ptr<Kernel>>
Kernel::compile(const ConvSpec &spec, const CompileOptions &options) {
  auto start = std::chrono::steady_clock::now();
  auto target = TargetInfo::byName(options.target);
  if (!target)
    return target.takeError();
  const TargetInfo &host = TargetInfo::host();
  if (target->vectorBits > host.vectorBits)
    return llvm::createStringError(
        "target '" + options.target + "' needs " +
        std::to_string(target->vectorBits) +
        "-bit vectors, which this CPU (" + host.cpu + ") lacks");
  if (options.threads < 1)
    return llvm::createStringError("threads: must be at least 1");
  if (options.minParallelWork < 0)
    return llvm::createStringError("minParallelWork: must not be negative");
  CodegenOptions codegen;
  codegen.target = *target;
  codegen.threads = options.threads;
  codegen.minParallelWork = options.minParallelWork;
  bool tunedFromDatabase = false;
  if (!options.tuning.empty()) {
    auto tuning = ScheduleTuning::parse(options.tuning);
    if (!tuning)
      return tuning.takeError();
    codegen.tuning = *tuning;
  } else if (options.tuningDatabase) {
    if (std::optional<ScheduleTuning> tuned = lookupTuning(spec, codegen)) {
      codegen.tuning = *tuned;
      tunedFromDatabase = true;
    }
  }

  std::shared_ptr<Kernel> kernel(new Kernel(spec));
  std::string key = KernelCache::keyFor(spec, codegen);
  kernel->compileStats.source = CompileStats::Source::MemoryCache;
  kernel->compileStats.tuning = codegen.tuning.str();
  kernel->compileStats.tunedFromDatabase = tunedFromDatabase;
  if (options.memoryCache)
    kernel->impl->code = CodeCache::get().lookup(key);
  if (!kernel->impl->code) {
    std::optional<KernelCache> disk;
    if (options.persistentCache)
      disk = KernelCache::fromEnvironment();
    auto code = obtainCode(spec, codegen, key, disk ? &*disk : nullptr,
                           kernel->compileStats.source);
    if (!code)
      return code.takeError();
    CodeCache::get().insert(key, *code);
    kernel->impl->code = *code;
  }
  kernel->compileStats.milliseconds =
      std::chrono::duration<double, std::milli>(
          std::chrono::steady_clock::now() - start)
          .count();
  return kernel;
}

llvm::Expected<std::shared_ptr<Kernel>>
Kernel::compile(llvm::StringRef specText, const CompileOptions &options) {
  auto spec = parseSpec(specText);
  if (!spec)
    return spec.takeError();
  return compile(*spec, options);
}

/// Runs the pack function into `packed`.
static llvm::Error packWeights(const ConvSpec &spec, const CompiledCode &code,
                               const TensorView &weight, const TensorView &bias,
                               float *packed) {
  if (llvm::Error error = checkTensor("weight", weight, spec.weightShape()))
    return error;
  if (llvm::Error error = checkTensor("bias", bias, spec.biasShape()))
    return error;
  std::vector<float> weightCopy, biasCopy;
  Pointers args{const_cast<float *>(denseInput(weight, weightCopy))};
  if (bias.present())
    args.push_back(const_cast<float *>(denseInput(bias, biasCopy)));
  args.push_back(packed);
  callKernel(code.pack, args);
  return llvm::Error::success();
}

llvm::Error Kernel::prepare(const TensorView &weight, const TensorView &bias) {
  if (!layerSpec.hasWeights())
    return llvm::createStringError(opKindName(layerSpec.op) +
                                   " has no weights to prepare");
  AlignedBuffer packed = allocateAligned(impl->code->signature.packedElements);
  if (llvm::Error error =
          packWeights(layerSpec, *impl->code, weight, bias, packed.get()))
    return error;
  impl->packed = std::move(packed);
  return llvm::Error::success();
}

llvm::Error Kernel::run(const KernelArgs &args) {
  const ConvSpec &spec = layerSpec;
  const CompiledCode &code = *impl->code;
  bool usePrepared = !args.weight.present() && !args.bias.present() && impl->packed;
  for (auto [name, view, shape] :
       {std::make_tuple("input", &args.input, spec.inputShape()),
        std::make_tuple("offset", &args.offset, spec.offsetShape()),
        std::make_tuple("mask", &args.mask, spec.maskShape()),
        std::make_tuple("output", &args.output, spec.outputShape())})
    if (llvm::Error error = checkTensor(name, *view, shape))
      return error;

  std::vector<float> inputCopy, offsetCopy, maskCopy;
  Pointers pointers{const_cast<float *>(denseInput(args.input, inputCopy))};
  if (args.offset.present())
    pointers.push_back(const_cast<float *>(denseInput(args.offset, offsetCopy)));
  if (args.mask.present())
    pointers.push_back(const_cast<float *>(denseInput(args.mask, maskCopy)));

  AlignedBuffer callPacked;
  if (code.signature.hasPack) {
    if (!usePrepared) {
      if (!args.weight.present() && !impl->packed)
        return llvm::createStringError(
            "weight: missing (pass it, or call prepare() first)");
      callPacked = allocateAligned(code.signature.packedElements);
      if (llvm::Error error = packWeights(spec, code, args.weight, args.bias,
                                          callPacked.get()))
        return error;
    }
    pointers.push_back(usePrepared ? impl->packed.get() : callPacked.get());
  } else if (args.weight.present() || args.bias.present()) {
    return llvm::createStringError(opKindName(spec.op) +
                                   " takes no weight or bias tensor");
  }

  AlignedBuffer outputStaging;
  float *output = args.output.data;
  if (!args.output.isContiguous()) {
    outputStaging = allocateAligned(args.output.numElements());
    output = outputStaging.get();
  }
  pointers.push_back(output);
  std::unique_lock<std::mutex> workspaceLock(impl->workspaceMutex,
                                             std::try_to_lock);
  AlignedBuffer ownWorkspace;
  if (code.signature.workspaceBytes > 0) {
    int64_t elements = llvm::divideCeil(code.signature.workspaceBytes, 4);
    if (workspaceLock.owns_lock()) {
      if (!impl->workspace)
        impl->workspace = allocateAligned(elements);
      pointers.push_back(impl->workspace.get());
    } else {
      ownWorkspace = allocateAligned(elements);
      pointers.push_back(ownWorkspace.get());
    }
  }
  callKernel(code.run, pointers);
  if (outputStaging)
    scatterToView(outputStaging.get(), args.output);
  return llvm::Error::success();
}
