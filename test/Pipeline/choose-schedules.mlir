// convjit-choose-schedules picks each core's schedule for the target and
// lays the core out for it. These small layers would have their padded
// columns split off (split-columns); padded-columns.mlir tests that.
// RUN: convjit-opt %s --convert-conv-to-linalg --canonicalize "--convjit-choose-schedules=target=avx2 split-columns=off" --split-input-file | FileCheck %s

// Dense: 32 output channels in blocks of 16 (two ymm vectors); the weight
// is re-laid out [OCB, K..., IC, OCI] by a weight-only generic, the bias is
// broadcast straight into the blocked output. All the weights (18 KiB) fit
// in L1, so the channel blocks are the innermost parallel loop.
// CHECK-DAG: #[[PACK:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, d3, d0 * 16 + d4)>
// CHECK-DAG: #[[WMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d3, d5, d6, d7, d4)>
// CHECK-LABEL: func.func @dense
// CHECK: %[[PACKED:.*]] = linalg.generic {indexing_maps = [#[[PACK]], {{.*}}} ins(%{{.*}} : tensor<3x3x16x32xf32>) outs(%{{.*}} : tensor<2x3x3x16x16xf32>) attrs = {convjit.weight_layout}
// CHECK: %[[BIAS:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [2, 16] : tensor<32xf32> into tensor<2x16xf32>
// CHECK: %[[INIT:.*]] = linalg.broadcast ins(%[[BIAS]] : tensor<2x16xf32>) outs(%{{.*}} : tensor<1x8x8x2x16xf32>) dimensions = [0, 1, 2]
// CHECK: %[[CORE:.*]] = linalg.generic {indexing_maps = [{{.*}}, #[[WMAP]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%{{.*}}, %[[PACKED]] : tensor<1x10x10x16xf32>, tensor<2x3x3x16x16xf32>) outs(%[[INIT]] : tensor<1x8x8x2x16xf32>)
// CHECK-SAME: convjit.conv_core
// CHECK-SAME: convjit.schedule = {interchange = array<i64: 0, 1, 2, 3, 4, 5, 6, 7>, reduce = array<i64: 0, 0, 0, 0, 0, 1, 1, 8>, tile = array<i64: 1, 1, 4, 1, 16, 0, 0, 0>}
// CHECK: tensor.collapse_shape %[[CORE]] {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x8x8x2x16xf32> into tensor<1x8x8x32xf32>
func.func @dense(%x: tensor<1x8x8x16xf32>, %w: tensor<32x16x3x3xf32>, %b: tensor<32xf32>) -> tensor<1x8x8x32xf32> {
  %y = conv.conv %x, %w bias(%b) stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 layout nhwc
       : (tensor<1x8x8x16xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<1x8x8x32xf32>
  return %y : tensor<1x8x8x32xf32>
}

// -----

// 24 output channels: three ymm vectors, as three blocks of 8 in one tile
// (vector<4x3x8xf32>: 12 accumulators, 4 broadcasts and 3 weight loads per
// input channel), not one vector of 8 for 14 positions.
// CHECK-LABEL: func.func @three_vector_tile
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x14x14x3x8xf32>) attrs = {convjit.conv_core
// CHECK-SAME: convjit.schedule = {interchange = array<i64: 0, 1, 2, 3, 4, 5, 6, 7>, reduce = array<i64: 0, 0, 0, 0, 0, 1, 1, 8>, tile = array<i64: 1, 1, 4, 3, 8, 0, 0, 0>}
func.func @three_vector_tile(%x: tensor<1x14x14x64xf32>, %w: tensor<24x64x1x1xf32>) -> tensor<1x14x14x24xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nhwc
       : (tensor<1x14x14x64xf32>, tensor<24x64x1x1xf32>) -> tensor<1x14x14x24xf32>
  return %y : tensor<1x14x14x24xf32>
}

// -----

// Weights beyond L1 (72 KiB): the channel blocks are the outermost loop
// after the batch, so one block's weights stay in cache while the tile
// sweeps the outputs.
// CHECK-LABEL: func.func @dense_large_weights
// CHECK: convjit.schedule = {interchange = array<i64: 0, 3, 1, 2, 4, 5, 6, 7>, reduce = array<i64: 0, 0, 0, 0, 0, 1, 1, 8>, tile = array<i64: 1, 1, 4, 1, 16, 0, 0, 0>}
func.func @dense_large_weights(%x: tensor<1x8x8x64xf32>, %w: tensor<32x64x3x3xf32>) -> tensor<1x8x8x32xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 layout nhwc
       : (tensor<1x8x8x64xf32>, tensor<32x64x3x3xf32>) -> tensor<1x8x8x32xf32>
  return %y : tensor<1x8x8x32xf32>
}

