// A dense core whose row of outputs is short computes the columns whose
// windows reach into the padding apart (convjit-choose-schedules,
// split-columns): a 7-wide row with pad 1 spends 2 of its 21 taps per row
// on zeros, which a register tile across the row cannot skip. Each edge
// column is a core of its own, its register tile down the column (7
// outputs), and convjit-tile-and-vectorize runs its kw loop over the taps
// inside the input only; the 5 columns between keep the row tile (and skip
// kh taps in the padding row by row). Alike edges are one body in a loop.
// RUN: convjit-opt %s --convert-conv-to-linalg --canonicalize --convjit-choose-schedules=target=avx512 --split-input-file | FileCheck %s
// RUN: convjit-opt %s --convert-conv-to-linalg --canonicalize --convjit-choose-schedules=target=avx512 --convjit-tile-and-vectorize --canonicalize --split-input-file | FileCheck %s --check-prefix=TILED
// RUN: convjit-opt %s --convert-conv-to-linalg --canonicalize "--convjit-choose-schedules=target=avx512 split-columns=off" --split-input-file | FileCheck %s --check-prefix=OFF
// RUN: convjit-opt %s --convert-conv-to-linalg --canonicalize "--convjit-choose-schedules=target=avx512 split-columns=on" --split-input-file | FileCheck %s --check-prefix=ON

// CHECK-DAG: #[[EDGE:.*]] = affine_map<()[s0] -> (s0 * 6)>
// CHECK-LABEL: func.func @short_row
// CHECK: %[[PADDED:.*]] = tensor.insert_slice {{.*}} into {{.*}}[0, 1, 8, 0] [1, 7, 1, 64]
// The two edge columns (0 and 6) are alike: one body in a loop over them.
// CHECK: %[[EDGES:.*]] = scf.for %[[SIDE:.*]] = %c0 to %c2 step %c1 iter_args(%[[OUT:.*]] = %{{.*}})
// CHECK: %[[COL:.*]] = affine.apply #[[EDGE]]()[%[[SIDE]]]
// CHECK: %[[E:.*]] = tensor.extract_slice %[[PADDED]][0, 0, %{{.*}}, 0] [1, 9, 3, 64]
// CHECK: %[[EC:.*]] = linalg.generic {{.*}} ins(%[[E]], %{{.*}}) outs(%{{.*}} : tensor<1x7x1x2x32xf32>)
// CHECK-SAME: tile = array<i64: 1, 7, 1, 1, 32, 0, 0, 0>
// CHECK: tensor.insert_slice %[[EC]] into %[[OUT]][0, 0, %[[COL]], 0, 0] [1, 7, 1, 2, 32]
// CHECK-NEXT: scf.yield
// CHECK-NEXT: } {convjit.independent}
// CHECK: %[[M:.*]] = tensor.extract_slice %[[PADDED]][0, 0, 1, 0] [1, 9, 7, 64]
// CHECK: %[[MC:.*]] = linalg.generic {{.*}} ins(%[[M]], %{{.*}}) outs(%{{.*}} : tensor<1x7x5x2x32xf32>)
// CHECK-SAME: tile = array<i64: 1, 1, 5, 1, 32, 0, 0, 0>
// CHECK: tensor.insert_slice %[[MC]] into %[[EDGES]][0, 0, 1, 0, 0] [1, 7, 5, 2, 32]
// The edge body's kw loop runs from max(0, 1 - 6 side) to min(3, 8 - 6 side):
// taps 1-2 in column 0, 0-1 in column 6; the middle's kh loop row by row.
// TILED-DAG: #[[KWLO:.*]] = affine_map<()[s0] -> (s0 * -6 + 1, 0)>
// TILED-DAG: #[[KWHI:.*]] = affine_map<()[s0] -> (s0 * -6 + 8, 3)>
// TILED-LABEL: func.func @short_row
// TILED: scf.for %[[SIDE:.*]] = %c0 to %c2 step %c1
// TILED: %[[LO:.*]] = affine.max #[[KWLO]]()[%[[SIDE]]]
// TILED: %[[HI:.*]] = affine.min #[[KWHI]]()[%[[SIDE]]]
// TILED: scf.for %{{.*}} = %[[LO]] to %[[HI]] step %c1 iter_args(%{{.*}}) -> (vector<7x32xf32>)
// TILED: vector.contract {{.*}} into vector<7x32xf32>
// TILED: affine.max
// TILED: affine.min
// TILED: vector.contract {{.*}} into vector<5x32xf32>
// TILED-NOT: vector.contract
// OFF-LABEL: func.func @short_row
// OFF-COUNT-1: convjit.conv_core
// OFF-NOT: convjit.conv_core
func.func @short_row(%x: tensor<1x7x7x64xf32>, %w: tensor<64x64x3x3xf32>) -> tensor<1x7x7x64xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 layout nhwc
       : (tensor<1x7x7x64xf32>, tensor<64x64x3x3xf32>) -> tensor<1x7x7x64xf32>
  return %y : tensor<1x7x7x64xf32>
}

// -----

// A 56-wide row spends 2 of 168 taps on padding, under 4.5%: one core,
// unless split-columns=on asks for the split.
// CHECK-LABEL: func.func @long_row
// CHECK-COUNT-1: convjit.conv_core
// CHECK-NOT: convjit.conv_core
// OFF-LABEL: func.func @long_row
// TILED-LABEL: func.func @long_row
// ON-LABEL: func.func @long_row
// ON: scf.for
// ON-COUNT-2: convjit.conv_core
func.func @long_row(%x: tensor<1x56x56x64xf32>, %w: tensor<64x64x3x3xf32>) -> tensor<1x56x56x64xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 layout nhwc
       : (tensor<1x56x56x64xf32>, tensor<64x64x3x3xf32>) -> tensor<1x56x56x64xf32>
  return %y : tensor<1x56x56x64xf32>
}
