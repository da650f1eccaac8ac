// RUN: convjit-opt %s --convjit-copies-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @strided_copy
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%arg0 : memref<4x4xf32, strided<[8, 1]>>) outs(%arg1 : memref<4x4xf32>)
func.func @strided_copy(%src: memref<4x4xf32, strided<[8, 1]>>, %dst: memref<4x4xf32>) {
  memref.copy %src, %dst : memref<4x4xf32, strided<[8, 1]>> to memref<4x4xf32>
  return
}

// A copy of a buffer onto itself is dropped, not turned into a loop.
// CHECK-LABEL: func.func @self_copy
// CHECK-NOT: copy
// CHECK: return
func.func @self_copy(%buffer: memref<4x16xf32>) {
  memref.copy %buffer, %buffer : memref<4x16xf32> to memref<4x16xf32>
  return
}
