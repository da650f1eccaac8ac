// A grouped conv with a vector or more of channels per group, whose padded
// input per group and image fits L1, is computed a group of an image at a
// time (GroupBlockedConv.h): loops over the images and the groups, marked
// for the threads to share, take the group's input channels, pad them (the
// small copy the core reads), contract them with the group's element of a
// [G, K..., ICg, OCg] weight stack (re-laid out as a whole in the pack
// function) and the group's bias, and write the group's output channels.
// An nchw layer's group changes layout on the way in and out. Groups of
// fewer channels, or of more padded input, stay one grouped core.
// RUN: convjit-opt %s --convert-conv-to-linalg | FileCheck %s
// RUN: convjit-opt %s --convert-conv-to-linalg | convjit-opt --one-shot-bufferize="bufferize-function-boundaries" --convert-linalg-to-loops | FileCheck %s --check-prefix=LOOPS --implicit-check-not=linalg.

// CHECK-DAG: #[[IN16:.+]] = affine_map<(d0) -> (d0 * 16)>
// CHECK-DAG: #[[OUT32:.+]] = affine_map<(d0) -> (d0 * 32)>
// CHECK-LABEL: func.func @groups
// CHECK-SAME: (%[[X:.+]]: tensor<2x6x6x64xf32>, %[[W:.+]]: tensor<128x16x3x3xf32>, %[[B:.+]]: tensor<128xf32>)
// CHECK: %[[STACK:.+]] = linalg.transpose ins(%{{.+}} : tensor<4x32x16x3x3xf32>) outs(%{{.+}} : tensor<4x3x3x16x32xf32>) permutation = [0, 3, 4, 2, 1]
// CHECK: %[[RESULT:.+]] = scf.for %[[N:.+]] = %c0 to %c2 step %c1 iter_args(%[[ALL:.+]] = %{{.+}}) -> (tensor<2x6x6x128xf32>)
// CHECK-NEXT: %[[GROUPS:.+]] = scf.for %[[G:.+]] = %c0 to %c4 step %c1 iter_args(%[[OUT:.+]] = %[[ALL]]) -> (tensor<2x6x6x128xf32>)
// CHECK-NEXT: %[[OC:.+]] = affine.apply #[[OUT32]](%[[G]])
// CHECK-NEXT: %[[IC:.+]] = affine.apply #[[IN16]](%[[G]])
// CHECK-NEXT: %[[GX:.+]] = tensor.extract_slice %[[X]][%[[N]], 0, 0, %[[IC]]] [1, 6, 6, 16] [1, 1, 1, 1]
// CHECK: %[[PADDED:.+]] = tensor.pad %[[GX]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[GW:.+]] = tensor.extract_slice %[[STACK]][%[[G]], 0, 0, 0, 0] [1, 3, 3, 16, 32] [1, 1, 1, 1, 1] : tensor<4x3x3x16x32xf32> to tensor<3x3x16x32xf32>
// CHECK: %[[GB:.+]] = tensor.extract_slice %[[B]][%[[OC]]] [32] [1]
// CHECK: linalg.broadcast ins(%[[GB]] : tensor<32xf32>)
// CHECK: %[[CORE:.+]] = linalg.generic {{.*}} ins(%[[PADDED]], %[[GW]] : tensor<1x8x8x16xf32>, tensor<3x3x16x32xf32>) outs(%{{.+}} : tensor<1x6x6x32xf32>) attrs = {convjit.conv_core}
// CHECK: %[[RELU:.+]] = linalg.generic {{.*}} ins(%[[CORE]] {{.*}} attrs = {convjit.relu}
// CHECK: %[[INS:.+]] = tensor.insert_slice %[[RELU]] into %[[OUT]][%[[N]], 0, 0, %[[OC]]] [1, 6, 6, 32] [1, 1, 1, 1]
// CHECK-NEXT: scf.yield %[[INS]]
// CHECK-NEXT: } {convjit.parallel}
// CHECK-NEXT: scf.yield %[[GROUPS]]
// CHECK-NEXT: } {convjit.parallel}
// CHECK-NEXT: return %[[RESULT]]
// LOOPS-LABEL: func.func @groups
// LOOPS: scf.for
func.func @groups(%x: tensor<2x6x6x64xf32>, %w: tensor<128x16x3x3xf32>, %b: tensor<128xf32>) -> tensor<2x6x6x128xf32> {
  %y = conv.conv %x, %w bias(%b) stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 4 layout nhwc relu
       : (tensor<2x6x6x64xf32>, tensor<128x16x3x3xf32>, tensor<128xf32>) -> tensor<2x6x6x128xf32>
  return %y : tensor<2x6x6x128xf32>
}

