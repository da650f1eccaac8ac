// A strided conv_transpose without dilation splits by output phase: each
// phase (p_h, p_w) of the output is a stride-1 convolution of the input
// (padded where its window leaves it) with the sub-kernel of taps
// c, c+s, ... of the flipped kernel, stored with stride s. k=4, s=2, pad 1:
// the upsampled form pads by k-1-1 = 2, so phase 0 meets taps 0, 2 and reads
// input q-1, q; phase 1 meets taps 1, 3 and reads q, q+1. All phases alike
// (same tap and output counts), so one core runs in a loop nest over the
// phases: the input padded once for all windows (phase p reads from padded
// position (p - 2) ceildiv 2 + 1 = p on), the sub-kernels stacked
// [p_h, p_w, j_h, j_w, ic, oc] (taps (-p) mod 2 + 2j) outside the loops.
// RUN: convjit-opt %s --convert-conv-to-linalg --canonicalize | FileCheck %s
// RUN: convjit-opt %s --convert-conv-to-linalg | convjit-opt --one-shot-bufferize="bufferize-function-boundaries" --convert-linalg-to-loops | FileCheck %s --check-prefix=LOOPS --implicit-check-not=linalg.

// CHECK-DAG: #[[STACK:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> ((-d0) mod 2 + d2 * 2, (-d1) mod 2 + d3 * 2, d4, d5)>
// CHECK-DAG: #[[FROM:.+]] = affine_map<(d0) -> ((d0 - 2) ceildiv 2 + 1)>
// CHECK-LABEL: func.func @dcgan
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x4x8xf32>
// CHECK: %[[FLIP:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<4x4x8x6xf32>)
// CHECK: %[[PAD:.+]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[STACKED:.+]] = linalg.generic {indexing_maps = [#[[STACK]], {{.+}}]{{.*}} ins(%[[FLIP]] : tensor<4x4x8x6xf32>) outs(%{{.+}} : tensor<2x2x2x2x8x6xf32>)
// CHECK: scf.for %[[PH:.+]] = %c0 to %c2 step %c1 iter_args(%[[O1:.+]] = %{{.+}}) -> (tensor<1x8x8x6xf32>)
// CHECK: scf.for %[[PW:.+]] = %c0 to %c2 step %c1 iter_args(%[[O2:.+]] = %[[O1]])
// CHECK-DAG: %[[H:.+]] = affine.apply #[[FROM]](%[[PH]])
// CHECK-DAG: %[[W:.+]] = affine.apply #[[FROM]](%[[PW]])
// CHECK: %[[WIN:.+]] = tensor.extract_slice %[[PAD]][0, %[[H]], %[[W]], 0] [1, 5, 5, 8] [1, 1, 1, 1] : tensor<1x6x6x8xf32> to tensor<1x5x5x8xf32>
// CHECK: %[[SUB:.+]] = tensor.extract_slice %[[STACKED]][%[[PH]], %[[PW]], 0, 0, 0, 0] [1, 1, 2, 2, 8, 6] [1, 1, 1, 1, 1, 1] : tensor<2x2x2x2x8x6xf32> to tensor<2x2x8x6xf32>
// CHECK: %[[CORE:.+]] = linalg.generic {{.*}} ins(%[[WIN]], %[[SUB]] : tensor<1x5x5x8xf32>, tensor<2x2x8x6xf32>) outs(%{{.+}} : tensor<1x4x4x6xf32>) attrs = {convjit.conv_core}
// CHECK: tensor.insert_slice %[[CORE]] into %[[O2]][0, %[[PH]], %[[PW]], 0] [1, 4, 4, 6] [1, 2, 2, 1]
// CHECK: } {convjit.independent}
// CHECK: } {convjit.independent}
// CHECK-NOT: convjit.conv_core
// CHECK: linalg.generic {{.*}} ins(%{{.+}} : tensor<1x8x8x6xf32>) {{.*}} {convjit.relu}
// LOOPS-LABEL: func.func @dcgan
// LOOPS: scf.for
func.func @dcgan(%x: tensor<1x4x4x8xf32>, %w: tensor<8x6x4x4xf32>, %b: tensor<6xf32>) -> tensor<1x8x8x6xf32> {
  %y = conv.conv_transpose %x, %w bias(%b) stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] output_padding [0, 0] groups 1 layout nhwc relu
       : (tensor<1x4x4x8xf32>, tensor<8x6x4x4xf32>, tensor<6xf32>) -> tensor<1x8x8x6xf32>
  return %y : tensor<1x8x8x6xf32>
}

