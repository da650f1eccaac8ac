//===- Pipeline.cpp - conv -> linalg -> vectors -> LLVM dialect -----------===//

#include "Pipeline/Pipeline.h"
#include "Pipeline/PassDetail.h"

#include "Conv/ConvDialect.h"
#include "Lowering/Passes.h"
#include "Schedule/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"

#include "llvm/Support/FormatVariadic.h"

#include <mutex>

using namespace mlir;
using namespace convjit;

void convjit::registerPipelineDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<conv::ConvDialect>();
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
}

void convjit::registerPipelinePasses() {
  static std::once_flag once;
  std::call_once(once, [] {
    registerAllPasses();
    registerConvjitLoweringPasses();
    registerConvjitSchedulePasses();
    registerConvjitPipelinePasses();
  });
}

/// Canonicalizations run without region simplification, as convjit's own
/// pattern sweeps do (sweepConfig in Lowering/RewriteConfig.h says why).
static constexpr llvm::StringLiteral kCanonicalize =
    "canonicalize{region-simplify=disabled}";
/// The same, visiting the ops bottom-up. On the LLVM dialect of a threaded
/// kernel, whose unrolled tiles sit inside OpenMP regions, the top-down
/// walk spent most of its time deciding again and again whether those
/// region ops were dead: MobileNetV2's 56x56 depthwise layer with two-row
/// tiles took 51 ms in it at 2 threads, bottom-up ~1 ms, for the same
/// output (identical IR on six anchor layers).
static constexpr llvm::StringLiteral kCanonicalizeBottomUp =
    "canonicalize{region-simplify=disabled top-down=false}";

std::string convjit::stagePipeline(Stage stage,
                                   const CodegenOptions &options) {
  bool threaded = options.threads > 1;
  switch (stage) {
  case Stage::Conv:
    return "";
  case Stage::Linalg:
    // The schedule is chosen before weight packing is outlined: the layout
    // it wants the weights in is then prepared once, in convjit_pack.
    return llvm::formatv("convjit-kernel-abi,convert-conv-to-linalg,{2},cse,"
                         "func.func(convjit-choose-schedules{{target={0}{1}}),"
                         "{2},cse,convjit-outline-packing,{2},cse",
                         options.target.name, options.tuning.passOptions(),
                         kCanonicalize)
        .str();
  case Stage::Tiled:
    // Vector reads and writes of a tile's slices are folded into reads and
    // writes of the whole tensors: each slice was a subset that bufferization
    // compares pairwise (with Presburger sets) and a subview to lower. On a
    // depthwise layer with nine regions that was half of bufferization.
    return llvm::formatv("func.func(convjit-tile-and-vectorize{{"
                         "min-parallel-work={0} threads={2}}),{1},cse,"
                         "fold-tensor-subset-ops,{1},cse",
                         options.minParallelWork, kCanonicalize,
                         options.threads)
        .str();
  case Stage::LLVM:
    // Temporaries (padded inputs, layout changes) live in the workspace the
    // runtime allocates once (convjit-workspace), or on the heap inside
    // loops: stack buffers there overflow the stack on large shapes. With
    // threads, only the tile loops the schedules marked become OpenMP
    // work-sharing loops: the loops of unscheduled ops (border fills, small
    // copies) stay sequential; as collapsed OpenMP loops they ran scalar,
    // one element per iteration, and made a depthwise layer 3x slower on 2
    // threads than on 1. A last canonicalize of the LLVM dialect is needed
    // only with threads (it folds the memref descriptors passed to the
    // outlined OpenMP regions): on one thread it left the machine code
    // unchanged and took 15% of this stage. The canonicalize right after
    // convert-scf-to-openmp visits ops bottom-up too: 6 -> 2.5 ms on a
    // depthwise layer whose border regions share the interior's OpenMP
    // region; of the 48 anchor layers at 2 threads, 44 came out the same
    // and the dilated ones with an index sum written as a difference.
    return llvm::formatv(
               "func.func(convjit-results-in-place),eliminate-empty-tensors,"
               "one-shot-bufferize{{bufferize-function-boundaries "
               "function-boundary-type-conversion=identity-layout-map},"
               "drop-equivalent-buffer-results,"
               "func.func(convjit-unroll-windows),{5},"
               "convjit-workspace,"
               "buffer-deallocation-pipeline,convjit-copies-to-linalg,"
               "func.func(convjit-vectorize-copies{6}),"
               "{0}"
               "func.func(convjit-scalarize-reads),"
               "convert-vector-to-scf{{full-unroll},"
               "func.func(convjit-lower-transposes{{target={3}}),"
               "expand-strided-metadata,lower-affine,{1}convert-scf-to-cf,"
               "convjit-lower-to-llvm,{2}reconcile-unrealized-casts{4}",
               threaded
                   ? llvm::formatv("func.func(convjit-parallelize{{"
                                   "threads={0}},convert-linalg-to-loops),",
                                   options.threads)
                         .str()
                   : std::string("func.func(convert-linalg-to-loops),"),
               threaded ? llvm::formatv("convert-scf-to-openmp{{num-threads="
                                        "{0}},{1},func.func(convjit-merge-"
                                        "parallel-regions),",
                                        options.threads, kCanonicalizeBottomUp)
                              .str()
                        : std::string(),
               threaded ? "convert-openmp-to-llvm," : "", options.target.name,
               threaded ? ("," + kCanonicalizeBottomUp + ",cse").str()
                        : std::string(),
               kCanonicalize,
               threaded ? llvm::formatv("{{min-parallel-work={0}}",
                                        options.minParallelWork)
                              .str()
                        : std::string())
        .str();
  case Stage::LLVMIR:
  case Stage::Asm:
    return "";
  }
  return "";
}

