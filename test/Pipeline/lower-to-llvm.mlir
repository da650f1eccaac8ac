// convjit-lower-to-llvm: a register tile (two reads, a contraction, a
// write) becomes LLVM dialect in one pass: the function takes bare
// pointers, the 4x8 * 8x16 contraction is 8 outer products of 4 rows
// (32 fmuladd on vector<16xf32>), the 12 row reads and 4 row writes are
// plain loads and stores, and no op of another dialect is left.
// RUN: convjit-opt %s --pass-pipeline='builtin.module(convert-vector-to-scf{full-unroll},convjit-lower-to-llvm,reconcile-unrealized-casts)' | FileCheck %s --implicit-check-not=vector. --implicit-check-not=arith. --implicit-check-not=memref. --implicit-check-not=func. --implicit-check-not=ub. --implicit-check-not=unrealized_conversion_cast

// CHECK-LABEL: llvm.func @tile(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-COUNT-4: llvm.load {{.*}} -> vector<8xf32>
// CHECK-COUNT-8: llvm.load {{.*}} -> vector<16xf32>
// CHECK-COUNT-32: llvm.intr.fmuladd({{.*}}) : (vector<16xf32>, vector<16xf32>, vector<16xf32>) -> vector<16xf32>
// CHECK-COUNT-4: llvm.store {{.*}} : vector<16xf32>, !llvm.ptr
// CHECK: llvm.return
func.func @tile(%x: memref<4x8xf32>, %w: memref<8x16xf32>, %out: memref<4x16xf32>) {
  %c0 = arith.constant 0 : index
  %pad = ub.poison : f32
  %a = vector.transfer_read %x[%c0, %c0], %pad {in_bounds = [true, true]} : memref<4x8xf32>, vector<4x8xf32>
  %b = vector.transfer_read %w[%c0, %c0], %pad {in_bounds = [true, true]} : memref<8x16xf32>, vector<8x16xf32>
  %acc = arith.constant dense<0.0> : vector<4x16xf32>
  %r = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %a, %b, %acc : vector<4x8xf32>, vector<8x16xf32> into vector<4x16xf32>
  vector.transfer_write %r, %out[%c0, %c0] {in_bounds = [true, true]} : vector<4x16xf32>, memref<4x16xf32>
  return
}
