//===- Reference.cpp - Plain-loop definitions of every op family ----------===//
//
// Every op is written once for three spatial dimensions: a 1-D or 2-D layer
// is run as a 3-D one whose leading spatial dimensions have size 1, kernel 1,
// stride 1, dilation 1 and no padding, which leaves the result unchanged.
//
//===----------------------------------------------------------------------===//

#include "Reference/Reference.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"

#include <array>
#include <cmath>
#include <limits>
#include <vector>

using namespace convjit;

namespace {

/// Spatial sizes as (D, H, W).
using Vec3 = std::array<int64_t, 3>;

Vec3 toVec3(llvm::ArrayRef<int64_t> dims, int64_t fill) {
  Vec3 v = {fill, fill, fill};
  llvm::copy(dims, v.end() - dims.size());
  return v;
}

int64_t product(const Vec3 &v) { return v[0] * v[1] * v[2]; }

/// Element offset of (batch, channel, d, h, w) in an activation tensor
/// stored channels-first (N, C, D, H, W) or channels-last (N, D, H, W, C).
class ActivationIndex {
public:
  ActivationIndex(int64_t channels, const Vec3 &spatial, Layout layout)
      : spatial(spatial) {
    if (layout == Layout::ChannelsFirst) {
      wStride = 1;
      hStride = spatial[2];
      dStride = spatial[1] * spatial[2];
      channelStride = product(spatial);
      batchStride = channels * product(spatial);
    } else {
      channelStride = 1;
      wStride = channels;
      hStride = spatial[2] * channels;
      dStride = spatial[1] * spatial[2] * channels;
      batchStride = product(spatial) * channels;
    }
  }

  int64_t operator()(int64_t b, int64_t c, int64_t d, int64_t h,
                     int64_t w) const {
    return b * batchStride + c * channelStride + d * dStride + h * hStride +
           w * wStride;
  }

  Vec3 spatial;

private:
  int64_t batchStride, channelStride, dStride, hStride, wStride;
};

/// Offset of weight element (outer, inner, kd, kh, kw) of a contiguous
/// PyTorch weight [outer, inner, KD, KH, KW] (conv: outer = output channel;
/// transposed: outer = input channel).
class WeightIndex {
public:
  WeightIndex(int64_t inner, const Vec3 &kernel)
      : inner(inner), kernel(kernel) {}
  int64_t operator()(int64_t outer, int64_t in, int64_t kd, int64_t kh,
                     int64_t kw) const {
    return (((outer * inner + in) * kernel[0] + kd) * kernel[1] + kh) *
               kernel[2] +
           kw;
  }

private:
  int64_t inner;
  Vec3 kernel;
};

/// The spec's geometry with spatial vectors widened to three dimensions.
struct Geometry {
  Vec3 in, out, kernel, stride, dilation, padLo;

  explicit Geometry(const ConvSpec &spec)
      : in(toVec3(spec.in, 1)), out(toVec3(spec.outSpatial(), 1)),
        kernel(toVec3(spec.kernel, 1)), stride(toVec3(spec.stride, 1)),
        dilation(toVec3(spec.dilation, 1)), padLo(toVec3(spec.padLo, 0)) {}