CompilerSession &CompilerSession::get() {
  // Never destroyed: kernels may be compiled from static destructors' time.
  static CompilerSession &session = *new CompilerSession;
  return session;
}

CompilerSession::CompilerSession() {
  registerPipelinePasses();
  DialectRegistry registry;
  registerPipelineDialects(registry);
  mlirContext.appendDialectRegistry(registry);
  // Kernel modules are a single function: threads cost more than they save.
  mlirContext.disableMultithreading();
}

llvm::Error CompilerSession::runStages(ModuleOp module, Stage from, Stage to,
                                       const CodegenOptions &options) {
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  ScopedDiagnosticHandler handler(module.getContext(), [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error) {
      if (!diagnostics.empty())
        os << "; ";
      os << diag.str();
    }
    return success();
  });
  for (int s = static_cast<int>(from) + 1; s <= static_cast<int>(to); ++s) {
    Stage stage = static_cast<Stage>(s);
    std::string pipeline = stagePipeline(stage, options);
    if (pipeline.empty())
      continue;
    std::unique_ptr<PassManager> &pm = pipelines[pipeline];
    if (!pm) {
      pm = std::make_unique<PassManager>(module.getContext());
      std::string parseErrors;
      llvm::raw_string_ostream parseOs(parseErrors);
      if (failed(parsePassPipeline(pipeline, *pm, parseOs))) {
        pm.reset();
        return llvm::createStringError(
            "internal error: bad pipeline for stage " + stageName(stage) +
            ": " + parseErrors);
      }
      // Verifying the module after each of the ~40 passes took a third of
      // the MLIR half of a compile (40 of 117 ms on a depthwise layer); it is
      // verified once per stage below instead. convjit-opt, which the lit
      // tests and pass debugging use, still verifies after every pass.
      pm->enableVerifier(false);
    }
    if (failed(pm->run(module)))
      return llvm::createStringError(
          "compilation failed at stage " + stageName(stage) + ": " +
          (diagnostics.empty() ? std::string("(no diagnostic)") : diagnostics));
    if (failed(verify(module)))
      return llvm::createStringError(
          "internal error: stage " + stageName(stage) +
          " produced invalid IR: " +
          (diagnostics.empty() ? std::string("(no diagnostic)") : diagnostics));
  }
  return llvm::Error::success();
}