// -----

// Weights (2.25 MiB) and the padded image (26x26x256: 676 KiB) both beyond
// L2 (512 KiB): the channel blocks go innermost, so a tile's input window
// stays in L1 for all of them instead of every block reading the image
// from beyond L2.
// CHECK-LABEL: func.func @dense_large_weights_and_image
// CHECK: convjit.schedule = {interchange = array<i64: 0, 1, 2, 3, 4, 5, 6, 7>, reduce = array<i64: 0, 0, 0, 0, 0, 1, 1, 8>
func.func @dense_large_weights_and_image(%x: tensor<1x24x24x256xf32>, %w: tensor<256x256x3x3xf32>) -> tensor<1x24x24x256xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 layout nhwc
       : (tensor<1x24x24x256xf32>, tensor<256x256x3x3xf32>) -> tensor<1x24x24x256xf32>
  return %y : tensor<1x24x24x256xf32>
}

// -----

// Depthwise: the unit channel dims go, the weight becomes [K..., C], and
// the schedule vectorizes 8 channels (1 ymm) for 6 outputs and unrolls the
// window's inner loop (the 3 taps of a row then share their input loads:
// 6 accumulators + 8 inputs + 1 weight fit 16 registers). It runs at memory
// speed, so no padded copy of the input: the outputs split into runs whose
// windows keep the same taps inside the input, each reading the unpadded
// input and its slice of the window. Pad [0, 0] to [1, 1]: the last output
// row and column lose their windows' last tap row / column.
// CHECK-DAG: #[[DWIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d4, d2 * 2 + d5, d3)>
// CHECK-DAG: #[[DWW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5, d3)>
// CHECK-LABEL: func.func @depthwise
// CHECK-SAME: (%[[X:.*]]: tensor<1x16x16x16xf32>
// CHECK-NOT: tensor.pad
// CHECK-NOT: tensor<1x17x17x16xf32>
// CHECK: %[[DWPACK:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<3x3x16xf32>) attrs = {convjit.weight_layout}
// The interior: outputs [0, 7) x [0, 7) from input [0, 15) x [0, 15), the whole window.
// CHECK: %[[INNER:.*]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [1, 15, 15, 16] [1, 1, 1, 1]
// CHECK: linalg.generic {indexing_maps = [#[[DWIN]], #[[DWW]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[INNER]], %[[DWPACK]] : tensor<1x15x15x16xf32>, tensor<3x3x16xf32>) outs(%{{.*}} : tensor<1x7x7x16xf32>)
// CHECK-SAME: tile = array<i64: 1, 1, 6, 8, 0, 0>, unroll = array<i64: 0, 0, 0, 0, 0, 1>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0] [1, 7, 7, 16]
// The bottom edge (row 7, columns 0-6): window rows 0-1.
// CHECK: %[[BIN:.*]] = tensor.extract_slice %[[X]][0, 14, 0, 0] [1, 2, 15, 16]
// CHECK: %[[BW:.*]] = tensor.extract_slice %[[DWPACK]][0, 0, 0] [2, 3, 16]
// CHECK: linalg.generic {{.*}} ins(%[[BIN]], %[[BW]] : tensor<1x2x15x16xf32>, tensor<2x3x16xf32>) outs(%{{.*}} : tensor<1x1x7x16xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 7, 0, 0] [1, 1, 7, 16]
// The right edge (column 7, rows 0-6): window columns 0-1. One output wide;
// at stride 2 its tile stays one output (see @depthwise_column below).
// CHECK: %[[RIN:.*]] = tensor.extract_slice %[[X]][0, 0, 14, 0] [1, 15, 2, 16]
// CHECK: %[[RW:.*]] = tensor.extract_slice %[[DWPACK]][0, 0, 0] [3, 2, 16]
// CHECK: linalg.generic {{.*}} ins(%[[RIN]], %[[RW]] : tensor<1x15x2x16xf32>, tensor<3x2x16xf32>) outs(%{{.*}} : tensor<1x7x1x16xf32>)
// CHECK-SAME: tile = array<i64: 1, 1, 1, 8, 0, 0>, unroll = array<i64: 0, 0, 0, 0, 0, 1>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 7, 0] [1, 7, 1, 16]
// The corner: a 2x2 window.
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x2x2x16xf32>, tensor<2x2x16xf32>) outs(%{{.*}} : tensor<1x1x1x16xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 7, 7, 0] [1, 1, 1, 16]
func.func @depthwise(%x: tensor<1x16x16x16xf32>, %w: tensor<16x1x3x3xf32>) -> tensor<1x8x8x16xf32> {
  %y = conv.conv %x, %w stride [2, 2] dilation [1, 1] pad [0, 0] to [1, 1] groups 16 layout nhwc
       : (tensor<1x16x16x16xf32>, tensor<16x1x3x3xf32>) -> tensor<1x8x8x16xf32>
  return %y : tensor<1x8x8x16xf32>
}

