// Channel-wise windows with channels innermost (the plane of one vector of
// channels does not fit half of L1) take two output rows per register tile
// on AVX-512, 2 x 6 positions, the window unrolled along both its dims, so
// that the two rows' taps share their input loads (ConvSchedule.cpp). A
// small plane (channels outermost) and AVX2 keep one row; tile-rows sets it.
// RUN: convjit-opt %s --convert-conv-to-linalg --canonicalize "--convjit-choose-schedules=target=avx512" --split-input-file | FileCheck %s
// RUN: convjit-opt %s --convert-conv-to-linalg --canonicalize "--convjit-choose-schedules=target=avx2" --split-input-file | FileCheck %s --check-prefix=AVX2
// RUN: convjit-opt %s --convert-conv-to-linalg --canonicalize "--convjit-choose-schedules=target=avx512 tile-rows=3" --split-input-file | FileCheck %s --check-prefix=ROWS3

// CHECK-LABEL: func.func @large_plane
// CHECK: convjit.conv_core, convjit.partition = 1 : i64, convjit.schedule = {interchange = array<i64: 0, 1, 2, 3, 4, 5>, reduce = array<i64: 0, 0, 0, 0, 1, 1>, tile = array<i64: 1, 2, 6, 16, 0, 0>, unroll = array<i64: 0, 0, 0, 0, 1, 1>}
// AVX2-LABEL: func.func @large_plane
// AVX2: tile = array<i64: 1, 1, {{[0-9]+}}, 8, 0, 0>, unroll = array<i64: 0, 0, 0, 0, 0, 1>}
// ROWS3-LABEL: func.func @large_plane
// ROWS3: tile = array<i64: 1, 3, 4, 16, 0, 0>, unroll = array<i64: 0, 0, 0, 0, 1, 1>}
func.func @large_plane(%x: tensor<1x40x40x32xf32>, %w: tensor<32x1x3x3xf32>) -> tensor<1x40x40x32xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 32 layout nhwc
      : (tensor<1x40x40x32xf32>, tensor<32x1x3x3xf32>) -> tensor<1x40x40x32xf32>
  return %y : tensor<1x40x40x32xf32>
}

// -----

// CHECK-LABEL: func.func @small_plane
// CHECK-NOT: tile = array<i64: 1, 2,
// CHECK: convjit.conv_core, convjit.partition = 1 : i64, convjit.schedule = {interchange = array<i64: 0, 3, 1, 2, 4, 5>, reduce = array<i64: 0, 0, 0, 0, 1, 1>, tile = array<i64: 1, 1, 12, 16, 0, 0>, unroll = array<i64: 0, 0, 0, 0, 0, 1>}
func.func @small_plane(%x: tensor<1x14x14x32xf32>, %w: tensor<32x1x3x3xf32>) -> tensor<1x14x14x32xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 32 layout nhwc
      : (tensor<1x14x14x32xf32>, tensor<32x1x3x3xf32>) -> tensor<1x14x14x32xf32>
  return %y : tensor<1x14x14x32xf32>
}
