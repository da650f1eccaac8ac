// An nchw depthwise conv of several 16-channel blocks changes layout a
// block at a time (ChannelBlockedDepthwise.h): a loop over the blocks,
// marked for the threads to share, takes the block's planes, makes them
// channels-last, pads them, contracts them with the block's slice of the
// weights (one element of a [blocks, 16, K..., 1, 1] stack, which the
// scheduler re-lays out as a whole, in the pack function) and the block's
// bias, and writes the result back into the block's output planes.
// A batch's images are a loop around it, marked too. Rows of 64 and more
// stay plane by plane; blocks of more than a MiB of channels-last input
// and output (of an image), fewer than two blocks, or channels no block
// divides, change the layout of the whole tensors. An nhwc depthwise conv
// goes by blocks too, reading its channels in place (@blocks_nhwc).
// RUN: convjit-opt %s --convert-conv-to-linalg | FileCheck %s
// RUN: convjit-opt %s --convert-conv-to-linalg | convjit-opt --one-shot-bufferize="bufferize-function-boundaries" --convert-linalg-to-loops | FileCheck %s --check-prefix=LOOPS --implicit-check-not=linalg.

// CHECK-DAG: #[[FIRST:.+]] = affine_map<(d0) -> (d0 * 16)>
// CHECK-DAG: #[[EIGHT:.+]] = affine_map<(d0) -> (d0 * 8)>
// CHECK-LABEL: func.func @blocks
// CHECK-SAME: (%[[X:.+]]: tensor<1x32x28x28xf32>, %[[W:.+]]: tensor<32x1x3x3xf32>, %[[B:.+]]: tensor<32xf32>)
// CHECK: %[[WT:.+]] = linalg.transpose ins(%{{.+}} : tensor<32x1x1x3x3xf32>) outs(%{{.+}} : tensor<32x3x3x1x1xf32>)
// CHECK: %[[STACK:.+]] = tensor.expand_shape %[[WT]] {{\[}}[0, 1], [2], [3], [4], [5]] output_shape [2, 16, 3, 3, 1, 1]
// CHECK: %[[RESULT:.+]] = scf.for %[[I:.+]] = %c0 to %c2 step %c1 iter_args(%[[OUT:.+]] = %{{.+}}) -> (tensor<1x32x14x14xf32>)
// CHECK-NEXT: %[[C:.+]] = affine.apply #[[FIRST]](%[[I]])
// CHECK-NEXT: %[[PLANES:.+]] = tensor.extract_slice %[[X]][0, %[[C]], 0, 0] [1, 16, 28, 28] [1, 1, 1, 1]
// CHECK: %[[CL:.+]] = linalg.transpose ins(%[[PLANES]] : tensor<1x16x28x28xf32>) outs(%{{.+}} : tensor<1x28x28x16xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[PADDED:.+]] = tensor.pad %[[CL]] low[0, 1, 1, 0] high[0, 0, 0, 0]
// CHECK: %[[WB:.+]] = tensor.extract_slice %[[STACK]][%[[I]], 0, 0, 0, 0, 0] [1, 16, 3, 3, 1, 1] [1, 1, 1, 1, 1, 1] : tensor<2x16x3x3x1x1xf32> to tensor<16x3x3x1x1xf32>
// CHECK: %[[BB:.+]] = tensor.extract_slice %[[B]][%[[C]]] [16] [1]
// CHECK: %[[CORE:.+]] = linalg.generic {{.*}} ins(%{{.+}}, %[[WB]] : tensor<1x29x29x16x1xf32>, tensor<16x3x3x1x1xf32>) outs(%{{.+}} : tensor<1x14x14x16x1xf32>) attrs = {convjit.conv_core}
// CHECK: linalg.generic {{.*}} ins(%[[CORE]] {{.*}} attrs = {convjit.relu}
// CHECK: %[[BACK:.+]] = linalg.transpose ins(%{{.+}} : tensor<1x14x14x16xf32>) outs(%{{.+}} : tensor<1x16x14x14xf32>) permutation = [0, 3, 1, 2]
// CHECK: %[[INS:.+]] = tensor.insert_slice %[[BACK]] into %[[OUT]][0, %[[C]], 0, 0] [1, 16, 14, 14] [1, 1, 1, 1]
// CHECK-NEXT: scf.yield %[[INS]]
// CHECK-NEXT: } {convjit.parallel}
// CHECK-NEXT: return %[[RESULT]]
// LOOPS-LABEL: func.func @blocks
// LOOPS: scf.for
func.func @blocks(%x: tensor<1x32x28x28xf32>, %w: tensor<32x1x3x3xf32>, %b: tensor<32xf32>) -> tensor<1x32x14x14xf32> {
  %y = conv.conv %x, %w bias(%b) stride [2, 2] dilation [1, 1] pad [1, 1] to [0, 0] groups 32 layout nchw relu
       : (tensor<1x32x28x28xf32>, tensor<32x1x3x3xf32>, tensor<32xf32>) -> tensor<1x32x14x14xf32>
  return %y : tensor<1x32x14x14xf32>
}