// -----

// A ReLU of a reduction's whole result is the reduction's to apply
// (convjit.relu_result on each part it is split into: the interior and
// every border region of a depthwise conv), not an op over the output.
// CHECK-LABEL: func.func @depthwise_relu
// CHECK-NOT: convjit.relu}
// CHECK-COUNT-4: linalg.generic {{.*}}convjit.relu_result
// CHECK-NOT: convjit.relu}
func.func @depthwise_relu(%x: tensor<1x16x16x16xf32>, %w: tensor<16x1x3x3xf32>) -> tensor<1x8x8x16xf32> {
  %y = conv.conv %x, %w stride [2, 2] dilation [1, 1] pad [0, 0] to [1, 1] groups 16 layout nhwc relu
       : (tensor<1x16x16x16xf32>, tensor<16x1x3x3xf32>) -> tensor<1x8x8x16xf32>
  return %y : tensor<1x8x8x16xf32>
}

// -----

// At stride 1, a border column (one output wide, six tall) takes its register
// tile down the column with the window's rows unrolled: vertically
// neighbouring outputs share input rows.
// CHECK-LABEL: func.func @depthwise_column
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x6x1x16xf32>)
// CHECK-SAME: tile = array<i64: 1, 6, 1, 8, 0, 0>, unroll = array<i64: 0, 0, 0, 0, 1, 0>
func.func @depthwise_column(%x: tensor<1x8x8x16xf32>, %w: tensor<16x1x3x3xf32>) -> tensor<1x8x8x16xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 16 layout nhwc
       : (tensor<1x8x8x16xf32>, tensor<16x1x3x3xf32>) -> tensor<1x8x8x16xf32>
  return %y : tensor<1x8x8x16xf32>
}

// -----

// A 3x3 pad-1 window crops the same way at the first and the last output
// of a dim: the two rows, the two columns and the four corners are three
// bodies in loops over them (offsets stepping with the loop), not eight.
// CHECK-DAG: #[[$TIMES7:.*]] = affine_map<(d0) -> (d0 * 7)>
// CHECK-DAG: #[[$ONEMINUS:.*]] = affine_map<(d0) -> (-d0 + 1)>
// CHECK-LABEL: func.func @depthwise_alike_borders
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x6x6x16xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 1, 1, 0] [1, 6, 6, 16]
// The corners: a 2x2 window, the k-th at output 7*k, input 6*k, tap 1-k.
// CHECK: scf.for %[[I:.*]] = %[[C0:.*]] to %{{.*}} step %[[C1:.*]] iter_args
// CHECK: scf.for %[[J:.*]] = %[[C0]] to %{{.*}} step %[[C1]] iter_args(%[[ACC:.*]] =
// CHECK-DAG: %[[OI:.*]] = affine.apply #[[$TIMES7]](%[[I]])
// CHECK-DAG: %[[OJ:.*]] = affine.apply #[[$TIMES7]](%[[J]])
// CHECK-DAG: %[[TI:.*]] = affine.apply #[[$ONEMINUS]](%[[I]])
// CHECK-DAG: %[[TJ:.*]] = affine.apply #[[$ONEMINUS]](%[[J]])
// CHECK-DAG: tensor.extract_slice %{{.*}}[%[[TI]], %[[TJ]], 0] [2, 2, 16]
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x1x1x16xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %[[ACC]][0, %[[OI]], %[[OJ]], 0] [1, 1, 1, 16]
// Their iterations are independent (with threads, one parallel loop).
// CHECK: } {convjit.independent}
// CHECK-NEXT: scf.yield
// CHECK-NEXT: } {convjit.independent}
// The columns and the rows: one loop each.
// CHECK: scf.for
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x6x1x16xf32>)
// CHECK-NOT: linalg.generic
// CHECK: scf.for
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x1x6x16xf32>)
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @depthwise_alike_borders(%x: tensor<1x8x8x16xf32>, %w: tensor<16x1x3x3xf32>) -> tensor<1x8x8x16xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 16 layout nhwc
       : (tensor<1x8x8x16xf32>, tensor<16x1x3x3xf32>) -> tensor<1x8x8x16xf32>
  return %y : tensor<1x8x8x16xf32>
}

