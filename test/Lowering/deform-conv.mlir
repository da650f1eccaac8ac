// conv.deform_conv: a corners generic finds, per tap and offset group, where
// the four bilinear corners are in the input plane and their weights
// (torchvision's rule); a sampling generic (convjit.deform_sample) sums the
// weighted corner pixels per channel into the channels-last columns
// [N, OH, OW, KH, KW, IC]; the convjit.conv_core generic contracts them with
// the weight.
// RUN: convjit-opt %s --convert-conv-to-linalg | FileCheck %s
// RUN: convjit-opt %s --convert-conv-to-linalg | convjit-opt --one-shot-bufferize="bufferize-function-boundaries" --convert-linalg-to-loops | FileCheck %s --check-prefix=LOOPS --implicit-check-not=linalg.

// Corners over (n, oh, ow, g, kh, kw, corner) read dy and dx of the tap.
// CHECK-DAG: #[[DYMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3, d4, d5, 0)>
// CHECK-DAG: #[[DXMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3, d4, d5, 1)>
// CHECK-DAG: #[[ID7:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3, d4, d5, d6)>
// Samples over (n, oh, ow, kh, kw, g, icg) read their tap's mask.
// CHECK-DAG: #[[MMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d5, d3, d4)>
// Grouped core: columns (n, oh, ow, kh, kw, g, icg), weight (g, kh, kw, icg, ocg).
// CHECK-DAG: #[[GCOL:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d5, d6, d3, d7)>
// CHECK-DAG: #[[GW:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d3, d5, d6, d7, d4)>
// CHECK-DAG: #[[GOUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// Ungrouped core: columns (n, oh, ow, kh, kw, ic), weight (kh, kw, ic, oc).
// CHECK-DAG: #[[COL:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d4, d5, d6)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>

