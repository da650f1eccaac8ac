// An nchw 1x1 conv (unit stride, no padding, one group) is, per image, the
// matrix product out[oc, p] = w[oc, ic] x in[ic, p] on the image as it lies
// (ChannelsFirstProduct.h):
// the conv core with the weight [1, OC, IC] as its input and the image
// [K=1, IC, P] as its weight, no layout changes; the bias runs along the
// core's rows. Layers that are not such a product go through channels-last.
// RUN: convjit-opt %s --convert-conv-to-linalg | FileCheck %s
// RUN: convjit-opt %s --convert-conv-to-linalg | convjit-opt --one-shot-bufferize="bufferize-function-boundaries" --convert-linalg-to-loops | FileCheck %s --check-prefix=LOOPS --implicit-check-not=linalg.

// Input (n, o + k, ic) over rows o of output channels, weight (k, ic, p),
// output (n, o, p).
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 + d3, d4)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d3, d4, d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
// The columns of @columns1d below: (ic, k, o) -> in[0, ic, o*2 + k*2].
// CHECK-DAG: #[[COLS:.+]] = affine_map<(d0, d1, d2) -> (0, d0, d2 * 2 + d1 * 2)>
// The positions @strided reads: (ic, kh, kw, oh, ow) -> in[0, ic, oh*2 + kh,
// ow*2 + kw].
// CHECK-DAG: #[[EVERY2ND:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (0, d0, d3 * 2 + d1, d4 * 2 + d2)>

// CHECK-LABEL: func.func @pointwise2d_bias_relu
// CHECK-SAME: (%[[X:.+]]: tensor<1x16x8x8xf32>, %[[WT:.+]]: tensor<24x16x1x1xf32>, %[[B:.+]]: tensor<24xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: %[[M:.+]] = tensor.collapse_shape %[[WT]] {{\[}}[0], [1, 2, 3]] : tensor<24x16x1x1xf32> into tensor<24x16xf32>
// CHECK: %[[ROWS:.+]] = tensor.expand_shape %[[M]] {{\[}}[0, 1], [2]] output_shape [1, 24, 16]
// CHECK: %[[IMAGE:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1], [2, 3]] : tensor<1x16x8x8xf32> into tensor<1x16x64xf32>
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[B]] : tensor<24xf32>) outs(%{{.+}} : tensor<1x24x64xf32>) dimensions = [0, 2]
// CHECK: %[[CORE:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[IN]], #[[W]], #[[OUT]]]
// CHECK-SAME: ins(%[[ROWS]], %[[IMAGE]] : tensor<1x24x16xf32>, tensor<1x16x64xf32>) outs(%[[INIT]] : tensor<1x24x64xf32>)
// CHECK-SAME: {convjit.conv_core}
// CHECK: %[[RELU:.+]] = linalg.generic {{.+}} ins(%[[CORE]] : tensor<1x24x64xf32>)
// CHECK-SAME: {convjit.relu}
// CHECK: %[[Y:.+]] = tensor.expand_shape %[[RELU]] {{\[}}[0], [1], [2, 3]] output_shape [1, 24, 8, 8]
// CHECK-NOT: linalg.transpose
// CHECK: return %[[Y]]
// LOOPS-LABEL: func.func @pointwise2d_bias_relu
// LOOPS: scf.for
func.func @pointwise2d_bias_relu(%x: tensor<1x16x8x8xf32>, %w: tensor<24x16x1x1xf32>, %b: tensor<24xf32>) -> tensor<1x24x8x8xf32> {
  %y = conv.conv %x, %w bias(%b) stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw relu
       : (tensor<1x16x8x8xf32>, tensor<24x16x1x1xf32>, tensor<24xf32>) -> tensor<1x24x8x8xf32>
  return %y : tensor<1x24x8x8xf32>
}

