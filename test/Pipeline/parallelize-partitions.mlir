// Nests next to each other whose loops carry the same convjit.partition
// (parts of one result: an interior and its border regions) share one
// scf.parallel over the threads. Thread t runs the t-th of `threads` equal
// ranges of each part's collapsed iterations, the tile loops slowest, the
// independent ones fastest; no barrier between the parts. The loop over a
// thread's range carries the loops' indices and steps them like an
// odometer (no division in the loop). A part of
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
// CHECK-NEXT: %[[R0:.+]] = arith.divui %[[A0]], %[[C7]]
// CHECK-NEXT: %[[CI0:.+]] = arith.remui %[[A0]], %[[C7]]
// CHECK-NEXT: scf.for %{{.+}} = %[[A0]] to %[[A1]] step %c1{{.*}} iter_args(%[[R:.+]] = %[[R0]], %[[CI:.+]] = %[[CI0]])
// CHECK-NEXT: %[[C:.+]] = arith.muli %[[CI]], %[[C8]]
// CHECK-NEXT: %[[CI1:.+]] = arith.addi %[[CI]], %c1
// CHECK-NEXT: %[[WRAP:.+]] = arith.cmpi eq, %[[CI1]], %[[C7]]
// CHECK-NEXT: %[[CI2:.+]] = arith.select %[[WRAP]], %c0{{.*}}, %[[CI1]]
// CHECK-NEXT: %[[R1:.+]] = arith.addi %[[R]], %c1
// CHECK-NEXT: %[[R2:.+]] = arith.select %[[WRAP]], %[[R1]], %[[R]]
// CHECK-NEXT: memref.store %{{.+}}, %{{.+}}[%[[R]], %[[C]]]
// CHECK-NEXT: scf.yield %[[R2]], %[[CI2]]
// CHECK: %[[B0:.+]] = affine.apply #[[BEGIN_B]](%[[T]])
// CHECK-NEXT: %[[B1:.+]] = affine.apply #[[END_B]](%[[T]])
// CHECK-NEXT: %[[TL0:.+]] = arith.divui %[[B0]], %[[C2]]
// CHECK-NEXT: %[[E0:.+]] = arith.remui %[[B0]], %[[C2]]
// CHECK-NEXT: scf.for %{{.+}} = %[[B0]] to %[[B1]] step %c1{{.*}} iter_args(%[[TL:.+]] = %[[TL0]], %[[E:.+]] = %[[E0]])
// CHECK: memref.store %[[FOUR]], %{{.+}}[%[[E]], %[[TL]]]
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

// Three counted loops (the tile loops, then the independent one) step
// like an odometer: the last wraps at 2 and steps the middle, which wraps
// at 4 and steps the first. A loop of one iteration is not counted: its
// index is its lower bound; the one counted loop of the second part takes
// the collapsed index itself.
// CHECK-LABEL: func.func @odometer
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG: %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG: %[[C8:.+]] = arith.constant 8 : index
// CHECK: scf.parallel (%[[T:.+]]) =
// CHECK-NEXT: %[[BEGIN:.+]] = affine.apply #{{.+}}(%[[T]])
// CHECK-NEXT: %[[END:.+]] = affine.apply #{{.+}}(%[[T]])
// CHECK-NEXT: %[[I0:.+]] = arith.divui %[[BEGIN]], %[[C8]]
// CHECK-NEXT: %[[J0Q:.+]] = arith.divui %[[BEGIN]], %[[C2]]
// CHECK-NEXT: %[[J0:.+]] = arith.remui %[[J0Q]], %[[C4]]
// CHECK-NEXT: %[[P0:.+]] = arith.remui %[[BEGIN]], %[[C2]]
// CHECK-NEXT: scf.for %{{.+}} = %[[BEGIN]] to %[[END]] step %{{.+}} iter_args(%[[I:.+]] = %[[I0]], %[[J:.+]] = %[[J0]], %[[P:.+]] = %[[P0]])
// CHECK-NEXT: %[[P1:.+]] = arith.addi %[[P]], %c1
// CHECK-NEXT: %[[PWRAP:.+]] = arith.cmpi eq, %[[P1]], %[[C2]]
// CHECK-NEXT: %[[P2:.+]] = arith.select %[[PWRAP]], %c0{{.*}}, %[[P1]]
// CHECK-NEXT: %[[J1:.+]] = arith.addi %[[J]], %c1
// CHECK-NEXT: %[[J2:.+]] = arith.select %[[PWRAP]], %[[J1]], %[[J]]
// CHECK-NEXT: %[[JWRAP:.+]] = arith.cmpi eq, %[[J2]], %[[C4]]
// CHECK-NEXT: %[[J3:.+]] = arith.select %[[JWRAP]], %c0{{.*}}, %[[J2]]
// CHECK-NEXT: %[[I1:.+]] = arith.addi %[[I]], %c1
// CHECK-NEXT: %[[I2:.+]] = arith.select %[[JWRAP]], %[[I1]], %[[I]]
// CHECK-NEXT: memref.store %{{.+}}, %{{.+}}[%[[P]], %[[I]], %[[J]]]
// CHECK-NEXT: scf.yield %[[I2]], %[[J3]], %[[P2]]
// CHECK: scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{[^ ]+}} {
// CHECK-NEXT: %[[COL:.+]] = arith.muli %[[K]], %[[C2]]
// CHECK-NEXT: memref.store %{{.+}}, %{{.+}}[%c0{{.*}}, %[[COL]]]
// CHECK-NEXT: }
func.func @odometer(%out: memref<2x3x4xf32>, %row: memref<1x12xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c12 = arith.constant 12 : index
  %v = arith.constant 1.0 : f32
  scf.for %p = %c0 to %c2 step %c1 {
    scf.for %i = %c0 to %c3 step %c1 {
      scf.for %j = %c0 to %c4 step %c1 {
        memref.store %v, %out[%p, %i, %j] : memref<2x3x4xf32>
      } {convjit.parallel, convjit.partition = 1 : i64}
    } {convjit.parallel, convjit.partition = 1 : i64}
  } {convjit.independent}
  scf.for %r = %c0 to %c1 step %c1 {
    scf.for %t = %c0 to %c12 step %c2 {
      memref.store %v, %row[%r, %t] : memref<1x12xf32>
    } {convjit.parallel, convjit.partition = 1 : i64}
  } {convjit.parallel, convjit.partition = 1 : i64}
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
