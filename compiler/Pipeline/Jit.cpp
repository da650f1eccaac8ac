//===- Jit.cpp - Code generation and in-process linking -------------------===//

#include "Pipeline/Jit.h"
#include "Pipeline/KernelAbi.h"

#include "llvm/Passes/PassBuilder.h"

#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/SmallVectorMemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <atomic>
#include <mutex>

using namespace convjit;

static void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
  });
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
convjit::createTargetMachine(const TargetInfo &target) {
  initializeNativeTarget();
  llvm::Triple triple(target.triple);
  std::string error;
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return llvm::createStringError("no LLVM target for '" + target.triple +
                                   "': " + error);
  llvm::TargetOptions options;
  // A multiply feeding an add becomes one FMA (one rounding instead of two,
  // as every BLAS and oneDNN kernel does); otherwise IEEE semantics, no
  // fast-math.
  options.AllowFPOpFusion = llvm::FPOpFusion::Fast;
  std::unique_ptr<llvm::TargetMachine> machine(
      llvmTarget->createTargetMachine(triple, target.cpu, target.features,
                                      options, llvm::Reloc::PIC_,
                                      std::nullopt,
                                      llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return llvm::createStringError("cannot create a TargetMachine for " +
                                   target.cpu);
  return machine;
}

llvm::Error convjit::optimizeModule(llvm::Module &module,
                                    const TargetInfo &target) {
  auto machine = createTargetMachine(target);
  if (!machine)
    return machine.takeError();
  module.setDataLayout((*machine)->createDataLayout());
  module.setTargetTriple((*machine)->getTargetTriple());
  // Kernels never throw: without unwind tables (which -O3 dropped after
  // inferring this), code generation emits no call frame information.
  for (llvm::Function &function : module)
    if (!function.isDeclaration())
      function.addFnAttr(llvm::Attribute::NoUnwind);
  // Weight packing runs once per set of weights and its strided copies run
  // at memory speed either way (13 ms for 2.4M weights, optimized or not),
  // but optimizing and selecting instructions for its loop nests cost more
  // than for the kernel on layers that pack many slices (depthwise regions:
  // two thirds of code generation). It is compiled as written.
  if (llvm::Function *pack = module.getFunction(kPackSymbol)) {
    pack->addFnAttr(llvm::Attribute::OptimizeNone);
    pack->addFnAttr(llvm::Attribute::NoInline);
  }
  // MLIR hands LLVM loops it already tiled, vectorized (copies and fills
  // too: convjit-vectorize-copies) and unrolled into registers. What is left
  // is cleanup: the loads that neighbouring window taps share, address
  // arithmetic, loop-invariant code. -O3 spent ~3x as long (119 vs 42 M
  // instructions for a 3x3 conv, a quarter of the whole compile) on work
  // that finds nothing here: loop vectorization of vector code,
  // interprocedural constant propagation, an inliner with nothing to
  // inline, induction variable rewriting. Kernel speed on the anchor set,
  // side by side (all 24 layers at 1 thread, 11 at 2): within noise
  // (+-4%). No unroller either: on top of MLIR's unrolling it flattened
  // whole small loop nests (1.3 s to compile a small 3-D conv).
  // A pipeline parsed from text verifies that instcombine reached a fixed
  // point and aborts the process when it did not (one iteration is the
  // default since LLVM 18; a grouped transposed conv needed a second): a
  // kernel compiler must not abort its host, and an unfinished fold is only
  // a missed simplification.
  static constexpr llvm::StringLiteral kKernelPipeline =
      "function(sroa,early-cse<memssa>,instcombine<no-verify-fixpoint>,"
      "simplifycfg,loop-mssa(loop-rotate,licm),gvn,"
      "instcombine<no-verify-fixpoint>,simplifycfg)";
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(machine->get());
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager mpm;
  if (llvm::Error error = pb.parsePassPipeline(mpm, kKernelPipeline))
    return llvm::createStringError("internal error: bad LLVM pipeline: " +
                                   llvm::toString(std::move(error)));
  mpm.run(module, mam);
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
convjit::emitCode(llvm::Module &module, const TargetInfo &target,
                  CodeGenFile kind) {
  auto machine = createTargetMachine(target);
  if (!machine)
    return machine.takeError();
  module.setDataLayout((*machine)->createDataLayout());
  module.setTargetTriple((*machine)->getTargetTriple());
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager passes;
  auto fileType = kind == CodeGenFile::Object
                      ? llvm::CodeGenFileType::ObjectFile
                      : llvm::CodeGenFileType::AssemblyFile;
  if ((*machine)->addPassesToEmitFile(passes, os, nullptr, fileType))
    return llvm::createStringError("the target cannot emit this file type");
  passes.run(module);
  return std::make_unique<llvm::SmallVectorMemoryBuffer>(
      std::move(buffer), module.getModuleIdentifier(),
      /*RequiresNullTerminator=*/false);
}

namespace {
struct ProcessJit {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::atomic<unsigned> nextDylib{0};
  std::mutex mutex;
};
} // namespace

static llvm::Expected<ProcessJit &> processJit() {
  // Never destroyed: kernels cached in static storage may outlive any other
  // static object, and their unloading needs the JIT.
  static ProcessJit &state = *new ProcessJit;
  // Started once; a failure is remembered as text so every caller sees it.
  static std::string startFailure = [] {
    initializeNativeTarget();
    // The JIT only links objects compiled for the host already: its own
    // target machine needs the process triple, not the CPU and its
    // features, whose detection was half of starting the JIT (0.8 -> 0.3
    // ms, the first kernel a process loads from the disk cache).
    auto jit =
        llvm::orc::LLJITBuilder()
            .setJITTargetMachineBuilder(llvm::orc::JITTargetMachineBuilder(
                llvm::Triple(llvm::sys::getProcessTriple())))
            .create();
    if (!jit)
      return llvm::toString(jit.takeError());
    state.jit = std::move(*jit);
    // Kernels may call libc (malloc/free/memcpy) and MLIR's C runner utils.
    auto generator =
        llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
            state.jit->getDataLayout().getGlobalPrefix());
    if (!generator)
      return llvm::toString(generator.takeError());
    state.jit->getMainJITDylib().addGenerator(std::move(*generator));
    return std::string();
  }();
  if (!startFailure.empty())
    return llvm::createStringError("cannot start the JIT: " + startFailure);
  return state;
}

llvm::Expected<JitLinker &> JitLinker::get() {
  auto state = processJit();
  if (!state)
    return state.takeError();
  static JitLinker linker;
  return linker;
}

llvm::Expected<std::unique_ptr<LoadedCode>>
JitLinker::load(std::unique_ptr<llvm::MemoryBuffer> object) {
  auto state = processJit();
  if (!state)
    return state.takeError();
  std::lock_guard<std::mutex> lock(state->mutex);
  auto dylib = state->jit->createJITDylib(
      "convjit-kernel-" + std::to_string(state->nextDylib++));
  if (!dylib)
    return dylib.takeError();
  dylib->addToLinkOrder(state->jit->getMainJITDylib());
  if (llvm::Error error = state->jit->addObjectFile(*dylib, std::move(object)))
    return std::move(error);
  return std::unique_ptr<LoadedCode>(new LoadedCode(*dylib));
}

llvm::Expected<void *> LoadedCode::lookup(llvm::StringRef symbol) const {
  auto state = processJit();
  if (!state)
    return state.takeError();
  std::lock_guard<std::mutex> lock(state->mutex);
  auto address = state->jit->lookup(dylib, symbol);
  if (!address)
    return address.takeError();
  return address->toPtr<void *>();
}

llvm::Error JitLinker::loadOpenMPRuntime() {
  static std::string failure = [] {
    std::string error;
    if (llvm::sys::DynamicLibrary::LoadLibraryPermanently(CONVJIT_LIBOMP_PATH,
                                                          &error))
      return "cannot load the OpenMP runtime " +
             std::string(CONVJIT_LIBOMP_PATH) + ": " + error;
    return std::string();
  }();
  if (!failure.empty())
    return llvm::createStringError(failure);
  return llvm::Error::success();
}

LoadedCode::~LoadedCode() {
  auto state = processJit();
  if (!state) {
    llvm::consumeError(state.takeError());
    return;
  }
  std::lock_guard<std::mutex> lock(state->mutex);
  if (llvm::Error error =
          state->jit->getExecutionSession().removeJITDylib(dylib))
    llvm::consumeError(std::move(error));
}