// -----

// A 7x7 window with pad 3 crops differently at each of the first and last
// three outputs of a row: 16 bodies even with alike ones in loops, more
// compile time than the copies they save. The border then goes in bands
// (before and after the interior along H, then along W within it) that pad
// their own small inputs.
// CHECK-LABEL: func.func @depthwise_bands
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x16x16x16xf32>, tensor<7x7x16xf32>) outs(%{{.*}} : tensor<1x10x10x16xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 3, 3, 0] [1, 10, 10, 16]
// The top band's input: rows 0-5 in a padded 9x22 copy.
// CHECK: %[[TOP:.*]] = tensor.empty() : tensor<1x9x22x16xf32>
// CHECK: tensor.insert_slice %{{.*}} into %[[TOP]][0, 3, 3, 0] [1, 6, 16, 16]
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x9x22x16xf32>, tensor<7x7x16xf32>) outs(%{{.*}} : tensor<1x3x16x16xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0] [1, 3, 16, 16]
// CHECK-NOT: scf.for
func.func @depthwise_bands(%x: tensor<1x16x16x16xf32>, %w: tensor<16x1x7x7xf32>) -> tensor<1x16x16x16xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [3, 3] to [3, 3] groups 16 layout nhwc
       : (tensor<1x16x16x16xf32>, tensor<16x1x7x7xf32>) -> tensor<1x16x16x16xf32>
  return %y : tensor<1x16x16x16xf32>
}

// -----

// Other grouped cores keep their form and run one group at a time, reading
// their input group-major [N, G, H, W, Cg]: the padded copy is made so (the
// input transposed into the interior, the borders filled).
// CHECK-DAG: #[[GIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d3, d1 + d5, d2 + d6, d7)>
// CHECK-LABEL: func.func @grouped
// CHECK-SAME: (%[[X:.*]]: tensor<1x6x6x32xf32>
// CHECK-NOT: tensor.pad
// CHECK: %[[S:.*]] = tensor.expand_shape %[[X]] {{.*}} into tensor<1x6x6x4x8xf32>
// CHECK: %[[T:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<1x6x6x4x8xf32>) outs(%{{.*}} : tensor<1x4x6x6x8xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x4x8x8x8xf32>
// CHECK: %[[I:.*]] = tensor.insert_slice %[[T]] into %[[E]][0, 0, 1, 1, 0] [1, 4, 6, 6, 8]
// CHECK: linalg.fill {{.*}} -> tensor<1x4x1x8x8xf32>
// CHECK: linalg.generic {indexing_maps = [#[[GIN]], {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x4x8x8x8xf32>, tensor<4x3x3x8x8xf32>) outs(%{{.*}} : tensor<1x6x6x4x8xf32>)
// CHECK-SAME: convjit.schedule = {interchange = array<i64: 0, 3, 4, 1, 2, 5, 6, 7>, reduce = array<i64: 0, 0, 0, 0, 0, 1, 1, 8>, tile = array<i64: 1, 1, 6, 1, 8, 0, 0, 0>}
// CHECK-NOT: tensor<1x8x8x32xf32>
func.func @grouped(%x: tensor<1x6x6x32xf32>, %w: tensor<32x8x3x3xf32>) -> tensor<1x6x6x32xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 4 layout nhwc
       : (tensor<1x6x6x32xf32>, tensor<32x8x3x3xf32>) -> tensor<1x6x6x32xf32>
  return %y : tensor<1x6x6x32xf32>
}

// -----

// From nchw, group-major is one transpose of [N, G, Cg, H, W], not a
// layout change to channels-last and a second one.
// CHECK-LABEL: func.func @grouped_nchw
// CHECK-SAME: (%[[X:.*]]: tensor<1x32x6x6xf32>
// CHECK: %[[S:.*]] = tensor.expand_shape %[[X]] {{.*}} into tensor<1x4x8x6x6xf32>
// CHECK: %[[T:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<1x4x8x6x6xf32>) outs(%{{.*}} : tensor<1x4x6x6x8xf32>)
// CHECK: tensor.insert_slice %[[T]] into %{{.*}}[0, 0, 1, 1, 0] [1, 4, 6, 6, 8]
// CHECK-NOT: tensor<1x6x6x32xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x4x8x8x8xf32>, tensor<4x3x3x8x8xf32>)
func.func @grouped_nchw(%x: tensor<1x32x6x6xf32>, %w: tensor<32x8x3x3xf32>) -> tensor<1x32x6x6xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 4 layout nchw
       : (tensor<1x32x6x6xf32>, tensor<32x8x3x3xf32>) -> tensor<1x32x6x6xf32>
  return %y : tensor<1x32x6x6xf32>
}

