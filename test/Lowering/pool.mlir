// conv.pool: max = linalg.pooling_n*c_max over the -inf padded input; avg =
// linalg.pooling_n*c_sum over the zero padded input times 1/prod(kernel)
// (padding counts, so the divisor is always prod(kernel), dilated or not).
// RUN: convjit-opt %s --convert-conv-to-linalg | FileCheck %s
// RUN: convjit-opt %s --convert-conv-to-linalg | convjit-opt --one-shot-bufferize="bufferize-function-boundaries" --convert-linalg-to-loops | FileCheck %s --check-prefix=LOOPS --implicit-check-not=linalg.

// CHECK-DAG: #[[ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// CHECK-LABEL: func.func @max2d_nchw
// CHECK-SAME: (%[[X:.+]]: tensor<1x16x8x8xf32>)
// CHECK: %[[XT:.+]] = linalg.transpose ins(%[[X]] : tensor<1x16x8x8xf32>) outs(%{{.+}} : tensor<1x8x8x16xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[XP:.+]] = tensor.pad %[[XT]] low[0, 1, 1, 0] high[0, 1, 0, 0]
// CHECK:   tensor.yield %[[NEGINF]] : f32
// CHECK: } : tensor<1x8x8x16xf32> to tensor<1x10x9x16xf32>
// CHECK: %[[WIN:.+]] = tensor.empty() : tensor<3x3xf32>
// CHECK: %[[NEGINF2:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[NEGINF2]] : f32) outs(%{{.+}} : tensor<1x4x4x16xf32>)
// CHECK: %[[POOL:.+]] = linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[XP]], %[[WIN]] : tensor<1x10x9x16xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x4x4x16xf32>)
// CHECK-NOT: linalg.generic
// CHECK: %[[Y:.+]] = linalg.transpose ins(%[[POOL]] : tensor<1x4x4x16xf32>) outs(%{{.+}} : tensor<1x16x4x4xf32>) permutation = [0, 3, 1, 2]
// CHECK: return %[[Y]]
// LOOPS-LABEL: func.func @max2d_nchw
// LOOPS: scf.for
func.func @max2d_nchw(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32> {
  %y = conv.pool max %x kernel [3, 3] stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 0] layout nchw
       : (tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32>
  return %y : tensor<1x16x4x4xf32>
}

// CHECK-LABEL: func.func @avg1d_nhwc_relu
// CHECK-SAME: (%[[X:.+]]: tensor<2x10x3xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[XP:.+]] = tensor.pad %[[X]] low[0, 0, 0] high[0, 1, 0]
// CHECK:   tensor.yield %[[ZERO]] : f32
// CHECK: %[[WIN:.+]] = tensor.empty() : tensor<2xf32>
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x5x3xf32>)
// CHECK: %[[SUM:.+]] = linalg.pooling_nwc_sum {dilations = dense<1> : vector<1xi64>, strides = dense<2> : vector<1xi64>} ins(%[[XP]], %[[WIN]] : tensor<2x11x3xf32>, tensor<2xf32>) outs(%[[INIT]] : tensor<2x5x3xf32>)
// CHECK: %[[AVG:.+]] = linalg.generic {indexing_maps = [#[[ID3]], #[[ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[SUM]] : tensor<2x5x3xf32>)
// CHECK-NEXT: ^bb0(%[[V:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[HALF:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[S:.+]] = arith.mulf %[[V]], %[[HALF]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: %[[RELU:.+]] = linalg.generic
// CHECK-SAME: ins(%[[AVG]] : tensor<2x5x3xf32>)
// CHECK-SAME: {convjit.relu}
// CHECK: arith.maximumf
// CHECK: return %[[RELU]]
// LOOPS-LABEL: func.func @avg1d_nhwc_relu
// LOOPS: scf.for
func.func @avg1d_nhwc_relu(%x: tensor<2x10x3xf32>) -> tensor<2x5x3xf32> {
  %y = conv.pool avg %x kernel [2] stride [2] dilation [1] pad [0] to [1] layout nhwc relu
       : (tensor<2x10x3xf32>) -> tensor<2x5x3xf32>
  return %y : tensor<2x5x3xf32>
}

// CHECK-LABEL: func.func @max3d_dilated_nhwc
// CHECK: %[[XP:.+]] = tensor.pad %{{.+}} low[0, 0, 0, 0, 0] high[0, 1, 1, 1, 0]
// CHECK: %[[WIN:.+]] = tensor.empty() : tensor<2x2x2xf32>
// CHECK: %[[POOL:.+]] = linalg.pooling_ndhwc_max {dilations = dense<2> : vector<3xi64>, strides = dense<1> : vector<3xi64>} ins(%[[XP]], %[[WIN]] : tensor<1x8x8x8x2xf32>, tensor<2x2x2xf32>)
// CHECK: return %[[POOL]]
// LOOPS-LABEL: func.func @max3d_dilated_nhwc
// LOOPS: scf.for
func.func @max3d_dilated_nhwc(%x: tensor<1x7x7x7x2xf32>) -> tensor<1x6x6x6x2xf32> {
  %y = conv.pool max %x kernel [2, 2, 2] stride [1, 1, 1] dilation [2, 2, 2] pad [0, 0, 0] to [1, 1, 1] layout nhwc
       : (tensor<1x7x7x7x2xf32>) -> tensor<1x6x6x6x2xf32>
  return %y : tensor<1x6x6x6x2xf32>
}

// Dilated average pooling still divides by prod(kernel) = 6.
// CHECK-LABEL: func.func @avg2d_dilated
// CHECK: %[[XP:.+]] = tensor.pad %{{.+}} low[0, 1, 2, 0] high[0, 2, 0, 0]
// CHECK: %[[SUM:.+]] = linalg.pooling_nhwc_sum {dilations = dense<[2, 3]> : vector<2xi64>, strides = dense<[2, 1]> : vector<2xi64>} ins(%[[XP]], %{{.+}} : tensor<1x12x10x2xf32>, tensor<3x2xf32>)
// CHECK: %[[AVG:.+]] = linalg.generic {indexing_maps = [#[[ID4]], #[[ID4]]]
// CHECK-SAME: ins(%[[SUM]] : tensor<1x4x7x2xf32>)
// CHECK: arith.constant 0.166666672 : f32
// CHECK-NOT: convjit.relu
// CHECK: linalg.transpose ins(%[[AVG]] : tensor<1x4x7x2xf32>) outs(%{{.+}} : tensor<1x2x4x7xf32>) permutation = [0, 3, 1, 2]
// LOOPS-LABEL: func.func @avg2d_dilated
// LOOPS: scf.for
func.func @avg2d_dilated(%x: tensor<1x2x9x8xf32>) -> tensor<1x2x4x7xf32> {
  %y = conv.pool avg %x kernel [3, 2] stride [2, 1] dilation [2, 3] pad [1, 2] to [2, 0] layout nchw
       : (tensor<1x2x9x8xf32>) -> tensor<1x2x4x7xf32>
  return %y : tensor<1x2x4x7xf32>
}
