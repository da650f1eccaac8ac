// A depthwise layer's border regions read cropped windows of the prepared
// weights: views of the one stored copy (3x3x16, 144 floats), not copies of
// their own.
// RUN: convjit-opt %s --pass-pipeline='builtin.module(convjit-kernel-abi,convert-conv-to-linalg,canonicalize,func.func(convjit-choose-schedules{target=avx2}),canonicalize,cse,convjit-outline-packing)' | FileCheck %s --check-prefix=DW

// DW: module attributes {convjit.packed_elements = 144 : i64}
// DW-LABEL: func.func @convjit_pack
// DW-NOT: tensor.extract_slice
// DW: bufferization.materialize_in_destination
// DW-LABEL: func.func @convjit_run
// DW: %[[FLAT:.*]] = tensor.extract_slice %{{.*}}[0] [144] [1]
// DW: %[[HWC:.*]] = tensor.expand_shape %[[FLAT]] {{.*}} into tensor<3x3x16xf32>
// The corners' 2x2 windows (one body in a loop over the four corners), the
// columns' 3x2 and the rows' 2x3.
// DW: tensor.extract_slice %[[HWC]][%{{.*}}, %{{.*}}, 0] [2, 2, 16] [1, 1, 1]
// DW: tensor.extract_slice %[[HWC]][0, %{{.*}}, 0] [3, 2, 16] [1, 1, 1]
// DW: tensor.extract_slice %[[HWC]][%{{.*}}, 0, 0] [2, 3, 16] [1, 1, 1]
func.func @depthwise(%x: tensor<1x8x8x16xf32>, %w: tensor<16x1x3x3xf32>) -> tensor<1x8x8x16xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 16 layout nhwc
       : (tensor<1x8x8x16xf32>, tensor<16x1x3x3xf32>) -> tensor<1x8x8x16xf32>
  return %y : tensor<1x8x8x16xf32>
}