  /// Input coordinate read by output position `o` at kernel tap `k` along
  /// spatial dimension `dim` (may fall in the padding).
  int64_t source(unsigned dim, int64_t o, int64_t k) const {
    return o * stride[dim] - padLo[dim] + k * dilation[dim];
  }
  bool inside(unsigned dim, int64_t x) const { return x >= 0 && x < in[dim]; }
};

float finish(double value, bool relu) {
  float result = static_cast<float>(value);
  // Written so NaN passes through, as torch.relu does.
  return relu && result < 0.0f ? 0.0f : result;
}

//===----------------------------------------------------------------------===//
// conv
//===----------------------------------------------------------------------===//

void runConv(const ConvSpec &spec, const ReferenceArgs &args) {
  Geometry g(spec);
  ActivationIndex inIdx(spec.ic, g.in, spec.layout);
  ActivationIndex outIdx(spec.oc, g.out, spec.layout);
  int64_t icPerGroup = spec.ic / spec.groups;
  int64_t ocPerGroup = spec.oc / spec.groups;
  WeightIndex wIdx(icPerGroup, g.kernel);

  for (int64_t b = 0; b < spec.n; ++b)
    for (int64_t oc = 0; oc < spec.oc; ++oc) {
      int64_t firstIc = (oc / ocPerGroup) * icPerGroup;
      for (int64_t od = 0; od < g.out[0]; ++od)
        for (int64_t oh = 0; oh < g.out[1]; ++oh)
          for (int64_t ow = 0; ow < g.out[2]; ++ow) {
            double acc = spec.bias ? args.bias[oc] : 0.0;
            for (int64_t icg = 0; icg < icPerGroup; ++icg)
              for (int64_t kd = 0; kd < g.kernel[0]; ++kd) {
                int64_t id = g.source(0, od, kd);
                if (!g.inside(0, id))
                  continue;
                for (int64_t kh = 0; kh < g.kernel[1]; ++kh) {
                  int64_t ih = g.source(1, oh, kh);
                  if (!g.inside(1, ih))
                    continue;
                  for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
                    int64_t iw = g.source(2, ow, kw);
                    if (!g.inside(2, iw))
                      continue;
                    acc += double(args.input[inIdx(b, firstIc + icg, id, ih,
                                                   iw)]) *
                           args.weight[wIdx(oc, icg, kd, kh, kw)];
                  }
                }
              }
            args.output[outIdx(b, oc, od, oh, ow)] = finish(acc, spec.relu);
          }
    }
}

//===----------------------------------------------------------------------===//
// conv_transpose
//===----------------------------------------------------------------------===//

/// Each input element adds its value times the kernel into the output it
/// spreads over: input position i and tap k land on full-output position
/// i*stride + k*dilation, and padLo is cropped from the front (padHi from the
/// back, which is implied by the output size).
void runConvTranspose(const ConvSpec &spec, const ReferenceArgs &args) {
  Geometry g(spec);
  ActivationIndex inIdx(spec.ic, g.in, spec.layout);
  ActivationIndex outIdx(spec.oc, g.out, spec.layout);
  int64_t icPerGroup = spec.ic / spec.groups;
  int64_t ocPerGroup = spec.oc / spec.groups;
  WeightIndex wIdx(ocPerGroup, g.kernel);

  std::vector<double> acc(spec.n * spec.oc * product(g.out), 0.0);
  auto target = [&](unsigned dim, int64_t i, int64_t k) {
    return i * g.stride[dim] + k * g.dilation[dim] - g.padLo[dim];
  };
  auto inOutput = [&](unsigned dim, int64_t x) {
    return x >= 0 && x < g.out[dim];
  };

  for (int64_t b = 0; b < spec.n; ++b)
    for (int64_t ic = 0; ic < spec.ic; ++ic) {
      int64_t firstOc = (ic / icPerGroup) * ocPerGroup;
      for (int64_t id = 0; id < g.in[0]; ++id)
        for (int64_t ih = 0; ih < g.in[1]; ++ih)
          for (int64_t iw = 0; iw < g.in[2]; ++iw) {
            double x = args.input[inIdx(b, ic, id, ih, iw)];
            for (int64_t ocg = 0; ocg < ocPerGroup; ++ocg)
              for (int64_t kd = 0; kd < g.kernel[0]; ++kd) {
                int64_t od = target(0, id, kd);
                if (!inOutput(0, od))
                  continue;
                for (int64_t kh = 0; kh < g.kernel[1]; ++kh) {
                  int64_t oh = target(1, ih, kh);
                  if (!inOutput(1, oh))
                    continue;
                  for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
                    int64_t ow = target(2, iw, kw);
                    if (!inOutput(2, ow))
                      continue;
                    acc[outIdx(b, firstOc + ocg, od, oh, ow)] +=
                        x * args.weight[wIdx(ic, ocg, kd, kh, kw)];
                  }
                }
              }
          }
    }

  for (int64_t b = 0; b < spec.n; ++b)
    for (int64_t oc = 0; oc < spec.oc; ++oc)
      for (int64_t od = 0; od < g.out[0]; ++od)
        for (int64_t oh = 0; oh < g.out[1]; ++oh)
          for (int64_t ow = 0; ow < g.out[2]; ++ow) {
            int64_t at = outIdx(b, oc, od, oh, ow);
            double value = acc[at] + (spec.bias ? args.bias[oc] : 0.0);
            args.output[at] = finish(value, spec.relu);
          }
}

