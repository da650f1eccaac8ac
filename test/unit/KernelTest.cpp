//===- KernelTest.cpp - The C++ runtime API -------------------------------===//

#include "convjit/Kernel.h"

#include "Reference/Reference.h"
#include "Spec/SpecParser.h"
#include "Validation/Accuracy.h"
#include "Validation/LayerTensors.h"

#include "gtest/gtest.h"

#include <cmath>
#include <thread>

using namespace convjit;

namespace {

std::string errorText(llvm::Error error) {
  return error ? llvm::toString(std::move(error)) : std::string();
}

int64_t count(const Shape &shape) { return elementCount(shape); }

/// The reference output of `spec` on `t`.
std::vector<float> referenceOutput(const ConvSpec &spec,
                                   const LayerTensors &t) {
  std::vector<float> out(count(spec.outputShape()));
  EXPECT_EQ(errorText(runReference(spec, t.referenceArgs(out.data()))), "");
  return out;
}

const char *kConv = "conv ic=6 oc=8 in=7x9 k=3 pad=1 bias relu";

// The tools, tuner and benches time kernels on these: a buffer 16 bytes
// off a cache line makes every vector access straddle two lines.
TEST(LayerTensors, EveryBufferStartsOnACacheLine) {
  auto spec = parseSpec("deform_conv ic=5 oc=7 in=9x11 k=3 pad=1 bias mask");
  ASSERT_TRUE(static_cast<bool>(spec));
  for (uint64_t seed : {1, 2, 3}) {
    LayerTensors t = randomLayerTensors(*spec, seed);
    for (const CacheLineBuffer *buffer :
         {&t.input, &t.weight, &t.bias, &t.offset, &t.mask}) {
      ASSERT_FALSE(buffer->empty());
      EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer->data()) % 64, 0u);
    }
  }
}

TEST(Kernel, SecondCompileOfAnEqualSpecComesFromTheMemoryCache) {
  // A layer no other test compiles, so the first compile is a real one.
  const char *text = "conv ic=5 oc=7 in=11x4 k=2x3 stride=2 pad=0:1 bias";
  auto first = Kernel::compile(text);
  ASSERT_TRUE(static_cast<bool>(first)) << errorText(first.takeError());
  EXPECT_EQ((*first)->stats().source, CompileStats::Source::Compiled);
  // Written differently, same canonical spec (defaults spelled out).
  auto second = Kernel::compile(
      "conv ic=5 oc=7 in=11x4 k=2x3 stride=2x2 dilation=1 pad=0x0:1x1 bias");
  ASSERT_TRUE(static_cast<bool>(second)) << errorText(second.takeError());
  EXPECT_EQ((*second)->stats().source, CompileStats::Source::MemoryCache);
  EXPECT_LT((*second)->stats().milliseconds, (*first)->stats().milliseconds);
}

TEST(Kernel, PreparedWeightsGiveTheSameResultAsPassingThem) {
  auto kernel = Kernel::compile(kConv);
  ASSERT_TRUE(static_cast<bool>(kernel)) << errorText(kernel.takeError());
  const ConvSpec &spec = (*kernel)->spec();
  LayerTensors t = randomLayerTensors(spec, 3);
  std::vector<float> expected = referenceOutput(spec, t);

  TensorView weight(t.weight.data(), spec.weightShape());
  TensorView bias(t.bias.data(), spec.biasShape());
  ASSERT_EQ(errorText((*kernel)->prepare(weight, bias)), "");
  std::vector<float> out(expected.size(), NAN);
  KernelArgs args;
  args.input = TensorView(t.input.data(), spec.inputShape());
  args.output = TensorView(out.data(), spec.outputShape());
  ASSERT_EQ(errorText((*kernel)->run(args)), "");
  EXPECT_TRUE(compareOutputs(spec, out, expected).pass);

  // Changing the caller's weights after prepare() does not affect run().
  for (float &w : t.weight)
    w = 0;
  std::vector<float> again(expected.size(), NAN);
  args.output = TensorView(again.data(), spec.outputShape());
  ASSERT_EQ(errorText((*kernel)->run(args)), "");
  EXPECT_EQ(out, again);
}

TEST(Kernel, StridedViewsAreReadAndWrittenThroughTheirStrides) {
  auto kernel = Kernel::compile(kConv);
  ASSERT_TRUE(static_cast<bool>(kernel));
  const ConvSpec &spec = (*kernel)->spec();
  LayerTensors t = randomLayerTensors(spec, 4);
  std::vector<float> expected = referenceOutput(spec, t);

  // The input as every other element of a twice-as-long buffer, the output
  // transposed in memory (NCHW shape, NHWC storage).
  Shape in = spec.inputShape(), out = spec.outputShape();
  std::vector<float> sparseInput(2 * t.input.size(), 1e30f);
  for (size_t i = 0; i < t.input.size(); ++i)
    sparseInput[2 * i] = t.input[i];
  Shape inStrides(in.size());
  int64_t stride = 2;
  for (int64_t d = in.size() - 1; d >= 0; --d) {
    inStrides[d] = stride;
    stride *= in[d];
  }
  std::vector<float> nhwc(count(out), NAN);
  Shape outStrides{out[1] * out[2] * out[3], 1, out[3] * out[1], out[1]};
  KernelArgs args;
  args.input = TensorView(sparseInput.data(), in, inStrides);
  args.weight = TensorView(t.weight.data(), spec.weightShape());
  args.bias = TensorView(t.bias.data(), spec.biasShape());
  args.output = TensorView(nhwc.data(), out, outStrides);
  ASSERT_EQ(errorText((*kernel)->run(args)), "");
  std::vector<float> gathered(expected.size());
  for (int64_t c = 0; c < out[1]; ++c)
    for (int64_t h = 0; h < out[2]; ++h)
      for (int64_t w = 0; w < out[3]; ++w)
        gathered[(c * out[2] + h) * out[3] + w] =
            nhwc[(h * out[3] + w) * out[1] + c];
  EXPECT_TRUE(compareOutputs(spec, gathered, expected).pass);
}

