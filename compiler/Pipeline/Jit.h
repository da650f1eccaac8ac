//===- Jit.h - LLVM IR to machine code, and machine code into the process -*- C++ -*-===//
//
// The two halves of JIT compilation kept apart so the persistent kernel cache
// can sit between them: `compileToObject` turns an LLVM IR module into a
// relocatable object for a target; `JitLinker::load` links such an object
// (fresh or read back from the cache) into this process and resolves symbols.
//
// mlir::ExecutionEngine fuses the two and offers no way to load a cached
// object (nor to tune LLVM's pipeline), so this uses the same LLVM pieces
// (TargetMachine, the new pass manager, ORC LLJIT) directly.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_PIPELINE_JIT_H
#define CONVJIT_PIPELINE_JIT_H

#include "Target/TargetInfo.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>

namespace llvm {
class Module;
class TargetMachine;
namespace orc {
class JITDylib;
} // namespace orc
} // namespace llvm

namespace convjit {

/// A TargetMachine for `target` at the optimization level kernels use.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetInfo &target);

/// Runs the kernels' LLVM pipeline (the cleanup passes of -O3 that matter
/// for code MLIR already vectorized; see Jit.cpp) on `module` for `target`
/// (in place).
llvm::Error optimizeModule(llvm::Module &module, const TargetInfo &target);

enum class CodeGenFile { Object, Assembly };

/// Code generation of an (optimized) module into an object file or assembly.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
emitCode(llvm::Module &module, const TargetInfo &target, CodeGenFile kind);

/// Code linked into this process: symbol addresses stay valid while it lives.
class LoadedCode {
public:
  ~LoadedCode();
  LoadedCode(const LoadedCode &) = delete;
  LoadedCode &operator=(const LoadedCode &) = delete;

  /// Address of `symbol` (a C name as in the object file), or an error.
  llvm::Expected<void *> lookup(llvm::StringRef symbol) const;

private:
  friend class JitLinker;
  explicit LoadedCode(llvm::orc::JITDylib &dylib) : dylib(dylib) {}
  llvm::orc::JITDylib &dylib;
};

/// Links objects into this process (one ORC LLJIT instance per process).
class JitLinker {
public:
  static llvm::Expected<JitLinker &> get();

  /// Links `object` into a library of its own, so every kernel can use the
  /// same symbol names; external symbols resolve against this process.
  llvm::Expected<std::unique_ptr<LoadedCode>>
  load(std::unique_ptr<llvm::MemoryBuffer> object);

  /// Makes LLVM's OpenMP runtime (libomp) available to kernels that use it;
  /// loaded on first need, so single-threaded apps never load it.
  llvm::Error loadOpenMPRuntime();
};

} // namespace convjit

#endif // CONVJIT_PIPELINE_JIT_H