// CHECK-LABEL: func.func @channels_first
// CHECK-SAME: (%[[X:.+]]: tensor<1x32x7x7xf32>
// CHECK: %[[RESULT:.+]] = scf.for %[[G:.+]] = %c0 to %c2 step %c1
// CHECK-NEXT: %[[C:.+]] = affine.apply #[[IN16]](%[[G]])
// CHECK-NEXT: %[[GX:.+]] = tensor.extract_slice %[[X]][0, %[[C]], 0, 0] [1, 16, 7, 7] [1, 1, 1, 1]
// CHECK: linalg.transpose ins(%[[GX]] : tensor<1x16x7x7xf32>) outs(%{{.+}} : tensor<1x7x7x16xf32>) permutation = [0, 2, 3, 1]
// CHECK: tensor.pad
// CHECK: linalg.generic {{.*}} outs(%{{.+}} : tensor<1x4x4x16xf32>) attrs = {convjit.conv_core}
// CHECK: %[[BACK:.+]] = linalg.transpose ins(%{{.+}} : tensor<1x4x4x16xf32>) outs(%{{.+}} : tensor<1x16x4x4xf32>) permutation = [0, 3, 1, 2]
// CHECK: tensor.insert_slice %[[BACK]] into %{{.+}}[0, %[[C]], 0, 0] [1, 16, 4, 4] [1, 1, 1, 1]
// CHECK: } {convjit.parallel}
func.func @channels_first(%x: tensor<1x32x7x7xf32>, %w: tensor<32x16x3x3xf32>) -> tensor<1x32x4x4xf32> {
  %y = conv.conv %x, %w stride [2, 2] dilation [1, 1] pad [1, 1] to [1, 1] groups 2 layout nchw
       : (tensor<1x32x7x7xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x4x4xf32>
  return %y : tensor<1x32x4x4xf32>
}

// 8 channels per group; 16 per group but 48x48x16 padded floats (144 KiB)
// per image: one grouped core each.
// CHECK-LABEL: func.func @one_grouped_core
// CHECK-NOT: scf.for
// CHECK: convjit.conv_core
// CHECK-NOT: scf.for
// CHECK: convjit.conv_core
// CHECK-NOT: scf.for
// CHECK: return
func.func @one_grouped_core(%x8: tensor<1x6x6x64xf32>, %w8: tensor<64x8x3x3xf32>,
                            %x46: tensor<1x46x46x64xf32>, %w16: tensor<64x16x3x3xf32>)
    -> (tensor<1x6x6x64xf32>, tensor<1x46x46x64xf32>) {
  %a = conv.conv %x8, %w8 stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 8 layout nhwc
       : (tensor<1x6x6x64xf32>, tensor<64x8x3x3xf32>) -> tensor<1x6x6x64xf32>
  %b = conv.conv %x46, %w16 stride [1, 1] dilation [1, 1] pad [1, 1] to [1, 1] groups 4 layout nhwc
       : (tensor<1x46x46x64xf32>, tensor<64x16x3x3xf32>) -> tensor<1x46x46x64xf32>
  return %a, %b : tensor<1x6x6x64xf32>, tensor<1x46x46x64xf32>
}
