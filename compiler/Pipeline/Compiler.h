//===- Compiler.h - From ConvSpec to IR at every stage, and to objects -*- C++ -*-===//
//
// The compiler driver: builds the conv-dialect module for a layer, runs the
// pass pipeline (conv -> linalg -> scheduled/vectorized -> bufferized ->
// LLVM dialect), translates to LLVM IR and generates code. Every stage can be
// printed, which is what `convjit compile --emit=<stage>` shows.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_PIPELINE_COMPILER_H
#define CONVJIT_PIPELINE_COMPILER_H

#include "Schedule/ScheduleTuning.h"
#include "Spec/ConvSpec.h"
#include "Target/TargetInfo.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>

namespace convjit {

/// Stages of compilation, in pipeline order.
enum class Stage {
  Conv,   // the conv dialect, as built from the spec
  Linalg, // after conv -> linalg (tensors)
  Tiled,  // after the schedule: tiled and vectorized (tensors)
  LLVM,   // the LLVM dialect
  LLVMIR, // LLVM IR, optimized
  Asm,    // target assembly
};

/// What code generation produces code for.
struct CodegenOptions {
  TargetInfo target = TargetInfo::host();
  /// Threads a kernel runs on: with more than 1, its parallel tile loops
  /// (and the loops of the other ops) become OpenMP work-sharing loops.
  unsigned threads = 1;
  /// Ops with fewer iterations than this run on one thread.
  int64_t minParallelWork = int64_t(1) << 18;
  /// Schedule knobs overriding the cost model (the autotuner's findings).
  ScheduleTuning tuning;
  /// Everything here that changes the generated code, for cache keys.
  std::string str() const;
};

/// "conv", "linalg", "tiled", "llvm", "llvmir" or "asm".
llvm::Expected<Stage> parseStage(llvm::StringRef name);
llvm::StringRef stageName(Stage stage);

/// The kernel's textual form at `stage`, for one layer.
llvm::Expected<std::string> emitStage(const ConvSpec &spec, Stage stage,
                                      const CodegenOptions &options);

/// Entry points of a compiled layer. Arguments are bare pointers to dense
/// buffers in the spec's layout:
///   convjit_pack(weight[, bias], packed)   -- once per set of weights
///   convjit_run(input[, offset][, mask][, packed], output[, workspace])
/// Everything computed from weights and bias alone (layout changes, kernel
/// flips, bias broadcasts) lives in `packed`, a flat f32 buffer of
/// `packedElements`. Layers without weights have no pack function and no
/// packed argument. `workspace`, when the kernel has temporaries, is a
/// 64-byte-aligned scratch buffer of `workspaceBytes` the runtime owns.
struct KernelSignature {
  bool hasPack = false;
  int64_t workspaceBytes = 0;
  /// The kernel calls the OpenMP runtime (libomp), which must be loaded.
  bool usesOpenMP = false;
  int64_t packedElements = 0;
};

/// A layer compiled to a relocatable object for `target`.
struct CompiledObject {
  std::unique_ptr<llvm::MemoryBuffer> object;
  KernelSignature signature;
};

llvm::Expected<CompiledObject> compileToObject(const ConvSpec &spec,
                                               const CodegenOptions &options);

} // namespace convjit

#endif // CONVJIT_PIPELINE_COMPILER_H