// Phases that differ (k=3, s=2: taps 2 and 1 along each dim) are
// convolutions of different shapes, built one by one: (0, 0) with the single
// center tap, (0, 1) with one row tap and two column taps, ...
// CHECK-LABEL: func.func @uneven
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x4x8xf32>
// CHECK: %[[FLIP:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<3x3x8x6xf32>)
// CHECK: %[[K00:.+]] = tensor.extract_slice %[[FLIP]][1, 1, 0, 0] [1, 1, 8, 6] [2, 2, 1, 1]
// CHECK: %[[C00:.+]] = linalg.generic {{.*}} ins(%[[X]], %[[K00]] : tensor<1x4x4x8xf32>, tensor<1x1x8x6xf32>) {{.*}} attrs = {convjit.conv_core}
// CHECK: %[[O00:.+]] = tensor.insert_slice %[[C00]] into %{{.+}}[0, 0, 0, 0] [1, 4, 4, 6] [1, 2, 2, 1]
// CHECK: %[[P01:.+]] = tensor.pad %[[X]] low[0, 0, 0, 0] high[0, 0, 1, 0]
// CHECK: %[[K01:.+]] = tensor.extract_slice %[[FLIP]][1, 0, 0, 0] [1, 2, 8, 6] [2, 2, 1, 1]
// CHECK: linalg.generic {{.*}} ins(%[[P01]], %[[K01]] : tensor<1x4x5x8xf32>, tensor<1x2x8x6xf32>)
// CHECK: tensor.insert_slice %{{.+}} into %[[O00]][0, 0, 1, 0] [1, 4, 4, 6] [1, 2, 2, 1]
// CHECK: tensor.extract_slice %[[FLIP]][0, 1, 0, 0] [2, 1, 8, 6] [2, 2, 1, 1]
// CHECK: tensor.extract_slice %[[FLIP]][0, 0, 0, 0] [2, 2, 8, 6] [2, 2, 1, 1]
// CHECK-NOT: scf.for
// LOOPS-LABEL: func.func @uneven
func.func @uneven(%x: tensor<1x4x4x8xf32>, %w: tensor<8x6x3x3xf32>) -> tensor<1x8x8x6xf32> {
  %y = conv.conv_transpose %x, %w stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] output_padding [1, 1] groups 1 layout nhwc
       : (tensor<1x4x4x8xf32>, tensor<8x6x3x3xf32>) -> tensor<1x8x8x6xf32>
  return %y : tensor<1x8x8x6xf32>
}

// A kernel smaller than the stride leaves phases no tap reaches: their
// outputs are the bias alone. k=1, s=3: phase 0 is a 1x1 conv, phases 1, 2
// are the broadcast bias.
// CHECK-LABEL: func.func @sparse_phases
// CHECK: linalg.generic {{.*}} attrs = {convjit.conv_core}
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[0, 0, 0] [1, 6, 4] [1, 3, 1]
// CHECK: %[[B1:.+]] = linalg.broadcast ins(%{{.+}} : tensor<4xf32>) outs(%{{.+}} : tensor<1x5x4xf32>)
// CHECK: tensor.insert_slice %[[B1]] into %{{.+}}[0, 1, 0] [1, 5, 4] [1, 3, 1]
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[0, 2, 0] [1, 5, 4] [1, 3, 1]
// CHECK-NOT: convjit.conv_core
// LOOPS-LABEL: func.func @sparse_phases
func.func @sparse_phases(%x: tensor<1x6x4xf32>, %w: tensor<4x4x1xf32>, %b: tensor<4xf32>) -> tensor<1x16x4xf32> {
  %y = conv.conv_transpose %x, %w bias(%b) stride [3] dilation [1] pad [0] to [0] output_padding [0] groups 1 layout nhwc
       : (tensor<1x6x4xf32>, tensor<4x4x1xf32>, tensor<4xf32>) -> tensor<1x16x4xf32>
  return %y : tensor<1x16x4xf32>
}
