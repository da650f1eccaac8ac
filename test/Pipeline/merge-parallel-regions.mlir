// Consecutive parallel regions of a kernel (as convert-scf-to-openmp makes
// them: a team running a work-sharing loop) become one: a single fork of
// the team. Ops free of memory effects between them move ahead; others
// run on one thread in an omp.single. The first work-sharing loop keeps
// its barrier (no nowait), so the second loop starts after it, as after a
// join. A region with other clauses, or an op between whose results are
// used later, keeps the regions apart.
// RUN: convjit-opt %s --pass-pipeline='builtin.module(func.func(convjit-merge-parallel-regions))' --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @copy_fill_conv
// CHECK: %[[VIEW:.+]] = memref.subview
// CHECK-NEXT: omp.parallel num_threads
// CHECK-NEXT: omp.wsloop {
// CHECK-NOT: nowait
// CHECK: memref.store %{{.+}}, %arg0
// CHECK: omp.single {
// CHECK-NEXT: memref.store %{{.+}}, %[[VIEW]]
// CHECK-NEXT: omp.terminator
// CHECK-NEXT: }
// CHECK-NEXT: omp.wsloop {
// CHECK: memref.store %{{.+}}, %arg1
// CHECK: omp.terminator
// CHECK-NOT: omp.parallel
// CHECK: return
func.func @copy_fill_conv(%a: memref<8xf32>, %b: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %two = llvm.mlir.constant(2 : i32) : i32
  %v = arith.constant 1.0 : f32
  omp.parallel num_threads(%two : i32) {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c8) step (%c1) {
        memref.store %v, %a[%i] : memref<8xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  %view = memref.subview %b[4] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: 4>>
  memref.store %v, %view[%c0] : memref<4xf32, strided<[1], offset: 4>>
  omp.parallel num_threads(%two : i32) {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c8) step (%c1) {
        memref.store %v, %b[%i] : memref<8xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// CHECK-LABEL: func.func @result_used_later
// CHECK: omp.parallel
// CHECK: memref.alloc
// CHECK: omp.parallel
func.func @result_used_later(%a: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %two = llvm.mlir.constant(2 : i32) : i32
  %v = arith.constant 1.0 : f32
  omp.parallel num_threads(%two : i32) {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c8) step (%c1) {
        memref.store %v, %a[%i] : memref<8xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  %tmp = memref.alloc() : memref<8xf32>
  omp.parallel num_threads(%two : i32) {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c8) step (%c1) {
        memref.store %v, %tmp[%i] : memref<8xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  memref.dealloc %tmp : memref<8xf32>
  return
}

// -----

// CHECK-LABEL: func.func @other_team_size
// CHECK: omp.parallel num_threads(%{{.+}} : i32)
// CHECK: omp.parallel num_threads(%{{.+}} : i32)
func.func @other_team_size(%a: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %two = llvm.mlir.constant(2 : i32) : i32
  %four = llvm.mlir.constant(4 : i32) : i32
  %v = arith.constant 1.0 : f32
  omp.parallel num_threads(%two : i32) {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c8) step (%c1) {
        memref.store %v, %a[%i] : memref<8xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  omp.parallel num_threads(%four : i32) {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c8) step (%c1) {
        memref.store %v, %a[%i] : memref<8xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}
