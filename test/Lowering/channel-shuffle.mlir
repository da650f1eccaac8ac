// conv.channel_shuffle, channels-last: C -> (G, C/G) by tensor.expand_shape,
// a linalg.transpose swapping the two, tensor.collapse_shape back.
// RUN: convjit-opt %s --convert-conv-to-linalg | FileCheck %s
// RUN: convjit-opt %s --convert-conv-to-linalg | convjit-opt --one-shot-bufferize="bufferize-function-boundaries" --convert-linalg-to-loops | FileCheck %s --check-prefix=LOOPS --implicit-check-not=linalg.

// CHECK-LABEL: func.func @shuffle2d_nchw_relu
// CHECK-SAME: (%[[X:.+]]: tensor<1x16x8x8xf32>)
// CHECK: %[[XT:.+]] = linalg.transpose ins(%[[X]] : tensor<1x16x8x8xf32>) outs(%{{.+}} : tensor<1x8x8x16xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[E:.+]] = tensor.expand_shape %[[XT]] {{\[}}[0], [1], [2], [3, 4]] output_shape [1, 8, 8, 4, 4] : tensor<1x8x8x16xf32> into tensor<1x8x8x4x4xf32>
// CHECK: %[[T:.+]] = linalg.transpose ins(%[[E]] : tensor<1x8x8x4x4xf32>) outs(%{{.+}} : tensor<1x8x8x4x4xf32>) permutation = [0, 1, 2, 4, 3]
// CHECK: %[[C:.+]] = tensor.collapse_shape %[[T]] {{\[}}[0], [1], [2], [3, 4]] : tensor<1x8x8x4x4xf32> into tensor<1x8x8x16xf32>
// CHECK: %[[RELU:.+]] = linalg.generic
// CHECK-SAME: ins(%[[C]] : tensor<1x8x8x16xf32>)
// CHECK-SAME: {convjit.relu}
// CHECK: %[[Y:.+]] = linalg.transpose ins(%[[RELU]] : tensor<1x8x8x16xf32>) outs(%{{.+}} : tensor<1x16x8x8xf32>) permutation = [0, 3, 1, 2]
// CHECK: return %[[Y]]
// LOOPS-LABEL: func.func @shuffle2d_nchw_relu
// LOOPS: scf.for
func.func @shuffle2d_nchw_relu(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %y = conv.channel_shuffle %x groups 4 layout nchw relu : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %y : tensor<1x16x8x8xf32>
}

// CHECK-LABEL: func.func @shuffle1d_nhwc
// CHECK-SAME: (%[[X:.+]]: tensor<2x5x12xf32>)
// CHECK: %[[E:.+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1], [2, 3]] output_shape [2, 5, 3, 4] : tensor<2x5x12xf32> into tensor<2x5x3x4xf32>
// CHECK: %[[T:.+]] = linalg.transpose ins(%[[E]] : tensor<2x5x3x4xf32>) outs(%{{.+}} : tensor<2x5x4x3xf32>) permutation = [0, 1, 3, 2]
// CHECK: %[[C:.+]] = tensor.collapse_shape %[[T]] {{\[}}[0], [1], [2, 3]] : tensor<2x5x4x3xf32> into tensor<2x5x12xf32>
// CHECK-NEXT: return %[[C]]
// LOOPS-LABEL: func.func @shuffle1d_nhwc
// LOOPS: scf.for
func.func @shuffle1d_nhwc(%x: tensor<2x5x12xf32>) -> tensor<2x5x12xf32> {
  %y = conv.channel_shuffle %x groups 3 layout nhwc : (tensor<2x5x12xf32>) -> tensor<2x5x12xf32>
  return %y : tensor<2x5x12xf32>
}

// CHECK-LABEL: func.func @shuffle3d_nhwc
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0], [1], [2], [3], [4, 5]] output_shape [1, 2, 3, 4, 2, 3]
// CHECK: linalg.transpose ins(%{{.+}} : tensor<1x2x3x4x2x3xf32>) outs(%{{.+}} : tensor<1x2x3x4x3x2xf32>) permutation = [0, 1, 2, 3, 5, 4]
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0], [1], [2], [3], [4, 5]] : tensor<1x2x3x4x3x2xf32> into tensor<1x2x3x4x6xf32>
// LOOPS-LABEL: func.func @shuffle3d_nhwc
// LOOPS: scf.for
func.func @shuffle3d_nhwc(%x: tensor<1x2x3x4x6xf32>) -> tensor<1x2x3x4x6xf32> {
  %y = conv.channel_shuffle %x groups 2 layout nhwc : (tensor<1x2x3x4x6xf32>) -> tensor<1x2x3x4x6xf32>
  return %y : tensor<1x2x3x4x6xf32>
}
