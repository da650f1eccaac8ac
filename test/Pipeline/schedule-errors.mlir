// A pinned schedule that does not fit the op is an error naming the key.
// RUN: convjit-opt %s --convjit-tile-and-vectorize --split-input-file -verify-diagnostics

#in = affine_map<(n, ow, oc, kw, ic) -> (n, ow + kw, ic)>
#w = affine_map<(n, ow, oc, kw, ic) -> (kw, ic, oc)>
#out = affine_map<(n, ow, oc, kw, ic) -> (n, ow, oc)>
func.func @wrong_length(%x: tensor<1x10x8xf32>, %w: tensor<3x8x16xf32>, %o: tensor<1x8x16xf32>) -> tensor<1x8x16xf32> {
  // expected-error @below {{schedule: 'tile' has 3 entries, the op has 5 loops}}
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x10x8xf32>, tensor<3x8x16xf32>) outs(%o : tensor<1x8x16xf32>)
       attrs = {convjit.conv_core, convjit.schedule = {tile = array<i64: 1, 4, 8>, reduce = array<i64: 0, 0, 0, 1, 4>, interchange = array<i64: 0, 1, 2, 3, 4>}} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x8x16xf32>
  return %y : tensor<1x8x16xf32>
}

// -----

#in = affine_map<(n, ow, oc, kw, ic) -> (n, ow + kw, ic)>
#w = affine_map<(n, ow, oc, kw, ic) -> (kw, ic, oc)>
#out = affine_map<(n, ow, oc, kw, ic) -> (n, ow, oc)>
func.func @reduction_in_tile(%x: tensor<1x10x8xf32>, %w: tensor<3x8x16xf32>, %o: tensor<1x8x16xf32>) -> tensor<1x8x16xf32> {
  // expected-error @below {{schedule: loop 4 is a reduction; tile it with 'reduce'}}
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x10x8xf32>, tensor<3x8x16xf32>) outs(%o : tensor<1x8x16xf32>)
       attrs = {convjit.conv_core, convjit.schedule = {tile = array<i64: 1, 4, 8, 0, 2>, reduce = array<i64: 0, 0, 0, 1, 4>, interchange = array<i64: 0, 1, 2, 3, 4>}} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x8x16xf32>
  return %y : tensor<1x8x16xf32>
}

// -----

#in = affine_map<(n, ow, oc, kw, ic) -> (n, ow + kw, ic)>
#w = affine_map<(n, ow, oc, kw, ic) -> (kw, ic, oc)>
#out = affine_map<(n, ow, oc, kw, ic) -> (n, ow, oc)>
func.func @not_a_permutation(%x: tensor<1x10x8xf32>, %w: tensor<3x8x16xf32>, %o: tensor<1x8x16xf32>) -> tensor<1x8x16xf32> {
  // expected-error @below {{schedule: 'interchange' is not a permutation}}
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x10x8xf32>, tensor<3x8x16xf32>) outs(%o : tensor<1x8x16xf32>)
       attrs = {convjit.conv_core, convjit.schedule = {tile = array<i64: 1, 4, 8, 0, 0>, reduce = array<i64: 0, 0, 0, 1, 4>, interchange = array<i64: 0, 1, 1, 3, 4>}} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x8x16xf32>
  return %y : tensor<1x8x16xf32>
}

// -----

#in = affine_map<(n, ow, oc, kw, ic) -> (n, ow + kw, ic)>
#w = affine_map<(n, ow, oc, kw, ic) -> (kw, ic, oc)>
#out = affine_map<(n, ow, oc, kw, ic) -> (n, ow, oc)>
func.func @unroll_a_parallel_loop(%x: tensor<1x10x8xf32>, %w: tensor<3x8x16xf32>, %o: tensor<1x8x16xf32>) -> tensor<1x8x16xf32> {
  // expected-error @below {{schedule: 'unroll' loop 1 is not a reduction loop of step 1}}
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x10x8xf32>, tensor<3x8x16xf32>) outs(%o : tensor<1x8x16xf32>)
       attrs = {convjit.conv_core, convjit.schedule = {tile = array<i64: 1, 4, 8, 0, 0>, reduce = array<i64: 0, 0, 0, 1, 4>, interchange = array<i64: 0, 1, 2, 3, 4>, unroll = array<i64: 0, 1, 0, 0, 0>}} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x8x16xf32>
  return %y : tensor<1x8x16xf32>
}
