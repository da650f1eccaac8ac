// Every verifier error of the conv ops, one per split.
// RUN: convjit-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// Operand types (ODS constraints)
//===----------------------------------------------------------------------===//

func.func @conv_f16_input(%x: tensor<1x4x8x8xf16>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 32-bit float values}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf16>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_dynamic_batch(%x: tensor<?x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 32-bit float values}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<?x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @unknown_layout(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  // expected-error @+1 {{expected one of [nchw, nhwc] for activation layout, got: nwhc}}
  %y = conv.channel_shuffle %x groups 4 layout nwhc : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %y : tensor<1x16x8x8xf32>
}

// -----

func.func @unknown_pool_kind(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32> {
  // expected-error @+1 {{expected one of [max, avg] for pooling kind, got: sum}}
  %y = conv.pool sum %x kernel [2, 2] stride [2, 2] dilation [1, 1] pad [0, 0] to [0, 0] layout nchw
       : (tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32>
  return %y : tensor<1x16x4x4xf32>
}

//===----------------------------------------------------------------------===//
// Ranks
//===----------------------------------------------------------------------===//

// -----

func.func @conv_input_rank_2(%x: tensor<1x4xf32>, %w: tensor<8x4xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'conv.conv' op input must have rank 3, 4 or 5 (batch, channels and 1-3 spatial dims), got 2}}
  %y = conv.conv %x, %w stride [] dilation [] pad [] to [] groups 1 layout nchw
       : (tensor<1x4xf32>, tensor<8x4xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @conv_input_rank_6(%x: tensor<1x1x2x2x2x2xf32>, %w: tensor<1x1x1x1x1x1xf32>) -> tensor<1x1x2x2x2x2xf32> {
  // expected-error @+1 {{'conv.conv' op input must have rank 3, 4 or 5 (batch, channels and 1-3 spatial dims), got 6}}
  %y = conv.conv %x, %w stride [1, 1, 1, 1] dilation [1, 1, 1, 1] pad [0, 0, 0, 0] to [0, 0, 0, 0] groups 1 layout nchw
       : (tensor<1x1x2x2x2x2xf32>, tensor<1x1x1x1x1x1xf32>) -> tensor<1x1x2x2x2x2xf32>
  return %y : tensor<1x1x2x2x2x2xf32>
}

// -----

func.func @conv_weight_rank(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op weight must have rank 4 (oc, ic/groups, k...), got 3}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_transpose_weight_rank(%x: tensor<1x4x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x10xf32> {
  // expected-error @+1 {{'conv.conv_transpose' op weight must have rank 3 (ic, oc/groups, k...), got 4}}
  %y = conv.conv_transpose %x, %w stride [1] dilation [1] pad [0] to [0] output_padding [0] groups 1 layout nchw
       : (tensor<1x4x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x10xf32>
  return %y : tensor<1x2x10xf32>
}

// -----

func.func @conv_output_rank(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x36xf32> {
  // expected-error @+1 {{'conv.conv' op output shape must be 1x8x6x6 (layout nchw), got 1x8x36}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x36xf32>
  return %y : tensor<1x8x36xf32>
}

// -----

func.func @deform_conv_3d(%x: tensor<1x4x4x4x4xf32>, %off: tensor<1x6x4x4x4xf32>, %w: tensor<4x4x1x1x1xf32>) -> tensor<1x4x4x4x4xf32> {
  // expected-error @+1 {{'conv.deform_conv' op is 2-D only: input must have rank 4, got 5}}
  %y = conv.deform_conv %x, %off, %w stride [1, 1, 1] dilation [1, 1, 1] pad [0, 0, 0] to [0, 0, 0] groups 1 deform_groups 1 layout nchw
       : (tensor<1x4x4x4x4xf32>, tensor<1x6x4x4x4xf32>, tensor<4x4x1x1x1xf32>) -> tensor<1x4x4x4x4xf32>
  return %y : tensor<1x4x4x4x4xf32>
}

// -----

func.func @pool_input_rank(%x: tensor<16x8xf32>) -> tensor<16x4xf32> {
  // expected-error @+1 {{'conv.pool' op input must have rank 3, 4 or 5 (batch, channels and 1-3 spatial dims), got 2}}
  %y = conv.pool max %x kernel [2] stride [2] dilation [1] pad [0] to [0] layout nchw
       : (tensor<16x8xf32>) -> tensor<16x4xf32>
  return %y : tensor<16x4xf32>
}

// -----

func.func @channel_shuffle_input_rank(%x: tensor<16x8xf32>) -> tensor<16x8xf32> {
  // expected-error @+1 {{'conv.channel_shuffle' op input must have rank 3, 4 or 5 (batch, channels and 1-3 spatial dims), got 2}}
  %y = conv.channel_shuffle %x groups 4 layout nchw : (tensor<16x8xf32>) -> tensor<16x8xf32>
  return %y : tensor<16x8xf32>
}

//===----------------------------------------------------------------------===//
// Window attributes: one entry per spatial dim, in range
//===----------------------------------------------------------------------===//

// -----

func.func @conv_strides_length(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op 'strides' must have one entry per spatial dim (2), got 3}}
  %y = conv.conv %x, %w stride [1, 1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_dilations_length(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op 'dilations' must have one entry per spatial dim (2), got 1}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_pad_lo_length(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op 'pad_lo' must have one entry per spatial dim (2), got 0}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_pad_hi_length(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op 'pad_hi' must have one entry per spatial dim (2), got 3}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_stride_zero(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op 'strides' entries must be >= 1, got [1, 0]}}
  %y = conv.conv %x, %w stride [1, 0] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_dilation_zero(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op 'dilations' entries must be >= 1, got [0, 1]}}
  %y = conv.conv %x, %w stride [1, 1] dilation [0, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_negative_pad_lo(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op 'pad_lo' entries must be >= 0, got [-1, 0]}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [-1, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_negative_pad_hi(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op 'pad_hi' entries must be >= 0, got [0, -2]}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, -2] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_transpose_output_padding_length(%x: tensor<1x4x8xf32>, %w: tensor<4x2x3xf32>) -> tensor<1x2x10xf32> {
  // expected-error @+1 {{'conv.conv_transpose' op 'output_padding' must have one entry per spatial dim (1), got 2}}
  %y = conv.conv_transpose %x, %w stride [1] dilation [1] pad [0] to [0] output_padding [0, 0] groups 1 layout nchw
       : (tensor<1x4x8xf32>, tensor<4x2x3xf32>) -> tensor<1x2x10xf32>
  return %y : tensor<1x2x10xf32>
}

// -----

func.func @conv_transpose_negative_output_padding(%x: tensor<1x4x8xf32>, %w: tensor<4x2x3xf32>) -> tensor<1x2x10xf32> {
  // expected-error @+1 {{'conv.conv_transpose' op 'output_padding' entries must be >= 0, got [-1]}}
  %y = conv.conv_transpose %x, %w stride [1] dilation [1] pad [0] to [0] output_padding [-1] groups 1 layout nchw
       : (tensor<1x4x8xf32>, tensor<4x2x3xf32>) -> tensor<1x2x10xf32>
  return %y : tensor<1x2x10xf32>
}

// -----

func.func @conv_transpose_output_padding_too_large(%x: tensor<1x4x8xf32>, %w: tensor<4x2x3xf32>) -> tensor<1x2x17xf32> {
  // expected-error @+1 {{'conv.conv_transpose' op 'output_padding' (2) along spatial dim 0 must be smaller than the stride (2) or the dilation (1)}}
  %y = conv.conv_transpose %x, %w stride [2] dilation [1] pad [1] to [1] output_padding [2] groups 1 layout nchw
       : (tensor<1x4x8xf32>, tensor<4x2x3xf32>) -> tensor<1x2x17xf32>
  return %y : tensor<1x2x17xf32>
}

// -----

func.func @pool_kernel_length(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32> {
  // expected-error @+1 {{'conv.pool' op 'kernel' must have one entry per spatial dim (2), got 1}}
  %y = conv.pool max %x kernel [2] stride [2, 2] dilation [1, 1] pad [0, 0] to [0, 0] layout nchw
       : (tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32>
  return %y : tensor<1x16x4x4xf32>
}

// -----

func.func @pool_kernel_zero(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32> {
  // expected-error @+1 {{'conv.pool' op 'kernel' entries must be >= 1, got [2, 0]}}
  %y = conv.pool avg %x kernel [2, 0] stride [2, 2] dilation [1, 1] pad [0, 0] to [0, 0] layout nchw
       : (tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32>
  return %y : tensor<1x16x4x4xf32>
}

// -----

func.func @pool_stride_zero(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32> {
  // expected-error @+1 {{'conv.pool' op 'strides' entries must be >= 1, got [0, 2]}}
  %y = conv.pool max %x kernel [2, 2] stride [0, 2] dilation [1, 1] pad [0, 0] to [0, 0] layout nchw
       : (tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32>
  return %y : tensor<1x16x4x4xf32>
}

// -----

func.func @pool_negative_pad(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32> {
  // expected-error @+1 {{'conv.pool' op 'pad_lo' entries must be >= 0, got [0, -1]}}
  %y = conv.pool max %x kernel [2, 2] stride [2, 2] dilation [1, 1] pad [0, -1] to [0, 0] layout nchw
       : (tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32>
  return %y : tensor<1x16x4x4xf32>
}

//===----------------------------------------------------------------------===//
// Groups and channel counts
//===----------------------------------------------------------------------===//

// -----

func.func @conv_groups_zero(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op 'groups' must be >= 1, got 0}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 0 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_groups_negative(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op 'groups' must be >= 1, got -2}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups -2 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_groups_not_dividing_ic(%x: tensor<1x6x8x8xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op input channels (6) must be divisible by 'groups' (4)}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 4 layout nchw
       : (tensor<1x6x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

// The channel position follows the layout: nhwc reads 6 channels from the end.
func.func @conv_groups_not_dividing_ic_nhwc(%x: tensor<1x8x8x6xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x6x6x8xf32> {
  // expected-error @+1 {{'conv.conv' op input channels (6) must be divisible by 'groups' (4)}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 4 layout nhwc
       : (tensor<1x8x8x6xf32>, tensor<8x1x3x3xf32>) -> tensor<1x6x6x8xf32>
  return %y : tensor<1x6x6x8xf32>
}

// -----

func.func @conv_groups_not_dividing_oc(%x: tensor<1x4x8x8xf32>, %w: tensor<6x1x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op output channels (6) must be divisible by 'groups' (4)}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 4 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %y : tensor<1x6x6x6xf32>
}

// -----

func.func @conv_weight_in_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op weight dim 1 (4) must equal input channels / groups (2)}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 2 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_weight_kernel_zero(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x0x3xf32>) -> tensor<1x8x9x6xf32> {
  // expected-error @+1 {{'conv.conv' op weight kernel sizes must be >= 1, got 0x3}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x0x3xf32>) -> tensor<1x8x9x6xf32>
  return %y : tensor<1x8x9x6xf32>
}

// -----

func.func @conv_transpose_weight_in_channels(%x: tensor<1x4x8xf32>, %w: tensor<2x2x3xf32>) -> tensor<1x2x10xf32> {
  // expected-error @+1 {{'conv.conv_transpose' op weight dim 0 (2) must equal the input channels (4)}}
  %y = conv.conv_transpose %x, %w stride [1] dilation [1] pad [0] to [0] output_padding [0] groups 1 layout nchw
       : (tensor<1x4x8xf32>, tensor<2x2x3xf32>) -> tensor<1x2x10xf32>
  return %y : tensor<1x2x10xf32>
}

// -----

func.func @conv_transpose_groups_not_dividing_ic(%x: tensor<1x4x8xf32>, %w: tensor<4x2x3xf32>) -> tensor<1x6x10xf32> {
  // expected-error @+1 {{'conv.conv_transpose' op input channels (4) must be divisible by 'groups' (3)}}
  %y = conv.conv_transpose %x, %w stride [1] dilation [1] pad [0] to [0] output_padding [0] groups 3 layout nchw
       : (tensor<1x4x8xf32>, tensor<4x2x3xf32>) -> tensor<1x6x10xf32>
  return %y : tensor<1x6x10xf32>
}

// -----

func.func @deform_groups_zero(%x: tensor<1x4x8x8xf32>, %off: tensor<1x18x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32> {
  // expected-error @+1 {{'conv.deform_conv' op 'deform_groups' must be >= 1, got 0}}
  %y = conv.deform_conv %x, %off, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 deform_groups 0 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<1x18x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}

// -----

func.func @deform_groups_not_dividing_ic(%x: tensor<1x4x8x8xf32>, %off: tensor<1x54x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32> {
  // expected-error @+1 {{'conv.deform_conv' op input channels (4) must be divisible by 'deform_groups' (3)}}
  %y = conv.deform_conv %x, %off, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 deform_groups 3 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<1x54x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}

// -----

func.func @channel_shuffle_groups_zero(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  // expected-error @+1 {{'conv.channel_shuffle' op 'groups' must be >= 1, got 0}}
  %y = conv.channel_shuffle %x groups 0 layout nchw : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %y : tensor<1x16x8x8xf32>
}

// -----

func.func @channel_shuffle_groups_not_dividing(%x: tensor<1x8x8x10xf32>) -> tensor<1x8x8x10xf32> {
  // expected-error @+1 {{'conv.channel_shuffle' op input channels (10) must be divisible by 'groups' (4)}}
  %y = conv.channel_shuffle %x groups 4 layout nhwc : (tensor<1x8x8x10xf32>) -> tensor<1x8x8x10xf32>
  return %y : tensor<1x8x8x10xf32>
}

//===----------------------------------------------------------------------===//
// Bias, offset, mask
//===----------------------------------------------------------------------===//

// -----

func.func @conv_bias_size(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op bias shape must be 8 (the output channels), got 4}}
  %y = conv.conv %x, %w bias(%b) stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<4xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_bias_rank(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<1x8xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op bias shape must be 8 (the output channels), got 1x8}}
  %y = conv.conv %x, %w bias(%b) stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<1x8xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

// The transposed op's output channels are weight dim 1 * groups = 4.
func.func @conv_transpose_bias_size(%x: tensor<1x4x8xf32>, %w: tensor<4x2x3xf32>, %b: tensor<2xf32>) -> tensor<1x4x10xf32> {
  // expected-error @+1 {{'conv.conv_transpose' op bias shape must be 4 (the output channels), got 2}}
  %y = conv.conv_transpose %x, %w bias(%b) stride [1] dilation [1] pad [0] to [0] output_padding [0] groups 2 layout nchw
       : (tensor<1x4x8xf32>, tensor<4x2x3xf32>, tensor<2xf32>) -> tensor<1x4x10xf32>
  return %y : tensor<1x4x10xf32>
}

// -----

func.func @deform_conv_offset_channels(%x: tensor<1x4x8x8xf32>, %off: tensor<1x9x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32> {
  // expected-error @+1 {{'conv.deform_conv' op offset shape must be 1x18x8x8 (2*deform_groups*kh*kw = 18 channels at the output's spatial size, layout nchw), got 1x9x8x8}}
  %y = conv.deform_conv %x, %off, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 deform_groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<1x9x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}

// -----

func.func @deform_conv_offset_spatial_nhwc(%x: tensor<1x8x8x4xf32>, %off: tensor<1x8x8x36xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error @+1 {{'conv.deform_conv' op offset shape must be 1x4x4x36 (2*deform_groups*kh*kw = 36 channels at the output's spatial size, layout nhwc), got 1x8x8x36}}
  %y = conv.deform_conv %x, %off, %w stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 deform_groups 2 layout nhwc
       : (tensor<1x8x8x4xf32>, tensor<1x8x8x36xf32>, tensor<8x4x3x3xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

func.func @deform_conv_mask_channels(%x: tensor<1x4x8x8xf32>, %off: tensor<1x18x8x8xf32>, %m: tensor<1x18x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32> {
  // expected-error @+1 {{'conv.deform_conv' op mask shape must be 1x9x8x8 (deform_groups*kh*kw = 9 channels at the output's spatial size, layout nchw), got 1x18x8x8}}
  %y = conv.deform_conv %x, %off mask(%m), %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 deform_groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<1x18x8x8xf32>, tensor<1x18x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}

// -----

func.func @deform_conv_mask_batch(%x: tensor<2x4x8x8xf32>, %off: tensor<2x18x8x8xf32>, %m: tensor<1x9x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<2x8x8x8xf32> {
  // expected-error @+1 {{'conv.deform_conv' op mask shape must be 2x9x8x8 (deform_groups*kh*kw = 9 channels at the output's spatial size, layout nchw), got 1x9x8x8}}
  %y = conv.deform_conv %x, %off mask(%m), %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 deform_groups 1 layout nchw
       : (tensor<2x4x8x8xf32>, tensor<2x18x8x8xf32>, tensor<1x9x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<2x8x8x8xf32>
  return %y : tensor<2x8x8x8xf32>
}

//===----------------------------------------------------------------------===//
// Output shapes (the PyTorch formulas, layout-aware)
//===----------------------------------------------------------------------===//

// -----

func.func @conv_output_spatial(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32> {
  // expected-error @+1 {{'conv.conv' op output shape must be 1x8x4x4 (layout nchw), got 1x8x8x8}}
  %y = conv.conv %x, %w stride [2, 2] dilation [1, 1] pad [1, 1] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}

// -----

func.func @conv_output_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op output shape must be 1x8x6x6 (layout nchw), got 1x4x6x6}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_output_batch(%x: tensor<2x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op output shape must be 2x8x6x6 (layout nchw), got 1x8x6x6}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<2x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

// A channels-first output shape on an nhwc op.
func.func @conv_output_wrong_layout(%x: tensor<1x8x8x4xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.conv' op output shape must be 1x6x6x8 (layout nhwc), got 1x8x6x6}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nhwc
       : (tensor<1x8x8x4xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_input_too_small(%x: tensor<1x4x2x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x1x6xf32> {
  // expected-error @+1 {{'conv.conv' op output size along spatial dim 0 would be 0: the dilated window is larger than the padded input}}
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x4x2x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x1x6xf32>
  return %y : tensor<1x8x1x6xf32>
}

// -----

func.func @conv_transpose_output_spatial(%x: tensor<1x16x8x8xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x8x15x15xf32> {
  // expected-error @+1 {{'conv.conv_transpose' op output shape must be 1x8x16x16 (layout nchw), got 1x8x15x15}}
  %y = conv.conv_transpose %x, %w stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] output_padding [1, 1] groups 1 layout nchw
       : (tensor<1x16x8x8xf32>, tensor<16x8x3x3xf32>) -> tensor<1x8x15x15xf32>
  return %y : tensor<1x8x15x15xf32>
}

// -----

func.func @conv_transpose_output_channels(%x: tensor<1x4x8xf32>, %w: tensor<4x2x3xf32>) -> tensor<1x2x10xf32> {
  // expected-error @+1 {{'conv.conv_transpose' op output shape must be 1x4x10 (layout nchw), got 1x2x10}}
  %y = conv.conv_transpose %x, %w stride [1] dilation [1] pad [0] to [0] output_padding [0] groups 2 layout nchw
       : (tensor<1x4x8xf32>, tensor<4x2x3xf32>) -> tensor<1x2x10xf32>
  return %y : tensor<1x2x10xf32>
}

// -----

func.func @conv_transpose_cropped_away(%x: tensor<1x4x1xf32>, %w: tensor<4x2x1xf32>) -> tensor<1x2x1xf32> {
  // expected-error @+1 {{'conv.conv_transpose' op output size along spatial dim 0 would be -1: the padding crops the whole output}}
  %y = conv.conv_transpose %x, %w stride [1] dilation [1] pad [1] to [1] output_padding [0] groups 1 layout nchw
       : (tensor<1x4x1xf32>, tensor<4x2x1xf32>) -> tensor<1x2x1xf32>
  return %y : tensor<1x2x1xf32>
}

// -----

func.func @deform_conv_output_spatial(%x: tensor<1x4x8x8xf32>, %off: tensor<1x18x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'conv.deform_conv' op output shape must be 1x8x8x8 (layout nchw), got 1x8x6x6}}
  %y = conv.deform_conv %x, %off, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 deform_groups 1 layout nchw
       : (tensor<1x4x8x8xf32>, tensor<1x18x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @pool_output_spatial(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x3x3xf32> {
  // expected-error @+1 {{'conv.pool' op output shape must be 1x16x4x4 (layout nchw), got 1x16x3x3}}
  %y = conv.pool max %x kernel [3, 3] stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] layout nchw
       : (tensor<1x16x8x8xf32>) -> tensor<1x16x3x3xf32>
  return %y : tensor<1x16x3x3xf32>
}

// -----

func.func @pool_output_channels_nhwc(%x: tensor<1x8x8x16xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error @+1 {{'conv.pool' op output shape must be 1x4x4x16 (layout nhwc), got 1x4x4x8}}
  %y = conv.pool avg %x kernel [2, 2] stride [2, 2] dilation [1, 1] pad [0, 0] to [0, 0] layout nhwc
       : (tensor<1x8x8x16xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

func.func @pool_input_too_small(%x: tensor<1x16x2xf32>) -> tensor<1x16x1xf32> {
  // expected-error @+1 {{'conv.pool' op output size along spatial dim 0 would be 0: the dilated window is larger than the padded input}}
  %y = conv.pool max %x kernel [2] stride [1] dilation [2] pad [0] to [0] layout nchw
       : (tensor<1x16x2xf32>) -> tensor<1x16x1xf32>
  return %y : tensor<1x16x1xf32>
}

// -----

func.func @channel_shuffle_output_type(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x4xf32> {
  // expected-error @+1 {{'conv.channel_shuffle' op output type must equal the input type 'tensor<1x16x8x8xf32>', got 'tensor<1x16x8x4xf32>'}}
  %y = conv.channel_shuffle %x groups 4 layout nchw : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x4xf32>
  return %y : tensor<1x16x8x4xf32>
}
