// Every conv op in every form prints, parses back and prints the same.
// RUN: convjit-opt %s | convjit-opt | FileCheck %s
// The generic form round-trips too (attribute names and enum spelling).
// RUN: convjit-opt %s --mlir-print-op-generic | convjit-opt | FileCheck %s
// RUN: convjit-opt %s --emit-bytecode | convjit-opt | FileCheck %s

// CHECK-LABEL: func.func @conv1d
// CHECK: conv.conv %arg0, %arg1 stride [1] dilation [1] pad [0] to [0] groups 1 layout nchw : (tensor<2x4x10xf32>, tensor<8x4x3xf32>) -> tensor<2x8x8xf32>
func.func @conv1d(%x: tensor<2x4x10xf32>, %w: tensor<8x4x3xf32>) -> tensor<2x8x8xf32> {
  %y = conv.conv %x, %w stride [1] dilation [1] pad [0] to [0] groups 1 layout nchw
       : (tensor<2x4x10xf32>, tensor<8x4x3xf32>) -> tensor<2x8x8xf32>
  return %y : tensor<2x8x8xf32>
}

// CHECK-LABEL: func.func @conv2d_nhwc_bias_relu_grouped_asymmetric
// CHECK: conv.conv %arg0, %arg1 bias(%arg2) stride [2, 2] dilation [1, 1] pad [1, 1] to [0, 1] groups 4 layout nhwc relu : (tensor<1x8x8x16xf32>, tensor<32x4x3x3xf32>, tensor<32xf32>) -> tensor<1x4x4x32xf32>
func.func @conv2d_nhwc_bias_relu_grouped_asymmetric(%x: tensor<1x8x8x16xf32>, %w: tensor<32x4x3x3xf32>, %b: tensor<32xf32>) -> tensor<1x4x4x32xf32> {
  %y = conv.conv %x, %w bias(%b) stride [2, 2] dilation [1, 1] pad [1, 1] to [0, 1] groups 4 layout nhwc relu
       : (tensor<1x8x8x16xf32>, tensor<32x4x3x3xf32>, tensor<32xf32>) -> tensor<1x4x4x32xf32>
  return %y : tensor<1x4x4x32xf32>
}

