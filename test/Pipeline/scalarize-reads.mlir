// RUN: convjit-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(convjit-scalarize-reads))' | FileCheck %s

// A strided 1-D read: one load per element.
// CHECK-LABEL: func.func @strided_read
// CHECK-NOT: vector.transfer_read
// CHECK-COUNT-4: memref.load
// CHECK: vector.from_elements {{.*}} : vector<4xf32>
func.func @strided_read(%m: memref<16xf32, strided<[2]>>, %i: index) -> vector<4xf32> {
  %pad = ub.poison : f32
  %v = vector.transfer_read %m[%i], %pad {in_bounds = [true]} : memref<16xf32, strided<[2]>>, vector<4xf32>
  return %v : vector<4xf32>
}

// -----

// A contiguous read stays a vector read.
// CHECK-LABEL: func.func @contiguous_read
// CHECK: vector.transfer_read
// CHECK-NOT: memref.load
func.func @contiguous_read(%m: memref<16xf32>, %i: index) -> vector<4xf32> {
  %pad = ub.poison : f32
  %v = vector.transfer_read %m[%i], %pad {in_bounds = [true]} : memref<16xf32>, vector<4xf32>
  return %v : vector<4xf32>
}

// -----

#lhs = affine_map<(w, oc, ic) -> (w, ic)>
#rhs = affine_map<(w, oc, ic) -> (ic, oc)>
#acc = affine_map<(w, oc, ic) -> (w, oc)>

// The input of a register tile with 3 input channels (2 positions x 3
// channels): 6 scalar loads at the read's indices plus each element's
// offset; the weights (rows of 8) stay one vector read.
// CHECK-LABEL: func.func @odd_contract_input
// CHECK-SAME: (%[[IN:.*]]: memref<4x3xf32>, %[[W:.*]]: memref<3x8xf32>, %[[ACC:.*]]: vector<2x8xf32>, %[[I:.*]]: index)
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK: memref.load %[[IN]][%[[I]], %{{.*}}]
// CHECK: memref.load %[[IN]][%[[I]], %[[C1]]]
// CHECK: memref.load %[[IN]][%[[I]], %[[C2]]]
// CHECK: %[[NEXT:.*]] = arith.addi %[[I]], %[[C1]]
// CHECK: memref.load %[[IN]][%[[NEXT]], %{{.*}}]
// CHECK-COUNT-2: memref.load %[[IN]]
// CHECK: %[[ELEMENTS:.*]] = vector.from_elements {{.*}} : vector<2x3xf32>
// CHECK: %[[WEIGHTS:.*]] = vector.transfer_read %[[W]]
// CHECK: vector.contract {{.*}} %[[ELEMENTS]], %[[WEIGHTS]], %[[ACC]]
func.func @odd_contract_input(%in: memref<4x3xf32>, %w: memref<3x8xf32>, %acc: vector<2x8xf32>, %i: index) -> vector<2x8xf32> {
  %pad = ub.poison : f32
  %c0 = arith.constant 0 : index
  %x = vector.transfer_read %in[%i, %c0], %pad {in_bounds = [true, true]} : memref<4x3xf32>, vector<2x3xf32>
  %k = vector.transfer_read %w[%c0, %c0], %pad {in_bounds = [true, true]} : memref<3x8xf32>, vector<3x8xf32>
  %r = vector.contract {indexing_maps = [#lhs, #rhs, #acc], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %x, %k, %acc : vector<2x3xf32>, vector<3x8xf32> into vector<2x8xf32>
  return %r : vector<2x8xf32>
}

// -----

// Rows of a power of two, or reads used otherwise, stay vector reads.
// CHECK-LABEL: func.func @odd_read_not_a_contract_input
// CHECK: vector.transfer_read
// CHECK-NOT: memref.load
func.func @odd_read_not_a_contract_input(%in: memref<4x3xf32>, %i: index) -> vector<2x3xf32> {
  %pad = ub.poison : f32
  %c0 = arith.constant 0 : index
  %x = vector.transfer_read %in[%i, %c0], %pad {in_bounds = [true, true]} : memref<4x3xf32>, vector<2x3xf32>
  return %x : vector<2x3xf32>
}

// -----

// A 0-d read (a scalar tile) is left alone.
// CHECK-LABEL: func.func @scalar_read
// CHECK: vector.transfer_read {{.*}} : memref<4xf32>, vector<f32>
func.func @scalar_read(%m: memref<4xf32>, %i: index) -> vector<f32> {
  %pad = ub.poison : f32
  %v = vector.transfer_read %m[%i], %pad : memref<4xf32>, vector<f32>
  return %v : vector<f32>
}
