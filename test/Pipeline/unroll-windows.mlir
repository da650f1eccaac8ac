// The kw loop a schedule marks for unrolling disappears: its 3 taps become
// three contractions in the kh loop's body, each reading the input one
// position further on.
// RUN: convjit-opt %s --pass-pipeline='builtin.module(func.func(convjit-tile-and-vectorize,convjit-unroll-windows))' | FileCheck %s

#in = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh + kh, ow + kw, ic)>
#w = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (kh, kw, ic, oc)>
#out = affine_map<(n, oh, ow, oc, kh, kw, ic) -> (n, oh, ow, oc)>

// CHECK-LABEL: func.func @unrolled_window
// CHECK: scf.for {{.*}} = %c0 to %c3 step %c1 iter_args({{.*}}) -> (vector<4x16xf32>)
// CHECK-NOT: scf.for
// CHECK-COUNT-3: vector.contract {{.*}} : vector<4x16xf32>, vector<16x16xf32> into vector<4x16xf32>
// CHECK-NOT: vector.contract
// CHECK: scf.yield
// CHECK-NOT: convjit.unroll
// CHECK: unroll = array<i64: 0, 0, 0, 0, 0, 1, 0>
func.func @unrolled_window(%x: tensor<1x10x10x16xf32>, %w: tensor<3x3x16x16xf32>, %init: tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x10x10x16xf32>, tensor<3x3x16x16xf32>) outs(%acc : tensor<1x8x8x16xf32>)
       attrs = {convjit.conv_core, convjit.schedule = {tile = array<i64: 1, 1, 4, 16, 0, 0, 0>,
                                                       reduce = array<i64: 0, 0, 0, 0, 1, 1, 16>,
                                                       interchange = array<i64: 0, 1, 2, 3, 4, 5, 6>,
                                                       unroll = array<i64: 0, 0, 0, 0, 0, 1, 0>}} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x8x8x16xf32>
  return %y : tensor<1x8x8x16xf32>
}
