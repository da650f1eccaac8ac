//===- Pipeline.h - The pass pipeline, stage by stage -----------*- C++ -*-===//
//
// Each stage is a textual pass pipeline (so `--emit` output and lit tests can
// reproduce any step with convjit-opt) applied to the module of one layer.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_PIPELINE_PIPELINE_H
#define CONVJIT_PIPELINE_PIPELINE_H

#include "Pipeline/Compiler.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <mutex>
#include <string>

namespace convjit {

/// Registers every dialect, interface and translation the pipeline uses.
void registerPipelineDialects(mlir::DialectRegistry &registry);

/// Registers convjit's passes (and the upstream ones the pipelines name) so
/// textual pipelines and convjit-opt can parse them. Idempotent.
void registerPipelinePasses();

/// The textual pipeline that takes a module from the stage before `stage`
/// to `stage` (Linalg, Tiled or LLVM).
std::string stagePipeline(Stage stage, const CodegenOptions &options);

/// The MLIR context compilations share, and the pass pipelines built in it:
/// parsing a pipeline and freezing its rewrite patterns costs more than
/// running it on one kernel, so each pipeline is built once per process.
/// One compilation at a time uses the session (hold `lock()`); the LLVM
/// half of code generation needs no MLIR and runs outside it.
class CompilerSession {
public:
  static CompilerSession &get();

  std::unique_lock<std::mutex> lock() {
    return std::unique_lock<std::mutex>(mutex);
  }
  mlir::MLIRContext &context() { return mlirContext; }

  /// Runs the stages after `from` up to and including `to` on `module`
  /// (which lives in context()). Diagnostics are returned as the error.
  llvm::Error runStages(mlir::ModuleOp module, Stage from, Stage to,
                        const CodegenOptions &options);

private:
  CompilerSession();
  std::mutex mutex;
  mlir::MLIRContext mlirContext;
  llvm::StringMap<std::unique_ptr<mlir::PassManager>> pipelines;
};

} // namespace convjit

#endif // CONVJIT_PIPELINE_PIPELINE_H
