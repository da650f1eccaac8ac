// A conv core tiled by a pinned schedule: output-channel blocks outermost,
// a 1x1x4x16 register tile, reductions over kh, kw and 8 input channels, the
// tile's accumulator a vector<4x16xf32> carried through every reduction loop,
// starting from the fill's zeros in registers (not read back from memory).
// RUN: convjit-opt %s --convjit-tile-and-vectorize --canonicalize --split-input-file | FileCheck %s
// Without a pinned schedule, convjit-choose-schedules picks one for the
// target (and blocks the output channels to the register tile's width).
// RUN: convjit-opt %s --convjit-choose-schedules=target=avx2 --convjit-tile-and-vectorize --canonicalize --split-input-file | FileCheck %s --check-prefix=AVX2
// RUN: convjit-opt %s --convjit-choose-schedules=target=avx512 --convjit-tile-and-vectorize --canonicalize --split-input-file | FileCheck %s --check-prefix=AVX512
// RUN: convjit-opt %s "--convjit-choose-schedules=target=avx512 flat-channels=off" --convjit-tile-and-vectorize --canonicalize --split-input-file | FileCheck %s --check-prefix=LEFTOVER

#in = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh + kh, ow + kw, ic)>
#w = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (kh, kw, ic, oc)>
#out = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh, ow, oc)>

// CHECK-LABEL: func.func @pinned
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<4x16xf32>
// CHECK: scf.for {{.*}} = %c0 to %c32 step %c16
// CHECK: scf.for {{.*}} = %c0 to %c8 step %c1
// CHECK: scf.for {{.*}} = %c0 to %c8 step %c4
// CHECK-NOT: vector.transfer_read {{.*}} vector<4x16xf32>
// CHECK: scf.for {{.*}} = %c0 to %c3 step %c1 iter_args(%{{.*}} = %[[ZERO]]) -> (vector<4x16xf32>)
// CHECK: scf.for {{.*}} = %c0 to %c3 step %c1 iter_args({{.*}}) -> (vector<4x16xf32>)
// CHECK: scf.for {{.*}} = %c0 to %c16 step %c8 iter_args({{.*}}) -> (vector<4x16xf32>)
// CHECK: vector.contract {{.*}} : vector<4x8xf32>, vector<8x16xf32> into vector<4x16xf32>
// CHECK: } {convjit.parallel, convjit.schedule = {interchange = array<i64: 0, 3, 1, 2, 4, 5, 6>, reduce = array<i64: 0, 0, 0, 0, 1, 1, 8>, tile = array<i64: 1, 1, 4, 16, 0, 0, 0>}}
// CHECK-NOT: linalg.generic
func.func @pinned(%x: tensor<1x10x10x16xf32>, %w: tensor<3x3x16x32xf32>, %init: tensor<1x8x8x32xf32>) -> tensor<1x8x8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<1x8x8x32xf32>) -> tensor<1x8x8x32xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x10x10x16xf32>, tensor<3x3x16x32xf32>) outs(%acc : tensor<1x8x8x32xf32>)
       attrs = {convjit.conv_core, convjit.schedule = {tile = array<i64: 1, 1, 4, 16, 0, 0, 0>,
                                                       reduce = array<i64: 0, 0, 0, 0, 1, 1, 8>,
                                                       interchange = array<i64: 0, 3, 1, 2, 4, 5, 6>}} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x8x8x32xf32>
  return %y : tensor<1x8x8x32xf32>
}

// -----

#in = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh + kh, ow + kw, ic)>
#w = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (kh, kw, ic, oc)>
#out = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh, ow, oc)>

// 54 outputs in 5-wide tiles leave 4: instead of a peeled 4-wide copy of
// the tile, the last tile starts at 49 and recomputes one output of the
// tile before it (1/54 of the row; the tile starts from the fill's zeros, so
// it writes the same values). One vector.contract, all shapes static.
// CHECK-DAG: #[[SHIFT:.*]] = affine_map<(d0) -> (49, d0)>
// CHECK-LABEL: func.func @shifted_last_tile
// CHECK: scf.for %[[OW:.*]] = %c0 to %c54 step %c5
// CHECK: %[[START:.*]] = affine.min #[[SHIFT]](%[[OW]])
// CHECK: vector.contract {{.*}} into vector<5x16xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, %[[START]], 0] [1, 1, 5, 16] [1, 1, 1, 1] : tensor<1x1x5x16xf32> into tensor<1x1x54x16xf32>
// CHECK-NOT: vector.contract
func.func @shifted_last_tile(%x: tensor<1x1x56x8xf32>, %w: tensor<1x3x8x16xf32>, %init: tensor<1x1x54x16xf32>) -> tensor<1x1x54x16xf32> {
  %zero = arith.constant 0.0 : f32
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<1x1x54x16xf32>) -> tensor<1x1x54x16xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x1x56x8xf32>, tensor<1x3x8x16xf32>) outs(%acc : tensor<1x1x54x16xf32>)
       attrs = {convjit.conv_core, convjit.schedule = {tile = array<i64: 1, 1, 5, 16, 0, 0, 0>,
                                                       reduce = array<i64: 0, 0, 0, 0, 1, 1, 8>,
                                                       interchange = array<i64: 0, 1, 2, 3, 4, 5, 6>}} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x1x54x16xf32>
  return %y : tensor<1x1x54x16xf32>
}

