//===- Passes.td - Passes that shape a layer into a JIT kernel -*- tablegen -*-===//

#ifndef CONVJIT_PIPELINE_PASSES
#define CONVJIT_PIPELINE_PASSES

include "mlir/Pass/PassBase.td"

def ConvjitKernelAbi : Pass<"convjit-kernel-abi", "mlir::ModuleOp"> {
  let summary = "Give a layer function the JIT calling convention";
  let description = [{
    Runs on the conv-dialect module of one layer, as ConvBuilder makes it.
    Renames the function `convjit_run`, tags each argument with its role
    (`convjit.role` = input, offset, mask, weight or bias, read off the conv
    op's operands) and appends the output as a destination argument (role
    `output`) that the result is materialized into, so that after
    bufferization the kernel writes straight into the caller's buffer.
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect"];
}

def ConvjitOutlinePacking : Pass<"convjit-outline-packing", "mlir::ModuleOp"> {
  let summary = "Move weight-only computation into a separate pack function";
  let description = [{
    Everything `convjit_run` computes from its weight and bias arguments alone
    (layout changes, kernel flips, reshapes: ops whose results are no larger
    than their inputs) moves into `convjit_pack(weight[, bias], packed)`,
    which stores each value the rest of `convjit_run` needs into one flat
    buffer at 64-byte-aligned offsets. `convjit_run` then takes that buffer
    instead of the weights. A kernel run many times with the same weights
    pays for their preparation once. The size is recorded in the module
    attribute `convjit.packed_elements`.
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect",
                           "mlir::bufferization::BufferizationDialect"];
}

def ConvjitCopiesToLinalg : Pass<"convjit-copies-to-linalg", "mlir::ModuleOp"> {
  let summary = "Rewrite memref.copy as linalg.copy";
  let description = [{
    Bufferization expresses copies (a padded input, a weight slice) as
    memref.copy, which lowers to a call into MLIR's runtime library for any
    strided layout. As linalg.copy the copy becomes loops the kernel's own
    code generation vectorizes, and the JIT needs no runtime library.
    A copy of a buffer onto itself (what bufferization leaves of a result
    computed in place) is erased.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def ConvjitVectorizeCopies
    : Pass<"convjit-vectorize-copies", "mlir::func::FuncOp"> {
  let summary = "Copies and fills of contiguous rows become vector loads and stores";
  let description = [{
    Runs after bufferization, on the linalg.copy and linalg.fill ops no
    schedule tiled (a padded input's copy, its zero borders, a transposed
    conv's phases put in place). The trailing dimensions that are contiguous
    in every operand collapse into rows; each row is moved by vector loads
    and stores of a cache line (64 bytes), with one shorter vector for a
    remainder, in a loop nest over the other dimensions. A copy or fill whose
    innermost dimension is strided is left alone (it lowers to scalar loops).
    The kernel's LLVM pipeline then needs no loop vectorizer. With
    `min-parallel-work` set (kernels for more than one thread), a copy or
    fill at the function's top level of at least an eighth of that many
    elements gets its outermost loop marked `convjit.parallel`.
  }];
  let options = [
    Option<"minParallelWork", "min-parallel-work", "int64_t",
           /*default=*/"-1",
           "Share copies and fills of at least 1/8 of this many elements "
           "among the threads (negative: never)">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect"];
}

def ConvjitParallelize : Pass<"convjit-parallelize", "mlir::func::FuncOp"> {
  let summary = "Turn the tile loops marked parallel into scf.parallel";
  let description = [{
    Runs after bufferization. The scheduler marks the outermost tile loops of
    a convolution core `convjit.parallel`: their iterations write disjoint
    output tiles. Each marked scf.for (without results, as bufferization
    leaves it) becomes an scf.parallel, and a marked loop whose body is just
    another marked loop with invariant bounds merges with it into one
    two-dimensional scf.parallel, so that convert-scf-to-openmp shares both
    among the threads. Loops the lowering marks `convjit.independent` (a
    transposed conv's alike phases, a window's alike edges and border
    regions) join the marked loop nested in them the same way, the views
    and index arithmetic between them moved into the body: the threads fork
    once for all phases (DCGAN's layer: four forks before) instead of once
    per iteration. Nests next to each other whose loops carry the same
    `convjit.partition` (parts of one result that write disjoint outputs and
    read nothing another part writes) become one scf.parallel over the
    `threads` threads, each running its share of every part in turn: one
    fork for all parts, no barrier between them.
  }];
  let options = [
    Option<"threads", "threads", "unsigned", /*default=*/"1",
           "Threads of the team that runs the parallel loops">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::affine::AffineDialect",
                           "mlir::arith::ArithDialect"];
}

def ConvjitMergeParallelRegions
    : Pass<"convjit-merge-parallel-regions", "mlir::func::FuncOp"> {
  let summary = "Fork the thread team once for consecutive parallel regions";
  let description = [{
    Runs after convert-scf-to-openmp. Each scf.parallel became an
    omp.parallel region: a fork of the team and a join. A region that
    follows another in the same block, with only ops free of memory effects
    or without results between them, moves into the one before: the ops
    free of memory effects move ahead of both regions, the others run on one
    thread in an omp.single (whose barrier the other threads wait at). The
    work-sharing loop that ended the first region keeps its barrier, so the
    second starts only when the first is done, as after a join. An nchw
    layer's layout change, conv and layout change back: one fork instead of
    three.
  }];
  let dependentDialects = ["mlir::omp::OpenMPDialect"];
}

def ConvjitWorkspace : Pass<"convjit-workspace", "mlir::ModuleOp"> {
  let summary = "Carve convjit_run's temporaries out of one caller-owned buffer";
  let description = [{
    Runs after bufferization, before deallocation is inserted. Every
    statically shaped memref.alloc at the top level of `convjit_run` (padded
    inputs, layout changes, blocked outputs) becomes a memref.view into a new
    last argument, a byte buffer of role `workspace`, at a 64-byte-aligned
    offset; the size is recorded in the module attribute
    `convjit.workspace_bytes`. The runtime allocates the workspace once per
    kernel: a large malloc/free per call would map and unmap fresh pages
    every time (a page fault per 4 KiB), which costs more than many of the
    layers themselves.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect", "mlir::arith::ArithDialect"];
}

def ConvjitScalarizeReads
    : Pass<"convjit-scalarize-reads", "mlir::func::FuncOp"> {
  let summary = "Read vectors that the tile uses element by element as scalars";
  let description = [{
    Two kinds of vector.transfer_read become one memref.load per element
    and a vector.from_elements, which LLVM folds into broadcasts from
    memory:
    - strided 1-D reads (a strided convolution's inputs, every `stride`
      elements): the upstream lowering builds them in a runtime loop of
      compares and blends;
    - the input operand of a register tile's vector.contract whose rows are
      3, 5, 6 or 7 floats (a stem with 3 input channels): no legal vector,
      so LLVM loads it in pieces and extracts elements with shuffles and
      spills.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect", "mlir::vector::VectorDialect", "mlir::arith::ArithDialect"];
}

def ConvjitResultsInPlace
    : Pass<"convjit-results-in-place", "mlir::func::FuncOp"> {
  let summary = "Compute results directly in the caller's output buffer";
  let description = [{
    A kernel's result is copied into its output argument by a
    `bufferization.materialize_in_destination`. When the result is a
    `tensor.collapse_shape` (a blocked output [.., OCB, OCI] seen as
    [.., OC]), the reshape moves to the destination instead: the result is
    materialized into a `memref.expand_shape` of the output (and into a
    `memref.collapse_shape` of it when the result is a
    `tensor.expand_shape`: a channels-first conv's flattened
    positions). Upstream
    `eliminate-empty-tensors` can then build the result inside the output
    buffer; otherwise bufferization allocates a temporary the size of the
    output and copies it over at the end of every call.

    A result assembled from parts (insert_slice after insert_slice into a
    tensor.empty: an interior and its border regions) starts from the
    destination itself (`bufferization.to_tensor restrict writable`), so
    that eliminate-empty-tensors places every part in the output. A part
    computed by tile loops whose only accesses to it are vector transfers
    (a depthwise layer's regions) carries the whole result instead and
    writes at the part's offsets: no slice to extract and insert back, which
    bufferization compared with every other slice of the result (Presburger
    sets, a fifth of a depthwise layer's compile). A fill inserted in
    several places (a padded copy's alike border strips, which cse made one
    fill) becomes one fill per place, so that each strip is filled where it
    lies rather than in a temporary copied to every strip.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def ConvjitLowerTransposes
    : Pass<"convjit-lower-transposes", "mlir::func::FuncOp"> {
  let summary = "Lower register transposes to the target's shuffle sequences";
  let description = [{
    A layout change (nchw <-> channels-last) moves its data through square
    register transposes, one vector of f32 on a side. The generic lowering
    (shuffle1d) makes one 64-element shuffle of an 8x8 transpose, which
    LLVM splits into about 90 shuffles, blends and stack spills. On AVX2 an
    8x8 transpose becomes the 24-instruction unpack/shuffle/permute sequence
    (x86vector's AVX2 lowering); on AVX-512 a 16x16 one becomes MLIR's
    16x16 shuffle sequence on rows (vector's shuffle_16x16 lowering; other
    shapes there one 1-D shuffle). Other transposes are left to
    convjit-lower-to-llvm (1-D shuffles).
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"host\"",
           "The CPU the code is for: host, avx2 or avx512">,
  ];
  let dependentDialects = ["mlir::vector::VectorDialect", "mlir::LLVM::LLVMDialect"];
}

def ConvjitLowerToLLVM : Pass<"convjit-lower-to-llvm", "mlir::ModuleOp"> {
  let summary = "Lower vector, memref, math, arith, index, func, cf and ub ops to the LLVM dialect";
  let description = [{
    The vector ops' progressive lowering (contractions as outer products,
    transposes as 1-D shuffles, 1-D transfers as loads and stores), then one
    dialect conversion of vector, memref, math, arith, index, func (bare
    pointer calling convention), cf and ub ops to the LLVM dialect: what
    convert-vector-to-llvm, finalize-memref-to-llvm and the
    convert-*-to-llvm passes do one after another, with the pattern sets
    built once per pass instance instead of on every run. OpenMP ops are
    left for convert-openmp-to-llvm.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // CONVJIT_PIPELINE_PASSES