// CHECK-LABEL: func.func @conv2d_depthwise_dilated
// CHECK: conv.conv %arg0, %arg1 stride [1, 1] dilation [2, 2] pad [2, 2] to [2, 2] groups 8 layout nchw : (tensor<1x8x9x9xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x9x9xf32>
func.func @conv2d_depthwise_dilated(%x: tensor<1x8x9x9xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x9x9xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [2, 2] pad [2, 2] to [2, 2] groups 8 layout nchw
       : (tensor<1x8x9x9xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x9x9xf32>
  return %y : tensor<1x8x9x9xf32>
}

// CHECK-LABEL: func.func @conv3d
// CHECK: conv.conv %arg0, %arg1 stride [1, 2, 2] dilation [1, 1, 1] pad [1, 1, 1] to [1, 1, 1] groups 1 layout nchw : (tensor<1x2x4x6x6xf32>, tensor<4x2x3x3x3xf32>) -> tensor<1x4x4x3x3xf32>
func.func @conv3d(%x: tensor<1x2x4x6x6xf32>, %w: tensor<4x2x3x3x3xf32>) -> tensor<1x4x4x3x3xf32> {
  %y = conv.conv %x, %w stride [1, 2, 2] dilation [1, 1, 1] pad [1, 1, 1] to [1, 1, 1] groups 1 layout nchw
       : (tensor<1x2x4x6x6xf32>, tensor<4x2x3x3x3xf32>) -> tensor<1x4x4x3x3xf32>
  return %y : tensor<1x4x4x3x3xf32>
}

// CHECK-LABEL: func.func @conv3d_nhwc_bias_relu
// CHECK: conv.conv %arg0, %arg1 bias(%arg2) stride [2, 2, 2] dilation [1, 1, 1] pad [0, 0, 0] to [0, 0, 0] groups 1 layout nhwc relu : (tensor<1x4x4x4x3xf32>, tensor<6x3x2x2x2xf32>, tensor<6xf32>) -> tensor<1x2x2x2x6xf32>
func.func @conv3d_nhwc_bias_relu(%x: tensor<1x4x4x4x3xf32>, %w: tensor<6x3x2x2x2xf32>, %b: tensor<6xf32>) -> tensor<1x2x2x2x6xf32> {
  %y = conv.conv %x, %w bias(%b) stride [2, 2, 2] dilation [1, 1, 1] pad [0, 0, 0] to [0, 0, 0] groups 1 layout nhwc relu
       : (tensor<1x4x4x4x3xf32>, tensor<6x3x2x2x2xf32>, tensor<6xf32>) -> tensor<1x2x2x2x6xf32>
  return %y : tensor<1x2x2x2x6xf32>
}

// A discardable attribute (e.g. a later schedule) survives the round trip.
// CHECK-LABEL: func.func @conv_with_schedule
// CHECK: conv.conv %arg0, %arg1 stride [1] dilation [1] pad [0] to [0] groups 1 layout nchw {schedule = {tile = [1, 8]}} : (tensor<2x4x10xf32>, tensor<8x4x3xf32>) -> tensor<2x8x8xf32>
func.func @conv_with_schedule(%x: tensor<2x4x10xf32>, %w: tensor<8x4x3xf32>) -> tensor<2x8x8xf32> {
  %y = conv.conv %x, %w stride [1] dilation [1] pad [0] to [0] groups 1 layout nchw {schedule = {tile = [1, 8]}}
       : (tensor<2x4x10xf32>, tensor<8x4x3xf32>) -> tensor<2x8x8xf32>
  return %y : tensor<2x8x8xf32>
}

// CHECK-LABEL: func.func @conv_transpose2d
// CHECK: conv.conv_transpose %arg0, %arg1 stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] output_padding [1, 1] groups 1 layout nchw : (tensor<1x16x8x8xf32>, tensor<16x8x3x3xf32>) -> tensor<1x8x16x16xf32>
func.func @conv_transpose2d(%x: tensor<1x16x8x8xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x8x16x16xf32> {
  %y = conv.conv_transpose %x, %w stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] output_padding [1, 1] groups 1 layout nchw
       : (tensor<1x16x8x8xf32>, tensor<16x8x3x3xf32>) -> tensor<1x8x16x16xf32>
  return %y : tensor<1x8x16x16xf32>
}

// CHECK-LABEL: func.func @conv_transpose1d_nhwc_bias_relu_grouped_asymmetric
// CHECK: conv.conv_transpose %arg0, %arg1 bias(%arg2) stride [3] dilation [1] pad [0] to [2] output_padding [2] groups 2 layout nhwc relu : (tensor<1x5x4xf32>, tensor<4x3x4xf32>, tensor<6xf32>) -> tensor<1x16x6xf32>
func.func @conv_transpose1d_nhwc_bias_relu_grouped_asymmetric(%x: tensor<1x5x4xf32>, %w: tensor<4x3x4xf32>, %b: tensor<6xf32>) -> tensor<1x16x6xf32> {
  %y = conv.conv_transpose %x, %w bias(%b) stride [3] dilation [1] pad [0] to [2] output_padding [2] groups 2 layout nhwc relu
       : (tensor<1x5x4xf32>, tensor<4x3x4xf32>, tensor<6xf32>) -> tensor<1x16x6xf32>
  return %y : tensor<1x16x6xf32>
}

// output_padding only has to be smaller than the stride OR the dilation.
// CHECK-LABEL: func.func @conv_transpose3d_dilated
// CHECK: conv.conv_transpose %arg0, %arg1 stride [1, 1, 1] dilation [2, 2, 2] pad [0, 0, 0] to [0, 0, 0] output_padding [1, 1, 1] groups 1 layout nchw : (tensor<1x2x3x3x3xf32>, tensor<2x2x2x2x2xf32>) -> tensor<1x2x6x6x6xf32>
func.func @conv_transpose3d_dilated(%x: tensor<1x2x3x3x3xf32>, %w: tensor<2x2x2x2x2xf32>) -> tensor<1x2x6x6x6xf32> {
  %y = conv.conv_transpose %x, %w stride [1, 1, 1] dilation [2, 2, 2] pad [0, 0, 0] to [0, 0, 0] output_padding [1, 1, 1] groups 1 layout nchw
       : (tensor<1x2x3x3x3xf32>, tensor<2x2x2x2x2xf32>) -> tensor<1x2x6x6x6xf32>
  return %y : tensor<1x2x6x6x6xf32>
}

// CHECK-LABEL: func.func @deform_conv
// CHECK: conv.deform_conv %arg0, %arg1, %arg2 stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 deform_groups 1 layout nchw : (tensor<1x4x8x8xf32>, tensor<1x18x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
func.func @deform_conv(%x: tensor<1x4x8x8xf32>, %off: tensor<1x18x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32> {
  %y = conv.deform_conv %x, %off, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 deform_groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<1x18x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}

// CHECK-LABEL: func.func @deform_conv_mask_bias_nhwc_relu
// CHECK: conv.deform_conv %arg0, %arg1 mask(%arg2), %arg3 bias(%arg4) stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] groups 2 deform_groups 2 layout nhwc relu : (tensor<1x7x7x4xf32>, tensor<1x4x4x36xf32>, tensor<1x4x4x18xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x4x4x6xf32>
func.func @deform_conv_mask_bias_nhwc_relu(%x: tensor<1x7x7x4xf32>, %off: tensor<1x4x4x36xf32>, %m: tensor<1x4x4x18xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x4x4x6xf32> {
  %y = conv.deform_conv %x, %off mask(%m), %w bias(%b) stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] groups 2 deform_groups 2 layout nhwc relu
       : (tensor<1x7x7x4xf32>, tensor<1x4x4x36xf32>, tensor<1x4x4x18xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x4x4x6xf32>
  return %y : tensor<1x4x4x6xf32>
}

// Bias without mask: the operand segments keep the two optionals apart.
// CHECK-LABEL: func.func @deform_conv_bias_no_mask
// CHECK: conv.deform_conv %arg0, %arg1, %arg2 bias(%arg3) stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 deform_groups 1 layout nchw : (tensor<1x4x8x8xf32>, tensor<1x8x7x7xf32>, tensor<4x4x2x2xf32>, tensor<4xf32>) -> tensor<1x4x7x7xf32>
func.func @deform_conv_bias_no_mask(%x: tensor<1x4x8x8xf32>, %off: tensor<1x8x7x7xf32>, %w: tensor<4x4x2x2xf32>, %b: tensor<4xf32>) -> tensor<1x4x7x7xf32> {
  %y = conv.deform_conv %x, %off, %w bias(%b) stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 deform_groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<1x8x7x7xf32>, tensor<4x4x2x2xf32>, tensor<4xf32>) -> tensor<1x4x7x7xf32>
  return %y : tensor<1x4x7x7xf32>
}

// CHECK-LABEL: func.func @max_pool2d
// CHECK: conv.pool max %arg0 kernel [3, 3] stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] layout nchw : (tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32>
func.func @max_pool2d(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32> {
  %y = conv.pool max %x kernel [3, 3] stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] layout nchw
       : (tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32>
  return %y : tensor<1x16x4x4xf32>
}

// CHECK-LABEL: func.func @avg_pool1d_nhwc_relu_asymmetric
// CHECK: conv.pool avg %arg0 kernel [2] stride [2] dilation [1] pad [0] to [1] layout nhwc relu : (tensor<2x10x3xf32>) -> tensor<2x5x3xf32>
func.func @avg_pool1d_nhwc_relu_asymmetric(%x: tensor<2x10x3xf32>) -> tensor<2x5x3xf32> {
  %y = conv.pool avg %x kernel [2] stride [2] dilation [1] pad [0] to [1] layout nhwc relu
       : (tensor<2x10x3xf32>) -> tensor<2x5x3xf32>
  return %y : tensor<2x5x3xf32>
}

// CHECK-LABEL: func.func @max_pool3d_dilated
// CHECK: conv.pool max %arg0 kernel [2, 2, 2] stride [1, 1, 1] dilation [2, 2, 2] pad [0, 0, 0] to [1, 1, 1] layout nchw : (tensor<1x2x7x7x7xf32>) -> tensor<1x2x6x6x6xf32>
func.func @max_pool3d_dilated(%x: tensor<1x2x7x7x7xf32>) -> tensor<1x2x6x6x6xf32> {
  %y = conv.pool max %x kernel [2, 2, 2] stride [1, 1, 1] dilation [2, 2, 2] pad [0, 0, 0] to [1, 1, 1] layout nchw
       : (tensor<1x2x7x7x7xf32>) -> tensor<1x2x6x6x6xf32>
  return %y : tensor<1x2x6x6x6xf32>
}

// CHECK-LABEL: func.func @channel_shuffle1d_nhwc
// CHECK: conv.channel_shuffle %arg0 groups 3 layout nhwc : (tensor<2x5x12xf32>) -> tensor<2x5x12xf32>
func.func @channel_shuffle1d_nhwc(%x: tensor<2x5x12xf32>) -> tensor<2x5x12xf32> {
  %y = conv.channel_shuffle %x groups 3 layout nhwc : (tensor<2x5x12xf32>) -> tensor<2x5x12xf32>
  return %y : tensor<2x5x12xf32>
}

// CHECK-LABEL: func.func @channel_shuffle2d_relu
// CHECK: conv.channel_shuffle %arg0 groups 4 layout nchw relu : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
func.func @channel_shuffle2d_relu(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %y = conv.channel_shuffle %x groups 4 layout nchw relu : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %y : tensor<1x16x8x8xf32>
}

// CHECK-LABEL: func.func @channel_shuffle3d
// CHECK: conv.channel_shuffle %arg0 groups 2 layout nchw : (tensor<1x6x2x3x4xf32>) -> tensor<1x6x2x3x4xf32>
func.func @channel_shuffle3d(%x: tensor<1x6x2x3x4xf32>) -> tensor<1x6x2x3x4xf32> {
  %y = conv.channel_shuffle %x groups 2 layout nchw : (tensor<1x6x2x3x4xf32>) -> tensor<1x6x2x3x4xf32>
  return %y : tensor<1x6x2x3x4xf32>
}
