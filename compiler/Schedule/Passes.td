//===- Passes.td - Scheduling passes ---------------------------*- tablegen -*-===//

#ifndef CONVJIT_SCHEDULE_PASSES
#define CONVJIT_SCHEDULE_PASSES

include "mlir/Pass/PassBase.td"

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
    per loop, 0 = untiled; `interchange`: order of the tiled parallel loops)
    or, when absent, chosen for `target`. The schedule applied is recorded
    on the outermost loop of the tile nest, so the printed IR shows it.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"host\"",
           "Target whose registers and caches size the tiles: host, avx2 or avx512">,
  ];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect", "mlir::vector::VectorDialect",
    "mlir::affine::AffineDialect",
  ];
}

#endif // CONVJIT_SCHEDULE_PASSES