// -----

// Unpadded, a window of several taps is worth a group-major copy; a 1x1
// window reads each input once and keeps the input as it is.
// (A copy not into a padded buffer runs over the positions collapsed.)
// CHECK-LABEL: func.func @grouped_unpadded
// CHECK: %[[T:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x4x64x8xf32>)
// CHECK: %[[E:.*]] = tensor.expand_shape %[[T]] {{.*}} into tensor<1x4x8x8x8xf32>
// CHECK: linalg.generic {{.*}} ins(%[[E]], %{{.*}} : tensor<1x4x8x8x8xf32>, tensor<4x3x3x8x8xf32>)
// CHECK-LABEL: func.func @grouped_1x1
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x32xf32>
// CHECK: %[[S:.*]] = tensor.expand_shape %[[X]] {{.*}} into tensor<1x8x8x4x8xf32>
// CHECK-NOT: tensor<1x4x8x8x8xf32>
// CHECK: linalg.generic {{.*}} ins(%[[S]], %{{.*}} : tensor<1x8x8x4x8xf32>, tensor<4x1x1x8x8xf32>)
func.func @grouped_unpadded(%x: tensor<1x8x8x32xf32>, %w: tensor<32x8x3x3xf32>) -> tensor<1x6x6x32xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 4 layout nhwc
       : (tensor<1x8x8x32xf32>, tensor<32x8x3x3xf32>) -> tensor<1x6x6x32xf32>
  return %y : tensor<1x6x6x32xf32>
}
func.func @grouped_1x1(%x: tensor<1x8x8x32xf32>, %w: tensor<32x8x1x1xf32>) -> tensor<1x8x8x32xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 4 layout nhwc
       : (tensor<1x8x8x32xf32>, tensor<32x8x1x1xf32>) -> tensor<1x8x8x32xf32>
  return %y : tensor<1x8x8x32xf32>
}

// -----

// Groups of 4 in and 4 out channels, narrower than a vector: a vector holds
// two groups (AVX2), reduced by rotating the input within each group's
// lanes (TileAndVectorize.cpp). The core reads and writes the channels
// flat (g*4 + c) from the channels-last padded input, no group-major copy
// and no block-diagonal weights; a tile is 3 positions x 2 groups, its 4
// input channels in one step.
// CHECK-DAG: #[[RIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 + d5, d2 + d6, d3 * 4 + d7)>
// CHECK-DAG: #[[ROUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3 * 4 + d4)>
// CHECK-LABEL: func.func @lane_rotation
// CHECK-NOT: tensor<1x8x8x8x8xf32>
// CHECK: linalg.generic {indexing_maps = [#[[RIN]], #{{.*}}, #[[ROUT]]]{{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x8x8x32xf32>, tensor<8x3x3x4x4xf32>) outs(%{{.*}} : tensor<1x6x6x32xf32>)
// CHECK-SAME: convjit.lane_rotation = 4 : i64
// CHECK-SAME: convjit.schedule = {interchange = array<i64: 0, 1, 2, 3, 4, 5, 6, 7>, reduce = array<i64: 0, 0, 0, 0, 0, 1, 1, 4>, tile = array<i64: 1, 1, 3, 2, 4, 0, 0, 0>}
func.func @lane_rotation(%x: tensor<1x6x6x32xf32>, %w: tensor<32x4x3x3xf32>) -> tensor<1x6x6x32xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 8 layout nhwc
       : (tensor<1x6x6x32xf32>, tensor<32x4x3x3xf32>) -> tensor<1x6x6x32xf32>
  return %y : tensor<1x6x6x32xf32>
}

// -----