// 1-D and 3-D alike; a dilation means nothing to a 1x1 window.
// CHECK-LABEL: func.func @pointwise1d
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {{.+}} ins(%{{.+}}, %{{.+}} : tensor<1x5x3xf32>, tensor<1x3x32xf32>) outs(%{{.+}} : tensor<1x5x32xf32>)
// CHECK-NOT: linalg.transpose
func.func @pointwise1d(%x: tensor<1x3x32xf32>, %w: tensor<5x3x1xf32>) -> tensor<1x5x32xf32> {
  %y = conv.conv %x, %w stride [1] dilation [2] pad [0] to [0] groups 1 layout nchw
       : (tensor<1x3x32xf32>, tensor<5x3x1xf32>) -> tensor<1x5x32xf32>
  return %y : tensor<1x5x32xf32>
}
// CHECK-LABEL: func.func @pointwise3d
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {{.+}} ins(%{{.+}}, %{{.+}} : tensor<1x4x2xf32>, tensor<1x2x64xf32>) outs(%{{.+}} : tensor<1x4x64xf32>)
// CHECK-NOT: linalg.transpose
func.func @pointwise3d(%x: tensor<1x2x4x4x4xf32>, %w: tensor<4x2x1x1x1xf32>) -> tensor<1x4x4x4x4xf32> {
  %y = conv.conv %x, %w stride [1, 1, 1] dilation [1, 1, 1] pad [0, 0, 0] to [0, 0, 0] groups 1 layout nchw
       : (tensor<1x2x4x4x4xf32>, tensor<4x2x1x1x1xf32>) -> tensor<1x4x4x4x4xf32>
  return %y : tensor<1x4x4x4x4xf32>
}

// Few input channels and taps per output channel (IC*K at most OC/8): the
// columns X[ic, k, o] = in[ic, o*stride + k*dilation] of the padded input
// are copied out first (im2col), [2, 3, 64] viewed as [1, 6, 64].
// CHECK-LABEL: func.func @columns1d
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x128xf32>, %[[WT:.+]]: tensor<48x2x3xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: %[[M:.+]] = tensor.collapse_shape %[[WT]] {{\[}}[0], [1, 2]] : tensor<48x2x3xf32> into tensor<48x6xf32>
// CHECK: %[[P:.+]] = tensor.pad %[[X]] low[0, 0, 1] high[0, 0, 2]
// CHECK: %[[C:.+]] = linalg.generic {indexing_maps = [#[[COLS]], #{{.+}}], {{.+}} ins(%[[P]] : tensor<1x2x131xf32>) outs(%{{.+}} : tensor<2x3x64xf32>)
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[C]] {{\[}}[0, 1], [2]] : tensor<2x3x64xf32> into tensor<6x64xf32>
// CHECK: %[[IMAGE:.+]] = tensor.expand_shape %[[FLAT]] {{\[}}[0, 1], [2]] output_shape [1, 6, 64]
// CHECK: linalg.generic {{.+}} ins(%{{.+}}, %[[IMAGE]] : tensor<1x48x6xf32>, tensor<1x6x64xf32>) outs(%{{.+}} : tensor<1x48x64xf32>)
// CHECK-NOT: linalg.transpose
func.func @columns1d(%x: tensor<1x2x128xf32>, %w: tensor<48x2x3xf32>) -> tensor<1x48x64xf32> {
  %y = conv.conv %x, %w stride [2] dilation [2] pad [1] to [2] groups 1 layout nchw
       : (tensor<1x2x128xf32>, tensor<48x2x3xf32>) -> tensor<1x48x64xf32>
  return %y : tensor<1x48x64xf32>
}

// A batch: one product per image, in a loop whose iterations are
// independent (with threads it joins the tile loops inside it).
// CHECK-LABEL: func.func @batch
// CHECK-SAME: (%[[X:.+]]: tensor<2x16x8x8xf32>
// CHECK-NOT: linalg.transpose
// CHECK: %[[LOOP:.+]] = scf.for %[[N:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (tensor<2x8x64xf32>)
// CHECK: %[[IMAGE:.+]] = tensor.extract_slice %[[X]][%[[N]], 0, 0, 0] [1, 16, 8, 8] [1, 1, 1, 1]
// CHECK: tensor.collapse_shape %[[IMAGE]] {{\[}}[0], [1], [2, 3]] : tensor<1x16x8x8xf32> into tensor<1x16x64xf32>
// CHECK: %[[CORE:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<1x8x64xf32>)
// CHECK: tensor.insert_slice %[[CORE]] into %[[ACC]][%[[N]], 0, 0] [1, 8, 64] [1, 1, 1]
// CHECK: } {convjit.independent}
// CHECK: tensor.expand_shape %[[LOOP]] {{\[}}[0], [1], [2, 3]] output_shape [2, 8, 8, 8]
// CHECK-NOT: linalg.transpose
func.func @batch(%x: tensor<2x16x8x8xf32>, %w: tensor<8x16x1x1xf32>) -> tensor<2x8x8x8xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<2x16x8x8xf32>, tensor<8x16x1x1xf32>) -> tensor<2x8x8x8xf32>
  return %y : tensor<2x8x8x8xf32>
}

