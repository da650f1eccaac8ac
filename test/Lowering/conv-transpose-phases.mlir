// A strided conv_transpose without dilation splits by output phase: each
// phase (p_h, p_w) of the output is a stride-1 convolution of the input
// (padded where its window leaves it) with the sub-kernel of taps
// c, c+s, ... of the flipped kernel, stored with stride s. k=4, s=2, pad 1:
// the upsampled form pads by k-1-1 = 2, so phase 0 meets taps 0, 2 and reads
// input q-1, q; phase 1 meets taps 1, 3 and reads q, q+1.
// RUN: convjit-opt %s --convert-conv-to-linalg --canonicalize | FileCheck %s
// RUN: convjit-opt %s --convert-conv-to-linalg | convjit-opt --one-shot-bufferize="bufferize-function-boundaries" --convert-linalg-to-loops | FileCheck %s --check-prefix=LOOPS --implicit-check-not=linalg.

// CHECK-LABEL: func.func @dcgan
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x4x8xf32>
// CHECK: %[[FLIP:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<4x4x8x6xf32>)
// CHECK: %[[OUT:.+]] = tensor.empty() : tensor<1x8x8x6xf32>
// CHECK: %[[P00:.+]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 0, 0, 0]
// CHECK: %[[K00:.+]] = tensor.extract_slice %[[FLIP]][0, 0, 0, 0] [2, 2, 8, 6] [2, 2, 1, 1]
// CHECK: %[[C00:.+]] = linalg.generic {{.*}} ins(%[[P00]], %[[K00]] : tensor<1x5x5x8xf32>, tensor<2x2x8x6xf32>) outs(%{{.+}} : tensor<1x4x4x6xf32>) attrs = {convjit.conv_core}
// CHECK: %[[O00:.+]] = tensor.insert_slice %[[C00]] into %[[OUT]][0, 0, 0, 0] [1, 4, 4, 6] [1, 2, 2, 1]
// CHECK: %[[P01:.+]] = tensor.pad %[[X]] low[0, 1, 0, 0] high[0, 0, 1, 0]
// CHECK: %[[K01:.+]] = tensor.extract_slice %[[FLIP]][0, 1, 0, 0] [2, 2, 8, 6] [2, 2, 1, 1]
// CHECK: %[[C01:.+]] = linalg.generic {{.*}} ins(%[[P01]], %[[K01]]
// CHECK: %[[O01:.+]] = tensor.insert_slice %[[C01]] into %[[O00]][0, 0, 1, 0] [1, 4, 4, 6] [1, 2, 2, 1]
// CHECK: tensor.pad %[[X]] low[0, 0, 1, 0] high[0, 1, 0, 0]
// CHECK: tensor.extract_slice %[[FLIP]][1, 0, 0, 0] [2, 2, 8, 6] [2, 2, 1, 1]
// CHECK: %[[O10:.+]] = tensor.insert_slice %{{.+}} into %[[O01]][0, 1, 0, 0] [1, 4, 4, 6] [1, 2, 2, 1]
// CHECK: tensor.pad %[[X]] low[0, 0, 0, 0] high[0, 1, 1, 0]
// CHECK: tensor.extract_slice %[[FLIP]][1, 1, 0, 0] [2, 2, 8, 6] [2, 2, 1, 1]
// CHECK: %[[O11:.+]] = tensor.insert_slice %{{.+}} into %[[O10]][0, 1, 1, 0] [1, 4, 4, 6] [1, 2, 2, 1]
// CHECK: linalg.generic {{.*}} ins(%[[O11]] : tensor<1x8x8x6xf32>) {{.*}} {convjit.relu}
// LOOPS-LABEL: func.func @dcgan
// LOOPS: scf.for
func.func @dcgan(%x: tensor<1x4x4x8xf32>, %w: tensor<8x6x4x4xf32>, %b: tensor<6xf32>) -> tensor<1x8x8x6xf32> {
  %y = conv.conv_transpose %x, %w bias(%b) stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] output_padding [0, 0] groups 1 layout nhwc relu
       : (tensor<1x4x4x8xf32>, tensor<8x6x4x4xf32>, tensor<6xf32>) -> tensor<1x8x8x6xf32>
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