// A padded input is built once, element by element: the input copied into
// the interior and a fill of each border strip (never a fill of the whole
// buffer that the copy then overwrites). Pad 1 on H and 2:0 on W.
// CHECK-LABEL: func.func @padding
// CHECK-SAME: (%[[X:.*]]: tensor<1x6x6x8xf32>
// CHECK-NOT: tensor.pad
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x8x8x8xf32>
// CHECK: %[[I:.*]] = tensor.insert_slice %[[X]] into %[[E]][0, 1, 2, 0] [1, 6, 6, 8] [1, 1, 1, 1]
// CHECK: %[[TOP:.*]] = linalg.fill {{.*}} -> tensor<1x1x8x8xf32>
// CHECK: %[[T:.*]] = tensor.insert_slice %[[TOP]] into %[[I]][0, 0, 0, 0] [1, 1, 8, 8]
// CHECK: %[[BOTTOM:.*]] = linalg.fill {{.*}} -> tensor<1x1x8x8xf32>
// CHECK: %[[B:.*]] = tensor.insert_slice %[[BOTTOM]] into %[[T]][0, 7, 0, 0] [1, 1, 8, 8]
// CHECK: %[[LEFT:.*]] = linalg.fill {{.*}} -> tensor<1x6x2x8xf32>
// CHECK: %[[L:.*]] = tensor.insert_slice %[[LEFT]] into %[[B]][0, 1, 0, 0] [1, 6, 2, 8]
// CHECK: linalg.generic {{.*}} ins(%[[L]],
func.func @padding(%x: tensor<1x6x6x8xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x6x6x16xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 2] to [1, 0] groups 1 layout nhwc
       : (tensor<1x6x6x8xf32>, tensor<16x8x3x3xf32>) -> tensor<1x6x6x16xf32>
  return %y : tensor<1x6x6x16xf32>
}

// -----

// Layout changes (of a dense nchw conv) run over the spatial dims
// collapsed into one ([N, C, H*W] <-> [N, H*W, C]; rows of 14 made 16 x 14
// register transposes, which LLVM spilled) and tile L x L over the
// two dims that swap places, walked so that the innermost tile loop moves
// every operand a short way: into channels-last the channel blocks (a
// 112x112 plane apart in the input) are outermost, the positions
// innermost; back to nchw the order is the output's.
// CHECK-LABEL: func.func @layout_changes
// CHECK: %[[IN:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2x16x12544xf32>) outs(%{{.*}} : tensor<2x12544x16xf32>)
// CHECK-SAME: convjit.schedule = {interchange = array<i64: 0, 2, 1>, reduce = array<i64: 0, 0, 0>, tile = array<i64: 1, 8, 8>}
// CHECK: tensor.expand_shape %[[IN]] {{.*}} into tensor<2x112x112x16xf32>
// Its destination stays an empty tensor (of the collapsed shape), which
// bufferization places in the caller's output.
// CHECK: %[[DEST:.*]] = tensor.empty() : tensor<2x16x12100xf32>
// CHECK: %[[OUT:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2x12100x16xf32>) outs(%[[DEST]] : tensor<2x16x12100xf32>)
// CHECK-SAME: convjit.schedule = {interchange = array<i64: 0, 1, 2>, reduce = array<i64: 0, 0, 0>, tile = array<i64: 1, 8, 8>}
// CHECK: tensor.expand_shape %[[OUT]] {{.*}} into tensor<2x16x110x110xf32>
func.func @layout_changes(%x: tensor<2x16x112x112xf32>, %w: tensor<16x16x3x3xf32>) -> tensor<2x16x110x110xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<2x16x112x112xf32>, tensor<16x16x3x3xf32>) -> tensor<2x16x110x110xf32>
  return %y : tensor<2x16x110x110xf32>
}

// -----

// A channels-first pointwise conv computed as W x X: the image [IC, P] is
// the core's weight, blocked by the register tile's 16 positions as a view
// of the kernel's input, not packed (a copy per run); the packed matrix
// [OC, IC] is the core's input. The bias runs along the core's rows (its
// output channels) and is broadcast along both position dims.
// CHECK-LABEL: func.func @channels_first_pointwise
// CHECK-SAME: (%[[X:.*]]: tensor<1x16x8x8xf32> {convjit.role = "input"}
// CHECK-NOT: linalg.transpose
// CHECK: %[[IMAGE:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1], [2, 3]] : tensor<1x16x8x8xf32> into tensor<1x16x64xf32>
// CHECK: %[[VIEW:.*]] = tensor.expand_shape %[[IMAGE]] {{\[}}[0], [1], [2, 3]] output_shape [1, 16, 4, 16] : tensor<1x16x64xf32> into tensor<1x16x4x16xf32>
// CHECK: %[[INIT:.*]] = linalg.broadcast ins(%{{.*}} : tensor<24xf32>) outs(%{{.*}} : tensor<1x24x4x16xf32>) dimensions = [0, 2, 3]
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[VIEW]] : tensor<1x24x16xf32>, tensor<1x16x4x16xf32>) outs(%[[INIT]] : tensor<1x24x4x16xf32>)
// CHECK-NOT: convjit.weight_layout
func.func @channels_first_pointwise(%x: tensor<1x16x8x8xf32> {convjit.role = "input"}, %w: tensor<24x16x1x1xf32> {convjit.role = "weight"}, %b: tensor<24xf32> {convjit.role = "bias"}) -> tensor<1x24x8x8xf32> {
  %y = conv.conv %x, %w bias(%b) stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x16x8x8xf32>, tensor<24x16x1x1xf32>, tensor<24xf32>) -> tensor<1x24x8x8xf32>
  return %y : tensor<1x24x8x8xf32>
}