// -----

#in = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh + kh, ow + kw, ic)>
#w = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (kh, kw, ic, oc)>
#out = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh, ow, oc)>

// The fewest loads per FMA over a row of 28 with >= 8 accumulators:
// 16 ymm: 6 positions x 2 vectors of 8 channels, four full tiles and a
// peeled 4-wide one (38 loads per 56 FMAs);
// 32 zmm: at most 24 accumulators and 2 vectors (ConvSchedule.cpp), so
// 10 positions x 2 vectors of 16 channels in two blocks of 32, two full
// tiles and a peeled 8-wide one (a 4-wide one, after 12 + 12, would run
// its 8 FMA chains below the peak).
// Unscheduled, the core is left alone (it becomes plain loops later).
// CHECK-LABEL: func.func @chosen
// CHECK: linalg.generic
// AVX2-LABEL: func.func @chosen
// AVX2: scf.for {{.*}} = %c0 to %c24 step %c6
// AVX2: vector.contract {{.*}} into vector<6x16xf32>
// AVX2: vector.contract {{.*}} into vector<4x16xf32>
// AVX2: } {convjit.parallel, convjit.schedule = {interchange = array<i64: 0, 3, 1, 2, 4, 5, 6, 7>, reduce = array<i64: 0, 0, 0, 0, 0, 1, 1, 8>, tile = array<i64: 1, 1, 6, 1, 16, 0, 0, 0>}}
// AVX512-LABEL: func.func @chosen
// AVX512: scf.for {{.*}} = %c0 to %c20 step %c10
// AVX512: vector.contract {{.*}} into vector<10x32xf32>
// AVX512: vector.contract {{.*}} into vector<8x32xf32>
// AVX512: } {convjit.parallel, convjit.schedule = {interchange = array<i64: 0, 3, 1, 2, 4, 5, 6, 7>, reduce = array<i64: 0, 0, 0, 0, 0, 1, 1, 8>, tile = array<i64: 1, 1, 10, 1, 32, 0, 0, 0>}}
func.func @chosen(%x: tensor<1x30x30x64xf32>, %w: tensor<3x3x64x64xf32>, %init: tensor<1x28x28x64xf32>) -> tensor<1x28x28x64xf32> {
  %zero = arith.constant 0.0 : f32
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<1x28x28x64xf32>) -> tensor<1x28x28x64xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x30x30x64xf32>, tensor<3x3x64x64xf32>) outs(%acc : tensor<1x28x28x64xf32>)
       attrs = {convjit.conv_core} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x28x28x64xf32>
  return %y : tensor<1x28x28x64xf32>
}

// -----

#in = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh + kh, ow + kw, ic)>
#w = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (kh, kw, ic, oc)>
#out = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh, ow, oc)>

