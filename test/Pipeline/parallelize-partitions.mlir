// Nests next to each other whose loops carry the same convjit.partition
// (parts of one result: an interior and its border regions) share one
// scf.parallel over the threads. Thread t runs the t-th of `threads` equal
// ranges of each part's collapsed iterations, the tile loops slowest, the
// independent ones fastest; no barrier between the parts. A part of
// another partition, an op with memory effects between the parts, or one
// thread keeps the nests apart.
// RUN: convjit-opt %s --pass-pipeline='builtin.module(func.func(convjit-parallelize{threads=2}))' --split-input-file | FileCheck %s
// RUN: convjit-opt %s --pass-pipeline='builtin.module(func.func(convjit-parallelize{threads=3}))' --split-input-file | FileCheck %s --check-prefix=THREE
// RUN: convjit-opt %s --pass-pipeline='builtin.module(func.func(convjit-parallelize))' --split-input-file | FileCheck %s --check-prefix=ONE

// CHECK-DAG: #[[BEGIN_A:.+]] = affine_map<(d0) -> (d0 * 14)>
// CHECK-DAG: #[[END_A:.+]] = affine_map<(d0) -> (d0 * 14 + 14)>
// CHECK-DAG: #[[BEGIN_B:.+]] = affine_map<(d0) -> (d0 * 3)>
// CHECK-DAG: #[[END_B:.+]] = affine_map<(d0) -> (d0 * 3 + 3)>
// CHECK-LABEL: func.func @interior_and_edges
// CHECK: %[[FOUR:.+]] = arith.constant 4.0
// CHECK: %[[C7:.+]] = arith.constant 7 : index
// CHECK-NEXT: %[[C8:.+]] = arith.constant 8 : index
// CHECK-NEXT: %[[C2:.+]] = arith.constant 2 : index
// CHECK: scf.parallel (%[[T:.+]]) = (%c0{{.*}}) to (%c2{{.*}}) step (%c1{{.*}})
// CHECK-NEXT: %[[A0:.+]] = affine.apply #[[BEGIN_A]](%[[T]])
// CHECK-NEXT: %[[A1:.+]] = affine.apply #[[END_A]](%[[T]])
// CHECK-NEXT: scf.for %[[I:.+]] = %[[A0]] to %[[A1]] step %c1
// CHECK-NEXT: %[[R:.+]] = arith.divui %[[I]], %[[C7]]
// CHECK-NEXT: %[[CI:.+]] = arith.remui %[[I]], %[[C7]]
// CHECK-NEXT: %[[C:.+]] = arith.muli %[[CI]], %[[C8]]
// CHECK-NEXT: memref.store %{{.+}}, %{{.+}}[%[[R]], %[[C]]]
// CHECK: %[[B0:.+]] = affine.apply #[[BEGIN_B]](%[[T]])
// CHECK-NEXT: %[[B1:.+]] = affine.apply #[[END_B]](%[[T]])
// CHECK-NEXT: scf.for %[[J:.+]] = %[[B0]] to %[[B1]] step %c1
// CHECK-NEXT: %[[TL:.+]] = arith.divui %[[J]], %[[C2]]
// CHECK-NEXT: %[[E:.+]] = arith.remui %[[J]], %[[C2]]
// CHECK-NEXT: memref.store %[[FOUR]], %{{.+}}[%[[E]], %[[TL]]]
// CHECK-NOT: scf.parallel
// CHECK: return
// THREE-LABEL: func.func @interior_and_edges
// THREE: scf.parallel (%{{.+}}) = (%c0{{.*}}) to (%c3{{.*}}) step (%c1{{.*}})
// THREE-NOT: scf.parallel
// THREE: return
// ONE-LABEL: func.func @interior_and_edges
// ONE: scf.parallel (%{{.+}}, %{{.+}}) = (%c0, %c0) to (%c4, %c56) step (%c1, %c8)
// ONE: scf.parallel (%{{.+}}, %{{.+}}) = (%c0, %c0) to (%c3, %c2) step (%c1, %c1)
func.func @interior_and_edges(%out: memref<4x56xf32>, %edges: memref<2x3xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c56 = arith.constant 56 : index
  %v = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c56 step %c8 {
      memref.store %v, %out[%i, %j] : memref<4x56xf32>
    } {convjit.parallel, convjit.partition = 1 : i64}
  } {convjit.parallel, convjit.partition = 1 : i64}
  // Pure: moves before the shared loop.
  %four = arith.constant 4.0 : f32
  scf.for %e = %c0 to %c2 step %c1 {
    scf.for %t = %c0 to %c3 step %c1 {
      memref.store %four, %edges[%e, %t] : memref<2x3xf32>
    } {convjit.parallel, convjit.partition = 1 : i64}
  } {convjit.independent}
  return
}

// -----

// CHECK-LABEL: func.func @other_partition
// CHECK: scf.parallel (%{{.+}}, %{{.+}}) = (%c0, %c0) to (%c4, %c56) step (%c1, %c8)
// CHECK: scf.parallel (%{{.+}}) = (%c0) to (%c3) step (%c1)
func.func @other_partition(%out: memref<4x56xf32>, %edges: memref<3xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c56 = arith.constant 56 : index
  %v = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c56 step %c8 {
      memref.store %v, %out[%i, %j] : memref<4x56xf32>
    } {convjit.parallel, convjit.partition = 1 : i64}
  } {convjit.parallel, convjit.partition = 1 : i64}
  scf.for %t = %c0 to %c3 step %c1 {
    memref.store %v, %edges[%t] : memref<3xf32>
  } {convjit.parallel, convjit.partition = 2 : i64}
  return
}

// -----

// A store between the parts: it might be what the second part reads.
// CHECK-LABEL: func.func @effect_between
// CHECK: scf.parallel (%{{.+}}, %{{.+}}) = (%c0, %c0) to (%c4, %c56) step (%c1, %c8)
// CHECK: memref.store
// CHECK: scf.parallel (%{{.+}}) = (%c0) to (%c3) step (%c1)
func.func @effect_between(%out: memref<4x56xf32>, %edges: memref<3xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c56 = arith.constant 56 : index
  %v = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c56 step %c8 {
      memref.store %v, %out[%i, %j] : memref<4x56xf32>
    } {convjit.parallel, convjit.partition = 1 : i64}
  } {convjit.parallel, convjit.partition = 1 : i64}
  memref.store %v, %edges[%c0] : memref<3xf32>
  scf.for %t = %c0 to %c3 step %c1 {
    memref.store %v, %edges[%t] : memref<3xf32>
  } {convjit.parallel, convjit.partition = 1 : i64}
  return
}
