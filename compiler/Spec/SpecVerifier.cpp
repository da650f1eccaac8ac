//===- SpecVerifier.cpp - Is a ConvSpec a layer PyTorch accepts? ----------===//

#include "Spec/SpecVerifier.h"
#include "Spec/SpecError.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

using namespace convjit;

llvm::StringRef convjit::spatialDimName(unsigned rank, unsigned dim) {
  static const char *const names[] = {"D", "H", "W"};
  unsigned first = rank <= 3 ? 3 - rank : 0;
  return first + dim < 3 ? names[first + dim] : "?";
}

static std::string dimsText(llvm::ArrayRef<int64_t> dims) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(dims, os, "x");
  return text;
}

/// The product of `factors`, or nothing on int64 overflow.
static std::optional<int64_t> checkedProduct(llvm::ArrayRef<int64_t> factors) {
  int64_t product = 1;
  for (int64_t f : factors) {
    std::optional<int64_t> next = llvm::checkedMul(product, f);
    if (!next)
      return std::nullopt;
    product = *next;
  }
  return product;
}

namespace {

/// The checks, split by concern; each returns the first problem it finds.
class Verifier {
public:
  explicit Verifier(const ConvSpec &spec) : spec(spec) {}

  llvm::Error run() {
    if (llvm::Error e = checkRanks())
      return e;
    if (llvm::Error e = checkValueRanges())
      return e;
    if (llvm::Error e = checkOpRules())
      return e;
    if (llvm::Error e = checkGeometry())
      return e;
    return checkTensorSizes();
  }

private:
  llvm::StringRef opName() const { return opKindName(spec.op); }
  llvm::StringRef dimName(unsigned d) const {
    return spatialDimName(spec.rank(), d);
  }

  llvm::Error checkRanks() {
    unsigned rank = spec.rank();
    if (rank < 1 || rank > 3)
      return specError("in", "needs 1 to 3 spatial sizes (W, HxW or DxHxW), "
                             "got " +
                                 llvm::Twine(rank));
    if (spec.op == OpKind::DeformConv && rank != 2)
      return specError("in", "deform_conv is 2-D only (as "
                             "torchvision.ops.deform_conv2d), got a " +
                                 llvm::Twine(rank) + "-D input");
    struct Named {
      const char *key;
      const Dims &dims;
    } lists[] = {
        {"k", spec.kernel},          {"stride", spec.stride},
        {"dilation", spec.dilation}, {"pad", spec.padLo},
        {"pad", spec.padHi},         {"output_padding", spec.outputPadding}};
    for (const Named &list : lists)
      if (list.dims.size() != rank)
        return specError(list.key, "has " + llvm::Twine(list.dims.size()) +
                                       " sizes but in has " +
                                       llvm::Twine(rank));
    return llvm::Error::success();
  }

  static llvm::Error checkValue(llvm::StringRef key, int64_t value,
                                int64_t min) {
    if (value < min)
      return specError(key, (min > 0 ? "must be positive, got "
                                     : "must not be negative, got ") +
                                llvm::Twine(value));
    if (value > kMaxSpecValue)
      return specError(key, llvm::Twine(value) + " is too large (at most " +
                                llvm::Twine(kMaxSpecValue) + ")");
    return llvm::Error::success();
  }

  static llvm::Error checkValues(llvm::StringRef key,
                                 llvm::ArrayRef<int64_t> values, int64_t min) {
    for (int64_t v : values)
      if (llvm::Error e = checkValue(key, v, min))
        return e;
    return llvm::Error::success();
  }

  llvm::Error checkValueRanges() {
    if (llvm::Error e = checkValue("n", spec.n, 1))
      return e;
    if (llvm::Error e = checkValue("ic", spec.ic, 1))
      return e;
    if (llvm::Error e = checkValue("oc", spec.oc, 1))
      return e;
    if (llvm::Error e = checkValue("groups", spec.groups, 1))
      return e;
    if (llvm::Error e = checkValue("dg", spec.deformGroups, 1))
      return e;
    if (llvm::Error e = checkValues("in", spec.in, 1))
      return e;
    if (llvm::Error e = checkValues("k", spec.kernel, 1))
      return e;
    if (llvm::Error e = checkValues("stride", spec.stride, 1))
      return e;
    if (llvm::Error e = checkValues("dilation", spec.dilation, 1))
      return e;
    if (llvm::Error e = checkValues("pad", spec.padLo, 0))
      return e;
    if (llvm::Error e = checkValues("pad", spec.padHi, 0))
      return e;
    return checkValues("output_padding", spec.outputPadding, 0);
  }

