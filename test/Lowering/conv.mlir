// conv.conv with groups == 1: channels-last input, tensor.pad, HWIO weight and
// one linalg.generic tagged convjit.conv_core.
// RUN: convjit-opt %s --convert-conv-to-linalg | FileCheck %s
// The result bufferizes and lowers to loops with upstream passes.
// RUN: convjit-opt %s --convert-conv-to-linalg | convjit-opt --one-shot-bufferize="bufferize-function-boundaries" --convert-linalg-to-loops | FileCheck %s --check-prefix=LOOPS --implicit-check-not=linalg.

// Input (n, o_i*s_i + k_i*d_i, ic), weight (k..., ic, oc), output (n, o..., oc).
// CHECK-DAG: #[[IN2D:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 * 2 + d4, d2 + d5 * 2, d6)>
// CHECK-DAG: #[[W2D:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
// CHECK-DAG: #[[OUT2D:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[IN1D:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 + d3, d4)>
// CHECK-DAG: #[[W1D:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d3, d4, d2)>
// CHECK-DAG: #[[OUT1D:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
// CHECK-DAG: #[[ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[IN3D:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d1 + d5, d2 * 2 + d6, d3 + d7 * 2, d8)>
// CHECK-DAG: #[[W3D:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d5, d6, d7, d8, d4)>
// CHECK-DAG: #[[OUT3D:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d1, d2, d3, d4)>

// CHECK-LABEL: func.func @conv2d_nchw
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x8x8xf32>, %[[W:.+]]: tensor<4x3x3x3xf32>)
// CHECK: %[[XT:.+]] = linalg.transpose ins(%[[X]] : tensor<1x3x8x8xf32>) outs(%{{.+}} : tensor<1x8x8x3xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[XP:.+]] = tensor.pad %[[XT]] low[0, 1, 2, 0] high[0, 0, 1, 0]
// CHECK:   tensor.yield %[[ZERO]] : f32
// CHECK: } : tensor<1x8x8x3xf32> to tensor<1x9x11x3xf32>
// CHECK: %[[WT:.+]] = linalg.transpose ins(%[[W]] : tensor<4x3x3x3xf32>) outs(%{{.+}} : tensor<3x3x3x4xf32>) permutation = [2, 3, 1, 0]
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x4x7x4xf32>)
// CHECK: %[[CORE:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[IN2D]], #[[W2D]], #[[OUT2D]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK-SAME: ins(%[[XP]], %[[WT]] : tensor<1x9x11x3xf32>, tensor<3x3x3x4xf32>) outs(%[[INIT]] : tensor<1x4x7x4xf32>)
// CHECK-SAME: attrs = {convjit.conv_core}
// CHECK: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[M:.+]] = arith.mulf %[[A]], %[[B]] : f32
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[ACC]], %[[M]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: %[[Y:.+]] = linalg.transpose ins(%[[CORE]] : tensor<1x4x7x4xf32>) outs(%{{.+}} : tensor<1x4x4x7xf32>) permutation = [0, 3, 1, 2]
// CHECK: return %[[Y]]
// LOOPS-LABEL: func.func @conv2d_nchw
// LOOPS: scf.for
func.func @conv2d_nchw(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x4x7xf32> {
  %y = conv.conv %x, %w stride [2, 1] dilation [1, 2] pad [1, 2] to [0, 1] groups 1 layout nchw
       : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x7xf32>
  return %y : tensor<1x4x4x7xf32>
}

// nhwc needs no activation transposes, no padding means no tensor.pad, and the
// bias is the core's initial value; ReLU is a separate tagged generic (which
// convjit-choose-schedules turns into the core's convjit.relu_result).
// CHECK-LABEL: func.func @conv1d_nhwc_bias_relu
// CHECK-SAME: (%[[X:.+]]: tensor<2x10x4xf32>, %[[W:.+]]: tensor<8x4x3xf32>, %[[B:.+]]: tensor<8xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[WT:.+]] = linalg.transpose ins(%[[W]] : tensor<8x4x3xf32>) outs(%{{.+}} : tensor<3x4x8xf32>) permutation = [2, 1, 0]
// CHECK: %[[BIAS:.+]] = linalg.broadcast ins(%[[B]] : tensor<8xf32>) outs(%{{.+}} : tensor<2x8x8xf32>) dimensions = [0, 1]
// CHECK-NOT: linalg.fill
// CHECK: %[[CORE:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[IN1D]], #[[W1D]], #[[OUT1D]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: ins(%[[X]], %[[WT]] : tensor<2x10x4xf32>, tensor<3x4x8xf32>) outs(%[[BIAS]] : tensor<2x8x8xf32>)
// CHECK-SAME: {convjit.conv_core}
// CHECK: %[[RELU:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[ID3]], #[[ID3]]], iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[CORE]] : tensor<2x8x8xf32>)
// CHECK-SAME: {convjit.relu}
// CHECK: ^bb0(%[[V:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[C0:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[R:.+]] = arith.maximumf %[[V]], %[[C0]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
// CHECK-NOT: linalg.transpose
// CHECK: return %[[RELU]]
// LOOPS-LABEL: func.func @conv1d_nhwc_bias_relu
// LOOPS: scf.for
func.func @conv1d_nhwc_bias_relu(%x: tensor<2x10x4xf32>, %w: tensor<8x4x3xf32>, %b: tensor<8xf32>) -> tensor<2x8x8xf32> {
  %y = conv.conv %x, %w bias(%b) stride [1] dilation [1] pad [0] to [0] groups 1 layout nhwc relu
       : (tensor<2x10x4xf32>, tensor<8x4x3xf32>, tensor<8xf32>) -> tensor<2x8x8xf32>
  return %y : tensor<2x8x8xf32>
}

// CHECK-LABEL: func.func @conv3d_nhwc_schedule
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x6x6x2xf32>, %[[W:.+]]: tensor<4x2x3x3x3xf32>)
// CHECK: %[[XP:.+]] = tensor.pad %[[X]] low[0, 0, 0, 1, 0] high[0, 0, 1, 1, 0]
// CHECK: } : tensor<1x4x6x6x2xf32> to tensor<1x4x7x8x2xf32>
// CHECK: %[[WT:.+]] = linalg.transpose ins(%[[W]] : tensor<4x2x3x3x3xf32>) outs(%{{.+}} : tensor<3x3x3x2x4xf32>) permutation = [2, 3, 4, 1, 0]
// CHECK: %[[CORE:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[IN3D]], #[[W3D]], #[[OUT3D]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]
// CHECK-SAME: ins(%[[XP]], %[[WT]] : tensor<1x4x7x8x2xf32>, tensor<3x3x3x2x4xf32>)
// The conv op's discardable attributes (a pinned schedule) move to the core.
// CHECK-SAME: attrs = {convjit.conv_core, schedule = {tile = [1, 8]}}
// CHECK: return %[[CORE]]
// LOOPS-LABEL: func.func @conv3d_nhwc_schedule
// LOOPS: scf.for
func.func @conv3d_nhwc_schedule(%x: tensor<1x4x6x6x2xf32>, %w: tensor<4x2x3x3x3xf32>) -> tensor<1x2x3x4x4xf32> {
  %y = conv.conv %x, %w stride [1, 2, 1] dilation [1, 1, 2] pad [0, 0, 1] to [0, 1, 1] groups 1 layout nhwc {schedule = {tile = [1, 8]}}
       : (tensor<1x4x6x6x2xf32>, tensor<4x2x3x3x3xf32>) -> tensor<1x2x3x4x4xf32>
  return %y : tensor<1x2x3x4x4xf32>
}
