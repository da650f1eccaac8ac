// The layer function becomes convjit_run: arguments tagged with their role,
// the output a destination memref the result is materialized into.
// RUN: convjit-opt %s --convjit-kernel-abi --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @convjit_run
// CHECK-SAME: %[[X:.*]]: tensor<1x4x8x8xf32> {convjit.role = "input"}
// CHECK-SAME: %[[W:.*]]: tensor<8x4x3x3xf32> {convjit.role = "weight"}
// CHECK-SAME: %[[B:.*]]: tensor<8xf32> {convjit.role = "bias"}
// CHECK-SAME: %[[OUT:.*]]: memref<1x8x6x6xf32> {convjit.role = "output"})
// CHECK-NOT: ->
// CHECK: %[[Y:.*]] = conv.conv %[[X]], %[[W]] bias(%[[B]])
// CHECK: bufferization.materialize_in_destination %[[Y]] in restrict writable %[[OUT]]
// CHECK-NEXT: return{{$}}
func.func @layer0(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x8x6x6xf32> {
  %y = conv.conv %x, %w bias(%b) stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

// CHECK-LABEL: func.func @convjit_run
// CHECK-SAME: {convjit.role = "input"}
// CHECK-SAME: {convjit.role = "offset"}
// CHECK-SAME: {convjit.role = "mask"}
// CHECK-SAME: {convjit.role = "weight"}
// CHECK-SAME: {convjit.role = "output"}
func.func @deform(%x: tensor<1x4x6x6xf32>, %o: tensor<1x18x6x6xf32>, %m: tensor<1x9x6x6xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  %y = conv.deform_conv %x, %o mask(%m), %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 deform_groups 1 layout nchw
       : (tensor<1x4x6x6xf32>, tensor<1x18x6x6xf32>, tensor<1x9x6x6xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}
