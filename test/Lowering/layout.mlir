// Every family computes channels-last: an nchw layer transposes its
// activations (input; offset and mask for deform_conv) to N,spatial...,C on
// the way in and its result back on the way out, for every spatial rank; an
// nhwc layer has no activation transposes at all. (Two kinds of nchw conv
// compute channels-first instead: depthwise ones with long rows,
// choose-schedules.mlir, and 1x1 ones of one image,
// conv-channels-first-pointwise.mlir.)
// RUN: convjit-opt %s --convert-conv-to-linalg | FileCheck %s
// The pass also runs anchored on each func.func.
// RUN: convjit-opt %s --pass-pipeline="builtin.module(func.func(convert-conv-to-linalg))" | FileCheck %s
// Between nchw layers the transposes cancel once canonicalized.
// RUN: convjit-opt %s --convert-conv-to-linalg --canonicalize | FileCheck %s --check-prefix=CANON
// RUN: convjit-opt %s --convert-conv-to-linalg | convjit-opt --one-shot-bufferize="bufferize-function-boundaries" --convert-linalg-to-loops | FileCheck %s --check-prefix=LOOPS --implicit-check-not=linalg.

// CHECK-LABEL: func.func @conv1d_nchw
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x10xf32>, %[[W:.+]]: tensor<5x3x3xf32>)
// CHECK: linalg.transpose ins(%[[X]] : tensor<2x3x10xf32>) outs(%{{.+}} : tensor<2x10x3xf32>) permutation = [0, 2, 1]
// CHECK: %[[CORE:.+]] = linalg.generic {{.+}} {convjit.conv_core}
// CHECK: %[[Y:.+]] = linalg.transpose ins(%[[CORE]] : tensor<2x8x5xf32>) outs(%{{.+}} : tensor<2x5x8xf32>) permutation = [0, 2, 1]
// CHECK: return %[[Y]]
func.func @conv1d_nchw(%x: tensor<2x3x10xf32>, %w: tensor<5x3x3xf32>) -> tensor<2x5x8xf32> {
  %y = conv.conv %x, %w stride [1] dilation [1] pad [0] to [0] groups 1 layout nchw
       : (tensor<2x3x10xf32>, tensor<5x3x3xf32>) -> tensor<2x5x8xf32>
  return %y : tensor<2x5x8xf32>
}

// CHECK-LABEL: func.func @conv1d_nhwc
// CHECK-SAME: (%[[X:.+]]: tensor<2x10x3xf32>, %[[W:.+]]: tensor<5x3x3xf32>)
// Only the weight is transposed.
// CHECK: linalg.transpose ins(%[[W]]
// CHECK-NOT: linalg.transpose
// CHECK: %[[CORE:.+]] = linalg.generic
// CHECK-SAME: ins(%[[X]], %{{.+}} : tensor<2x10x3xf32>, tensor<3x3x5xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: return %[[CORE]]
func.func @conv1d_nhwc(%x: tensor<2x10x3xf32>, %w: tensor<5x3x3xf32>) -> tensor<2x8x5xf32> {
  %y = conv.conv %x, %w stride [1] dilation [1] pad [0] to [0] groups 1 layout nhwc
       : (tensor<2x10x3xf32>, tensor<5x3x3xf32>) -> tensor<2x8x5xf32>
  return %y : tensor<2x8x5xf32>
}

// CHECK-LABEL: func.func @conv_transpose3d_nchw
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x3x3x3xf32>
// CHECK: linalg.transpose ins(%[[X]] : tensor<1x2x3x3x3xf32>) outs(%{{.+}} : tensor<1x3x3x3x2xf32>) permutation = [0, 2, 3, 4, 1]
// CHECK: %[[CORE:.+]] = linalg.generic {{.+}} {convjit.conv_core}
// CHECK: %[[Y:.+]] = linalg.transpose ins(%[[CORE]] : tensor<1x6x6x6x2xf32>) outs(%{{.+}} : tensor<1x2x6x6x6xf32>) permutation = [0, 4, 1, 2, 3]
// CHECK: return %[[Y]]
func.func @conv_transpose3d_nchw(%x: tensor<1x2x3x3x3xf32>, %w: tensor<2x2x2x2x2xf32>) -> tensor<1x2x6x6x6xf32> {
  %y = conv.conv_transpose %x, %w stride [1, 1, 1] dilation [2, 2, 2] pad [0, 0, 0] to [0, 0, 0] output_padding [1, 1, 1] groups 1 layout nchw
       : (tensor<1x2x3x3x3xf32>, tensor<2x2x2x2x2xf32>) -> tensor<1x2x6x6x6xf32>
  return %y : tensor<1x2x6x6x6xf32>
}