// CHECK-LABEL: func.func @v2_grouped_nchw
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x7x7xf32>, %[[OFF:.+]]: tensor<1x36x4x4xf32>, %[[M:.+]]: tensor<1x18x4x4xf32>, %[[WGT:.+]]: tensor<6x2x3x3xf32>, %[[B:.+]]: tensor<6xf32>)
// Input, offset and mask all go channels-last.
// CHECK: %[[XT:.+]] = linalg.transpose ins(%[[X]] : tensor<1x4x7x7xf32>) outs(%{{.+}} : tensor<1x7x7x4xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[OFFT:.+]] = linalg.transpose ins(%[[OFF]] : tensor<1x36x4x4xf32>) outs(%{{.+}} : tensor<1x4x4x36xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[MT:.+]] = linalg.transpose ins(%[[M]] : tensor<1x18x4x4xf32>) outs(%{{.+}} : tensor<1x4x4x18xf32>) permutation = [0, 2, 3, 1]
// The input is sampled unpadded: no tensor.pad anywhere.
// CHECK-NOT: tensor.pad
// Offset channel = 2 * (dg * 9 + kh * 3 + kw) + {0: dy, 1: dx}.
// CHECK: %[[OFF7:.+]] = tensor.expand_shape %[[OFFT]] {{\[}}[0], [1], [2], [3, 4, 5, 6]] output_shape [1, 4, 4, 2, 3, 3, 2]
// CHECK: %[[CORNERS:.+]]:2 = linalg.generic {indexing_maps = [#[[DYMAP]], #[[DXMAP]], #[[ID7]], #[[ID7]]]
// CHECK-SAME: ins(%[[OFF7]], %[[OFF7]] : {{.*}}) outs(%{{.+}}, %{{.+}} : tensor<1x4x4x2x3x3x4xi32>, tensor<1x4x4x2x3x3x4xf32>)
// CHECK-SAME: {convjit.deform_corners}
// CHECK: ^bb0(%[[DY:.+]]: f32, %[[DX:.+]]: f32, %{{.+}}: i32, %{{.+}}: f32):
// CHECK: %[[OH:.+]] = linalg.index 1 : index
// CHECK: %[[CORNER:.+]] = linalg.index 6 : index
// y = float(oh * 2 - 1 + kh * 1) + dy: the integer base first.
// CHECK: %[[BASEY:.+]] = arith.sitofp %{{.+}} : i64 to f32
// CHECK: %[[Y:.+]] = arith.addf %[[BASEY]], %[[DY]] : f32
// CHECK: %[[BASEX:.+]] = arith.sitofp %{{.+}} : i64 to f32
// CHECK: %[[XPOS:.+]] = arith.addf %[[BASEX]], %[[DX]] : f32
// -1 < y < 7 and -1 < x < 7, else the sample is 0.
// CHECK: %[[MINUS1:.+]] = arith.constant -1.000000e+00 : f32
// CHECK: %[[YA:.+]] = arith.cmpf ogt, %[[Y]], %[[MINUS1]] : f32
// CHECK: %[[H:.+]] = arith.constant 7.000000e+00 : f32
// CHECK: %[[YB:.+]] = arith.cmpf olt, %[[Y]], %[[H]] : f32
// CHECK: %[[YIN:.+]] = arith.andi %[[YA]], %[[YB]] : i1
// CHECK: %[[XA:.+]] = arith.cmpf ogt, %[[XPOS]]
// CHECK: %[[XB:.+]] = arith.cmpf olt, %[[XPOS]]
// CHECK: %[[XIN:.+]] = arith.andi %[[XA]], %[[XB]] : i1
// CHECK: %[[INSIDE:.+]] = arith.andi %[[YIN]], %[[XIN]] : i1
// CHECK: %[[YS:.+]] = arith.select %[[INSIDE]], %[[Y]]
// CHECK: %[[XS:.+]] = arith.select %[[INSIDE]], %[[XPOS]]
// CHECK: math.floor %[[YS]] : f32
// CHECK: math.floor %[[XS]] : f32
// Corners 2 and 3 are on row y0 + 1, corners 1 and 3 on column x0 + 1.
// CHECK: %[[LOWER:.+]] = arith.cmpi uge, %[[CORNER]], %{{.+}} : index
// CHECK: %[[ODD:.+]] = arith.remui %[[CORNER]], %{{.+}} : index
// The weight wy * wx, 0 when the corner (or the sample) is outside.
// CHECK: %[[WXY:.+]] = arith.mulf %{{.+}}, %{{.+}} : f32
// CHECK-NEXT: %[[WEIGHT:.+]] = arith.select %[[VALID:.+]], %[[WXY]], %{{.+}} : f32
// The position y * 7 + x in the 7x7 plane, 0 when outside.
// CHECK: %[[FLAT:.+]] = arith.select %[[VALID]], %{{.+}}, %{{.+}} : index
// CHECK: %[[FLAT32:.+]] = arith.index_cast %[[FLAT]] : index to i32
// CHECK: linalg.yield %[[FLAT32]], %[[WEIGHT]] : i32, f32
// CHECK: %[[PLANE:.+]] = tensor.collapse_shape %[[XT]] {{\[}}[0], [1, 2], [3]] : tensor<1x7x7x4xf32> into tensor<1x49x4xf32>
// Mask channel = dg * 9 + kh * 3 + kw.
// CHECK: %[[M6:.+]] = tensor.expand_shape %[[MT]] {{\[}}[0], [1], [2], [3, 4, 5]] output_shape [1, 4, 4, 2, 3, 3]
// CHECK: %[[SAMPLES:.+]] = linalg.generic {indexing_maps = [#[[MMAP]], #[[ID7]]]
// CHECK-SAME: ins(%[[M6]] : tensor<1x4x4x2x3x3xf32>) outs(%{{.+}} : tensor<1x4x4x3x3x2x2xf32>)
// CHECK-SAME: {convjit.deform_sample}
// CHECK: ^bb0(%[[MV:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[N:.+]] = linalg.index 0 : index
// CHECK: %[[OH:.+]] = linalg.index 1 : index
// CHECK: %[[OW:.+]] = linalg.index 2 : index
// CHECK: %[[KH:.+]] = linalg.index 3 : index
// CHECK: %[[KW:.+]] = linalg.index 4 : index
// CHECK: %[[G:.+]] = linalg.index 5 : index
// CHECK: %[[ICG:.+]] = linalg.index 6 : index
// Channel g * 2 + icg; each corner's position and weight read as scalars at
// the tap's indices (constant along the channels: the pixel reads stay
// contiguous), the four weighted pixels summed in torchvision's order, then masked.
// CHECK: %[[GC:.+]] = arith.muli %[[G]], %{{.+}} : index
// CHECK: %[[IC:.+]] = arith.addi %[[GC]], %[[ICG]] : index
// CHECK: %[[C0:.+]] = arith.constant 0 : index
// CHECK: %[[I0:.+]] = tensor.extract %[[CORNERS]]#0[%[[N]], %[[OH]], %[[OW]], %[[G]], %[[KH]], %[[KW]], %[[C0]]] : tensor<1x4x4x2x3x3x4xi32>
// CHECK: %[[P0I:.+]] = arith.index_cast %[[I0]] : i32 to index
// CHECK: %[[P0:.+]] = tensor.extract %[[PLANE]][%[[N]], %[[P0I]], %[[IC]]] : tensor<1x49x4xf32>
// CHECK: %[[W0:.+]] = tensor.extract %[[CORNERS]]#1[%[[N]], %[[OH]], %[[OW]], %[[G]], %[[KH]], %[[KW]], %[[C0]]] : tensor<1x4x4x2x3x3x4xf32>
// CHECK: %[[T0:.+]] = arith.mulf %[[W0]], %[[P0]] : f32
// CHECK: %[[T1:.+]] = arith.mulf %{{.+}}, %{{.+}} : f32
// CHECK: %[[S1:.+]] = arith.addf %[[T0]], %[[T1]] : f32
// CHECK: %[[S2:.+]] = arith.addf %[[S1]], %{{.+}} : f32
// CHECK: %[[S3:.+]] = arith.addf %[[S2]], %{{.+}} : f32
// CHECK: %[[MASKED:.+]] = arith.mulf %[[S3]], %[[MV]] : f32
// CHECK: linalg.yield %[[MASKED]] : f32
// CHECK: %[[COLS:.+]] = tensor.collapse_shape %[[SAMPLES]] {{\[}}[0], [1], [2], [3], [4], [5, 6]] : tensor<1x4x4x3x3x2x2xf32> into tensor<1x4x4x3x3x4xf32>
// CHECK: %[[WE:.+]] = tensor.expand_shape %[[WGT]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3]
// CHECK: %[[WT:.+]] = linalg.transpose ins(%[[WE]] : tensor<2x3x2x3x3xf32>) outs(%{{.+}} : tensor<2x3x3x2x3xf32>) permutation = [0, 3, 4, 2, 1]
// CHECK: %[[CE:.+]] = tensor.expand_shape %[[COLS]] {{\[}}[0], [1], [2], [3], [4], [5, 6]] output_shape [1, 4, 4, 3, 3, 2, 2]
// CHECK: %[[BE:.+]] = tensor.expand_shape %[[B]] {{\[}}[0, 1]] output_shape [2, 3]
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[BE]] : tensor<2x3xf32>) outs(%{{.+}} : tensor<1x4x4x2x3xf32>) dimensions = [0, 1, 2]
// CHECK: %[[CORE:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[GCOL]], #[[GW]], #[[GOUT]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK-SAME: ins(%[[CE]], %[[WT]] : tensor<1x4x4x3x3x2x2xf32>, tensor<2x3x3x2x3xf32>) outs(%[[INIT]] : tensor<1x4x4x2x3xf32>)
// CHECK-SAME: {convjit.conv_core}
// CHECK-NEXT: ^bb0(%[[A:.+]]: f32, %[[BB:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[MUL:.+]] = arith.mulf %[[A]], %[[BB]] : f32
// CHECK-NEXT: %[[ADD:.+]] = arith.addf %[[ACC]], %[[MUL]] : f32
// CHECK-NEXT: linalg.yield %[[ADD]] : f32
// CHECK: %[[RELU:.+]] = linalg.generic
// CHECK-SAME: ins(%[[CORE]] : tensor<1x4x4x2x3xf32>)
// CHECK-SAME: {convjit.relu}
// CHECK: %[[C:.+]] = tensor.collapse_shape %[[RELU]] {{\[}}[0], [1], [2], [3, 4]] : tensor<1x4x4x2x3xf32> into tensor<1x4x4x6xf32>
// CHECK: %[[Y:.+]] = linalg.transpose ins(%[[C]] : tensor<1x4x4x6xf32>) outs(%{{.+}} : tensor<1x6x4x4xf32>) permutation = [0, 3, 1, 2]
// CHECK: return %[[Y]]
// LOOPS-LABEL: func.func @v2_grouped_nchw
// LOOPS: scf.for
func.func @v2_grouped_nchw(%x: tensor<1x4x7x7xf32>, %off: tensor<1x36x4x4xf32>, %m: tensor<1x18x4x4xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x4x4xf32> {
  %y = conv.deform_conv %x, %off mask(%m), %w bias(%b) stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] groups 2 deform_groups 2 layout nchw relu
       : (tensor<1x4x7x7xf32>, tensor<1x36x4x4xf32>, tensor<1x18x4x4xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
  return %y : tensor<1x6x4x4xf32>
}

// DCNv1 (no mask), nhwc: no transposes, no mask read, zero-initialised core.
// CHECK-LABEL: func.func @v1_nhwc
// CHECK-SAME: (%[[X:.+]]: tensor<1x8x8x4xf32>, %[[OFF:.+]]: tensor<1x7x7x8xf32>, %[[WGT:.+]]: tensor<4x4x2x2xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<1x7x7x1x2x2x2xf32>, tensor<1x7x7x1x2x2x2xf32>) outs(%{{.+}}, %{{.+}} : tensor<1x7x7x1x2x2x4xi32>, tensor<1x7x7x1x2x2x4xf32>)
// No mask: the sampling generic has no inputs (one indexing map, one block
// argument) and yields the sum of the four weighted pixels.
// CHECK: %[[SAMPLES:.+]] = linalg.generic {indexing_maps = [#[[ID7]]], iterator_types
// CHECK-SAME: outs(%{{.+}} : tensor<1x7x7x2x2x1x4xf32>)
// CHECK-SAME: {convjit.deform_sample}
// CHECK-NEXT: ^bb0(%{{[^,]+}}: f32):
// CHECK-COUNT-4: tensor.extract %{{.+}} : tensor<1x64x4xf32>
// CHECK: %[[SAMPLE:.+]] = arith.addf %{{.+}}, %{{.+}} : f32
// CHECK-NEXT: linalg.yield %[[SAMPLE]] : f32
// CHECK: %[[COLS:.+]] = tensor.collapse_shape %[[SAMPLES]]
// CHECK: %[[WT:.+]] = linalg.transpose ins(%[[WGT]] : tensor<4x4x2x2xf32>) outs(%{{.+}} : tensor<2x2x4x4xf32>) permutation = [2, 3, 1, 0]
// CHECK: %[[INIT:.+]] = linalg.fill
// CHECK: %[[CORE:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[COL]], #[[W]], #[[OUT]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK-SAME: ins(%[[COLS]], %[[WT]] : tensor<1x7x7x2x2x4xf32>, tensor<2x2x4x4xf32>) outs(%[[INIT]] : tensor<1x7x7x4xf32>)
// CHECK-SAME: {convjit.conv_core}
// CHECK: return %[[CORE]]
// LOOPS-LABEL: func.func @v1_nhwc
// LOOPS: scf.for
func.func @v1_nhwc(%x: tensor<1x8x8x4xf32>, %off: tensor<1x7x7x8xf32>, %w: tensor<4x4x2x2xf32>) -> tensor<1x7x7x4xf32> {
  %y = conv.deform_conv %x, %off, %w stride [1, 1] dilation [1, 1] pad [0, 0] to [0, 0] groups 1 deform_groups 1 layout nhwc
       : (tensor<1x8x8x4xf32>, tensor<1x7x7x8xf32>, tensor<4x4x2x2xf32>) -> tensor<1x7x7x4xf32>
  return %y : tensor<1x7x7x4xf32>
}
