// Output channels that are no whole number of vectors (24 on AVX-512's 16
// lanes) in the FlatChannels form: a tile of 16 positions x all 24 channels
// is 384 consecutive floats, accumulated as 24 vectors. Per input channel
// the weight row w[i, 0:24] is shuffled into the period's three lane
// patterns (channels 0-15, 16-23 + 0-7, 8-23), and every second position's
// vector takes two positions' inputs, blended (lanes 0-7 of position p,
// 8-15 of p + 1). The row of 36 positions: two tiles and a peeled 4-wide
// one (6 accumulators). With flat-channels=off: whole vectors and the
// channels left over (tile-and-vectorize.mlir). 8 channels, fewer than a
// vector, stay partial vectors unless flat-channels=on asks for the form.
// RUN: convjit-opt %s --convjit-choose-schedules=target=avx512 --convjit-tile-and-vectorize --canonicalize --split-input-file | FileCheck %s
// RUN: convjit-opt %s "--convjit-choose-schedules=target=avx512 flat-channels=off" --convjit-tile-and-vectorize --canonicalize --split-input-file | FileCheck %s --check-prefix=OFF
// RUN: convjit-opt %s "--convjit-choose-schedules=target=avx512 flat-channels=on" --convjit-tile-and-vectorize --canonicalize --split-input-file | FileCheck %s --check-prefix=ON

#in = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh + kh, ow + kw, ic)>
#w = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (kh, kw, ic, oc)>
#out = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh, ow, oc)>

// CHECK-LABEL: func.func @flat24
// CHECK: scf.for {{.*}} = %c0 to %c32 step %c16
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK: %[[ROW:.*]] = vector.transfer_read {{.*}} vector<24xf32>
// CHECK: %[[W0:.*]] = vector.shuffle %[[ROW]], %[[ROW]] [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
// CHECK: %[[W1:.*]] = vector.shuffle %[[ROW]], %[[ROW]] [16, 17, 18, 19, 20, 21, 22, 23, 0, 1, 2, 3, 4, 5, 6, 7]
// CHECK: %[[W2:.*]] = vector.shuffle %[[ROW]], %[[ROW]] [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]
// CHECK: %[[X0:.*]] = vector.broadcast {{.*}} : f32 to vector<16xf32>
// CHECK: vector.fma %[[X0]], %[[W0]]
// CHECK: %[[X1:.*]] = vector.broadcast {{.*}} : f32 to vector<16xf32>
// CHECK: %[[BLEND:.*]] = vector.shuffle %[[X0]], %[[X1]] [0, 1, 2, 3, 4, 5, 6, 7, 24, 25, 26, 27, 28, 29, 30, 31]
// CHECK: vector.fma %[[BLEND]], %[[W1]]
// CHECK: vector.fma %[[X1]], %[[W2]]
// CHECK: vector.transfer_write {{.*}} : vector<24x16xf32>, tensor<24x16xf32>
// CHECK: convjit.schedule = {{.*}}tile = array<i64: 1, 1, 16, 24, 0, 0, 0>
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK: vector.transfer_write {{.*}} : vector<6x16xf32>, tensor<6x16xf32>
// CHECK-NOT: vector<{{[0-9]+}}x24xf32>
// OFF-LABEL: func.func @flat24
// OFF: vector.contract {{.*}} into vector<{{[0-9]+}}x16xf32>
// OFF: vector.contract {{.*}} into vector<{{[0-9]+}}x8xf32>
func.func @flat24(%x: tensor<1x1x36x32xf32>, %w: tensor<1x1x32x24xf32>, %init: tensor<1x1x36x24xf32>) -> tensor<1x1x36x24xf32> {
  %zero = arith.constant 0.0 : f32
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<1x1x36x24xf32>) -> tensor<1x1x36x24xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x1x36x32xf32>, tensor<1x1x32x24xf32>) outs(%acc : tensor<1x1x36x24xf32>)
       attrs = {convjit.conv_core} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x1x36x24xf32>
  return %y : tensor<1x1x36x24xf32>
}

// -----

#in = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh + kh, ow + kw, ic)>
#w = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (kh, kw, ic, oc)>
#out = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh, ow, oc)>

// CHECK-LABEL: func.func @partial8
// CHECK: vector.contract {{.*}} into vector<{{[0-9]+}}x8xf32>
// ON-LABEL: func.func @partial8
// ON: %[[X0:.*]] = vector.broadcast {{.*}} : f32 to vector<16xf32>
// ON: %[[X1:.*]] = vector.broadcast {{.*}} : f32 to vector<16xf32>
// ON: vector.shuffle %[[X0]], %[[X1]] [0, 1, 2, 3, 4, 5, 6, 7, 24, 25, 26, 27, 28, 29, 30, 31]
// ON: vector.transfer_write {{.*}} : vector<18x16xf32>, tensor<18x16xf32>
func.func @partial8(%x: tensor<1x1x36x32xf32>, %w: tensor<1x1x32x8xf32>, %init: tensor<1x1x36x8xf32>) -> tensor<1x1x36x8xf32> {
  %zero = arith.constant 0.0 : f32
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<1x1x36x8xf32>) -> tensor<1x1x36x8xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x1x36x32xf32>, tensor<1x1x32x8xf32>) outs(%acc : tensor<1x1x36x8xf32>)
       attrs = {convjit.conv_core} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x1x36x8xf32>
  return %y : tensor<1x1x36x8xf32>
}