// 24 output channels: 3 blocks of 8 on AVX2; on AVX-512 flat tiles of all
// 24 channels (flat-channels.mlir), or, with flat-channels=off, a tile of
// one 16-channel vector and the 8 channels left over peeled off, never a
// vector<...x24xf32> (LLVM splits a loop-carried one into scalars).
// AVX2-LABEL: func.func @channels_left_over
// AVX2: vector.contract {{.*}} into vector<{{[0-9]+}}x3x8xf32>
// AVX512-LABEL: func.func @channels_left_over
// AVX512: tile = array<i64: 1, 1, 16, 24, 0, 0, 0>
// LEFTOVER-LABEL: func.func @channels_left_over
// LEFTOVER: scf.for {{.*}} = %c0 to %c46 step %c23
// LEFTOVER: scf.for {{.*}} -> (vector<23x16xf32>)
// LEFTOVER: vector.contract {{.*}} into vector<23x16xf32>
// LEFTOVER: scf.for {{.*}} -> (vector<23x8xf32>)
// LEFTOVER: vector.contract {{.*}} into vector<23x8xf32>
// LEFTOVER: tile = array<i64: 1, 1, 23, 16, 0, 0, 0>
// LEFTOVER: vector.contract {{.*}} into vector<10x16xf32>
// LEFTOVER: vector.contract {{.*}} into vector<10x8xf32>
// LEFTOVER-NOT: vector<{{[0-9]+}}x24xf32>
func.func @channels_left_over(%x: tensor<1x1x56x144xf32>, %w: tensor<1x1x144x24xf32>, %init: tensor<1x1x56x24xf32>) -> tensor<1x1x56x24xf32> {
  %zero = arith.constant 0.0 : f32
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<1x1x56x24xf32>) -> tensor<1x1x56x24xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x1x56x144xf32>, tensor<1x1x144x24xf32>) outs(%acc : tensor<1x1x56x24xf32>)
       attrs = {convjit.conv_core} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x1x56x24xf32>
  return %y : tensor<1x1x56x24xf32>
}

// -----

#in = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh + kh, ow + kw, ic)>
#w = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (kh, kw, ic, oc)>
#out = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh, ow, oc)>

// `unroll` on kw marks the kw loop of the vectorized tile for
// convjit-unroll-windows (unroll-windows.mlir unrolls it).
// CHECK-LABEL: func.func @unrolled_window
// CHECK: scf.for {{.*}} = %c0 to %c3 step %c1 iter_args({{.*}}) -> (vector<4x16xf32>)
// CHECK: scf.for {{.*}} = %c0 to %c3 step %c1 iter_args({{.*}}) -> (vector<4x16xf32>)
// CHECK: vector.contract {{.*}} : vector<4x16xf32>, vector<16x16xf32> into vector<4x16xf32>
// CHECK-NOT: vector.contract
// CHECK: } {convjit.unroll}
// CHECK: unroll = array<i64: 0, 0, 0, 0, 0, 1, 0>
func.func @unrolled_window(%x: tensor<1x10x10x16xf32>, %w: tensor<3x3x16x16xf32>, %init: tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x10x10x16xf32>, tensor<3x3x16x16xf32>) outs(%acc : tensor<1x8x8x16xf32>)
       attrs = {convjit.conv_core, convjit.schedule = {tile = array<i64: 1, 1, 4, 16, 0, 0, 0>,
                                                       reduce = array<i64: 0, 0, 0, 0, 1, 1, 16>,
                                                       interchange = array<i64: 0, 1, 2, 3, 4, 5, 6>,
                                                       unroll = array<i64: 0, 0, 0, 0, 0, 1, 0>}} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x8x8x16xf32>
  return %y : tensor<1x8x8x16xf32>
}

// -----

#in = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh + kh, ow + kw, ic)>
#w = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (kh, kw, ic, oc)>
#out = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh, ow, oc)>

// convjit.padded_taps (set by choose-schedules): kh (loop 4) of output row
// oh (loop 1) reads input dim 1, dilation 1, which has 1 row of padding
// before 7 rows. A tile holds one row, so its kh loop runs over the rows
// inside the input only: from max(0, 1 - oh) to min(3, 8 - oh). kw stays
// whole: a tile of 7 columns needs all three taps.
// CHECK-DAG: #[[LO:.+]] = affine_map<()[s0] -> (-s0 + 1, 0)>
// CHECK-DAG: #[[HI:.+]] = affine_map<()[s0] -> (-s0 + 8, 3)>
// CHECK-LABEL: func.func @padded_taps
// CHECK: scf.for %[[OH:.+]] = %c0 to %c7 step %c1
// CHECK: %[[FIRST:.+]] = affine.max #[[LO]]()[%[[OH]]]
// CHECK: %[[LAST:.+]] = affine.min #[[HI]]()[%[[OH]]]
// CHECK: scf.for %{{.*}} = %[[FIRST]] to %[[LAST]] step %c1 iter_args({{.*}}) -> (vector<7x16xf32>)
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1
// CHECK-NOT: convjit.padded_taps
func.func @padded_taps(%x: tensor<1x9x9x16xf32>, %w: tensor<3x3x16x16xf32>, %init: tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32> {
  %zero = arith.constant 0.0 : f32
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x9x9x16xf32>, tensor<3x3x16x16xf32>) outs(%acc : tensor<1x7x7x16xf32>)
       attrs = {convjit.conv_core, convjit.padded_taps = array<i64: 4, 1, 1, 1, 1, 7>,
                convjit.schedule = {tile = array<i64: 1, 1, 7, 16, 0, 0, 0>,
                                    reduce = array<i64: 0, 0, 0, 0, 1, 1, 8>,
                                    interchange = array<i64: 0, 1, 2, 3, 4, 5, 6>}} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x7x7x16xf32>
  return %y : tensor<1x7x7x16xf32>
}