// A strided 1x1 window copies the positions it reads (every second one
// of every second row) as its columns, however many input channels.
// CHECK-LABEL: func.func @strided
// CHECK-SAME: (%[[X:.+]]: tensor<1x16x8x8xf32>
// CHECK-NOT: linalg.transpose
// CHECK: %[[PICKED:.+]] = linalg.generic {indexing_maps = [#[[EVERY2ND]], #{{.+}}]{{.*}} ins(%[[X]] : tensor<1x16x8x8xf32>) outs(%{{.+}} : tensor<16x1x1x4x4xf32>)
// CHECK: %[[COLS2D:.+]] = tensor.collapse_shape %[[PICKED]] {{\[}}[0, 1, 2], [3, 4]] : tensor<16x1x1x4x4xf32> into tensor<16x16xf32>
// CHECK: %[[COLS:.+]] = tensor.expand_shape %[[COLS2D]]
// CHECK: linalg.generic {{.*}} ins(%{{.+}}, %[[COLS]] : tensor<1x8x16xf32>, tensor<1x16x16xf32>) outs(%{{.+}} : tensor<1x8x16xf32>) attrs = {convjit.conv_core}
// CHECK-NOT: linalg.transpose
// CHECK: return
func.func @strided(%x: tensor<1x16x8x8xf32>, %w: tensor<8x16x1x1xf32>) -> tensor<1x8x4x4xf32> {
  %y = conv.conv %x, %w stride [2, 2] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x16x8x8xf32>, tensor<8x16x1x1xf32>) -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}
// Not a product of the image as it lies, nor one with few columns:
// padding, a row of 7x7 = 49 positions (4 vectors of 16, the last 1/16
// full), nhwc. Each transposes to channels-last (nhwc has nothing to do).
// CHECK-LABEL: func.func @padded
// CHECK: linalg.transpose ins(%{{.+}} : tensor<1x16x8x8xf32>)
func.func @padded(%x: tensor<1x16x8x8xf32>, %w: tensor<8x16x1x1xf32>) -> tensor<1x8x10x10xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 1 layout nchw
       : (tensor<1x16x8x8xf32>, tensor<8x16x1x1xf32>) -> tensor<1x8x10x10xf32>
  return %y : tensor<1x8x10x10xf32>
}
// Groups: one product per group, its input channels and weight rows
// sliced out.
// CHECK-LABEL: func.func @grouped
// CHECK-SAME: (%[[X:.+]]: tensor<1x16x8x8xf32>
// CHECK-NOT: linalg.transpose
// CHECK: %[[ROWS:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2]] output_shape [2, 4, 8] : tensor<8x8xf32> into tensor<2x4x8xf32>
// CHECK: scf.for %[[G:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (tensor<1x8x64xf32>)
// CHECK: tensor.extract_slice %[[X]][0, %{{.+}}, 0, 0] [1, 8, 8, 8] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %[[ROWS]][%[[G]], 0, 0] [1, 4, 8] [1, 1, 1]
// CHECK: %[[CORE:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<1x4x64xf32>)
// CHECK: tensor.insert_slice %[[CORE]] into %[[ACC]][0, %{{.+}}, 0] [1, 4, 64] [1, 1, 1]
// CHECK: } {convjit.independent}
// CHECK-NOT: linalg.transpose
func.func @grouped(%x: tensor<1x16x8x8xf32>, %w: tensor<8x8x1x1xf32>) -> tensor<1x8x8x8xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 2 layout nchw
       : (tensor<1x16x8x8xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}
// CHECK-LABEL: func.func @sparse_lanes
// CHECK: linalg.transpose ins(%{{.+}} : tensor<1x16x7x7xf32>)
func.func @sparse_lanes(%x: tensor<1x16x7x7xf32>, %w: tensor<8x16x1x1xf32>) -> tensor<1x8x7x7xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nchw
       : (tensor<1x16x7x7xf32>, tensor<8x16x1x1xf32>) -> tensor<1x8x7x7xf32>
  return %y : tensor<1x8x7x7xf32>
}
// CHECK-LABEL: func.func @channels_last
// CHECK-NOT: linalg.transpose ins(%{{.+}} : tensor<1x8x8x16xf32>)
// CHECK: linalg.generic {{.+}} ins(%{{.+}}, %{{.+}} : tensor<1x8x8x16xf32>, tensor<1x1x16x8xf32>)
func.func @channels_last(%x: tensor<1x8x8x16xf32>, %w: tensor<8x16x1x1xf32>) -> tensor<1x8x8x8xf32> {
  %y = conv.conv %x, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 layout nhwc
       : (tensor<1x8x8x16xf32>, tensor<8x16x1x1xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}
// The nine other functions lower to loops too.
// LOOPS-COUNT-9: func.func @
// LOOPS-NOT: func.func @
