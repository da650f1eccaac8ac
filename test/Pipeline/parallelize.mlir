// Marked tile loops become one scf.parallel; two perfectly nested marked
// loops merge into a two-dimensional one; unmarked loops stay sequential.
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
