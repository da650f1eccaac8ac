// RUN: convjit-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(convjit-results-in-place))' | FileCheck %s
// RUN: convjit-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(convjit-results-in-place),eliminate-empty-tensors,one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map},cse,canonicalize,convjit-copies-to-linalg)' | FileCheck %s --check-prefix=BUFFERS

// A blocked result [.., OCB, OCI] seen as [.., OC]: the destination is
// expanded instead, and after bufferization the fill writes straight into
// the caller's buffer (no temporary, no copy).
// CHECK-LABEL: func.func @blocked_result
// CHECK-SAME: (%[[OUT:.*]]: memref<1x4x32xf32>)
// CHECK: %[[EXPANDED:.*]] = memref.expand_shape %[[OUT]] {{\[}}[0], [1], [2, 3]] output_shape [1, 4, 2, 16] : memref<1x4x32xf32> into memref<1x4x2x16xf32>
// CHECK: %[[FILL:.*]] = linalg.fill {{.*}} -> tensor<1x4x2x16xf32>
// CHECK: bufferization.materialize_in_destination %[[FILL]] in restrict writable %[[EXPANDED]]
// BUFFERS-LABEL: func.func @blocked_result
// BUFFERS-NOT: memref.alloc
// BUFFERS-NOT: copy
// BUFFERS: %[[EXPANDED:.*]] = memref.expand_shape %arg0
// BUFFERS: linalg.fill {{.*}} outs(%[[EXPANDED]] : memref<1x4x2x16xf32>)
// BUFFERS-NOT: copy
// BUFFERS: return
func.func @blocked_result(%out: memref<1x4x32xf32>) {
  %zero = arith.constant 1.0 : f32
  %empty = tensor.empty() : tensor<1x4x2x16xf32>
  %filled = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x4x2x16xf32>) -> tensor<1x4x2x16xf32>
  %collapsed = tensor.collapse_shape %filled [[0], [1], [2, 3]] : tensor<1x4x2x16xf32> into tensor<1x4x32xf32>
  bufferization.materialize_in_destination %collapsed in restrict writable %out : (tensor<1x4x32xf32>, memref<1x4x32xf32>) -> ()
  return
}

// -----

// A blocked core's result stored into every other row of the result (a
// transposed conv's phase, in a loop over the phases): the insert goes into
// the expanded destination, so after bufferization the fill writes straight
// into the caller's buffer, through a strided view (no temporary, no copy).
// CHECK-LABEL: func.func @phase_into_result
// CHECK: scf.for %[[P:.*]] = {{.*}} iter_args(%[[ACC:.*]] = %{{.*}})
// CHECK: %[[FILL:.*]] = linalg.fill {{.*}} -> tensor<1x4x8x2x16xf32>
// CHECK: %[[EXPANDED:.*]] = tensor.expand_shape %[[ACC]] {{\[}}[0], [1], [2], [3, 4]] output_shape [1, 8, 8, 2, 16]
// CHECK: %[[INSERTED:.*]] = tensor.insert_slice %[[FILL]] into %[[EXPANDED]][0, %[[P]], 0, 0, 0] [1, 4, 8, 2, 16] [1, 2, 1, 1, 1]
// CHECK: %[[COLLAPSED:.*]] = tensor.collapse_shape %[[INSERTED]] {{\[}}[0], [1], [2], [3, 4]]
// CHECK: scf.yield %[[COLLAPSED]]
// BUFFERS-LABEL: func.func @phase_into_result
// BUFFERS-SAME: (%[[OUT:.*]]: memref<1x8x8x32xf32>)
// BUFFERS-NOT: memref.alloc
// BUFFERS: %[[EXPANDED:.*]] = memref.expand_shape %[[OUT]]
// BUFFERS: %[[VIEW:.*]] = memref.subview %[[EXPANDED]][0, %{{.*}}, 0, 0, 0] [1, 4, 8, 2, 16] [1, 2, 1, 1, 1]
// BUFFERS: linalg.fill {{.*}} outs(%[[VIEW]] :
// BUFFERS-NOT: copy
// BUFFERS: return
func.func @phase_into_result(%out: memref<1x8x8x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<1x8x8x32xf32>
  %r = scf.for %p = %c0 to %c2 step %c1 iter_args(%acc = %init) -> (tensor<1x8x8x32xf32>) {
    %e = tensor.empty() : tensor<1x4x8x2x16xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x8x2x16xf32>) -> tensor<1x4x8x2x16xf32>
    %c = tensor.collapse_shape %f [[0], [1], [2], [3, 4]] : tensor<1x4x8x2x16xf32> into tensor<1x4x8x32xf32>
    %i = tensor.insert_slice %c into %acc[0, %p, 0, 0] [1, 4, 8, 32] [1, 2, 1, 1] : tensor<1x4x8x32xf32> into tensor<1x8x8x32xf32>
    scf.yield %i : tensor<1x8x8x32xf32>
  }
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<1x8x8x32xf32>, memref<1x8x8x32xf32>) -> ()
  return
}