// -----

#in = affine_map<(n, oh, ow, g, oc, kh, kw, ic) -> (n, oh + kh, ow + kw, g * 4 + ic)>
#w = affine_map<(n, oh, ow, g, oc, kh, kw, ic) -> (g, kh, kw, ic, oc)>
#out = affine_map<(n, oh, ow, g, oc, kh, kw, ic) -> (n, oh, ow, g * 4 + oc)>

// A lane-rotation core (2 groups of 4 channels per 8-lane vector): per
// position one input vector, rotated by 1, 2, 3 within each group's 4
// lanes, times weight vectors shuffled from the tile's 2x4x4 weights
// (rotation 1: lane (j, o) takes weight (j, (o + 1) mod 4, o)), in 4 FMAs;
// no contraction.
// CHECK-LABEL: func.func @lane_rotation
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [4, 9, 14, 3, 20, 25, 30, 19] : vector<32xf32>, vector<32xf32>
// CHECK: vector.fma {{.*}} : vector<8xf32>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [1, 2, 3, 0, 5, 6, 7, 4] : vector<8xf32>, vector<8xf32>
// CHECK: vector.fma {{.*}} : vector<8xf32>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [3, 0, 1, 2, 7, 4, 5, 6] : vector<8xf32>, vector<8xf32>
// CHECK-NOT: vector.contract
// CHECK-NOT: convjit.lane_rotation
func.func @lane_rotation(%x: tensor<1x8x8x32xf32>, %w: tensor<8x3x3x4x4xf32>, %init: tensor<1x6x6x32xf32>) -> tensor<1x6x6x32xf32> {
  %zero = arith.constant 0.0 : f32
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<1x6x6x32xf32>) -> tensor<1x6x6x32xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x8x8x32xf32>, tensor<8x3x3x4x4xf32>) outs(%acc : tensor<1x6x6x32xf32>)
       attrs = {convjit.conv_core, convjit.lane_rotation = 4 : i64,
                convjit.schedule = {tile = array<i64: 1, 1, 3, 2, 4, 0, 0, 0>,
                                    reduce = array<i64: 0, 0, 0, 0, 0, 1, 1, 4>,
                                    interchange = array<i64: 0, 1, 2, 3, 4, 5, 6, 7>}} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x6x6x32xf32>
  return %y : tensor<1x6x6x32xf32>
}

// -----

#in = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh + kh, ow + kw, ic)>
#w = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (kh, kw, ic, oc)>
#out = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh, ow, oc)>

// A core whose result passes through a ReLU (convjit.relu_result): each
// tile takes the max with zero of its accumulators, in registers, right
// before their one store; no elementwise op over the whole output remains.
// CHECK-LABEL: func.func @relu_result
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<4x16xf32>
// CHECK: %[[ACC:.*]] = scf.for {{.*}} -> (vector<4x16xf32>)
// CHECK: %[[MAX:.*]] = arith.maximumf %[[ACC]], %[[ZERO]] : vector<4x16xf32>
// CHECK-NEXT: vector.transfer_write %[[MAX]]
// CHECK-NOT: arith.maximumf
// CHECK-NOT: linalg.generic
func.func @relu_result(%x: tensor<1x10x10x16xf32>, %w: tensor<3x3x16x32xf32>, %init: tensor<1x8x8x32xf32>) -> tensor<1x8x8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<1x8x8x32xf32>) -> tensor<1x8x8x32xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x10x10x16xf32>, tensor<3x3x16x32xf32>) outs(%acc : tensor<1x8x8x32xf32>)
       attrs = {convjit.conv_core, convjit.relu_result, convjit.schedule = {tile = array<i64: 1, 1, 4, 16, 0, 0, 0>,
                                                       reduce = array<i64: 0, 0, 0, 0, 1, 1, 8>,
                                                       interchange = array<i64: 0, 3, 1, 2, 4, 5, 6>}} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x8x8x32xf32>
  return %y : tensor<1x8x8x32xf32>
}
