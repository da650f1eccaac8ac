//===- Passes.td - Scheduling passes ---------------------------*- tablegen -*-===//

#ifndef CONVJIT_SCHEDULE_PASSES
#define CONVJIT_SCHEDULE_PASSES

include "mlir/Pass/PassBase.td"

def ConvjitChooseSchedules
    : Pass<"convjit-choose-schedules", "mlir::func::FuncOp"> {
  let summary = "Choose every op's schedule and lay the data out for it";
  let description = [{
    Picks a schedule for `target` (from its vector width, register count and
    caches) for every op worth one, attaches it as `convjit.schedule`, and
    rewrites the op into the form that schedule needs:

    - convolution cores (`convjit.conv_core`): dense cores get their output
      channels split into register-tile-wide blocks with the weight packed
      [OCB, K..., IC, OCI]; depthwise cores lose their unit channel dims and
      get the weight packed [K..., C], so a vector of channels reads
      contiguous weights; other grouped cores run one group at a time. The
      weight re-layouts (tagged `convjit.weight_layout`) read only weights,
      so `convjit-outline-packing` moves them into the pack function.
    - pooling windows are generalized and scheduled like depthwise cores;
    - a ReLU of the whole result of one of these reductions becomes the
      reduction's `convjit.relu_result` (its tiles apply it), unless the
      reduction gets no schedule;
    - a dense core whose channels end in a partial vector of no
      power-of-two size splits off one whole vector ending at the last
      channel (LLVM scalarizes such a loop-carried vector);
    - transposes (layout changes) and elementwise epilogues get vectorized
      tiles: L x L register transposes, or 4 vectors along the innermost dim,
      over their dims that stay together collapsed into one.

    The knob options (`tile-width`, `tile-vectors`, `tile-rows`, `ic-step`,
    `blocks-outer`, `unroll-window`, `split-columns`, `flat-channels`)
    override the cost model's choices for every core and window op they
    fit; `convjit tune` varies them
    (ScheduleTuning.h).
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"host\"",
           "Target whose registers and caches size the tiles: host, avx2 or avx512">,
    // Overrides of the cost model's choices (ScheduleTuning.h): what the
    // autotuner varies. 0 / "auto" keeps the model's choice.
    Option<"tileWidth", "tile-width", "int64_t", /*default=*/"0",
           "Output positions per register tile">,
    Option<"tileVectors", "tile-vectors", "int64_t", /*default=*/"0",
           "Vectors of output channels per register tile">,
    Option<"tileRows", "tile-rows", "int64_t", /*default=*/"0",
           "Output rows per register tile of a channel-wise window">,
    Option<"inputChannelStep", "ic-step", "int64_t", /*default=*/"0",
           "Input channels per reduction step (at most)">,
    Option<"blocksOuter", "blocks-outer", "std::string", /*default=*/"\"auto\"",
           "Channel blocks of a dense core outermost: auto, on or off">,
    Option<"unrollWindow", "unroll-window", "std::string", /*default=*/"\"auto\"",
           "Unroll a channel-wise window's innermost loop: auto, on or off">,
    Option<"splitColumns", "split-columns", "std::string", /*default=*/"\"auto\"",
           "Compute a core's output columns that read padding apart: auto, on or off">,
    Option<"flatChannels", "flat-channels", "std::string", /*default=*/"\"auto\"",
           "Accumulate channels that are no whole number of vectors as consecutive vectors of a tile's floats: auto, on or off">,
  ];
  let dependentDialects = [
    "mlir::tensor::TensorDialect", "mlir::linalg::LinalgDialect",
    // A border body computing alike regions loops over them.
    "mlir::scf::SCFDialect", "mlir::affine::AffineDialect",
  ];
}

def ConvjitTileAndVectorize
    : Pass<"convjit-tile-and-vectorize", "mlir::func::FuncOp"> {
  let summary = "Tile and vectorize every op by its schedule";
  let description = [{
    Applies the schedule of every linalg op that has one: tiles
    the parallel loops (fusing the op that initializes the output, a fill or
    a bias broadcast, into the tile), tiles the reduction loops, drops the
    unit dimensions that leaves, vectorizes the tile into one
    `vector.contract` and hoists the accumulator out of the reduction loops,
    so it lives in registers for the whole reduction. A reduction marked
    `convjit.relu_result` gets a ReLU on each tile, applied to the
    accumulators before they are stored.

    The schedule is read from the op's `convjit.schedule` dictionary
    (`tile`: parallel tile sizes, `reduce`: reduction tile sizes, one entry
    per loop, 0 = untiled; `interchange`: order of the loops), as
    `convjit-choose-schedules` chose it or a test pinned it; ops without
    one stay untouched and become plain loops. The schedule applied is
    recorded on the outermost loop of the tile nest, so the printed IR
    shows it. `unroll` (optional) marks reduction loops `convjit.unroll`,
    for `convjit-unroll-windows` to unroll.

    The two outermost tile loops that run more than once are marked
    `convjit.parallel` (multithreaded kernels divide the work there), for
    ops of at least `min-parallel-work` iterations (an eighth of that for
    ops without reductions: layout changes, group-major copies). With
    `threads` above 1, a smaller op that is a part of a `convjit.partition`
    is marked when all parts together are that much work (they share one
    fork, convjit-parallelize); its loops carry the partition.
  }];
  let options = [
    Option<"minParallelWork", "min-parallel-work", "int64_t",
           /*default=*/"262144",
           "Ops with fewer iterations (multiply-adds, elements) run on one "
           "thread: a fork and join of the team costs more than they save">,
    Option<"threads", "threads", "unsigned", /*default=*/"1",
           "Threads of the kernel (the parts of a partition are shared "
           "only with more than one)">,
  ];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect", "mlir::vector::VectorDialect",
    "mlir::affine::AffineDialect",
  ];
}

def ConvjitUnrollWindows
    : Pass<"convjit-unroll-windows", "mlir::func::FuncOp"> {
  let summary = "Unroll the reduction loops a schedule marked for unrolling";
  let description = [{
    Completely unrolls every scf.for marked `convjit.unroll` (by
    `convjit-tile-and-vectorize`, from a schedule's `unroll`: the window taps
    of a register tile, whose loads overlap), so that LLVM sees the loads
    neighbouring taps share. Runs after bufferization: unrolled on tensors,
    the copies of the loop body multiplied the reads that bufferization
    analyses pairwise.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect"];
}

#endif // CONVJIT_SCHEDULE_PASSES
