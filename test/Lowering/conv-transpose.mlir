// conv.conv_transpose as the direct convolution of the zero-upsampled input:
// tensor.insert_slice with strides into zeros, tensor.pad (or extract_slice
// where the amount is negative) by d*(k-1) - pad_lo / d*(k-1) - pad_hi +
// output_padding, a spatially flipped (ic, oc)-swapped kernel, and the
// convjit.conv_core generic with stride 1 and the op's dilation. (Strided
// layers without dilation are split by phase instead by default; see
// conv-transpose-phases.mlir.)
// RUN: convjit-opt %s --convert-conv-to-linalg=transpose-by-phases=false | FileCheck %s
// RUN: convjit-opt %s --convert-conv-to-linalg=transpose-by-phases=false | convjit-opt --one-shot-bufferize="bufferize-function-boundaries" --convert-linalg-to-loops | FileCheck %s --check-prefix=LOOPS --implicit-check-not=linalg.

// w'[kh, kw, ic, oc] = w[ic, oc, 2 - kh, 2 - kw]
// CHECK-DAG: #[[FLIP:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d3, -d0 + 2, -d1 + 2)>
// CHECK-DAG: #[[ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 + d4, d2 + d5, d6)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// w'[g, kh, kw, icg, ocg] = w[g, icg, ocg, 2 - kh, 1 - kw]
// CHECK-DAG: #[[GFLIP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d3, d4, -d1 + 2, -d2 + 1)>
// CHECK-DAG: #[[GIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 + d5 * 2, d2 + d6, d3, d7)>
// CHECK-DAG: #[[GW:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d3, d5, d6, d7, d4)>
// CHECK-DAG: #[[GOUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// CHECK-DAG: #[[FLIP1D:.+]] = affine_map<(d0, d1, d2) -> (d1, d2, -d0)>

// CHECK-LABEL: func.func @s2_p1_op1_nchw
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x5x4xf32>, %[[WGT:.+]]: tensor<4x3x3x3xf32>)
// CHECK: %[[XT:.+]] = linalg.transpose ins(%[[X]] : tensor<1x4x5x4xf32>) outs(%{{.+}} : tensor<1x5x4x4xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[ZEROS:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x9x7x4xf32>)
// CHECK: %[[UP:.+]] = tensor.insert_slice %[[XT]] into %[[ZEROS]][0, 0, 0, 0] [1, 5, 4, 4] [1, 2, 2, 1] : tensor<1x5x4x4xf32> into tensor<1x9x7x4xf32>
// k=3, pad 1, output_padding 1: low 2 - 1 = 1, high 2 - 1 + 1 = 2.
// CHECK: %[[XP:.+]] = tensor.pad %[[UP]] low[0, 1, 1, 0] high[0, 2, 2, 0]
// CHECK: } : tensor<1x9x7x4xf32> to tensor<1x12x10x4xf32>
// CHECK: %[[WF:.+]] = linalg.generic {indexing_maps = [#[[FLIP]], #[[ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[WGT]] : tensor<4x3x3x3xf32>) outs(%{{.+}} : tensor<3x3x4x3xf32>)
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x10x8x3xf32>)
// CHECK: %[[CORE:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[IN]], #[[W]], #[[OUT]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK-SAME: ins(%[[XP]], %[[WF]] : tensor<1x12x10x4xf32>, tensor<3x3x4x3xf32>) outs(%[[INIT]] : tensor<1x10x8x3xf32>)
// CHECK-SAME: {convjit.conv_core}
// CHECK: %[[Y:.+]] = linalg.transpose ins(%[[CORE]] : tensor<1x10x8x3xf32>) outs(%{{.+}} : tensor<1x3x10x8xf32>) permutation = [0, 3, 1, 2]
// CHECK: return %[[Y]]
// LOOPS-LABEL: func.func @s2_p1_op1_nchw
// LOOPS: scf.for
func.func @s2_p1_op1_nchw(%x: tensor<1x4x5x4xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x3x10x8xf32> {
  %y = conv.conv_transpose %x, %w stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] output_padding [1, 1] groups 1 layout nchw
       : (tensor<1x4x5x4xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x10x8xf32>
  return %y : tensor<1x3x10x8xf32>
}

// Groups split the weight's input channels: (G*ICg, OCg, K...) ->
// (G, ICg, OCg, K...) -> flipped [G, K..., ICg, OCg]. The dilation stays on
// the core, the stride becomes 1.
// CHECK-LABEL: func.func @grouped_dilated_bias_relu_nhwc
// CHECK-SAME: (%[[X:.+]]: tensor<2x4x5x6xf32>, %[[WGT:.+]]: tensor<6x2x3x2xf32>, %[[B:.+]]: tensor<4xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: %[[UP:.+]] = tensor.insert_slice %[[X]] into %{{.+}}[0, 0, 0, 0] [2, 4, 5, 6] [1, 2, 3, 1] : tensor<2x4x5x6xf32> into tensor<2x7x13x6xf32>
// H: d*(k-1) = 4, low 4 - 1 = 3, high 4 - 2 + 1 = 3; W: k-1 = 1, low 1 - 0, high 1 - 1 + 2.
// CHECK: %[[XP:.+]] = tensor.pad %[[UP]] low[0, 3, 1, 0] high[0, 3, 2, 0]
// CHECK: %[[WE:.+]] = tensor.expand_shape %[[WGT]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 2] : tensor<6x2x3x2xf32> into tensor<2x3x2x3x2xf32>
// CHECK: %[[WF:.+]] = linalg.generic {indexing_maps = [#[[GFLIP]], #{{.+}}]
// CHECK-SAME: ins(%[[WE]] : tensor<2x3x2x3x2xf32>) outs(%{{.+}} : tensor<2x3x2x3x2xf32>)
// CHECK: %[[XE:.+]] = tensor.expand_shape %[[XP]] {{\[}}[0], [1], [2], [3, 4]] output_shape [2, 13, 16, 2, 3]
// CHECK: %[[BE:.+]] = tensor.expand_shape %[[B]] {{\[}}[0, 1]] output_shape [2, 2]
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[BE]] : tensor<2x2xf32>) outs(%{{.+}} : tensor<2x9x15x2x2xf32>) dimensions = [0, 1, 2]
// CHECK: %[[CORE:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[GIN]], #[[GW]], #[[GOUT]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK-SAME: ins(%[[XE]], %[[WF]] : tensor<2x13x16x2x3xf32>, tensor<2x3x2x3x2xf32>) outs(%[[INIT]] : tensor<2x9x15x2x2xf32>)
// CHECK-SAME: {convjit.conv_core}
// CHECK: %[[RELU:.+]] = linalg.generic
// CHECK-SAME: ins(%[[CORE]] : tensor<2x9x15x2x2xf32>)
// CHECK-SAME: {convjit.relu}
// CHECK: %[[Y:.+]] = tensor.collapse_shape %[[RELU]] {{\[}}[0], [1], [2], [3, 4]] : tensor<2x9x15x2x2xf32> into tensor<2x9x15x4xf32>
// CHECK: return %[[Y]]
// LOOPS-LABEL: func.func @grouped_dilated_bias_relu_nhwc
// LOOPS: scf.for
func.func @grouped_dilated_bias_relu_nhwc(%x: tensor<2x4x5x6xf32>, %w: tensor<6x2x3x2xf32>, %b: tensor<4xf32>) -> tensor<2x9x15x4xf32> {
  %y = conv.conv_transpose %x, %w bias(%b) stride [2, 3] dilation [2, 1] pad [1, 0] to [2, 1] output_padding [1, 2] groups 2 layout nhwc relu
       : (tensor<2x4x5x6xf32>, tensor<6x2x3x2xf32>, tensor<4xf32>) -> tensor<2x9x15x4xf32>
  return %y : tensor<2x9x15x4xf32>
}