// -----

// An nchw depthwise conv stays channels-first: no layout changes, and no
// padded copy either: the 54x54 interior reads the input itself, the border
// regions their cropped windows (as a channels-last depthwise core's do).
// Vectors along W: 8 wide (54 = 6 x 8 + 6; the last tile shifted back
// recomputes 2 per row, 16 wide would recompute 10), rows of 9 (9 divides
// 54), the taps along W unrolled; a border column takes one output at a
// time, a border row vectors along it.
// CHECK-LABEL: func.func @planewise_depthwise
// CHECK-SAME: (%[[X:.*]]: tensor<1x16x56x56xf32>
// CHECK-NOT: linalg.transpose
// CHECK-NOT: tensor<1x16x58x58xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x16x56x56xf32>, tensor<16x3x3xf32>) outs(%{{.*}} : tensor<1x16x54x54xf32>)
// CHECK-SAME: convjit.planewise, convjit.schedule = {interchange = array<i64: 0, 1, 2, 3, 4, 5>, reduce = array<i64: 0, 0, 0, 0, 1, 1>, tile = array<i64: 1, 1, 9, 8, 0, 0>, unroll = array<i64: 0, 0, 0, 0, 0, 1>}
// CHECK: tensor.insert_slice %{{.*}}[0, 0, 1, 1] [1, 16, 54, 54]
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x16x1x1xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x16x56x2xf32>, tensor<16x3x2xf32>) outs(%{{.*}} : tensor<1x16x54x1xf32>)
// CHECK-SAME: tile = array<i64: 1, 1, 1, 1, 0, 0>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x16x2x56xf32>, tensor<16x2x3xf32>) outs(%{{.*}} : tensor<1x16x1x54xf32>)
// CHECK-SAME: tile = array<i64: 1, 1, 1, 8, 0, 0>
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @planewise_depthwise(%x: tensor<1x16x56x56xf32>, %w: tensor<16x1x3x3xf32>) -> tensor<1x16x56x56xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 16 layout nchw
       : (tensor<1x16x56x56xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x56x56xf32>
  return %y : tensor<1x16x56x56xf32>
}

// -----

