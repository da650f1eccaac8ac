//===- CApiTest.cpp - The C API: results, shapes, and every error path ----===//
//
// convjit.h promises a status or NULL plus a one-line per-thread message for
// every failure, and results equal to the C++ API's. The results are checked
// against the reference interpreter; the errors by their messages.
//
//===----------------------------------------------------------------------===//

#include "convjit/convjit.h"

#include "Reference/Reference.h"
#include "Spec/SpecParser.h"

#include "gtest/gtest.h"

#include <cmath>
#include <string>
#include <thread>
#include <vector>

using namespace convjit;

namespace {

/// Owns a kernel for the length of a test.
struct KernelHandle {
  explicit KernelHandle(const char *spec) : kernel(convjit_compile(spec, 1)) {}
  ~KernelHandle() { convjit_free(kernel); }
  convjit_kernel *kernel;
};

std::vector<float> values(int64_t count, float lo, float hi, unsigned seed) {
  std::vector<float> data(count);
  for (float &value : data) {
    seed = seed * 1664525u + 1013904223u;
    value = lo + (hi - lo) * static_cast<float>(seed >> 8) / (1u << 24);
  }
  return data;
}

/// Runs the layer through the C API and the reference interpreter and
/// returns the largest difference.
double maxDifferenceFromReference(const char *specText) {
  KernelHandle handle(specText);
  EXPECT_NE(handle.kernel, nullptr) << convjit_last_error();
  if (!handle.kernel)
    return INFINITY;
  llvm::Expected<ConvSpec> spec = parseSpec(specText);
  EXPECT_TRUE(static_cast<bool>(spec));
  if (!spec) {
    llvm::consumeError(spec.takeError());
    return INFINITY;
  }
  auto size = [&](const char *name) {
    return convjit_tensor_size(handle.kernel, name);
  };
  std::vector<float> input = values(size("input"), -1, 1, 1);
  std::vector<float> weight = values(size("weight"), -0.3f, 0.3f, 2);
  std::vector<float> bias = values(size("bias"), -1, 1, 3);
  std::vector<float> offset = values(size("offset"), -3, 3, 4);
  std::vector<float> mask = values(size("mask"), 0, 1, 5);
  std::vector<float> output(size("output"), NAN), expected(size("output"));
  auto data = [](std::vector<float> &v) {
    return v.empty() ? nullptr : v.data();
  };

  int status =
      spec->op == OpKind::DeformConv
          ? convjit_run_deform(handle.kernel, input.data(), data(offset),
                               data(mask), data(weight), data(bias),
                               output.data())
          : convjit_run(handle.kernel, input.data(), data(weight), data(bias),
                        output.data());
  EXPECT_EQ(status, 0) << convjit_last_error();
  EXPECT_STREQ(convjit_last_error(), "");

  ReferenceArgs args{data(input), data(weight), data(bias),
                     data(offset), data(mask),  expected.data()};
  llvm::Error error = runReference(*spec, args);
  EXPECT_FALSE(static_cast<bool>(error));
  llvm::consumeError(std::move(error));

  double largest = 0;
  for (size_t i = 0; i < output.size(); ++i) {
    double difference = std::fabs(double(output[i]) - expected[i]);
    largest = std::isnan(difference) ? INFINITY : std::max(largest, difference);
  }
  return largest;
}

TEST(CApiTest, ConvMatchesReference) {
  EXPECT_LE(maxDifferenceFromReference(
                "conv ic=3 oc=8 in=9x7 k=3 stride=2 pad=1 bias relu"),
            1e-5);
}

TEST(CApiTest, DeformWithMaskMatchesReference) {
  EXPECT_LE(maxDifferenceFromReference(
                "deform_conv ic=4 oc=6 in=7x8 k=3 pad=1 dg=2 mask bias"),
            1e-5);
}

TEST(CApiTest, PoolingTakesNoWeights) {
  EXPECT_LE(maxDifferenceFromReference("max_pool ic=3 in=9x9 k=3 stride=2"),
            0.0);
}

TEST(CApiTest, OutputShapeAndTensorSizes) {
  KernelHandle handle("conv n=2 ic=3 oc=8 in=10x12 k=3 stride=2 pad=1 bias");
  ASSERT_NE(handle.kernel, nullptr) << convjit_last_error();
  int64_t shape[5] = {-1, -1, -1, -1, -1};
  EXPECT_EQ(convjit_output_shape(handle.kernel, shape, 5), 4);
  EXPECT_EQ(shape[0], 2);
  EXPECT_EQ(shape[1], 8);
  EXPECT_EQ(shape[2], 5);
  EXPECT_EQ(shape[3], 6);
  EXPECT_EQ(shape[4], -1); // nothing past the rank is written
  EXPECT_EQ(convjit_tensor_size(handle.kernel, "input"), 2 * 3 * 10 * 12);
  EXPECT_EQ(convjit_tensor_size(handle.kernel, "weight"), 8 * 3 * 3 * 3);
  EXPECT_EQ(convjit_tensor_size(handle.kernel, "bias"), 8);
  EXPECT_EQ(convjit_tensor_size(handle.kernel, "offset"), 0);
  EXPECT_EQ(convjit_tensor_size(handle.kernel, "mask"), 0);
  EXPECT_EQ(convjit_tensor_size(handle.kernel, "output"), 2 * 8 * 5 * 6);
}

TEST(CApiTest, DeformTensorSizes) {
  KernelHandle handle("deform_conv ic=4 oc=6 in=7x8 k=3 pad=1 dg=2 mask");
  ASSERT_NE(handle.kernel, nullptr) << convjit_last_error();
  EXPECT_EQ(convjit_tensor_size(handle.kernel, "offset"), 2 * 2 * 9 * 7 * 8);
  EXPECT_EQ(convjit_tensor_size(handle.kernel, "mask"), 2 * 9 * 7 * 8);
  EXPECT_EQ(convjit_tensor_size(handle.kernel, "bias"), 0);
}

TEST(CApiTest, ShapeCapacityTooSmall) {
  KernelHandle handle("conv ic=3 oc=8 in=10x12 k=3");
  ASSERT_NE(handle.kernel, nullptr) << convjit_last_error();
  int64_t shape[3];
  EXPECT_EQ(convjit_output_shape(handle.kernel, shape, 3), -1);
  EXPECT_STREQ(convjit_last_error(), "convjit_output_shape: capacity 3 is too "
                                     "small for the output's rank 4");
  EXPECT_EQ(convjit_output_shape(handle.kernel, nullptr, 4), -1);
  EXPECT_STREQ(convjit_last_error(), "convjit_output_shape: shape is NULL");
  EXPECT_EQ(convjit_output_shape(nullptr, shape, 3), -1);
  EXPECT_STREQ(convjit_last_error(), "convjit_output_shape: kernel is NULL");
}

TEST(CApiTest, UnknownTensorName) {
  KernelHandle handle("conv ic=3 oc=8 in=10x12 k=3");
  ASSERT_NE(handle.kernel, nullptr) << convjit_last_error();
  EXPECT_EQ(convjit_tensor_size(handle.kernel, "weights"), -1);
  EXPECT_STREQ(convjit_last_error(),
               "convjit_tensor_size: unknown tensor 'weights' (expected "
               "input, weight, bias, offset, mask or output)");
  EXPECT_EQ(convjit_tensor_size(handle.kernel, nullptr), -1);
  EXPECT_EQ(convjit_tensor_size(nullptr, "input"), -1);
  EXPECT_STREQ(convjit_last_error(), "convjit_tensor_size: kernel is NULL");
}

TEST(CApiTest, CompileErrors) {
  EXPECT_EQ(convjit_compile("conv ic=3 oc=8 in=10x12 k=0", 1), nullptr);
  EXPECT_STREQ(convjit_last_error(),
               "convjit_compile: k: must be positive, got 0");
  EXPECT_EQ(convjit_compile(nullptr, 1), nullptr);
  EXPECT_STREQ(convjit_last_error(), "convjit_compile: spec is NULL");
  EXPECT_EQ(convjit_compile("conv ic=3 oc=8 in=10x12 k=3", 0), nullptr);
  EXPECT_STREQ(convjit_last_error(),
               "convjit_compile: threads must be at least 1");
}

TEST(CApiTest, RunArgumentErrors) {
  KernelHandle conv("conv ic=2 oc=4 in=6x6 k=3");
  KernelHandle convBias("conv ic=2 oc=4 in=6x6 k=3 bias");
  KernelHandle pool("avg_pool ic=2 in=6x6 k=2");
  KernelHandle deform("deform_conv ic=2 oc=4 in=6x6 k=3 pad=1 mask");
  ASSERT_TRUE(conv.kernel && convBias.kernel && pool.kernel && deform.kernel)
      << convjit_last_error();
  // Big enough for any tensor of these layers.
  std::vector<float> a(4096, 0.5f), b(4096, 0.5f), c(4096), out(4096);

  auto expectFailure = [](int status, const char *message) {
    EXPECT_EQ(status, -1);
    EXPECT_STREQ(convjit_last_error(), message);
  };
  expectFailure(convjit_run(nullptr, a.data(), b.data(), nullptr, out.data()),
                "convjit_run: kernel is NULL");
  expectFailure(
      convjit_run(conv.kernel, nullptr, b.data(), nullptr, out.data()),
      "convjit_run: input is NULL");
  expectFailure(
      convjit_run(conv.kernel, a.data(), nullptr, nullptr, out.data()),
      "convjit_run: weight is NULL");
  expectFailure(convjit_run(conv.kernel, a.data(), b.data(), nullptr, nullptr),
                "convjit_run: output is NULL");
  expectFailure(
      convjit_run(convBias.kernel, a.data(), b.data(), nullptr, out.data()),
      "convjit_run: bias is NULL");
  // A tensor the layer does not take is a mistake in the call, not ignored.
  EXPECT_EQ(convjit_run(conv.kernel, a.data(), b.data(), c.data(), out.data()),
            -1);
  EXPECT_NE(std::string(convjit_last_error()).find("bias"), std::string::npos)
      << convjit_last_error();
  EXPECT_EQ(convjit_run(pool.kernel, a.data(), b.data(), nullptr, out.data()),
            -1);
  EXPECT_NE(std::string(convjit_last_error()).find("weight"),
            std::string::npos)
      << convjit_last_error();

  expectFailure(
      convjit_run(deform.kernel, a.data(), b.data(), nullptr, out.data()),
      "convjit_run: deform_conv takes offsets; call convjit_run_deform");
  expectFailure(convjit_run_deform(conv.kernel, a.data(), a.data(), nullptr,
                                   b.data(), nullptr, out.data()),
                "convjit_run_deform: conv is not a deformable convolution; "
                "call convjit_run");
  expectFailure(convjit_run_deform(deform.kernel, a.data(), nullptr, a.data(),
                                   b.data(), nullptr, out.data()),
                "convjit_run_deform: offset is NULL");
  expectFailure(convjit_run_deform(deform.kernel, a.data(), a.data(), nullptr,
                                   b.data(), nullptr, out.data()),
                "convjit_run_deform: mask is NULL (the spec has the 'mask' "
                "flag)");
  expectFailure(convjit_run_deform(nullptr, a.data(), a.data(), a.data(),
                                   b.data(), nullptr, out.data()),
                "convjit_run_deform: kernel is NULL");

  // A good call after all that succeeds and clears the message.
  EXPECT_EQ(convjit_run(conv.kernel, a.data(), b.data(), nullptr, out.data()),
            0)
      << convjit_last_error();
  EXPECT_STREQ(convjit_last_error(), "");
  EXPECT_FLOAT_EQ(out[0], 2 * 9 * 0.25f);
}

TEST(CApiTest, FreeNullIsANoOp) {
  convjit_free(nullptr);
  SUCCEED();
}

TEST(CApiTest, LastErrorIsPerThread) {
  EXPECT_EQ(convjit_compile("conv ic=3", 1), nullptr);
  std::string mine = convjit_last_error();
  EXPECT_FALSE(mine.empty());
  std::string other = "unset";
  std::thread([&] { other = convjit_last_error(); }).join();
  EXPECT_EQ(other, "");
  EXPECT_EQ(convjit_last_error(), mine);
}

} // namespace
