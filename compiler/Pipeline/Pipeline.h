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
#include "llvm/Support/Error.h"

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

/// Runs the stages after `from` up to and including `to` on `module`.
/// Diagnostics are returned as the error text.
llvm::Error runStages(mlir::ModuleOp module, Stage from, Stage to,
                      const CodegenOptions &options);

} // namespace convjit

#endif // CONVJIT_PIPELINE_PIPELINE_H
