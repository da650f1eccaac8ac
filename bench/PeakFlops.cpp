//===- PeakFlops.cpp - The FP32 FMA peak of the host, measured ------------===//

#include "PeakFlops.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

using namespace convjit::bench;

namespace {

#define CONVJIT_YZERO(n) "vxorps %%ymm" #n ", %%ymm" #n ", %%ymm" #n "\n\t"
#define CONVJIT_YFMA(n) "vfmadd231ps %%ymm14, %%ymm15, %%ymm" #n "\n\t"
#define CONVJIT_EACH12(M)                                                      \
  M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11)
#define CONVJIT_EACH24(M)                                                      \
  CONVJIT_EACH12(M)                                                            \
  M(12) M(13) M(14) M(15) M(16) M(17) M(18) M(19) M(20) M(21) M(22) M(23)

// clang-format off
/// 12 independent ymm FMAs per iteration; ymm14/ymm15 are the (zero)
/// sources, so no value ever becomes denormal or infinite.
__attribute__((noinline)) void fmaLoopYmm(int64_t iterations) {
  asm volatile(CONVJIT_YZERO(14) CONVJIT_YZERO(15) CONVJIT_EACH12(CONVJIT_YZERO)
               "1:\n\t" CONVJIT_EACH12(CONVJIT_YFMA)
               "dec %0\n\t"
               "jnz 1b\n\t"
               "vzeroupper\n\t"
               : "+r"(iterations)
               :
               : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
                 "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm14", "xmm15",
                 "cc");
}
constexpr double kYmmFlopsPerIteration = 12 * 8 * 2;

/// 24 independent zmm FMAs per iteration (zmm24/zmm25 the zero sources).
/// The target attribute only lets the compiler accept the zmm16+ clobbers;
/// the function is called only after __builtin_cpu_supports("avx512f").
__attribute__((noinline, target("avx512f"))) void
fmaLoopZmm(int64_t iterations) {
#define CONVJIT_ZZERO(n) "vpxord %%zmm" #n ", %%zmm" #n ", %%zmm" #n "\n\t"
#define CONVJIT_ZFMA(n) "vfmadd231ps %%zmm24, %%zmm25, %%zmm" #n "\n\t"
  asm volatile(CONVJIT_ZZERO(24) CONVJIT_ZZERO(25) CONVJIT_EACH24(CONVJIT_ZZERO)
               "1:\n\t" CONVJIT_EACH24(CONVJIT_ZFMA)
               "dec %0\n\t"
               "jnz 1b\n\t"
               "vzeroupper\n\t"
               : "+r"(iterations)
               :
               : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
                 "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
                 "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20",
                 "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "cc");
}
// clang-format on
constexpr double kZmmFlopsPerIteration = 24 * 16 * 2;

using Loop = void (*)(int64_t);

/// Seconds of wall time for `threads` threads each running `iterations`,
/// measured from a common start to the last finish.
double timeLoop(Loop loop, int64_t iterations, unsigned threads) {
  if (threads == 1) {
    auto start = std::chrono::steady_clock::now();
    loop(iterations);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  }
  std::atomic<unsigned> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t)
    workers.emplace_back([&] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire))
        std::this_thread::yield();
      loop(iterations);
    });
  while (ready.load() != threads)
    std::this_thread::yield();
  auto start = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  for (std::thread &worker : workers)
    worker.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

} // namespace

PeakFlops convjit::bench::measurePeakFlops(unsigned threads) {
  PeakFlops peak;
  peak.threads = std::max(threads, 1u);
  __builtin_cpu_init();
  Loop loop;
  double flopsPerIteration;
  if (__builtin_cpu_supports("avx512f")) {
    loop = fmaLoopZmm;
    flopsPerIteration = kZmmFlopsPerIteration;
    peak.loop = "avx512f zmm x24";
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    loop = fmaLoopYmm;
    flopsPerIteration = kYmmFlopsPerIteration;
    peak.loop = "avx2 ymm x12";
  } else {
    peak.loop = "none";
    return peak;
  }

  // Calibrate to ~20 ms per repetition, long enough to swamp thread start-up
  // and short enough that the best of several dodges a neighbour's burst.
  int64_t iterations = 1 << 20;
  double seconds = timeLoop(loop, iterations, 1);
  iterations = std::max<int64_t>(
      1024, static_cast<int64_t>(iterations * 0.020 / std::max(seconds, 1e-6)));
  constexpr int kRepetitions = 9;
  std::vector<double> speeds;
  for (int repetition = 0; repetition < kRepetitions; ++repetition) {
    double wall = timeLoop(loop, iterations, peak.threads);
    speeds.push_back(flopsPerIteration * static_cast<double>(iterations) *
                     peak.threads / wall * 1e-9);
  }
  std::sort(speeds.begin(), speeds.end());
  peak.gflops = speeds.back();
  peak.medianGflops = speeds[speeds.size() / 2];
  return peak;
}
