// The knobs of convjit-choose-schedules override the cost model's choices
// (ScheduleTuning.h): what `convjit tune` varies. Knobs that do not fit a
// core leave it to the model.
// (split-columns=off: these small layers' padded columns would be split
// off; padded-columns.mlir tests that.)
// RUN: convjit-opt %s --convert-conv-to-linalg --canonicalize "--convjit-choose-schedules=target=avx2 split-columns=off" --split-input-file | FileCheck %s --check-prefix=MODEL
// RUN: convjit-opt %s --convert-conv-to-linalg --canonicalize "--convjit-choose-schedules=target=avx2 tile-width=6 tile-vectors=1 ic-step=4 blocks-outer=on unroll-window=off split-columns=off" --split-input-file | FileCheck %s --check-prefix=TUNED
// RUN: convjit-opt %s --convert-conv-to-linalg --canonicalize "--convjit-choose-schedules=target=avx2 tile-vectors=3 split-columns=off" --split-input-file | FileCheck %s --check-prefix=MODEL
// RUN: convjit-opt %s --convert-conv-to-linalg --canonicalize "--convjit-choose-schedules=target=avx2 blocks-outer=off split-columns=off" --split-input-file | FileCheck %s --check-prefix=INNER
// RUN: convjit-opt %s --convert-conv-to-linalg --canonicalize "--convjit-choose-schedules=target=avx512 tile-vectors=3 split-columns=off" --split-input-file | FileCheck %s --check-prefix=V3
// RUN: not convjit-opt %s --convert-conv-to-linalg "--convjit-choose-schedules=blocks-outer=maybe" 2>&1 | FileCheck %s --check-prefix=BAD-TOGGLE
// RUN: not convjit-opt %s --convert-conv-to-linalg "--convjit-choose-schedules=ic-step=-2" 2>&1 | FileCheck %s --check-prefix=BAD-COUNT

// The model: 2 vectors (16 channels) x 4 positions, 8 input channels per
// step, blocks innermost (the weights fit L1). Tuned: 1 vector x 6
// positions, 4 input channels per step, blocks outermost. Either way the
// core records that kh (loop 5 of the blocked core, of output loop 1) and
// kw (6, of 2) read input dims 1 and 2, dilation 1, padded by 1 before 8
// rows / columns.
// MODEL-LABEL: func.func @dense
// MODEL: convjit.conv_core, convjit.padded_taps = array<i64: 5, 1, 1, 1, 1, 8, 6, 2, 2, 1, 1, 8>, convjit.schedule = {interchange = array<i64: 0, 1, 2, 3, 4, 5, 6, 7>, reduce = array<i64: 0, 0, 0, 0, 0, 1, 1, 8>, tile = array<i64: 1, 1, 4, 1, 16, 0, 0, 0>}
// TUNED-LABEL: func.func @dense
// TUNED: outs(%{{.*}} : tensor<1x8x8x4x8xf32>) attrs = {convjit.conv_core, convjit.padded_taps = {{[^}]*}}, convjit.schedule = {interchange = array<i64: 0, 3, 1, 2, 4, 5, 6, 7>, reduce = array<i64: 0, 0, 0, 0, 0, 1, 1, 4>, tile = array<i64: 1, 1, 6, 1, 8, 0, 0, 0>}
func.func @dense(%x: tensor<1x8x8x16xf32>, %w: tensor<32x16x3x3xf32>, %b: tensor<32xf32>) -> tensor<1x8x8x32xf32> {
  %y = conv.conv %x, %w bias(%b) stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 layout nhwc
       : (tensor<1x8x8x16xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<1x8x8x32xf32>
  return %y : tensor<1x8x8x32xf32>
}

// -----

// Depthwise: the interior and the border regions all take the knobs. The
// model unrolls the 3-tap window over 1 vector x 6 positions, channel
// vectors outermost (a vector's 14x14 plane, 6 KB, fits half of L1);
// tuned, the window loop stays rolled and the width is 6 (tile-vectors=1 as
// well); blocks-outer=off puts the channels innermost.
// MODEL-LABEL: func.func @depthwise
// MODEL: outs(%{{.*}} : tensor<1x14x14x16xf32>) attrs = {convjit.conv_core, convjit.partition = 1 : i64, convjit.schedule = {interchange = array<i64: 0, 3, 1, 2, 4, 5>, reduce = array<i64: 0, 0, 0, 0, 1, 1>, tile = array<i64: 1, 1, 6, 8, 0, 0>, unroll = array<i64: 0, 0, 0, 0, 0, 1>}
// TUNED-LABEL: func.func @depthwise
// TUNED: outs(%{{.*}} : tensor<1x14x14x16xf32>) attrs = {convjit.conv_core, convjit.partition = 1 : i64, convjit.schedule = {interchange = array<i64: 0, 3, 1, 2, 4, 5>, reduce = array<i64: 0, 0, 0, 0, 1, 1>, tile = array<i64: 1, 1, 6, 8, 0, 0>}
// TUNED: outs(%{{.*}} : tensor<1x1x14x16xf32>) attrs = {convjit.conv_core, convjit.partition = 1 : i64, convjit.schedule = {interchange = array<i64: 0, 3, 1, 2, 4, 5>, reduce = array<i64: 0, 0, 0, 0, 1, 1>, tile = array<i64: 1, 1, 6, 8, 0, 0>}
// INNER-LABEL: func.func @depthwise
// INNER: outs(%{{.*}} : tensor<1x14x14x16xf32>) attrs = {convjit.conv_core, convjit.partition = 1 : i64, convjit.schedule = {interchange = array<i64: 0, 1, 2, 3, 4, 5>
func.func @depthwise(%x: tensor<1x16x16x16xf32>, %w: tensor<16x1x3x3xf32>) -> tensor<1x16x16x16xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 16 layout nhwc
       : (tensor<1x16x16x16xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x16x16xf32>
  return %y : tensor<1x16x16x16xf32>
}

// -----

// A larger plane (30x30, 28 KB a vector) keeps the channels innermost:
// memory is read in order.
// MODEL-LABEL: func.func @depthwise_large_plane
// MODEL: outs(%{{.*}} : tensor<1x30x30x16xf32>) attrs = {convjit.conv_core, convjit.partition = 1 : i64, convjit.schedule = {interchange = array<i64: 0, 1, 2, 3, 4, 5>
func.func @depthwise_large_plane(%x: tensor<1x32x32x16xf32>, %w: tensor<16x1x3x3xf32>) -> tensor<1x32x32x16xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 16 layout nhwc
       : (tensor<1x32x32x16xf32>, tensor<16x1x3x3xf32>) -> tensor<1x32x32x16xf32>
  return %y : tensor<1x32x32x16xf32>
}

