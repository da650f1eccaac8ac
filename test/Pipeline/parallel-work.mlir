// Tile loops are shared by threads only for ops of at least
// min-parallel-work iterations, a depthwise window op as any other: a
// 147456-iteration depthwise op is parallel over a threshold of 50000 and
// not over 200000.
// An op without reductions (a layout change) moves an element in the time
// of several multiply-adds: shared from an eighth of the threshold (16384
// elements: parallel over 50000, not over 200000).
// RUN: convjit-opt %s "--convjit-tile-and-vectorize=min-parallel-work=50000 threads=2" --canonicalize --split-input-file | FileCheck %s
// RUN: convjit-opt %s --convjit-tile-and-vectorize=min-parallel-work=50000 --canonicalize --split-input-file | FileCheck %s --check-prefix=ONE
// RUN: convjit-opt %s --convjit-tile-and-vectorize=min-parallel-work=200000 --canonicalize --split-input-file | FileCheck %s --check-prefix=HIGH

#in = affine_map<(n, oh, ow, c, kh, kw) -> (n, oh + kh, ow + kw, c)>
#w = affine_map<(n, oh, ow, c, kh, kw) -> (kh, kw, c)>
#out = affine_map<(n, oh, ow, c, kh, kw) -> (n, oh, ow, c)>

// CHECK-LABEL: func.func @depthwise
// CHECK: convjit.parallel
// HIGH-LABEL: func.func @depthwise
// HIGH-NOT: convjit.parallel
// HIGH: return
func.func @depthwise(%x: tensor<1x18x18x64xf32>, %w: tensor<3x3x64xf32>, %init: tensor<1x16x16x64xf32>) -> tensor<1x16x16x64xf32> {
  %zero = arith.constant 0.0 : f32
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<1x16x16x64xf32>) -> tensor<1x16x16x64xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x18x18x64xf32>, tensor<3x3x64xf32>) outs(%acc : tensor<1x16x16x64xf32>)
       attrs = {convjit.schedule = {tile = array<i64: 1, 1, 4, 8, 0, 0>,
                                    reduce = array<i64: 0, 0, 0, 0, 1, 1>,
                                    interchange = array<i64: 0, 1, 2, 3, 4, 5>}} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x16x16x64xf32>
  return %y : tensor<1x16x16x64xf32>
}

// -----

#in = affine_map<(n, c, h, w) -> (n, h, w, c)>
#out = affine_map<(n, c, h, w) -> (n, c, h, w)>