  static bool allEqual(llvm::ArrayRef<int64_t> dims, int64_t value) {
    return llvm::all_of(dims, [&](int64_t d) { return d == value; });
  }

  llvm::Error checkOpRules() {
    if (spec.op != OpKind::DeformConv && spec.mask)
      return specError("mask", "only deform_conv has a mask, not " + opName());
    if (spec.op != OpKind::DeformConv && spec.deformGroups != 1)
      return specError("dg",
                       "only deform_conv has offset groups, not " + opName());
    if (spec.op != OpKind::ConvTranspose && !allEqual(spec.outputPadding, 0))
      return specError("output_padding",
                       "only conv_transpose has an output padding, not " +
                           opName());
    if (!spec.hasWeights() && spec.bias)
      return specError("bias", opName() + " has no bias (only conv, "
                                          "conv_transpose and deform_conv)");
    if (!spec.hasWeights() && spec.oc != spec.ic)
      return specError("oc", opName() +
                                 " keeps the channel count: oc must "
                                 "equal ic=" +
                                 llvm::Twine(spec.ic) + ", got " +
                                 llvm::Twine(spec.oc));

    if (spec.hasWeights())
      return checkWeightedRules();
    if (spec.isPooling())
      return checkPoolingRules();
    return checkShuffleRules();
  }

  llvm::Error checkWeightedRules() {
    if (spec.ic % spec.groups != 0)
      return specError("groups",
                       llvm::Twine(spec.groups) +
                           " does not divide ic=" + llvm::Twine(spec.ic));
    if (spec.oc % spec.groups != 0)
      return specError("groups",
                       llvm::Twine(spec.groups) +
                           " does not divide oc=" + llvm::Twine(spec.oc));
    if (spec.op == OpKind::DeformConv && spec.ic % spec.deformGroups != 0)
      return specError("dg", llvm::Twine(spec.deformGroups) +
                                 " does not divide ic=" + llvm::Twine(spec.ic));
    if (spec.op == OpKind::ConvTranspose) {
      // torch: "output padding must be smaller than either stride or
      // dilation" -- beyond that it would add rows no input reaches.
      for (unsigned d = 0; d < spec.rank(); ++d) {
        int64_t op = spec.outputPadding[d];
        if (op >= spec.stride[d] && op >= spec.dilation[d])
          return specError("output_padding",
                           llvm::Twine(op) + " along " + dimName(d) +
                               " must be smaller than the stride (" +
                               llvm::Twine(spec.stride[d]) +
                               ") or the dilation (" +
                               llvm::Twine(spec.dilation[d]) + ")");
      }
    }
    return llvm::Error::success();
  }

  llvm::Error checkPoolingRules() {
    if (spec.groups != 1)
      return specError("groups", opName() + " has no groups");
    if (spec.op == OpKind::AvgPool && !allEqual(spec.dilation, 1))
      return specError("dilation", "avg_pool has no dilation (PyTorch's "
                                   "AvgPool has none), got " +
                                       dimsText(spec.dilation));
    // torch: "pad should be at most half of kernel size" -- the undilated
    // window, k/2 rounded down, checked on each side.
    for (unsigned d = 0; d < spec.rank(); ++d) {
      int64_t limit = spec.kernel[d] / 2;
      int64_t worst = std::max(spec.padLo[d], spec.padHi[d]);
      if (worst > limit)
        return specError("pad", llvm::Twine(worst) + " along " + dimName(d) +
                                    " is more than half the pooling window "
                                    "(k=" +
                                    llvm::Twine(spec.kernel[d]) +
                                    " allows at most " + llvm::Twine(limit) +
                                    ")");
    }
    return llvm::Error::success();
  }

