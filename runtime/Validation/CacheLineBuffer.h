//===- CacheLineBuffer.h - float vectors that start on a cache line -*- C++ -*-===//
//
// The tensors the tools, the tuner and the benchmarks hand to kernels start
// on a 64-byte cache line, as PyTorch's and oneDNN's allocations do. A
// std::vector<float> of a large layer comes from mmap 16 bytes past a page,
// or from the heap 16-byte aligned: then every 16-float vector a kernel
// loads or stores straddles two lines. On a depthwise layer, which runs at
// the speed of the caches, that cost 25% (MobileNetV2's 14x14 layer: 122
// against 155 GFLOPS), and which of the two a run got depended on the heap.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_VALIDATION_CACHELINEBUFFER_H
#define CONVJIT_VALIDATION_CACHELINEBUFFER_H

#include <cstddef>
#include <new>
#include <vector>

namespace convjit {

template <typename T> struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};

  CacheLineAllocator() = default;
  template <typename U> CacheLineAllocator(const CacheLineAllocator<U> &) {}

  T *allocate(std::size_t count) {
    return static_cast<T *>(::operator new(count * sizeof(T), kAlignment));
  }
  void deallocate(T *pointer, std::size_t) {
    ::operator delete(pointer, kAlignment);
  }
  template <typename U> bool operator==(const CacheLineAllocator<U> &) const {
    return true;
  }
  template <typename U> bool operator!=(const CacheLineAllocator<U> &) const {
    return false;
  }
};

using CacheLineBuffer = std::vector<float, CacheLineAllocator<float>>;

} // namespace convjit

#endif // CONVJIT_VALIDATION_CACHELINEBUFFER_H