//===----------------------------------------------------------------------===//
// deform_conv
//===----------------------------------------------------------------------===//

/// torchvision's bilinear_interpolate, in float as it computes: a point at
/// or beyond one pixel outside the image is 0, and corners outside the image
/// count as 0. The comparison is written so a NaN position also reads 0.
float sampleBilinear(const float *input, const ActivationIndex &inIdx,
                     int64_t b, int64_t c, float y, float x) {
  int64_t height = inIdx.spatial[1], width = inIdx.spatial[2];
  if (!(y > -1.0f && y < float(height) && x > -1.0f && x < float(width)))
    return 0.0f;
  int64_t y0 = static_cast<int64_t>(std::floor(y));
  int64_t x0 = static_cast<int64_t>(std::floor(x));
  int64_t y1 = y0 + 1, x1 = x0 + 1;
  float ly = y - float(y0), lx = x - float(x0);
  float hy = 1.0f - ly, hx = 1.0f - lx;
  auto pixel = [&](int64_t yy, int64_t xx) -> float {
    if (yy < 0 || yy >= height || xx < 0 || xx >= width)
      return 0.0f;
    return input[inIdx(b, c, 0, yy, xx)];
  };
  return hy * hx * pixel(y0, x0) + hy * lx * pixel(y0, x1) +
         ly * hx * pixel(y1, x0) + ly * lx * pixel(y1, x1);
}

/// For each output pixel, first sample every (input channel, tap) at its
/// offset position (the "column" torchvision builds with im2col), then
/// reduce each output channel's group of the column against its weights.
void runDeformConv(const ConvSpec &spec, const ReferenceArgs &args) {
  Geometry g(spec);
  int64_t kh = g.kernel[1], kw = g.kernel[2];
  int64_t taps = kh * kw;
  ActivationIndex inIdx(spec.ic, g.in, spec.layout);
  ActivationIndex outIdx(spec.oc, g.out, spec.layout);
  ActivationIndex offsetIdx(2 * spec.deformGroups * taps, g.out, spec.layout);
  ActivationIndex maskIdx(spec.deformGroups * taps, g.out, spec.layout);
  int64_t icPerGroup = spec.ic / spec.groups;
  int64_t ocPerGroup = spec.oc / spec.groups;
  int64_t icPerOffsetGroup = spec.ic / spec.deformGroups;
  WeightIndex wIdx(icPerGroup, g.kernel);

  std::vector<double> column(spec.ic * taps);
  for (int64_t b = 0; b < spec.n; ++b)
    for (int64_t oh = 0; oh < g.out[1]; ++oh)
      for (int64_t ow = 0; ow < g.out[2]; ++ow) {
        for (int64_t ic = 0; ic < spec.ic; ++ic) {
          int64_t dg = ic / icPerOffsetGroup;
          for (int64_t i = 0; i < kh; ++i)
            for (int64_t j = 0; j < kw; ++j) {
              int64_t tap = i * kw + j;
              int64_t dyChannel = dg * 2 * taps + 2 * tap;
              float dy = args.offset[offsetIdx(b, dyChannel, 0, oh, ow)];
              float dx = args.offset[offsetIdx(b, dyChannel + 1, 0, oh, ow)];
              // Integer base first, then the float offset: torchvision's
              // rounding, which matters for samples on exact borders.
              float y = float(g.source(1, oh, i)) + dy;
              float x = float(g.source(2, ow, j)) + dx;
              float value = sampleBilinear(args.input, inIdx, b, ic, y, x);
              if (spec.mask)
                value *= args.mask[maskIdx(b, dg * taps + tap, 0, oh, ow)];
              column[ic * taps + tap] = value;
            }
        }
        for (int64_t oc = 0; oc < spec.oc; ++oc) {
          int64_t firstIc = (oc / ocPerGroup) * icPerGroup;
          double acc = spec.bias ? args.bias[oc] : 0.0;
          for (int64_t icg = 0; icg < icPerGroup; ++icg)
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j)
                acc += column[(firstIc + icg) * taps + i * kw + j] *
                       args.weight[wIdx(oc, icg, 0, i, j)];
          args.output[outIdx(b, oc, 0, oh, ow)] = finish(acc, spec.relu);
        }
      }
}