// -----

// Any other result is left alone.
// CHECK-LABEL: func.func @plain_result
// CHECK-NOT: memref.expand_shape
// CHECK: bufferization.materialize_in_destination %arg0 in restrict writable %arg1
func.func @plain_result(%value: tensor<4x32xf32>, %out: memref<4x32xf32>) {
  bufferization.materialize_in_destination %value in restrict writable %out : (tensor<4x32xf32>, memref<4x32xf32>) -> ()
  return
}

// -----

// A result assembled from parts (an interior and a border row) starts from
// the destination itself, and bufferization writes both parts into it.
// CHECK-LABEL: func.func @result_from_parts
// CHECK-SAME: (%{{.*}}: tensor<3x16xf32>, %{{.*}}: tensor<1x16xf32>, %[[OUT:.*]]: memref<4x16xf32>)
// CHECK: %[[WHOLE:.*]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK: tensor.insert_slice %{{.*}} into %[[WHOLE]][0, 0] [3, 16]
// BUFFERS-LABEL: func.func @result_from_parts
// BUFFERS-NOT: memref.alloc
// BUFFERS: %[[TOP:.*]] = memref.subview %arg2[0, 0] [3, 16]
// BUFFERS: linalg.copy ins(%arg0 : memref<3x16xf32>) outs(%[[TOP]]
// BUFFERS: %[[BOTTOM:.*]] = memref.subview %arg2[3, 0] [1, 16]
// BUFFERS: linalg.copy ins(%arg1 : memref<1x16xf32>) outs(%[[BOTTOM]]
// BUFFERS-NOT: copy
// BUFFERS: return
func.func @result_from_parts(%interior: tensor<3x16xf32>, %border: tensor<1x16xf32>, %out: memref<4x16xf32>) {
  %whole = tensor.empty() : tensor<4x16xf32>
  %0 = tensor.insert_slice %interior into %whole[0, 0] [3, 16] [1, 1] : tensor<3x16xf32> into tensor<4x16xf32>
  %1 = tensor.insert_slice %border into %0[3, 0] [1, 16] [1, 1] : tensor<1x16xf32> into tensor<4x16xf32>
  bufferization.materialize_in_destination %1 in restrict writable %out : (tensor<4x16xf32>, memref<4x16xf32>) -> ()
  return
}

// -----

// A region computed by tile loops carries the whole result and writes at the
// region's offsets, instead of a slice extracted and inserted back; after
// bufferization the tile writes land in the caller's buffer with no copy.
// CHECK-LABEL: func.func @region_loops_in_place
// CHECK: %[[WHOLE:.*]] = bufferization.to_tensor %arg1 restrict writable
// CHECK: scf.for %[[I:[a-z0-9]+]] = {{.*}} iter_args(%{{.*}} = %[[WHOLE]]) -> (tensor<1x6x6x8xf32>)
// CHECK: scf.for %[[J:[a-z0-9]+]] = {{.*}} -> (tensor<1x6x6x8xf32>)
// CHECK-DAG: %[[H:.*]] = arith.addi %[[I]], %c1
// CHECK-DAG: %[[W:.*]] = arith.addi %[[J]], %c1
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%c0, %[[H]], %[[W]], %c0] {{.*}} : vector<2x8xf32>, tensor<1x6x6x8xf32>
// CHECK-NOT: tensor.insert_slice
// BUFFERS-LABEL: func.func @region_loops_in_place
// BUFFERS-NOT: memref.alloc
// BUFFERS-NOT: memref.copy
// BUFFERS: vector.transfer_write %{{.*}}, %arg1[
func.func @region_loops_in_place(%in: tensor<1x4x4x8xf32>, %out: memref<1x6x6x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant dense<0.0> : vector<2x8xf32>
  %whole = tensor.empty() : tensor<1x6x6x8xf32>
  %part = tensor.empty() : tensor<1x4x4x8xf32>
  %rows = scf.for %i = %c0 to %c4 step %c1 iter_args(%t = %part) -> (tensor<1x4x4x8xf32>) {
    %cols = scf.for %j = %c0 to %c4 step %c2 iter_args(%u = %t) -> (tensor<1x4x4x8xf32>) {
      %w = vector.transfer_write %zero, %u[%c0, %i, %j, %c0] {in_bounds = [true, true]} : vector<2x8xf32>, tensor<1x4x4x8xf32>
      scf.yield %w : tensor<1x4x4x8xf32>
    }
    scf.yield %cols : tensor<1x4x4x8xf32>
  }
  %r = tensor.insert_slice %rows into %whole[0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1] : tensor<1x4x4x8xf32> into tensor<1x6x6x8xf32>
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<1x6x6x8xf32>, memref<1x6x6x8xf32>) -> ()
  return
}