  llvm::Error checkShuffleRules() {
    if (!allEqual(spec.kernel, 1))
      return specError("k", "channel_shuffle has no kernel");
    if (!allEqual(spec.stride, 1))
      return specError("stride", "channel_shuffle has no stride");
    if (!allEqual(spec.dilation, 1))
      return specError("dilation", "channel_shuffle has no dilation");
    if (!allEqual(spec.padLo, 0) || !allEqual(spec.padHi, 0))
      return specError("pad", "channel_shuffle has no padding");
    if (spec.ic % spec.groups != 0)
      return specError("groups", llvm::Twine(spec.groups) +
                                     " shuffle groups do not divide ic=" +
                                     llvm::Twine(spec.ic));
    return llvm::Error::success();
  }

  llvm::Error checkGeometry() {
    if (spec.op == OpKind::ChannelShuffle)
      return llvm::Error::success();
    for (unsigned d = 0; d < spec.rank(); ++d) {
      int64_t in = spec.in[d], k = spec.kernel[d], s = spec.stride[d],
              dil = spec.dilation[d], lo = spec.padLo[d], hi = spec.padHi[d];
      // Every value is below 2^31, so these products and sums fit in int64.
      int64_t extent = dil * (k - 1) + 1;
      if (spec.op == OpKind::ConvTranspose) {
        int64_t out =
            (in - 1) * s - lo - hi + (extent - 1) + spec.outputPadding[d] + 1;
        if (out < 1)
          return specError("pad",
                           dimsText(spec.padLo) + ":" + dimsText(spec.padHi) +
                               " crops the whole output along " + dimName(d) +
                               " (output size " + llvm::Twine(out) + ")");
        continue;
      }
      int64_t padded = in + lo + hi;
      if (extent > padded)
        return specError(
            "k",
            "kernel extent " + llvm::Twine(extent) + " (k=" + llvm::Twine(k) +
                ", dilation=" + llvm::Twine(dil) +
                ") is larger than the padded input " + llvm::Twine(padded) +
                " (in=" + llvm::Twine(in) + " + pad " + llvm::Twine(lo) + "+" +
                llvm::Twine(hi) + ") along " + dimName(d));
    }
    return llvm::Error::success();
  }

  llvm::Error checkTensor(llvm::StringRef what,
                          llvm::ArrayRef<int64_t> factors) {
    std::optional<int64_t> count = checkedProduct(factors);
    if (count && *count <= kMaxTensorElements)
      return llvm::Error::success();
    std::string size =
        count ? llvm::Twine(*count).str() : std::string("more than 2^63");
    return specError(what, "the tensor would have " + size +
                               " elements; convjit allows at most 2^31 "
                               "elements per tensor");
  }

  llvm::Error checkTensorSizes() {
    Dims out = spec.outSpatial();
    llvm::SmallVector<int64_t, 8> input{spec.n, spec.ic},
        output{spec.n, spec.oc};
    input.append(spec.in.begin(), spec.in.end());
    output.append(out.begin(), out.end());
    if (llvm::Error e = checkTensor("input", input))
      return e;
    if (llvm::Error e = checkTensor("output", output))
      return e;
    if (!spec.hasWeights())
      return llvm::Error::success();

    // Weight element count is oc*ic/g*prod(k) whichever side is divided.
    llvm::SmallVector<int64_t, 8> weight{spec.oc, spec.ic / spec.groups};
    weight.append(spec.kernel.begin(), spec.kernel.end());
    if (llvm::Error e = checkTensor("weight", weight))
      return e;
    if (spec.op != OpKind::DeformConv)
      return llvm::Error::success();

    llvm::SmallVector<int64_t, 8> mask{spec.n, spec.deformGroups};
    mask.append(spec.kernel.begin(), spec.kernel.end());
    mask.append(out.begin(), out.end());
    llvm::SmallVector<int64_t, 8> offset(mask);
    offset.push_back(2);
    if (llvm::Error e = checkTensor("offset", offset))
      return e;
    return spec.mask ? checkTensor("mask", mask) : llvm::Error::success();
  }

  const ConvSpec &spec;
};

} // namespace

llvm::Error convjit::verifySpec(const ConvSpec &spec) {
  return Verifier(spec).run();
}