// CHECK-LABEL: func.func @deform_nchw
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>, %[[OFF:.+]]: tensor<1x8x7x7xf32>
// CHECK: %[[XT:.+]] = linalg.transpose ins(%[[X]] : tensor<1x4x8x8xf32>) outs(%{{.+}} : tensor<1x8x8x4xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[OT:.+]] = linalg.transpose ins(%[[OFF]] : tensor<1x8x7x7xf32>) outs(%{{.+}} : tensor<1x7x7x8xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[O7:.+]] = tensor.expand_shape %[[OT]]
// CHECK: linalg.generic {{.+}} ins(%[[O7]], %[[O7]] :
// CHECK: %[[PLANE:.+]] = tensor.collapse_shape %[[XT]]
// CHECK: linalg.generic
// CHECK-SAME: {convjit.deform_sample}
// CHECK: tensor.extract %[[PLANE]]
// CHECK: %[[CORE:.+]] = linalg.generic {{.+}} {convjit.conv_core}
// CHECK: %[[Y:.+]] = linalg.transpose ins(%[[CORE]] : tensor<1x7x7x4xf32>) outs(%{{.+}} : tensor<1x4x7x7xf32>) permutation = [0, 3, 1, 2]
// CHECK: return %[[Y]]
func.func @deform_nchw(%x: tensor<1x4x8x8xf32>, %off: tensor<1x8x7x7xf32>, %w: tensor<4x4x2x2xf32>, %b: tensor<4xf32>) -> tensor<1x4x7x7xf32> {
  %y = conv.deform_conv %x, %off, %w bias(%b) stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 deform_groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<1x8x7x7xf32>, tensor<4x4x2x2xf32>, tensor<4xf32>) -> tensor<1x4x7x7xf32>
  return %y : tensor<1x4x7x7xf32>
}

// CHECK-LABEL: func.func @pool1d_nchw
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x10xf32>)
// CHECK: linalg.transpose ins(%[[X]] : tensor<2x3x10xf32>) outs(%{{.+}} : tensor<2x10x3xf32>) permutation = [0, 2, 1]
// CHECK: %[[P:.+]] = linalg.pooling_nwc_max
// CHECK: %[[Y:.+]] = linalg.transpose ins(%[[P]] : tensor<2x5x3xf32>) outs(%{{.+}} : tensor<2x3x5xf32>) permutation = [0, 2, 1]
// CHECK: return %[[Y]]
func.func @pool1d_nchw(%x: tensor<2x3x10xf32>) -> tensor<2x3x5xf32> {
  %y = conv.pool max %x kernel [2] stride [2] dilation [1] pad [0] to [0] layout nchw
       : (tensor<2x3x10xf32>) -> tensor<2x3x5xf32>
  return %y : tensor<2x3x5xf32>
}

// Each layer pays its own transposes; canonicalization cancels the pairs
// between layers, leaving the input/weight transposes, the shuffle's own
// transpose and the final one.
// CHECK-LABEL: func.func @chain_nchw
// CHECK-COUNT-8: linalg.transpose
// CHECK-NOT: linalg.transpose
// CANON-LABEL: func.func @chain_nchw
// CANON-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>, %[[W:.+]]: tensor<8x4x3x3xf32>)
// CANON: linalg.transpose ins(%[[X]] : tensor<1x4x8x8xf32>) {{.+}} permutation = [0, 2, 3, 1]
// CANON: linalg.transpose ins(%[[W]] : tensor<8x4x3x3xf32>) {{.+}} permutation = [2, 3, 1, 0]
// CANON: %[[CORE:.+]] = linalg.generic
// CANON-SAME: {convjit.conv_core}
// CANON-NOT: linalg.transpose
// CANON: %[[P:.+]] = linalg.pooling_nhwc_max {{.+}} ins(%[[CORE]], %{{.+}} : tensor<1x8x8x8xf32>, tensor<2x2xf32>)
// CANON-NOT: linalg.transpose
// CANON: %[[E:.+]] = tensor.expand_shape %[[P]]
// CANON: %[[T:.+]] = linalg.transpose ins(%[[E]] : tensor<1x4x4x2x4xf32>) {{.+}} permutation = [0, 1, 2, 4, 3]
// CANON: %[[C:.+]] = tensor.collapse_shape %[[T]]
// CANON: %[[Y:.+]] = linalg.transpose ins(%[[C]] : tensor<1x4x4x8xf32>) {{.+}} permutation = [0, 3, 1, 2]
// CANON: return %[[Y]]
func.func @chain_nchw(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x4x4xf32> {
  %c = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  %p = conv.pool max %c kernel [2, 2] stride [2, 2] dilation [1, 1] pad [0, 0] to [0, 0] layout nchw
       : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
  %s = conv.channel_shuffle %p groups 2 layout nchw : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %s : tensor<1x8x4x4xf32>
}
// LOOPS-COUNT-6: func.func @
// LOOPS-NOT: func.func @
