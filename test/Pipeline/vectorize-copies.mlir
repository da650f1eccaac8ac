// Copies and fills move rows of contiguous elements as cache-line vectors,
// with one shorter vector for a remainder; a strided innermost dimension is
// left to the scalar lowering.
// RUN: convjit-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(convjit-vectorize-copies))' | FileCheck %s
// With min-parallel-work (a kernel for threads), a copy or fill of the
// kernel's top level of at least 1/8 of that many elements has its
// outermost loop marked for the threads; a smaller one, or one inside a
// loop, is not.
// RUN: convjit-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(convjit-vectorize-copies{min-parallel-work=262144}))' | FileCheck %s --check-prefix=SHARED

// A padded input's copy: width and channels are contiguous in both buffers
// (224 x 3 = 672 floats per row, 42 vectors of 16), the rows are not.
// CHECK-LABEL: func.func @copy_rows
// CHECK-DAG: %[[SRC:.+]] = memref.collapse_shape %arg0 {{\[}}[0], [1], [2, 3]] : memref<1x224x224x3xf32> into memref<1x224x672xf32>
// CHECK-DAG: %[[DST:.+]] = memref.collapse_shape %{{.+}} {{\[}}[0], [1], [2, 3]] : memref<1x224x224x3xf32, strided<[158700, 690, 3, 1], offset: 2079>> into memref<1x224x672xf32, strided<[158700, 690, 1], offset: 2079>>
// CHECK: scf.for %[[H:.+]] = %c0{{.*}} to %c224 step %c1
// CHECK: scf.for %[[W:.+]] = %c0{{.*}} to %c672 step %c16
// CHECK: %[[V:.+]] = vector.load %[[SRC]][%c0{{.*}}, %[[H]], %[[W]]] : memref<1x224x672xf32>, vector<16xf32>
// CHECK: vector.store %[[V]], %[[DST]][%c0{{.*}}, %[[H]], %[[W]]]
// CHECK-NOT: linalg.copy
// CHECK-NOT: convjit.parallel
// SHARED-LABEL: func.func @copy_rows
// SHARED: scf.for %{{.+}} = %c0{{.*}} to %c224 step %c1
// SHARED: scf.for %{{.+}} = %c0{{.*}} to %c672 step %c16
// SHARED: } {convjit.parallel}
// SHARED-LABEL: func.func @fill_with_remainder
// SHARED-NOT: convjit.parallel
// SHARED-LABEL: func.func @copy_in_loop
// SHARED-NOT: convjit.parallel
// SHARED: return
func.func @copy_rows(%in: memref<1x224x224x3xf32>, %padded: memref<1x230x230x3xf32>) {
  %sub = memref.subview %padded[0, 3, 3, 0] [1, 224, 224, 3] [1, 1, 1, 1] : memref<1x230x230x3xf32> to memref<1x224x224x3xf32, strided<[158700, 690, 3, 1], offset: 2079>>
  linalg.copy ins(%in : memref<1x224x224x3xf32>) outs(%sub : memref<1x224x224x3xf32, strided<[158700, 690, 3, 1], offset: 2079>>)
  return
}

// -----

// A fill of 2070 contiguous floats: 129 vectors of 16 and one of 6.
// CHECK-LABEL: func.func @fill_with_remainder
// CHECK: %[[FLAT:.+]] = memref.collapse_shape %arg0 {{\[}}[0, 1, 2, 3]] : memref<1x3x230x3xf32> into memref<2070xf32>
// CHECK: scf.for %[[I:.+]] = %c0{{.*}} to %c2064 step %c16
// CHECK: %[[Z:.+]] = vector.broadcast %{{.+}} : f32 to vector<16xf32>
// CHECK: vector.store %[[Z]], %[[FLAT]][%[[I]]] : memref<2070xf32>, vector<16xf32>
// CHECK: %[[TAIL:.+]] = vector.broadcast %{{.+}} : f32 to vector<6xf32>
// CHECK: vector.store %[[TAIL]], %[[FLAT]][%c2064{{.*}}] : memref<2070xf32>, vector<6xf32>
// CHECK-NOT: linalg.fill
func.func @fill_with_remainder(%border: memref<1x3x230x3xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%border : memref<1x3x230x3xf32>)
  return
}

// -----

// One vector per row needs no loop over the row (a unit dimension joins
// the row whatever its stride).
// CHECK-LABEL: func.func @one_vector_per_row
// CHECK-DAG: %[[SRC:.+]] = memref.collapse_shape %arg0 {{\[}}[0], [1], [2, 3]] : memref<1x28x1x16xf32> into memref<1x28x16xf32>
// CHECK: scf.for %[[H:.+]] = %c0{{.*}} to %c28 step %c1
// CHECK-NOT: scf.for
// CHECK: vector.load %[[SRC]][%c0{{.*}}, %[[H]], %c0{{.*}}] : memref<1x28x16xf32>, vector<16xf32>
func.func @one_vector_per_row(%from: memref<1x28x1x16xf32>, %to: memref<1x28x1x16xf32, strided<[57600, 1920, 64, 1], offset: 1920>>) {
  linalg.copy ins(%from : memref<1x28x1x16xf32>) outs(%to : memref<1x28x1x16xf32, strided<[57600, 1920, 64, 1], offset: 1920>>)
  return
}

// -----

// A gather along the innermost dimension stays a linalg.copy.
// CHECK-LABEL: func.func @strided_innermost
// CHECK: linalg.copy
// CHECK-NOT: vector.load
func.func @strided_innermost(%from: memref<8xf32, strided<[81]>>, %to: memref<8xf32>) {
  linalg.copy ins(%from : memref<8xf32, strided<[81]>>) outs(%to : memref<8xf32>)
  return
}

// -----

// i1 buffers hold a byte per element, a vector of i1 a bit: left alone.
// CHECK-LABEL: func.func @bits
// CHECK: linalg.fill
// CHECK-NOT: vector.store
func.func @bits(%flags: memref<64xi1>) {
  %true = arith.constant true
  linalg.fill ins(%true : i1) outs(%flags : memref<64xi1>)
  return
}

// -----

// A copy inside a loop: each iteration's is shared by no threads (one fork
// per iteration would cost more than the copy).
// CHECK-LABEL: func.func @copy_in_loop
func.func @copy_in_loop(%in: memref<1x224x224x3xf32>, %padded: memref<1x230x230x3xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %sub = memref.subview %padded[0, 3, 3, 0] [1, 224, 224, 3] [1, 1, 1, 1] : memref<1x230x230x3xf32> to memref<1x224x224x3xf32, strided<[158700, 690, 3, 1], offset: 2079>>
  scf.for %i = %c0 to %c2 step %c1 {
    linalg.copy ins(%in : memref<1x224x224x3xf32>) outs(%sub : memref<1x224x224x3xf32, strided<[158700, 690, 3, 1], offset: 2079>>)
  }
  return
}