// Rows shorter than 32 (most of each vector would be a partial tile's) and
// strides along W (strided vector reads) go through channels-last.
// CHECK-LABEL: func.func @planewise_fallbacks
// CHECK-NOT: convjit.planewise
// CHECK: return
func.func @planewise_fallbacks(%x: tensor<1x16x28x28xf32>, %w: tensor<16x1x3x3xf32>, %x2: tensor<1x16x112x112xf32>) -> (tensor<1x16x28x28xf32>, tensor<1x16x56x56xf32>) {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 16 layout nchw
       : (tensor<1x16x28x28xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x28x28xf32>
  %z = conv.conv %x2, %w stride [2, 2] dilation [1, 1] pad [1, 1] to [0, 0] groups 16 layout nchw
       : (tensor<1x16x112x112xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x56x56xf32>
  return %y, %z : tensor<1x16x28x28xf32>, tensor<1x16x56x56xf32>
}

// -----

// Deformable sampling: the corners vectorized over one output pixel's
// taps and corners, the samples in tiles of one vector of channels (8 on
// AVX2) of one tap; the pixel loops outermost for the threads to share.
// CHECK-LABEL: func.func @deform_sampling
// CHECK: linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<1x6x6x1x3x3x4xi32>, tensor<1x6x6x1x3x3x4xf32>)
// CHECK-SAME: convjit.deform_corners, convjit.schedule = {interchange = array<i64: 0, 1, 2, 3, 4, 5, 6>, reduce = array<i64: 0, 0, 0, 0, 0, 0, 0>, tile = array<i64: 1, 1, 1, 1, 0, 0, 0>}
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x6x6x3x3x1x16xf32>)
// CHECK-SAME: convjit.deform_sample, convjit.schedule = {interchange = array<i64: 0, 1, 2, 3, 4, 5, 6>, reduce = array<i64: 0, 0, 0, 0, 0, 0, 0>, tile = array<i64: 1, 1, 1, 1, 1, 1, 8>}
func.func @deform_sampling(%x: tensor<1x8x8x16xf32>, %off: tensor<1x6x6x18xf32>, %w: tensor<16x16x3x3xf32>) -> tensor<1x6x6x16xf32> {
  %y = conv.deform_conv %x, %off, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 deform_groups 1 layout nhwc
       : (tensor<1x8x8x16xf32>, tensor<1x6x6x18xf32>, tensor<16x16x3x3xf32>) -> tensor<1x6x6x16xf32>
  return %y : tensor<1x6x6x16xf32>
}

// -----

// A transposed conv's alike phases run one core in a loop nest, its weight
// one element of the phases' stacked sub-kernels. The re-layout into
// output-channel blocks is of the whole stack, before the loops, where it
// reads the weights alone (so it goes to the pack function); the loop body
// slices the packed stack.
// CHECK-LABEL: func.func @transposed_phases
// CHECK: %[[STACK:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x2x2x2x8x32xf32>)
// CHECK: %[[PACKED:.*]] = linalg.generic {{.*}} ins(%[[STACK]] : tensor<2x2x2x2x8x32xf32>) outs(%{{.*}} : tensor<2x2x2x2x2x8x16xf32>) attrs = {convjit.weight_layout}
// CHECK: scf.for %[[PH:[^ ]*]] =
// CHECK: scf.for %[[PW:[^ ]*]] =
// CHECK-NOT: convjit.weight_layout
// CHECK: %[[SUB:.*]] = tensor.extract_slice %[[PACKED]][%[[PH]], %[[PW]], 0, 0, 0, 0, 0] [1, 1, 2, 2, 2, 8, 16] [1, 1, 1, 1, 1, 1, 1] : tensor<2x2x2x2x2x8x16xf32> to tensor<2x2x2x8x16xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[SUB]] : tensor<1x5x5x8xf32>, tensor<2x2x2x8x16xf32>) outs(%{{.*}} : tensor<1x4x4x2x16xf32>)
// CHECK-SAME: convjit.conv_core, convjit.schedule
func.func @transposed_phases(%x: tensor<1x4x4x8xf32>, %w: tensor<8x32x4x4xf32>) -> tensor<1x8x8x32xf32> {
  %y = conv.conv_transpose %x, %w stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] output_padding [0, 0] groups 1 layout nhwc
       : (tensor<1x4x4x8xf32>, tensor<8x32x4x4xf32>) -> tensor<1x8x8x32xf32>
  return %y : tensor<1x8x8x32xf32>
}

// -----

// 31 output channels on 8 lanes leave a partial vector of 7, which LLVM
// would carry around the reduction loop element by element: the first 24
// channels are one core, the last 8 (23..30) another, which recomputes
// channel 23; both start from the bias.
// CHECK-LABEL: func.func @vector_tail
// CHECK: %[[B1:.*]] = tensor.extract_slice %[[BIAS:.*]][0] [24] [1]
// CHECK: linalg.broadcast ins(%[[B1]] : tensor<24xf32>)
// CHECK: %[[W1:.*]] = tensor.extract_slice %{{.*}}[0, 0, 0] [1, 16, 24] [1, 1, 1]
// CHECK: %[[HEAD:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[W1]] : tensor<1x20x16xf32>, tensor<1x16x24xf32>) outs(%{{.*}} : tensor<1x20x24xf32>)
// CHECK: %[[R1:.*]] = tensor.insert_slice %[[HEAD]] into %{{.*}}[0, 0, 0] [1, 20, 24] [1, 1, 1]
// CHECK: %[[B2:.*]] = tensor.extract_slice %[[BIAS]][23] [8] [1]
// CHECK: linalg.broadcast ins(%[[B2]] : tensor<8xf32>)
// CHECK: %[[W2:.*]] = tensor.extract_slice %{{.*}}[0, 0, 23] [1, 16, 8] [1, 1, 1]
// CHECK: %[[TAIL:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[W2]] : tensor<1x20x16xf32>, tensor<1x16x8xf32>) outs(%{{.*}} : tensor<1x20x8xf32>)
// CHECK: tensor.insert_slice %[[TAIL]] into %[[R1]][0, 0, 23] [1, 20, 8] [1, 1, 1]
func.func @vector_tail(%x: tensor<1x20x16xf32>, %w: tensor<31x16x1xf32>, %b: tensor<31xf32>) -> tensor<1x20x31xf32> {
  %y = conv.conv %x, %w bias(%b) stride [1] dilation [1] pad [0] to [0] groups 1 layout nhwc
       : (tensor<1x20x16xf32>, tensor<31x16x1xf32>, tensor<31xf32>) -> tensor<1x20x31xf32>
  return %y : tensor<1x20x31xf32>
}