// CHECK-LABEL: func.func @blocks_per_image
// CHECK-SAME: (%[[X:.+]]: tensor<8x32x56x56xf32>
// CHECK: %[[RESULT:.+]] = scf.for %[[N:.+]] = %c0 to %c8 step %c1 iter_args(%[[ALL:.+]] = %{{.+}}) -> (tensor<8x32x56x56xf32>)
// CHECK-NEXT: %[[BLOCKS:.+]] = scf.for %[[I:.+]] = %c0{{.*}} to %c2 step %c1{{.*}} iter_args(%[[OUT:.+]] = %[[ALL]]) -> (tensor<8x32x56x56xf32>)
// CHECK-NEXT: %[[C:.+]] = affine.apply #[[FIRST]](%[[I]])
// CHECK-NEXT: %[[PLANES:.+]] = tensor.extract_slice %[[X]][%[[N]], %[[C]], 0, 0] [1, 16, 56, 56] [1, 1, 1, 1]
// CHECK: linalg.transpose ins(%[[PLANES]] : tensor<1x16x56x56xf32>) outs(%{{.+}} : tensor<1x56x56x16xf32>)
// CHECK: %[[INS:.+]] = tensor.insert_slice %{{.+}} into %[[OUT]][%[[N]], %[[C]], 0, 0] [1, 16, 56, 56] [1, 1, 1, 1]
// CHECK-NEXT: scf.yield %[[INS]]
// CHECK-NEXT: } {convjit.parallel}
// CHECK-NEXT: scf.yield %[[BLOCKS]]
// CHECK-NEXT: } {convjit.parallel}
// CHECK-NEXT: return %[[RESULT]]
func.func @blocks_per_image(%x: tensor<8x32x56x56xf32>, %w: tensor<32x1x3x3xf32>) -> tensor<8x32x56x56xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 32 layout nchw
       : (tensor<8x32x56x56xf32>, tensor<32x1x3x3xf32>) -> tensor<8x32x56x56xf32>
  return %y : tensor<8x32x56x56xf32>
}

// CHECK-LABEL: func.func @planes_or_whole_tensors
// CHECK-NOT: scf.for
// CHECK: convjit.planewise
// CHECK-NOT: scf.for
// CHECK: linalg.transpose ins(%{{.+}} : tensor<1x16x28x28xf32>) outs(%{{.+}} : tensor<1x28x28x16xf32>)
// CHECK-NOT: scf.for
// CHECK: linalg.transpose ins(%{{.+}} : tensor<1x40x28x28xf32>) outs(%{{.+}} : tensor<1x28x28x40xf32>)
// CHECK-NOT: scf.for
// CHECK: linalg.transpose ins(%{{.+}} : tensor<1x32x128x128xf32>) outs(%{{.+}} : tensor<1x128x128x32xf32>)
// CHECK-NOT: scf.for
// CHECK: return
func.func @planes_or_whole_tensors(%x64: tensor<1x32x64x64xf32>, %w32: tensor<32x1x3x3xf32>,
                                   %x16: tensor<1x16x28x28xf32>, %w16: tensor<16x1x3x3xf32>,
                                   %x40: tensor<1x40x28x28xf32>, %w40: tensor<40x1x3x3xf32>,
                                   %x128: tensor<1x32x128x128xf32>)
    -> (tensor<1x32x64x64xf32>, tensor<1x16x28x28xf32>, tensor<1x40x28x28xf32>, tensor<1x32x64x64xf32>) {
  %a = conv.conv %x64, %w32 stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 32 layout nchw
       : (tensor<1x32x64x64xf32>, tensor<32x1x3x3xf32>) -> tensor<1x32x64x64xf32>
  %b = conv.conv %x16, %w16 stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 16 layout nchw
       : (tensor<1x16x28x28xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x28x28xf32>
  %c = conv.conv %x40, %w40 stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 40 layout nchw
       : (tensor<1x40x28x28xf32>, tensor<40x1x3x3xf32>) -> tensor<1x40x28x28xf32>
  // A block of 16 of these planes and their stride-2 outputs, 1.3 MB of
  // channels-last input and output, is more than a block may take.
  %d = conv.conv %x128, %w32 stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] groups 32 layout nchw
       : (tensor<1x32x128x128xf32>, tensor<32x1x3x3xf32>) -> tensor<1x32x64x64xf32>
  return %a, %b, %c, %d : tensor<1x32x64x64xf32>, tensor<1x16x28x28xf32>, tensor<1x40x28x28xf32>, tensor<1x32x64x64xf32>
}