// CHECK-LABEL: func.func @layout_change
// CHECK: convjit.parallel
// HIGH-LABEL: func.func @layout_change
// HIGH-NOT: convjit.parallel
// HIGH: return
func.func @layout_change(%x: tensor<1x16x16x64xf32>, %init: tensor<1x64x16x16xf32>) -> tensor<1x64x16x16xf32> {
  %y = linalg.generic {indexing_maps = [#in, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
       ins(%x : tensor<1x16x16x64xf32>) outs(%init : tensor<1x64x16x16xf32>)
       attrs = {convjit.schedule = {tile = array<i64: 1, 16, 1, 16>,
                                    reduce = array<i64: 0, 0, 0, 0>,
                                    interchange = array<i64: 0, 1, 2, 3>}} {
  ^bb0(%a: f32, %c: f32):
    linalg.yield %a : f32
  } -> tensor<1x64x16x16xf32>
  return %y : tensor<1x64x16x16xf32>
}

// -----

// Parts of one partition (an interior and a border band) are shared by the
// threads when all of them together are enough work: the threads fork once
// for all parts (convjit-parallelize). The band's 9216 iterations alone are
// below 50000; without the partition, or compiled for one thread (where
// marks only decide how last tiles are split), it is not marked.
#in = affine_map<(n, oh, ow, c, kh, kw) -> (n, oh + kh, ow + kw, c)>
#w = affine_map<(n, oh, ow, c, kh, kw) -> (kh, kw, c)>
#out = affine_map<(n, oh, ow, c, kh, kw) -> (n, oh, ow, c)>

// CHECK-LABEL: func.func @partition
// CHECK-COUNT-2: {convjit.parallel, convjit.partition = 7 : i64
// CHECK: scf.for {{.*}} -> (tensor<1x1x16x64xf32>)
// CHECK-COUNT-2: {convjit.parallel, convjit.partition = 7 : i64
// ONE-LABEL: func.func @partition
// ONE: scf.for {{.*}} -> (tensor<1x1x16x64xf32>)
// ONE-NOT: convjit.parallel
// ONE: return
// CHECK-LABEL: func.func @no_partition
// CHECK: convjit.parallel
// CHECK: scf.for {{.*}} -> (tensor<1x1x16x64xf32>)
// CHECK-NOT: convjit.parallel
// CHECK: return
func.func @partition(%x: tensor<1x18x18x64xf32>, %band: tensor<1x3x18x64xf32>, %w: tensor<3x3x64xf32>, %init: tensor<1x16x16x64xf32>, %binit: tensor<1x1x16x64xf32>) -> (tensor<1x16x16x64xf32>, tensor<1x1x16x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<1x16x16x64xf32>) -> tensor<1x16x16x64xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x18x18x64xf32>, tensor<3x3x64xf32>) outs(%acc : tensor<1x16x16x64xf32>)
       attrs = {convjit.partition = 7 : i64,
                convjit.schedule = {tile = array<i64: 1, 1, 4, 8, 0, 0>,
                                    reduce = array<i64: 0, 0, 0, 0, 1, 1>,
                                    interchange = array<i64: 0, 1, 2, 3, 4, 5>}} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x16x16x64xf32>
  %bacc = linalg.fill ins(%zero : f32) outs(%binit : tensor<1x1x16x64xf32>) -> tensor<1x1x16x64xf32>
  %b = linalg.generic {indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
       ins(%band, %w : tensor<1x3x18x64xf32>, tensor<3x3x64xf32>) outs(%bacc : tensor<1x1x16x64xf32>)
       attrs = {convjit.partition = 7 : i64,
                convjit.schedule = {tile = array<i64: 1, 1, 4, 8, 0, 0>,
                                    reduce = array<i64: 0, 0, 0, 0, 1, 1>,
                                    interchange = array<i64: 0, 1, 2, 3, 4, 5>}} {
  ^bb0(%a: f32, %bb: f32, %c: f32):
    %m = arith.mulf %a, %bb : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x1x16x64xf32>
  return %y, %b : tensor<1x16x16x64xf32>, tensor<1x1x16x64xf32>
}

func.func @no_partition(%x: tensor<1x18x18x64xf32>, %band: tensor<1x3x18x64xf32>, %w: tensor<3x3x64xf32>, %init: tensor<1x16x16x64xf32>, %binit: tensor<1x1x16x64xf32>) -> (tensor<1x16x16x64xf32>, tensor<1x1x16x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<1x16x16x64xf32>) -> tensor<1x16x16x64xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
       ins(%x, %w : tensor<1x18x18x64xf32>, tensor<3x3x64xf32>) outs(%acc : tensor<1x16x16x64xf32>)
       attrs = {convjit.schedule = {tile = array<i64: 1, 1, 4, 8, 0, 0>,
                                    reduce = array<i64: 0, 0, 0, 0, 1, 1>,
                                    interchange = array<i64: 0, 1, 2, 3, 4, 5>}} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x16x16x64xf32>
  %bacc = linalg.fill ins(%zero : f32) outs(%binit : tensor<1x1x16x64xf32>) -> tensor<1x1x16x64xf32>
  %b = linalg.generic {indexing_maps = [#in, #w, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
       ins(%band, %w : tensor<1x3x18x64xf32>, tensor<3x3x64xf32>) outs(%bacc : tensor<1x1x16x64xf32>)
       attrs = {convjit.schedule = {tile = array<i64: 1, 1, 4, 8, 0, 0>,
                                    reduce = array<i64: 0, 0, 0, 0, 1, 1>,
                                    interchange = array<i64: 0, 1, 2, 3, 4, 5>}} {
  ^bb0(%a: f32, %bb: f32, %c: f32):
    %m = arith.mulf %a, %bb : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x1x16x64xf32>
  return %y, %b : tensor<1x16x16x64xf32>, tensor<1x1x16x64xf32>
}

// -----

// A loop the lowering marked for the threads (an nchw depthwise layer's
// blocks of channels) stays marked when its iterations together are enough
// work: 4 blocks of 9216 multiply-adds (36864) are not over 50000, 8 blocks
// (73728) are, and not over 200000.
#in = affine_map<(n, oh, ow, c, kh, kw) -> (n, oh + kh, ow + kw, c)>
#w = affine_map<(n, oh, ow, c, kh, kw) -> (kh, kw, c)>
#out = affine_map<(n, oh, ow, c, kh, kw) -> (n, oh, ow, c)>

// CHECK-LABEL: func.func @blocks
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c4
// CHECK-NOT: convjit.parallel
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c8
// CHECK: } {convjit.parallel}
// CHECK-NEXT: return
// HIGH-LABEL: func.func @blocks
// HIGH-NOT: convjit.parallel
// HIGH: return
func.func @blocks(%x: tensor<1x10x10x16xf32>, %w: tensor<3x3x16xf32>, %init4: tensor<1x8x8x64xf32>, %init8: tensor<1x8x8x128xf32>) -> (tensor<1x8x8x64xf32>, tensor<1x8x8x128xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x8x8x16xf32>
  %a = scf.for %i = %c0 to %c4 step %c1 iter_args(%o = %init4) -> (tensor<1x8x8x64xf32>) {
    %acc = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
    %y = linalg.generic {indexing_maps = [#in, #w, #out],
                         iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
         ins(%x, %w : tensor<1x10x10x16xf32>, tensor<3x3x16xf32>) outs(%acc : tensor<1x8x8x16xf32>)
         attrs = {convjit.schedule = {tile = array<i64: 1, 1, 4, 16, 0, 0>,
                                      reduce = array<i64: 0, 0, 0, 0, 1, 1>,
                                      interchange = array<i64: 0, 1, 2, 3, 4, 5>}} {
    ^bb0(%p: f32, %q: f32, %r: f32):
      %m = arith.mulf %p, %q : f32
      %s = arith.addf %r, %m : f32
      linalg.yield %s : f32
    } -> tensor<1x8x8x16xf32>
    %c = arith.muli %i, %c16 : index
    %ins = tensor.insert_slice %y into %o[0, 0, 0, %c] [1, 8, 8, 16] [1, 1, 1, 1] : tensor<1x8x8x16xf32> into tensor<1x8x8x64xf32>
    scf.yield %ins : tensor<1x8x8x64xf32>
  } {convjit.parallel}
  %b = scf.for %i = %c0 to %c8 step %c1 iter_args(%o = %init8) -> (tensor<1x8x8x128xf32>) {
    %acc = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
    %y = linalg.generic {indexing_maps = [#in, #w, #out],
                         iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
         ins(%x, %w : tensor<1x10x10x16xf32>, tensor<3x3x16xf32>) outs(%acc : tensor<1x8x8x16xf32>)
         attrs = {convjit.schedule = {tile = array<i64: 1, 1, 4, 16, 0, 0>,
                                      reduce = array<i64: 0, 0, 0, 0, 1, 1>,
                                      interchange = array<i64: 0, 1, 2, 3, 4, 5>}} {
    ^bb0(%p: f32, %q: f32, %r: f32):
      %m = arith.mulf %p, %q : f32
      %s = arith.addf %r, %m : f32
      linalg.yield %s : f32
    } -> tensor<1x8x8x16xf32>
    %c = arith.muli %i, %c16 : index
    %ins = tensor.insert_slice %y into %o[0, 0, 0, %c] [1, 8, 8, 16] [1, 1, 1, 1] : tensor<1x8x8x16xf32> into tensor<1x8x8x128xf32>
    scf.yield %ins : tensor<1x8x8x128xf32>
  } {convjit.parallel}
  return %a, %b : tensor<1x8x8x64xf32>, tensor<1x8x8x128xf32>
}
