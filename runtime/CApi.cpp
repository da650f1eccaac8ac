//===- CApi.cpp - convjit's C API over the C++ Kernel ---------------------===//
//
// Every entry point turns its C arguments into a Kernel call and every
// failure into a status plus a message in a per-thread string, so no C
// caller ever sees an llvm::Error, and NULL or wrong arguments are reported,
// never dereferenced.
//
//===----------------------------------------------------------------------===//

#include "convjit/convjit.h"
#include "convjit/Kernel.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"

#include <memory>
#include <new>
#include <string>

using namespace convjit;

struct convjit_kernel {
  std::shared_ptr<Kernel> kernel;
};

namespace {

thread_local std::string lastError;

/// Records a failure of `function` and returns `status`.
template <typename T>
T fail(llvm::StringRef function, const llvm::Twine &message, T status) {
  lastError = (function + ": " + message).str();
  return status;
}

/// Spec errors read "error: <key>: ..."; after the function name the
/// "error: " says nothing more.
template <typename T>
T fail(llvm::StringRef function, llvm::Error error, T status) {
  std::string message = llvm::toString(std::move(error));
  llvm::StringRef text = llvm::StringRef(message).trim();
  text.consume_front("error: ");
  return fail(function, text, status);
}

int64_t elementCount(llvm::ArrayRef<int64_t> shape) {
  if (shape.empty())
    return 0;
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

/// A view of a caller's buffer in the spec's shape for that tensor. A
/// pointer the layer has no tensor for keeps an empty shape, which
/// Kernel::run rejects by name.
TensorView view(const float *data, llvm::ArrayRef<int64_t> shape) {
  if (!data)
    return {};
  return TensorView(data, shape);
}

/// Checks the pointers a layer needs are there (Kernel::run would say so
/// too, but in terms of its C++ API: prepare() does not exist in C).
const char *missingTensor(const ConvSpec &spec, const float *input,
                          const float *weight, const float *bias,
                          const float *output) {
  if (!input)
    return "input";
  if (spec.hasWeights() && !weight)
    return "weight";
  if (spec.bias && !bias)
    return "bias";
  if (!output)
    return "output";
  return nullptr;
}

int runKernel(llvm::StringRef function, convjit_kernel *kernel,
              const KernelArgs &args) {
  if (llvm::Error error = kernel->kernel->run(args))
    return fail(function, std::move(error), -1);
  lastError.clear();
  return 0;
}

} // namespace

extern "C" {

convjit_kernel *convjit_compile(const char *spec, unsigned threads) {
  const char *function = "convjit_compile";
  if (!spec)
    return fail(function, "spec is NULL", nullptr);
  if (threads == 0)
    return fail(function, "threads must be at least 1", nullptr);
  CompileOptions options;
  options.threads = threads;
  auto compiled = Kernel::compile(llvm::StringRef(spec), options);
  if (!compiled)
    return fail(function, compiled.takeError(), nullptr);
  auto *handle = new (std::nothrow) convjit_kernel{std::move(*compiled)};
  if (!handle)
    return fail(function, "out of memory", nullptr);
  lastError.clear();
  return handle;
}

void convjit_free(convjit_kernel *kernel) { delete kernel; }

int convjit_output_shape(const convjit_kernel *kernel, int64_t *shape,
                         int capacity) {
  const char *function = "convjit_output_shape";
  if (!kernel)
    return fail(function, "kernel is NULL", -1);
  Shape output = kernel->kernel->outputShape();
  int rank = static_cast<int>(output.size());
  if (capacity < rank)
    return fail(function,
                "capacity " + llvm::Twine(capacity) +
                    " is too small for the output's rank " + llvm::Twine(rank),
                -1);
  if (!shape)
    return fail(function, "shape is NULL", -1);
  for (int i = 0; i < rank; ++i)
    shape[i] = output[i];
  lastError.clear();
  return rank;
}

int64_t convjit_tensor_size(const convjit_kernel *kernel, const char *tensor) {
  const char *function = "convjit_tensor_size";
  if (!kernel)
    return fail(function, "kernel is NULL", int64_t(-1));
  if (!tensor)
    return fail(function, "tensor name is NULL", int64_t(-1));
  const ConvSpec &spec = kernel->kernel->spec();
  llvm::StringRef name(tensor);
  Shape shape;
  if (name == "input")
    shape = spec.inputShape();
  else if (name == "weight")
    shape = spec.weightShape();
  else if (name == "bias")
    shape = spec.biasShape();
  else if (name == "offset")
    shape = spec.offsetShape();
  else if (name == "mask")
    shape = spec.maskShape();
  else if (name == "output")
    shape = spec.outputShape();
  else
    return fail(function,
                "unknown tensor '" + name +
                    "' (expected input, weight, bias, offset, mask or output)",
                int64_t(-1));
  lastError.clear();
  return elementCount(shape);
}

int convjit_run(convjit_kernel *kernel, const float *input,
                const float *weight, const float *bias, float *output) {
  const char *function = "convjit_run";
  if (!kernel)
    return fail(function, "kernel is NULL", -1);
  const ConvSpec &spec = kernel->kernel->spec();
  if (spec.op == OpKind::DeformConv)
    return fail(function,
                "deform_conv takes offsets; call convjit_run_deform", -1);
  if (const char *missing = missingTensor(spec, input, weight, bias, output))
    return fail(function, llvm::Twine(missing) + " is NULL", -1);
  KernelArgs args;
  args.input = view(input, spec.inputShape());
  args.weight = view(weight, spec.weightShape());
  args.bias = view(bias, spec.biasShape());
  args.output = view(output, spec.outputShape());
  return runKernel(function, kernel, args);
}

int convjit_run_deform(convjit_kernel *kernel, const float *input,
                       const float *offset, const float *mask,
                       const float *weight, const float *bias, float *output) {
  const char *function = "convjit_run_deform";
  if (!kernel)
    return fail(function, "kernel is NULL", -1);
  const ConvSpec &spec = kernel->kernel->spec();
  if (spec.op != OpKind::DeformConv)
    return fail(function,
                opKindName(spec.op) +
                    " is not a deformable convolution; call convjit_run",
                -1);
  if (const char *missing = missingTensor(spec, input, weight, bias, output))
    return fail(function, llvm::Twine(missing) + " is NULL", -1);
  if (!offset)
    return fail(function, "offset is NULL", -1);
  if (spec.mask && !mask)
    return fail(function, "mask is NULL (the spec has the 'mask' flag)", -1);
  KernelArgs args;
  args.input = view(input, spec.inputShape());
  args.offset = view(offset, spec.offsetShape());
  args.mask = view(mask, spec.maskShape());
  args.weight = view(weight, spec.weightShape());
  args.bias = view(bias, spec.biasShape());
  args.output = view(output, spec.outputShape());
  return runKernel(function, kernel, args);
}

const char *convjit_last_error(void) { return lastError.c_str(); }

} // extern "C"