// Plane by plane, a layer whose input and output are more than an L2 (here
// 1.5 MiB) is computed a block of planes at a time, of at most a quarter of
// an L2 (8 of these 32 KiB planes, a divisor of the channels), each from
// its planes, weights and bias.
// CHECK-LABEL: func.func @planes_by_blocks
// CHECK-SAME: (%[[X:.+]]: tensor<2x24x64x64xf32>, %[[W:.+]]: tensor<24x1x3x3xf32>, %[[B:.+]]: tensor<24xf32>)
// CHECK: %[[RESULT:.+]] = scf.for %[[N:.+]] = %c0 to %c2 step %c1 iter_args(%[[ALL:.+]] = %{{.+}}) -> (tensor<2x24x64x64xf32>)
// CHECK-NEXT: %[[BLOCKS:.+]] = scf.for %[[I:.+]] = %c0 to %c3 step %c1 iter_args(%[[OUT:.+]] = %[[ALL]]) -> (tensor<2x24x64x64xf32>)
// CHECK-NEXT: %[[C:.+]] = affine.apply #[[EIGHT]](%[[I]])
// CHECK-NEXT: %[[PLANES:.+]] = tensor.extract_slice %[[X]][%[[N]], %[[C]], 0, 0] [1, 8, 64, 64] [1, 1, 1, 1]
// CHECK-NEXT: %[[WB:.+]] = tensor.extract_slice %[[W]][%[[C]], 0, 0, 0] [8, 1, 3, 3] [1, 1, 1, 1]
// CHECK-NEXT: %[[BB:.+]] = tensor.extract_slice %[[B]][%[[C]]] [8] [1]
// CHECK: tensor.pad %[[PLANES]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: linalg.broadcast ins(%[[BB]] : tensor<8xf32>) outs(%{{.+}} : tensor<1x8x64x64xf32>)
// CHECK: %[[CORE:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<1x8x64x64xf32>) attrs = {convjit.planewise}
// CHECK: %[[RELU:.+]] = linalg.generic {{.*}} ins(%[[CORE]] {{.*}} attrs = {convjit.relu}
// CHECK: %[[INS:.+]] = tensor.insert_slice %[[RELU]] into %[[OUT]][%[[N]], %[[C]], 0, 0] [1, 8, 64, 64] [1, 1, 1, 1]
// CHECK-NEXT: scf.yield %[[INS]]
// CHECK-NEXT: } {convjit.parallel}
// CHECK-NEXT: scf.yield %[[BLOCKS]]
// CHECK-NEXT: } {convjit.parallel}
// CHECK-NEXT: return %[[RESULT]]
func.func @planes_by_blocks(%x: tensor<2x24x64x64xf32>, %w: tensor<24x1x3x3xf32>, %b: tensor<24xf32>) -> tensor<2x24x64x64xf32> {
  %y = conv.conv %x, %w bias(%b) stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 24 layout nchw relu
       : (tensor<2x24x64x64xf32>, tensor<24x1x3x3xf32>, tensor<24xf32>) -> tensor<2x24x64x64xf32>
  return %y : tensor<2x24x64x64xf32>
}