// -----

// A region computed by a chain of nests, the second carrying the first's
// result (a peeled last tile of rows): the first starts from the whole
// result and both write at the region's offsets; after bufferization, no
// temporary and no copy of the region.
// CHECK-LABEL: func.func @region_chain_in_place
// CHECK: %[[WHOLE:.*]] = bufferization.to_tensor %arg1 restrict writable
// CHECK: %[[ROWS:.*]] = scf.for %[[I:[a-z0-9]+]] = {{.*}} iter_args(%{{.*}} = %[[WHOLE]]) -> (tensor<1x7x6x8xf32>)
// CHECK: %[[H:.*]] = arith.addi %[[I]], %c1
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%c0, %[[H]], %c1{{.*}}, %c0] {{.*}} : vector<4x8xf32>, tensor<1x7x6x8xf32>
// CHECK: %[[LAST:.*]] = scf.for %{{.*}} iter_args(%{{.*}} = %[[ROWS]]) -> (tensor<1x7x6x8xf32>)
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%c0, %c5{{.*}}, %c1{{.*}}, %c0] {{.*}} : vector<4x8xf32>, tensor<1x7x6x8xf32>
// CHECK-NOT: tensor.insert_slice
// CHECK: bufferization.materialize_in_destination %[[LAST]]
// BUFFERS-LABEL: func.func @region_chain_in_place
// BUFFERS-NOT: memref.alloc
// BUFFERS-NOT: memref.copy
// BUFFERS: vector.transfer_write %{{.*}}, %arg1[
// BUFFERS: vector.transfer_write %{{.*}}, %arg1[
func.func @region_chain_in_place(%in: tensor<1x5x4x8xf32>, %out: memref<1x7x6x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant dense<0.0> : vector<4x8xf32>
  %whole = tensor.empty() : tensor<1x7x6x8xf32>
  %part = tensor.empty() : tensor<1x5x4x8xf32>
  %rows = scf.for %i = %c0 to %c4 step %c2 iter_args(%t = %part) -> (tensor<1x5x4x8xf32>) {
    %w = vector.transfer_write %zero, %t[%c0, %i, %c0, %c0] {in_bounds = [true, true]} : vector<4x8xf32>, tensor<1x5x4x8xf32>
    scf.yield %w : tensor<1x5x4x8xf32>
  }
  %last = scf.for %k = %c0 to %c1 step %c1 iter_args(%t = %rows) -> (tensor<1x5x4x8xf32>) {
    %w = vector.transfer_write %zero, %t[%c0, %c4, %c0, %c0] {in_bounds = [true, true]} : vector<4x8xf32>, tensor<1x5x4x8xf32>
    scf.yield %w : tensor<1x5x4x8xf32>
  }
  %r = tensor.insert_slice %last into %whole[0, 1, 1, 0] [1, 5, 4, 8] [1, 1, 1, 1] : tensor<1x5x4x8xf32> into tensor<1x7x6x8xf32>
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<1x7x6x8xf32>, memref<1x7x6x8xf32>) -> ()
  return
}

// -----

