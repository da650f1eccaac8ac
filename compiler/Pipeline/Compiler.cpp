//===- Compiler.cpp - One layer from spec to object code ------------------===//

#include "Pipeline/Compiler.h"
#include "Pipeline/Jit.h"
#include "Pipeline/KernelAbi.h"
#include "Pipeline/Pipeline.h"

#include "Conv/ConvBuilder.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace convjit;

static constexpr std::pair<Stage, const char *> kStageNames[] = {
    {Stage::Conv, "conv"},     {Stage::Linalg, "linalg"},
    {Stage::Tiled, "tiled"},   {Stage::LLVM, "llvm"},
    {Stage::LLVMIR, "llvmir"}, {Stage::Asm, "asm"},
};

llvm::Expected<Stage> convjit::parseStage(llvm::StringRef name) {
  for (auto [stage, text] : kStageNames)
    if (name == text)
      return stage;
  return llvm::createStringError(
      "unknown stage '" + name +
      "' (expected conv, linalg, tiled, llvm, llvmir or asm)");
}

llvm::StringRef convjit::stageName(Stage stage) {
  for (auto [s, text] : kStageNames)
    if (s == stage)
      return text;
  return "?";
}

std::string CodegenOptions::str() const {
  std::string text = target.str() + " threads=" + std::to_string(threads) +
                     " min-parallel-work=" + std::to_string(minParallelWork);
  if (!tuning.isModel())
    text += " tuning=" + tuning.str();
  return text;
}

static llvm::Expected<OwningOpRef<ModuleOp>>
buildModuleAt(MLIRContext &context, const ConvSpec &spec, Stage stage,
              const CodegenOptions &options) {
  auto module = buildConvModule(context, {spec});
  if (!module)
    return module.takeError();
  Stage last = std::min(stage, Stage::LLVM);
  if (llvm::Error error = CompilerSession::get().runStages(
          **module, Stage::Conv, last, options))
    return std::move(error);
  return module;
}

/// The layer as optimized LLVM IR in `llvmContext`, and what its kernel
/// needs from the runtime. The MLIR half holds the compiler session;
/// optimization needs no MLIR, so other compilations may use the session
/// meanwhile.
static llvm::Expected<std::unique_ptr<llvm::Module>>
buildOptimizedLLVMIR(const ConvSpec &spec, const CodegenOptions &options,
                     llvm::LLVMContext &llvmContext,
                     KernelSignature &signature) {
  std::unique_ptr<llvm::Module> llvmModule;
  {
    CompilerSession &session = CompilerSession::get();
    auto lock = session.lock();
    auto module = buildModuleAt(session.context(), spec, Stage::LLVM, options);
    if (!module)
      return module.takeError();
    Operation *moduleOp = module->get().getOperation();
    if (auto packed =
            moduleOp->getAttrOfType<IntegerAttr>(kPackedElementsAttrName)) {
      signature.hasPack = true;
      signature.packedElements = packed.getInt();
    }
    if (auto workspace =
            moduleOp->getAttrOfType<IntegerAttr>(kWorkspaceBytesAttrName))
      signature.workspaceBytes = workspace.getInt();
    llvmModule =
        translateModuleToLLVMIR(module->get(), llvmContext, "convjit_kernel");
    if (!llvmModule)
      return llvm::createStringError("translation to LLVM IR failed");
  }
  if (llvm::Error error = optimizeModule(*llvmModule, options.target))
    return std::move(error);
  for (const llvm::Function &function : *llvmModule)
    if (function.isDeclaration() && function.getName().starts_with("__kmpc"))
      signature.usesOpenMP = true;
  return llvmModule;
}

llvm::Expected<std::string> convjit::emitStage(const ConvSpec &spec,
                                               Stage stage,
                                               const CodegenOptions &options) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (stage <= Stage::LLVM) {
    CompilerSession &session = CompilerSession::get();
    auto lock = session.lock();
    auto module = buildModuleAt(session.context(), spec, stage, options);
    if (!module)
      return module.takeError();
    (*module)->print(os);
    return text;
  }
  llvm::LLVMContext llvmContext;
  KernelSignature signature;
  auto llvmModule =
      buildOptimizedLLVMIR(spec, options, llvmContext, signature);
  if (!llvmModule)
    return llvmModule.takeError();
  if (stage == Stage::LLVMIR) {
    (*llvmModule)->print(os, nullptr);
    return text;
  }
  auto assembly =
      emitCode(**llvmModule, options.target, CodeGenFile::Assembly);
  if (!assembly)
    return assembly.takeError();
  return (*assembly)->getBuffer().str();
}

llvm::Expected<CompiledObject>
convjit::compileToObject(const ConvSpec &spec, const CodegenOptions &options) {
  CompiledObject compiled;
  llvm::LLVMContext llvmContext;
  auto llvmModule =
      buildOptimizedLLVMIR(spec, options, llvmContext, compiled.signature);
  if (!llvmModule)
    return llvmModule.takeError();
  auto object = emitCode(**llvmModule, options.target, CodeGenFile::Object);
  if (!object)
    return object.takeError();
  compiled.object = std::move(*object);
  return compiled;
}