// At nhwc the block reads its 16 channels of the input in place (no layout
// change): a slice of the channels, padded, contracted with the block's
// weights and bias, inserted into the block's channels of the output.
// CHECK-LABEL: func.func @blocks_nhwc
// CHECK-SAME: (%[[X:.+]]: tensor<1x7x7x32xf32>, %[[W:.+]]: tensor<32x1x5x5xf32>, %[[B:.+]]: tensor<32xf32>)
// CHECK: %[[STACK:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2], [3], [4], [5]] output_shape [2, 16, 5, 5, 1, 1]
// CHECK: %[[RESULT:.+]] = scf.for %[[I:.+]] = %c0 to %c2 step %c1 iter_args(%[[OUT:.+]] = %{{.+}}) -> (tensor<1x7x7x32xf32>)
// CHECK-NEXT: %[[C:.+]] = affine.apply #[[FIRST]](%[[I]])
// CHECK-NEXT: %[[CHANNELS:.+]] = tensor.extract_slice %[[X]][0, 0, 0, %[[C]]] [1, 7, 7, 16] [1, 1, 1, 1]
// CHECK-NOT: linalg.transpose
// CHECK: %[[PADDED:.+]] = tensor.pad %[[CHANNELS]] low[0, 2, 2, 0] high[0, 2, 2, 0]
// CHECK: %[[WB:.+]] = tensor.extract_slice %[[STACK]][%[[I]], 0, 0, 0, 0, 0] [1, 16, 5, 5, 1, 1]
// CHECK: %[[BB:.+]] = tensor.extract_slice %[[B]][%[[C]]] [16] [1]
// CHECK: linalg.generic {{.*}} ins(%{{.+}}, %[[WB]] : tensor<1x11x11x16x1xf32>, tensor<16x5x5x1x1xf32>) outs(%{{.+}} : tensor<1x7x7x16x1xf32>) attrs = {convjit.conv_core}
// CHECK: attrs = {convjit.relu}
// CHECK-NOT: linalg.transpose
// CHECK: %[[INS:.+]] = tensor.insert_slice %{{.+}} into %[[OUT]][0, 0, 0, %[[C]]] [1, 7, 7, 16] [1, 1, 1, 1]
// CHECK-NEXT: scf.yield %[[INS]]
// CHECK-NEXT: } {convjit.parallel}
// CHECK-NEXT: return %[[RESULT]]
func.func @blocks_nhwc(%x: tensor<1x7x7x32xf32>, %w: tensor<32x1x5x5xf32>, %b: tensor<32xf32>) -> tensor<1x7x7x32xf32> {
  %y = conv.conv %x, %w bias(%b) stride [1, 1] dilation [1, 1] pad [2, 2] to [2, 2] groups 32 layout nhwc relu
       : (tensor<1x7x7x32xf32>, tensor<32x1x5x5xf32>, tensor<32xf32>) -> tensor<1x7x7x32xf32>
  return %y : tensor<1x7x7x32xf32>
}

// At nhwc a block of more than 512 KiB of input and output (112x112x16:
// 1.5 MiB) does not stay in L2 while its regions read it: one core over all
// the channels.
// CHECK-LABEL: func.func @whole_nhwc
// CHECK-NOT: scf.for
// CHECK: linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<1x114x114x32x1xf32>, tensor<32x3x3x1x1xf32>) outs(%{{.+}} : tensor<1x112x112x32x1xf32>) attrs = {convjit.conv_core}
// CHECK-NOT: scf.for
func.func @whole_nhwc(%x: tensor<1x112x112x32xf32>, %w: tensor<32x1x3x3xf32>) -> tensor<1x112x112x32xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 32 layout nhwc
       : (tensor<1x112x112x32xf32>, tensor<32x1x3x3xf32>) -> tensor<1x112x112x32xf32>
  return %y : tensor<1x112x112x32xf32>
}

// 256 channels put the positions 1 KiB apart: a block's lines reach 4 of
// L1's 64 sets, too few for the input rows its tiles read (4 rows of 28 +
// padding): one core over all the channels.
// CHECK-LABEL: func.func @whole_nhwc_power_of_two
// CHECK-NOT: scf.for
// CHECK: linalg.generic {{.*}} outs(%{{.+}} : tensor<1x28x28x256x1xf32>) attrs = {convjit.conv_core}
// CHECK-NOT: scf.for
func.func @whole_nhwc_power_of_two(%x: tensor<1x28x28x256xf32>, %w: tensor<256x1x3x3xf32>) -> tensor<1x28x28x256xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 256 layout nhwc
       : (tensor<1x28x28x256xf32>, tensor<256x1x3x3xf32>) -> tensor<1x28x28x256xf32>
  return %y : tensor<1x28x28x256xf32>
}
