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
  return target.str() + " threads=" + std::to_string(threads) +
         " min-parallel-work=" + std::to_string(minParallelWork);
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

/// The LLVM-dialect module as LLVM IR. The last step that reads MLIR: the
/// caller may release the compiler session after it.
static llvm::Expected<std::unique_ptr<llvm::Module>>
translateToLLVMIR(ModuleOp module, llvm::LLVMContext &llvmContext) {
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "convjit_kernel");
  if (!llvmModule)
    return llvm::createStringError("translation to LLVM IR failed");
  return llvmModule;
}

llvm::Expected<std::string> convjit::emitStage(const ConvSpec &spec,
                                               Stage stage,
                                               const CodegenOptions &options) {
  const TargetInfo &target = options.target;
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule;
  {
    CompilerSession &session = CompilerSession::get();
    auto lock = session.lock();
    auto module = buildModuleAt(session.context(), spec, stage, options);
    if (!module)
      return module.takeError();
    if (stage <= Stage::LLVM) {
      (*module)->print(os);
      return text;
    }
    auto translated = translateToLLVMIR(**module, llvmContext);
    if (!translated)
      return translated.takeError();
    llvmModule = std::move(*translated);
  }
  if (llvm::Error error = optimizeModule(*llvmModule, target))
    return std::move(error);
  if (stage == Stage::LLVMIR) {
    llvmModule->print(os, nullptr);
    return text;
  }
  auto assembly = emitCode(*llvmModule, target, CodeGenFile::Assembly);
  if (!assembly)
    return assembly.takeError();
  return (*assembly)->getBuffer().str();
}

llvm::Expected<CompiledObject>
convjit::compileToObject(const ConvSpec &spec, const CodegenOptions &options) {
  const TargetInfo &target = options.target;
  CompiledObject compiled;
  llvm::LLVMContext llvmContext;
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
      compiled.signature.hasPack = true;
      compiled.signature.packedElements = packed.getInt();
    }
    if (auto workspace =
            moduleOp->getAttrOfType<IntegerAttr>(kWorkspaceBytesAttrName))
      compiled.signature.workspaceBytes = workspace.getInt();
    auto translated = translateToLLVMIR(**module, llvmContext);
    if (!translated)
      return translated.takeError();
    llvmModule = std::move(*translated);
  }
  // Optimization and code generation need no MLIR: other compilations may
  // use the session meanwhile.
  if (llvm::Error error = optimizeModule(*llvmModule, target))
    return std::move(error);
  for (const llvm::Function &function : *llvmModule)
    if (function.isDeclaration() && function.getName().starts_with("__kmpc"))
      compiled.signature.usesOpenMP = true;
  auto object = emitCode(*llvmModule, target, CodeGenFile::Object);
  if (!object)
    return object.takeError();
  compiled.object = std::move(*object);
  return compiled;
}