//===----------------------------------------------------------------------===//
// max_pool, avg_pool
//===----------------------------------------------------------------------===//

void runPool(const ConvSpec &spec, const ReferenceArgs &args) {
  Geometry g(spec);
  ActivationIndex inIdx(spec.ic, g.in, spec.layout);
  ActivationIndex outIdx(spec.oc, g.out, spec.layout);
  bool isMax = spec.op == OpKind::MaxPool;
  double divisor = static_cast<double>(product(g.kernel));

  for (int64_t b = 0; b < spec.n; ++b)
    for (int64_t c = 0; c < spec.ic; ++c)
      for (int64_t od = 0; od < g.out[0]; ++od)
        for (int64_t oh = 0; oh < g.out[1]; ++oh)
          for (int64_t ow = 0; ow < g.out[2]; ++ow) {
            // Padding never wins a max (it is -inf) and adds 0 to a sum.
            double maxValue = -std::numeric_limits<double>::infinity();
            double sum = 0.0;
            for (int64_t kd = 0; kd < g.kernel[0]; ++kd) {
              int64_t id = g.source(0, od, kd);
              if (!g.inside(0, id))
                continue;
              for (int64_t kh = 0; kh < g.kernel[1]; ++kh) {
                int64_t ih = g.source(1, oh, kh);
                if (!g.inside(1, ih))
                  continue;
                for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
                  int64_t iw = g.source(2, ow, kw);
                  if (!g.inside(2, iw))
                    continue;
                  double v = args.input[inIdx(b, c, id, ih, iw)];
                  // PyTorch's test: once a NaN is taken nothing beats it.
                  if (v > maxValue || std::isnan(v))
                    maxValue = v;
                  sum += v;
                }
              }
            }
            double value = isMax ? maxValue : sum / divisor;
            args.output[outIdx(b, c, od, oh, ow)] = finish(value, spec.relu);
          }
}

//===----------------------------------------------------------------------===//
// channel_shuffle
//===----------------------------------------------------------------------===//

void runChannelShuffle(const ConvSpec &spec, const ReferenceArgs &args) {
  Vec3 spatial = toVec3(spec.in, 1);
  ActivationIndex idx(spec.ic, spatial, spec.layout);
  int64_t groups = spec.groups;
  int64_t perGroup = spec.ic / groups;
  for (int64_t b = 0; b < spec.n; ++b)
    for (int64_t out = 0; out < spec.ic; ++out) {
      // View the channels as [groups, perGroup], transpose to
      // [perGroup, groups]: out = j*groups + i reads in = i*perGroup + j.
      int64_t j = out / groups, i = out % groups;
      int64_t in = i * perGroup + j;
      for (int64_t d = 0; d < spatial[0]; ++d)
        for (int64_t h = 0; h < spatial[1]; ++h)
          for (int64_t w = 0; w < spatial[2]; ++w)
            args.output[idx(b, out, d, h, w)] =
                finish(args.input[idx(b, in, d, h, w)], spec.relu);
    }
}

//===----------------------------------------------------------------------===//
// Checks
//===----------------------------------------------------------------------===//

llvm::Error fail(const ConvSpec &spec, const llvm::Twine &what) {
  return llvm::createStringError("reference " + opKindName(spec.op) + ": " +
                                 what);
}

