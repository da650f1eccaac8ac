// conv.conv with groups > 1: the channel dims split into (G, ICg) / (G, OCg),
// the weight becomes [G, K..., ICg, OCg] and the core iterates
// (n, o..., g, ocg, k..., icg); the result collapses back to OC.
// RUN: convjit-opt %s --convert-conv-to-linalg | FileCheck %s
// RUN: convjit-opt %s --convert-conv-to-linalg | convjit-opt --one-shot-bufferize="bufferize-function-boundaries" --convert-linalg-to-loops | FileCheck %s --check-prefix=LOOPS --implicit-check-not=linalg.

// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 * 2 + d5, d2 * 2 + d6, d3, d7)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d3, d5, d6, d7, d4)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// CHECK-DAG: #[[ID5:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
// CHECK-DAG: #[[IN_DIL:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 + d5 * 2, d2 + d6 * 2, d3, d7)>
// CHECK-DAG: #[[IN1D:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d4, d2, d5)>
// CHECK-DAG: #[[W1D:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d4, d5, d3)>
// CHECK-DAG: #[[OUT1D:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>

// CHECK-LABEL: func.func @grouped_nhwc_bias_relu
// CHECK-SAME: (%[[X:.+]]: tensor<1x8x8x16xf32>, %[[WGT:.+]]: tensor<32x4x3x3xf32>, %[[B:.+]]: tensor<32xf32>)
// CHECK: %[[XP:.+]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 0, 1, 0]
// CHECK: %[[WE:.+]] = tensor.expand_shape %[[WGT]] {{\[}}[0, 1], [2], [3], [4]] output_shape [4, 8, 4, 3, 3] : tensor<32x4x3x3xf32> into tensor<4x8x4x3x3xf32>
// CHECK: %[[WT:.+]] = linalg.transpose ins(%[[WE]] : tensor<4x8x4x3x3xf32>) outs(%{{.+}} : tensor<4x3x3x4x8xf32>) permutation = [0, 3, 4, 2, 1]
// CHECK: %[[XE:.+]] = tensor.expand_shape %[[XP]] {{\[}}[0], [1], [2], [3, 4]] output_shape [1, 9, 10, 4, 4] : tensor<1x9x10x16xf32> into tensor<1x9x10x4x4xf32>
// CHECK: %[[BE:.+]] = tensor.expand_shape %[[B]] {{\[}}[0, 1]] output_shape [4, 8] : tensor<32xf32> into tensor<4x8xf32>
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[BE]] : tensor<4x8xf32>) outs(%{{.+}} : tensor<1x4x4x4x8xf32>) dimensions = [0, 1, 2]
// CHECK: %[[CORE:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[IN]], #[[W]], #[[OUT]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK-SAME: ins(%[[XE]], %[[WT]] : tensor<1x9x10x4x4xf32>, tensor<4x3x3x4x8xf32>) outs(%[[INIT]] : tensor<1x4x4x4x8xf32>)
// CHECK-SAME: {convjit.conv_core}
// CHECK-NEXT: ^bb0(%[[A:.+]]: f32, %[[BB:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[M:.+]] = arith.mulf %[[A]], %[[BB]] : f32
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[ACC]], %[[M]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// ReLU runs on the core's grouped shape, before the collapse.
// CHECK: %[[RELU:.+]] = linalg.generic {indexing_maps = [#[[ID5]], #[[ID5]]]
// CHECK-SAME: ins(%[[CORE]] : tensor<1x4x4x4x8xf32>)
// CHECK-SAME: {convjit.relu}
// CHECK: %[[Y:.+]] = tensor.collapse_shape %[[RELU]] {{\[}}[0], [1], [2], [3, 4]] : tensor<1x4x4x4x8xf32> into tensor<1x4x4x32xf32>
// CHECK: return %[[Y]]
// LOOPS-LABEL: func.func @grouped_nhwc_bias_relu
// LOOPS: scf.for
func.func @grouped_nhwc_bias_relu(%x: tensor<1x8x8x16xf32>, %w: tensor<32x4x3x3xf32>, %b: tensor<32xf32>) -> tensor<1x4x4x32xf32> {
  %y = conv.conv %x, %w bias(%b) stride [2, 2] dilation [1, 1] pad [1, 1] to [0, 1] groups 4 layout nhwc relu
       : (tensor<1x8x8x16xf32>, tensor<32x4x3x3xf32>, tensor<32xf32>) -> tensor<1x4x4x32xf32>
  return %y : tensor<1x4x4x32xf32>
}

// Depthwise is the G == IC case: ICg == 1.
// CHECK-LABEL: func.func @depthwise_nchw
// CHECK-SAME: (%[[X:.+]]: tensor<1x8x9x9xf32>, %[[WGT:.+]]: tensor<8x1x3x3xf32>)
// CHECK: %[[XT:.+]] = linalg.transpose ins(%[[X]] : tensor<1x8x9x9xf32>) outs(%{{.+}} : tensor<1x9x9x8xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[XP:.+]] = tensor.pad %[[XT]] low[0, 2, 2, 0] high[0, 2, 2, 0]
// CHECK: %[[WE:.+]] = tensor.expand_shape %[[WGT]] {{\[}}[0, 1], [2], [3], [4]] output_shape [8, 1, 1, 3, 3]
// CHECK: %[[WT:.+]] = linalg.transpose ins(%[[WE]] : tensor<8x1x1x3x3xf32>) outs(%{{.+}} : tensor<8x3x3x1x1xf32>) permutation = [0, 3, 4, 2, 1]
// CHECK: %[[XE:.+]] = tensor.expand_shape %[[XP]] {{\[}}[0], [1], [2], [3, 4]] output_shape [1, 13, 13, 8, 1]
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x9x9x8x1xf32>)
// CHECK: %[[CORE:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[IN_DIL]], #[[W]], #[[OUT]]]
// CHECK-SAME: ins(%[[XE]], %[[WT]] : tensor<1x13x13x8x1xf32>, tensor<8x3x3x1x1xf32>) outs(%[[INIT]] : tensor<1x9x9x8x1xf32>)
// CHECK-SAME: {convjit.conv_core}
// CHECK-NOT: convjit.relu
// CHECK: %[[C:.+]] = tensor.collapse_shape %[[CORE]] {{\[}}[0], [1], [2], [3, 4]] : tensor<1x9x9x8x1xf32> into tensor<1x9x9x8xf32>
// CHECK: %[[Y:.+]] = linalg.transpose ins(%[[C]] : tensor<1x9x9x8xf32>) outs(%{{.+}} : tensor<1x8x9x9xf32>) permutation = [0, 3, 1, 2]
// CHECK: return %[[Y]]
// LOOPS-LABEL: func.func @depthwise_nchw
// LOOPS: scf.for
func.func @depthwise_nchw(%x: tensor<1x8x9x9xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x9x9xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [2, 2] pad [2, 2] to [2, 2] groups 8 layout nchw
       : (tensor<1x8x9x9xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x9x9xf32>
  return %y : tensor<1x8x9x9xf32>
}

// CHECK-LABEL: func.func @grouped1d
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2], [3]] output_shape [2, 2, 3, 3] : tensor<4x3x3xf32> into tensor<2x2x3x3xf32>
// CHECK: linalg.transpose ins(%{{.+}} : tensor<2x2x3x3xf32>) outs(%{{.+}} : tensor<2x3x3x2xf32>) permutation = [0, 3, 2, 1]
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0], [1], [2, 3]] output_shape [2, 10, 2, 3] : tensor<2x10x6xf32> into tensor<2x10x2x3xf32>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[IN1D]], #[[W1D]], #[[OUT1D]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: {convjit.conv_core}
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0], [1], [2, 3]] : tensor<2x8x2x2xf32> into tensor<2x8x4xf32>
// LOOPS-LABEL: func.func @grouped1d
// LOOPS: scf.for
func.func @grouped1d(%x: tensor<2x6x10xf32>, %w: tensor<4x3x3xf32>) -> tensor<2x4x8xf32> {
  %y = conv.conv %x, %w stride [1] dilation [1] pad [0] to [0] groups 2 layout nchw
       : (tensor<2x6x10xf32>, tensor<4x3x3xf32>) -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}
