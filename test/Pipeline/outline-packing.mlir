// Weight-only work (the OIHW -> HWIO transpose) moves into convjit_pack,
// which stores it and the bias into one flat buffer at 16-element-aligned
// offsets; convjit_run reads them back as views. The bias broadcast over the
// output grows the data, so it stays in convjit_run.
// RUN: convjit-opt %s --convjit-kernel-abi --convert-conv-to-linalg --canonicalize --convjit-outline-packing | FileCheck %s

// CHECK: module attributes {convjit.packed_elements = 304 : i64}
// CHECK-LABEL: func.func @convjit_pack
// CHECK-SAME: %[[W:.*]]: tensor<8x4x3x3xf32> {convjit.role = "weight"}
// CHECK-SAME: %[[B:.*]]: tensor<8xf32> {convjit.role = "bias"}
// CHECK-SAME: %[[P:.*]]: memref<304xf32> {convjit.role = "packed"})
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[W]] {{.*}} permutation = [2, 3, 1, 0]
// CHECK: %[[S0:.*]] = tensor.insert_slice %[[B]] into %{{.*}}[0] [8] [1]
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[T]]
// CHECK: %[[S1:.*]] = tensor.insert_slice %[[FLAT]] into %[[S0]][16] [288] [1]
// CHECK: bufferization.materialize_in_destination %[[S1]] in restrict writable %[[P]]

// CHECK-LABEL: func.func @convjit_run
// CHECK-SAME: {convjit.role = "input"}
// CHECK-SAME: %[[PACKED:.*]]: tensor<304xf32> {convjit.role = "packed"}
// CHECK-SAME: {convjit.role = "output"}
// CHECK-DAG: %[[BIAS:.*]] = tensor.extract_slice %[[PACKED]][0] [8] [1]
// CHECK-DAG: %[[WFLAT:.*]] = tensor.extract_slice %[[PACKED]][16] [288] [1]
// CHECK-DAG: %[[HWIO:.*]] = tensor.expand_shape %[[WFLAT]] {{.*}} into tensor<3x3x4x8xf32>
// CHECK-NOT: linalg.transpose ins(%{{.*}} : tensor<8x4x3x3xf32>)
// CHECK: linalg.broadcast ins(%[[BIAS]]
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[HWIO]] : {{.*}}) {{.*}} attrs = {convjit.conv_core}
func.func @layer0(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x8x6x6xf32> {
  %y = conv.conv %x, %w bias(%b) stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}
