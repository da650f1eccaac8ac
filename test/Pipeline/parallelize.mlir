// Marked tile loops become one scf.parallel; two perfectly nested marked
// loops merge into a two-dimensional one; unmarked loops stay sequential.
// Loops of independent iterations (convjit.independent: a transposed conv's
// phases, a window's alike edges) around a marked loop join it, their views
// and index arithmetic moved into the body: one fork of the threads for all
// iterations. The tile loop varies slowest, so that each thread gets a share
// of the tiles of every phase.
// RUN: convjit-opt %s --pass-pipeline='builtin.module(func.func(convjit-parallelize))' | FileCheck %s

// CHECK-LABEL: func.func @nested
// CHECK: scf.parallel (%[[I:.+]], %[[J:.+]]) = (%c0, %c0) to (%c4, %c56) step (%c1, %c6)
// CHECK-NEXT: scf.for %{{.+}} = %c0 to %c3 step %c1
// CHECK: memref.store %{{.+}}, %{{.+}}[%[[I]], %[[J]]]
// CHECK-NOT: convjit.parallel
func.func @nested(%out: memref<4x56xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %c56 = arith.constant 56 : index
  %v = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c56 step %c6 {
      scf.for %k = %c0 to %c3 step %c1 {
        memref.store %v, %out[%i, %j] : memref<4x56xf32>
      }
    } {convjit.parallel}
  } {convjit.parallel}
  return
}

// A marked loop whose body holds more than the inner loop parallelizes alone.
// CHECK-LABEL: func.func @not_perfectly_nested
// CHECK: scf.parallel (%{{.+}}) = (%c0) to (%c4) step (%c1)
// CHECK: memref.store
// CHECK: scf.for
func.func @not_perfectly_nested(%out: memref<4x56xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c56 = arith.constant 56 : index
  %v = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c4 step %c1 {
    memref.store %v, %out[%i, %c0] : memref<4x56xf32>
    scf.for %j = %c1 to %c56 step %c1 {
      memref.store %v, %out[%i, %j] : memref<4x56xf32>
    } {convjit.parallel}
  } {convjit.parallel}
  return
}

// CHECK-LABEL: func.func @independent_phases
// CHECK: scf.parallel (%[[R:.+]], %[[P:.+]], %[[Q:.+]]) = (%c0, %c0, %c0) to (%c8, %c2, %c2) step (%c1, %c1, %c1)
// CHECK-NEXT: %[[ROW:.+]] = affine.apply #{{.+}}(%[[P]])
// CHECK-NEXT: %[[VIEW:.+]] = memref.subview %{{.+}}[%[[ROW]], %[[Q]], 0] [8, 1, 4] [2, 1, 1]
// CHECK-NEXT: memref.store %{{.+}}, %[[VIEW]][%[[R]], %c0, %c0]
// CHECK-NOT: scf.for
// CHECK-NOT: convjit.
func.func @independent_phases(%out: memref<16x2x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %v = arith.constant 1.0 : f32
  scf.for %p = %c0 to %c2 step %c1 {
    %row = affine.apply affine_map<(d0) -> (d0 + 0)>(%p)
    scf.for %q = %c0 to %c2 step %c1 {
      %view = memref.subview %out[%row, %q, 0] [8, 1, 4] [2, 1, 1] : memref<16x2x4xf32> to memref<8x1x4xf32, strided<[16, 4, 1], offset: ?>>
      scf.for %r = %c0 to %c8 step %c1 {
        memref.store %v, %view[%r, %c0, %c0] : memref<8x1x4xf32, strided<[16, 4, 1], offset: ?>>
      } {convjit.parallel}
    } {convjit.independent}
  } {convjit.independent}
  return
}

// An independent loop stays sequential when no marked loop is in reach (the
// tile loops inside were too little work to share) or when its body writes
// memory besides the loop (then that marked loop parallelizes alone).
// CHECK-LABEL: func.func @independent_alone
// CHECK: scf.for %{{.+}} = %c0 to %c2
// CHECK-NEXT: scf.for %{{.+}} = %c0 to %c8
// CHECK: scf.for %{{.+}} = %c0 to %c2
// CHECK-NEXT: memref.store
// CHECK-NEXT: scf.parallel (%{{.+}}) = (%c0) to (%c8) step (%c1)
func.func @independent_alone(%out: memref<2x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %v = arith.constant 1.0 : f32
  scf.for %p = %c0 to %c2 step %c1 {
    scf.for %r = %c0 to %c8 step %c1 {
      memref.store %v, %out[%p, %r] : memref<2x8xf32>
    }
  } {convjit.independent}
  scf.for %p = %c0 to %c2 step %c1 {
    memref.store %v, %out[%p, %c0] : memref<2x8xf32>
    scf.for %r = %c0 to %c8 step %c1 {
      memref.store %v, %out[%p, %r] : memref<2x8xf32>
    } {convjit.parallel}
  } {convjit.independent}
  return
}