// Padding larger than d*(k-1) crops the upsampled input instead
// (H: 1 - 2 = -1 both ends; W: 1 - 3 = -2 in front, 1 - 1 + 1 = 1 behind).
// CHECK-LABEL: func.func @crop
// CHECK: %[[UP:.+]] = tensor.insert_slice %{{.+}} into %{{.+}}[0, 0, 0, 0] [1, 6, 6, 2] [1, 1, 2, 1] : tensor<1x6x6x2xf32> into tensor<1x6x11x2xf32>
// CHECK: %[[CROP:.+]] = tensor.extract_slice %[[UP]][0, 1, 2, 0] [1, 4, 9, 2] [1, 1, 1, 1] : tensor<1x6x11x2xf32> to tensor<1x4x9x2xf32>
// CHECK: %[[XP:.+]] = tensor.pad %[[CROP]] low[0, 0, 0, 0] high[0, 0, 1, 0]
// CHECK: } : tensor<1x4x9x2xf32> to tensor<1x4x10x2xf32>
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[W]], #[[OUT]]]
// CHECK-SAME: ins(%[[XP]], %{{.+}} : tensor<1x4x10x2xf32>, tensor<2x2x2x2xf32>)
// CHECK-SAME: {convjit.conv_core}
// LOOPS-LABEL: func.func @crop
// LOOPS: scf.for
func.func @crop(%x: tensor<1x6x6x2xf32>, %w: tensor<2x2x2x2xf32>) -> tensor<1x3x9x2xf32> {
  %y = conv.conv_transpose %x, %w stride [1, 2] dilation [1, 1] pad [2, 3] to [2, 1] output_padding [0, 1] groups 1 layout nhwc
       : (tensor<1x6x6x2xf32>, tensor<2x2x2x2xf32>) -> tensor<1x3x9x2xf32>
  return %y : tensor<1x3x9x2xf32>
}

// The crop removes the whole (single-element) upsampled input and
// output_padding adds the output position back: the core sees only zeros and
// the result is the bias.
// CHECK-LABEL: func.func @crop_all
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x1xf32>, %[[WGT:.+]]: tensor<2x2x1xf32>, %[[B:.+]]: tensor<2xf32>)
// CHECK-NOT: %[[X]]
// CHECK: %[[ZEROS:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x1x2xf32>)
// CHECK: %[[WF:.+]] = linalg.generic {indexing_maps = [#[[FLIP1D]], #{{.+}}]
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[B]] : tensor<2xf32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[ZEROS]], %[[WF]] : tensor<1x1x2xf32>, tensor<1x2x2xf32>) outs(%[[INIT]] : tensor<1x1x2xf32>)
// CHECK-SAME: {convjit.conv_core}
// LOOPS-LABEL: func.func @crop_all
// LOOPS: scf.for
func.func @crop_all(%x: tensor<1x2x1xf32>, %w: tensor<2x2x1xf32>, %b: tensor<2xf32>) -> tensor<1x2x1xf32> {
  %y = conv.conv_transpose %x, %w bias(%b) stride [3] dilation [1] pad [2] to [0] output_padding [2] groups 1 layout nchw
       : (tensor<1x2x1xf32>, tensor<2x2x1xf32>, tensor<2xf32>) -> tensor<1x2x1xf32>
  return %y : tensor<1x2x1xf32>
}