TEST(Kernel, BadArgumentsAreOneLineErrors) {
  auto kernel = Kernel::compile(kConv);
  ASSERT_TRUE(static_cast<bool>(kernel));
  const ConvSpec &spec = (*kernel)->spec();
  LayerTensors t = randomLayerTensors(spec, 5);
  std::vector<float> out(count(spec.outputShape()));
  KernelArgs good;
  good.input = TensorView(t.input.data(), spec.inputShape());
  good.weight = TensorView(t.weight.data(), spec.weightShape());
  good.bias = TensorView(t.bias.data(), spec.biasShape());
  good.output = TensorView(out.data(), spec.outputShape());

  KernelArgs wrongShape = good;
  wrongShape.input.shape[2] = 8;
  EXPECT_EQ(errorText((*kernel)->run(wrongShape)),
            "input: expected shape 1x6x7x9, got 1x6x8x9");
  KernelArgs noWeight = good;
  noWeight.weight = {};
  noWeight.bias = {};
  EXPECT_EQ(errorText((*kernel)->run(noWeight)),
            "weight: missing (pass it, or call prepare() first)");
  KernelArgs extra = good;
  extra.mask = TensorView(t.input.data(), spec.inputShape());
  EXPECT_EQ(errorText((*kernel)->run(extra)),
            "mask: this layer takes no mask tensor");
  KernelArgs noOutput = good;
  noOutput.output = {};
  EXPECT_EQ(errorText((*kernel)->run(noOutput)),
            "output: missing (expected 1x8x7x9)");
}

TEST(Kernel, CompileErrorsNameTheProblem) {
  auto bad = Kernel::compile("conv ic=6 oc=8 in=7x9 k=3 groups=4");
  ASSERT_FALSE(static_cast<bool>(bad));
  EXPECT_NE(errorText(bad.takeError()).find("groups"), std::string::npos);
  CompileOptions options;
  options.target = "sparc";
  auto badTarget = Kernel::compile(kConv, options);
  ASSERT_FALSE(static_cast<bool>(badTarget));
  EXPECT_NE(errorText(badTarget.takeError()).find("unknown target 'sparc'"),
            std::string::npos);
}

TEST(Kernel, ThreadsCompileAndRunConcurrently) {
  // Different layers (the MLIR half of each compilation shares one session,
  // the LLVM half runs in parallel), none compiled elsewhere in the tests,
  // with the caches off so every thread really compiles.
  const std::vector<std::string> texts = {
      "conv ic=3 oc=24 in=13x11 k=3 stride=2 pad=1 layout=nhwc",
      "conv ic=16 oc=16 in=9x9 k=3 pad=1 groups=16 bias",
      "conv_transpose ic=8 oc=4 in=5x6 k=4 stride=2 pad=1",
      "max_pool ic=8 in=10x10 k=3 stride=2 pad=1 layout=nhwc",
  };
  CompileOptions options;
  options.persistentCache = false;
  options.memoryCache = false;
  std::vector<std::string> failures(texts.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < texts.size(); ++i)
    threads.emplace_back([&, i] {
      auto kernel = Kernel::compile(texts[i], options);
      if (!kernel) {
        failures[i] = llvm::toString(kernel.takeError());
        return;
      }
      const ConvSpec &spec = (*kernel)->spec();
      LayerTensors t = randomLayerTensors(spec, 11 + i);
      std::vector<float> expected(count(spec.outputShape()));
      if (llvm::Error error =
              runReference(spec, t.referenceArgs(expected.data())))
        failures[i] = llvm::toString(std::move(error));
      // Two concurrent runs of the same kernel: one gets the kernel's
      // workspace, the other its own.
      std::vector<float> a(expected.size(), NAN), b(expected.size(), NAN);
      std::string errorA, errorB;
      std::thread other([&] {
        errorA = errorText((*kernel)->run(t.kernelArgs(spec, a.data())));
      });
      errorB = errorText((*kernel)->run(t.kernelArgs(spec, b.data())));
      other.join();
      if (!errorA.empty() || !errorB.empty())
        failures[i] = errorA + errorB;
      else if (!compareOutputs(spec, a, expected).pass ||
               !compareOutputs(spec, b, expected).pass)
        failures[i] = "wrong output";
    });
  for (std::thread &thread : threads)
    thread.join();
  for (size_t i = 0; i < texts.size(); ++i)
    EXPECT_EQ(failures[i], "") << texts[i];
}

} // namespace