/// The structural facts the loops above index by. Deliberately repeated
/// from the spec verifier: the oracle must never read out of bounds, even
/// when handed a spec nobody verified.
llvm::Error checkSpec(const ConvSpec &spec) {
  unsigned rank = spec.rank();
  if (rank < 1 || rank > 3)
    return fail(spec, "spatial rank must be 1, 2 or 3, got " +
                          llvm::Twine(rank));
  struct NamedDims {
    const char *name;
    const Dims &dims;
    int64_t min;
  };
  NamedDims vectors[] = {{"in", spec.in, 1},
                         {"kernel", spec.kernel, 1},
                         {"stride", spec.stride, 1},
                         {"dilation", spec.dilation, 1},
                         {"padLo", spec.padLo, 0},
                         {"padHi", spec.padHi, 0},
                         {"output_padding", spec.outputPadding, 0}};
  for (const NamedDims &v : vectors) {
    if (v.dims.size() != rank)
      return fail(spec, llvm::Twine(v.name) + " has " +
                            llvm::Twine(v.dims.size()) +
                            " dimensions, expected " + llvm::Twine(rank));
    for (int64_t d : v.dims)
      if (d < v.min)
        return fail(spec, llvm::Twine(v.name) + " value " + llvm::Twine(d) +
                              " is below " + llvm::Twine(v.min));
  }
  if (spec.n < 1 || spec.ic < 1 || spec.oc < 1)
    return fail(spec, "n, ic and oc must be positive");
  if (spec.op != OpKind::ConvTranspose &&
      llvm::any_of(spec.outputPadding, [](int64_t p) { return p != 0; }))
    return fail(spec, "output_padding is only for conv_transpose");
  if (!spec.hasWeights() && spec.bias)
    return fail(spec, "bias needs a weighted op");
  if (spec.op != OpKind::DeformConv && spec.mask)
    return fail(spec, "mask is only for deform_conv");

  if (spec.hasWeights() || spec.op == OpKind::ChannelShuffle) {
    if (spec.groups < 1 || spec.ic % spec.groups != 0 ||
        spec.oc % spec.groups != 0)
      return fail(spec, "groups=" + llvm::Twine(spec.groups) +
                            " must divide ic=" + llvm::Twine(spec.ic) +
                            " and oc=" + llvm::Twine(spec.oc));
  }
  if (!spec.hasWeights() && spec.oc != spec.ic)
    return fail(spec, "oc must equal ic");
  if (spec.op == OpKind::ChannelShuffle &&
      llvm::any_of(spec.kernel, [](int64_t k) { return k != 1; }))
    return fail(spec, "kernel must be all ones");
  if (spec.op == OpKind::DeformConv) {
    if (rank != 2)
      return fail(spec, "only 2-D is supported");
    if (spec.deformGroups < 1 || spec.ic % spec.deformGroups != 0)
      return fail(spec, "dg=" + llvm::Twine(spec.deformGroups) +
                            " must divide ic=" + llvm::Twine(spec.ic));
  }
  for (int64_t size : spec.outSpatial())
    if (size < 1)
      return fail(spec, "output size " + llvm::Twine(size) +
                            " is not positive");
  return llvm::Error::success();
}

llvm::Error checkBuffers(const ConvSpec &spec, const ReferenceArgs &args) {
  auto missing = [&](const char *what) {
    return fail(spec, llvm::Twine("missing ") + what + " buffer");
  };
  if (!args.input)
    return missing("input");
  if (!args.output)
    return missing("output");
  if (spec.hasWeights() && !args.weight)
    return missing("weight");
  if (spec.hasWeights() && spec.bias && !args.bias)
    return missing("bias");
  if (spec.op == OpKind::DeformConv && !args.offset)
    return missing("offset");
  if (spec.op == OpKind::DeformConv && spec.mask && !args.mask)
    return missing("mask");
  return llvm::Error::success();
}

} // namespace

llvm::Error convjit::runReference(const ConvSpec &spec,
                                  const ReferenceArgs &args) {
  if (llvm::Error err = checkSpec(spec))
    return err;
  if (llvm::Error err = checkBuffers(spec, args))
    return err;
  switch (spec.op) {
  case OpKind::Conv:
    runConv(spec, args);
    break;
  case OpKind::ConvTranspose:
    runConvTranspose(spec, args);
    break;
  case OpKind::DeformConv:
    runDeformConv(spec, args);
    break;
  case OpKind::MaxPool:
  case OpKind::AvgPool:
    runPool(spec, args);
    break;
  case OpKind::ChannelShuffle:
    runChannelShuffle(spec, args);
    break;
  }
  return llvm::Error::success();
}
