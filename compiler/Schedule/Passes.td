//===- Passes.td - Scheduling passes ---------------------------*- tablegen -*-===//

#ifndef CONVJIT_SCHEDULE_PASSES
#define CONVJIT_SCHEDULE_PASSES

include "mlir/Pass/PassBase.td"

def ConvjitBlockConvCores
    : Pass<"convjit-block-conv-cores", "mlir::func::FuncOp"> {
  let summary = "Choose each convolution core's schedule and lay it out for it";
  let description = [{
    For every linalg op tagged `convjit.conv_core` without a
    `convjit.schedule`: picks a schedule for `target` from its vector width,
    register count and caches, and rewrites the core into the form that
    schedule needs. Dense cores get their output channels split into
    register-tile-wide blocks with the weight packed [OCB, K..., IC, OCI];
    depthwise cores lose their unit channel dims and get the weight packed
    [K..., C], so a vector of channels reads contiguous weights. The weight
    re-layouts (tagged `convjit.weight_layout`) read only weights, so
    `convjit-outline-packing` moves them into the pack function. The chosen
    schedule is attached to the core as `convjit.schedule`.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"host\"",
           "Target whose registers and caches size the tiles: host, avx2 or avx512">,
  ];
  let dependentDialects = ["mlir::tensor::TensorDialect", "mlir::linalg::LinalgDialect"];
}

def ConvjitTileAndVectorize
    : Pass<"convjit-tile-and-vectorize", "mlir::func::FuncOp"> {
  let summary = "Tile and vectorize convolution cores by their schedule";
  let description = [{
    Applies a schedule to every linalg op tagged `convjit.conv_core`: tiles
    the parallel loops (fusing the op that initializes the output, a fill or
    a bias broadcast, into the tile), tiles the reduction loops, drops the
    unit dimensions that leaves, vectorizes the tile into one
    `vector.contract` and hoists the accumulator out of the reduction loops,
    so it lives in registers for the whole reduction.

    The schedule is read from the op's `convjit.schedule` dictionary
    (`tile`: parallel tile sizes, `reduce`: reduction tile sizes, one entry
    per loop, 0 = untiled; `interchange`: order of the loops), as
    `convjit-block-conv-cores` chose it or a test pinned it; cores without
    one stay untouched and become plain loops. The schedule applied is
    recorded on the outermost loop of the tile nest, so the printed IR
    shows it.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect", "mlir::vector::VectorDialect",
    "mlir::affine::AffineDialect",
  ];
}

#endif // CONVJIT_SCHEDULE_PASSES