// A padded buffer's top and bottom strips, one fill after cse, inserted in
// two places: each insert gets a fill of its own, so that after
// bufferization both strips are filled where they lie (no temporary filled
// once and copied twice).
// CHECK-LABEL: func.func @shared_strip_fill
// CHECK: %[[TOP:.*]] = linalg.fill {{.*}} -> tensor<1x8x4xf32>
// CHECK: %[[T:.*]] = tensor.insert_slice %[[TOP]] into %{{.*}}[0, 0, 0] [1, 8, 4]
// CHECK: %[[BOTTOM:.*]] = linalg.fill {{.*}} -> tensor<1x8x4xf32>
// CHECK: tensor.insert_slice %[[BOTTOM]] into %[[T]][7, 0, 0] [1, 8, 4]
// BUFFERS-LABEL: func.func @shared_strip_fill
// BUFFERS-NOT: memref.alloc
// BUFFERS: linalg.copy ins(%arg0 : memref<6x8x4xf32>)
// BUFFERS-NEXT: %[[TOP:.*]] = memref.subview %arg1[0, 0, 0] [1, 8, 4]
// BUFFERS-NEXT: linalg.fill {{.*}} outs(%[[TOP]]
// BUFFERS-NEXT: %[[BOTTOM:.*]] = memref.subview %arg1[7, 0, 0] [1, 8, 4]
// BUFFERS-NEXT: linalg.fill {{.*}} outs(%[[BOTTOM]]
// BUFFERS-NEXT: return
func.func @shared_strip_fill(%x: tensor<6x8x4xf32>, %out: memref<8x8x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<8x8x4xf32>
  %interior = tensor.insert_slice %x into %empty[1, 0, 0] [6, 8, 4] [1, 1, 1] : tensor<6x8x4xf32> into tensor<8x8x4xf32>
  %strip = tensor.empty() : tensor<1x8x4xf32>
  %filled = linalg.fill ins(%zero : f32) outs(%strip : tensor<1x8x4xf32>) -> tensor<1x8x4xf32>
  %top = tensor.insert_slice %filled into %interior[0, 0, 0] [1, 8, 4] [1, 1, 1] : tensor<1x8x4xf32> into tensor<8x8x4xf32>
  %both = tensor.insert_slice %filled into %top[7, 0, 0] [1, 8, 4] [1, 1, 1] : tensor<1x8x4xf32> into tensor<8x8x4xf32>
  bufferization.materialize_in_destination %both in restrict writable %out : (tensor<8x8x4xf32>, memref<8x8x4xf32>) -> ()
  return
}

// -----

// A result computed with its positions flattened (a channels-first
// pointwise conv, [1, OC, P]) and expanded to [1, OC, H, W]: the
// destination is collapsed instead, and the fill writes straight into the
// caller's buffer.
// CHECK-LABEL: func.func @flattened_result
// CHECK-SAME: (%[[OUT:.*]]: memref<1x4x2x16xf32>)
// CHECK: %[[COLLAPSED:.*]] = memref.collapse_shape %[[OUT]] {{\[}}[0], [1], [2, 3]] : memref<1x4x2x16xf32> into memref<1x4x32xf32>
// CHECK: %[[FILL:.*]] = linalg.fill {{.*}} -> tensor<1x4x32xf32>
// CHECK: bufferization.materialize_in_destination %[[FILL]] in restrict writable %[[COLLAPSED]]
// BUFFERS-LABEL: func.func @flattened_result
// BUFFERS-NOT: memref.alloc
// BUFFERS-NOT: copy
// BUFFERS: %[[COLLAPSED:.*]] = memref.collapse_shape %arg0
// BUFFERS: linalg.fill {{.*}} outs(%[[COLLAPSED]] : memref<1x4x32xf32>)
// BUFFERS-NOT: copy
// BUFFERS: return
func.func @flattened_result(%out: memref<1x4x2x16xf32>) {
  %one = arith.constant 1.0 : f32
  %empty = tensor.empty() : tensor<1x4x32xf32>
  %filled = linalg.fill ins(%one : f32) outs(%empty : tensor<1x4x32xf32>) -> tensor<1x4x32xf32>
  %expanded = tensor.expand_shape %filled [[0], [1], [2, 3]] output_shape [1, 4, 2, 16] : tensor<1x4x32xf32> into tensor<1x4x2x16xf32>
  bufferization.materialize_in_destination %expanded in restrict writable %out : (tensor<1x4x2x16xf32>, memref<1x4x2x16xf32>) -> ()
  return
}