// -----

// 512 channels put a 14x14 plane's positions 2 KiB apart: they reach 2 of
// L1's 64 sets (16 lines), too few for the 3 input rows of 16 a row of tiles
// reads, so channels stay innermost although a vector's plane fits L1 (the
// same window on 16 channels, @depthwise above, goes channels outermost).
// MODEL-LABEL: func.func @depthwise_power_of_two
// MODEL: outs(%{{.*}} : tensor<1x12x12x512xf32>) attrs = {convjit.conv_core, convjit.partition = 1 : i64, convjit.schedule = {interchange = array<i64: 0, 1, 2, 3, 4, 5>
func.func @depthwise_power_of_two(%x: tensor<1x14x14x512xf32>, %w: tensor<512x1x3x3xf32>) -> tensor<1x14x14x512xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 512 layout nhwc
       : (tensor<1x14x14x512xf32>, tensor<512x1x3x3xf32>) -> tensor<1x14x14x512xf32>
  return %y : tensor<1x14x14x512xf32>
}

// -----

// At stride 2 such a plane's interior takes two vectors of channels per
// tile (16 channels on AVX2).
// MODEL-LABEL: func.func @depthwise_power_of_two_strided
// MODEL: outs(%{{.*}} : tensor<1x6x6x512xf32>) attrs = {convjit.conv_core, convjit.partition = 1 : i64, convjit.schedule = {interchange = array<i64: 0, 1, 2, 3, 4, 5>, reduce = array<i64: 0, 0, 0, 0, 1, 1>, tile = array<i64: 1, 1, 6, 16, 0, 0>
func.func @depthwise_power_of_two_strided(%x: tensor<1x14x14x512xf32>, %w: tensor<512x1x3x3xf32>) -> tensor<1x7x7x512xf32> {
  %y = conv.conv %x, %w stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] groups 512 layout nhwc
       : (tensor<1x14x14x512xf32>, tensor<512x1x3x3xf32>) -> tensor<1x7x7x512xf32>
  return %y : tensor<1x7x7x512xf32>
}

// -----

// tile-vectors=3 does not reach a channel-wise window: 48 channels as one
// vector<Wx48xf32> (three zmm) would be scalarized by LLVM; the tile stays
// one vector of 16 channels. (A 128x128 plane: smaller ones go by blocks of
// 16 channels, ChannelBlockedDepthwise.h.)
// V3-LABEL: func.func @depthwise48
// V3: outs(%{{.*}} : tensor<1x126x126x48xf32>) attrs = {convjit.conv_core, convjit.partition = 1 : i64, convjit.schedule = {{{.*}}tile = array<i64: 1, {{[0-9]+}}, {{[0-9]+}}, 16, 0, 0>
func.func @depthwise48(%x: tensor<1x128x128x48xf32>, %w: tensor<48x1x3x3xf32>) -> tensor<1x128x128x48xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 48 layout nhwc
       : (tensor<1x128x128x48xf32>, tensor<48x1x3x3xf32>) -> tensor<1x128x128x48xf32>
  return %y : tensor<1x128x128x48xf32>
}

// BAD-TOGGLE: error: blocks-outer must be auto, on or off, not 'maybe'
// BAD-COUNT: error: tile-width, tile-vectors, tile-rows and ic-step must not be negative
