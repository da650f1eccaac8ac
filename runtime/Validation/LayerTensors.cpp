//===- LayerTensors.cpp - The buffers of one layer, and random ones -------===//

#include "Validation/LayerTensors.h"

#include <algorithm>
#include <cmath>

using namespace convjit;

int64_t convjit::elementCount(llvm::ArrayRef<int64_t> shape) {
  if (shape.empty())
    return 0;
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

static const float *dataOrNull(const CacheLineBuffer &buffer) {
  return buffer.empty() ? nullptr : buffer.data();
}

ReferenceArgs LayerTensors::referenceArgs(float *output) const {
  ReferenceArgs args;
  args.input = dataOrNull(input);
  args.weight = dataOrNull(weight);
  args.bias = dataOrNull(bias);
  args.offset = dataOrNull(offset);
  args.mask = dataOrNull(mask);
  args.output = output;
  return args;
}

static TensorView viewOf(const CacheLineBuffer &buffer,
                         llvm::ArrayRef<int64_t> shape) {
  if (buffer.empty())
    return {};
  return TensorView(buffer.data(), shape);
}

KernelArgs LayerTensors::kernelArgs(const ConvSpec &spec,
                                    float *output) const {
  KernelArgs args;
  args.input = viewOf(input, spec.inputShape());
  args.weight = viewOf(weight, spec.weightShape());
  args.bias = viewOf(bias, spec.biasShape());
  args.offset = viewOf(offset, spec.offsetShape());
  args.mask = viewOf(mask, spec.maskShape());
  args.output = TensorView(output, spec.outputShape());
  return args;
}

llvm::Error LayerTensors::prepareKernel(Kernel &kernel,
                                       const ConvSpec &spec) const {
  if (!spec.hasWeights())
    return llvm::Error::success();
  return kernel.prepare(viewOf(weight, spec.weightShape()),
                        viewOf(bias, spec.biasShape()));
}

KernelArgs LayerTensors::activationArgs(const ConvSpec &spec,
                                        float *output) const {
  KernelArgs args = kernelArgs(spec, output);
  args.weight = {};
  args.bias = {};
  return args;
}

namespace {
/// SplitMix64 (Steele, Lea, Flood 2014): tiny, and the same sequence on
/// every platform.
class Generator {
public:
  explicit Generator(uint64_t seed) : state(seed) {}

  /// Uniform in [lo, hi).
  float uniform(float lo, float hi) {
    // The top 24 bits give every float in [0, 1) a multiple of 2^-24.
    float unit = static_cast<float>(next() >> 40) * 0x1.0p-24f;
    return lo + (hi - lo) * unit;
  }

private:
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t state;
};

CacheLineBuffer draw(Generator &generator, llvm::ArrayRef<int64_t> shape,
                     float lo, float hi) {
  CacheLineBuffer values(elementCount(shape));
  for (float &value : values)
    value = generator.uniform(lo, hi);
  return values;
}
} // namespace

LayerTensors convjit::randomLayerTensors(const ConvSpec &spec,
                                              uint64_t seed) {
  Generator generator(seed);
  LayerTensors tensors;
  tensors.input = draw(generator, spec.inputShape(), -1.0f, 1.0f);
  if (spec.hasWeights()) {
    int64_t taps = 1;
    for (int64_t k : spec.kernel)
      taps *= k;
    // Transposed weights are I x O/g x k: each output sums ic/g * (some of
    // the) taps too, so the same scale keeps it near unit size.
    float scale =
        1.0f / std::sqrt(static_cast<float>(spec.ic / spec.groups * taps));
    tensors.weight = draw(generator, spec.weightShape(), -scale, scale);
    tensors.bias = draw(generator, spec.biasShape(), -1.0f, 1.0f);
  }
  if (spec.op == OpKind::DeformConv) {
    int64_t extent = 1;
    for (unsigned d = 0; d < spec.rank(); ++d)
      extent = std::max(extent, spec.dilation[d] * (spec.kernel[d] - 1) + 1);
    float reach = static_cast<float>(extent);
    tensors.offset = draw(generator, spec.offsetShape(), -reach, reach);
    tensors.mask = draw(generator, spec.maskShape(), 0.0f, 1.0f);
  }
  return tensors;
}
