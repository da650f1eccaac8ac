//===- ConvSpec.cpp - Shapes, counts and canonical text of a layer --------===//

#include "Spec/ConvSpec.h"
#include "Spec/ShapeFormulas.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace convjit;

llvm::StringRef convjit::opKindName(OpKind kind) {
  switch (kind) {
  case OpKind::Conv:
    return "conv";
  case OpKind::ConvTranspose:
    return "conv_transpose";
  case OpKind::DeformConv:
    return "deform_conv";
  case OpKind::MaxPool:
    return "max_pool";
  case OpKind::AvgPool:
    return "avg_pool";
  case OpKind::ChannelShuffle:
    return "channel_shuffle";
  }
  return "?";
}

llvm::StringRef convjit::layoutName(Layout layout) {
  return layout == Layout::ChannelsFirst ? "nchw" : "nhwc";
}

static int64_t product(llvm::ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

Dims ConvSpec::outSpatial() const {
  Dims out;
  for (unsigned i = 0; i < rank(); ++i) {
    if (op == OpKind::ChannelShuffle)
      out.push_back(in[i]);
    else if (op == OpKind::ConvTranspose)
      out.push_back(convTransposeOutputSize(in[i], kernel[i], stride[i],
                                            dilation[i], padLo[i], padHi[i],
                                            outputPadding[i]));
    else
      out.push_back(convOutputSize(in[i], kernel[i], stride[i], dilation[i],
                                   padLo[i], padHi[i]));
  }
  return out;
}

/// An activation shape [n, c, spatial...] permuted to the spec's layout.
static Shape activationShape(const ConvSpec &spec, int64_t channels,
                             llvm::ArrayRef<int64_t> spatial) {
  Shape shape{spec.n};
  if (spec.layout == Layout::ChannelsFirst)
    shape.push_back(channels);
  shape.append(spatial.begin(), spatial.end());
  if (spec.layout == Layout::ChannelsLast)
    shape.push_back(channels);
  return shape;
}

Shape ConvSpec::inputShape() const { return activationShape(*this, ic, in); }

Shape ConvSpec::outputShape() const {
  return activationShape(*this, oc, outSpatial());
}

Shape ConvSpec::weightShape() const {
  if (!hasWeights())
    return {};
  Shape shape;
  if (op == OpKind::ConvTranspose)
    shape = {ic, oc / groups};
  else
    shape = {oc, ic / groups};
  shape.append(kernel.begin(), kernel.end());
  return shape;
}

Shape ConvSpec::biasShape() const {
  if (!hasWeights() || !bias)
    return {};
  return {oc};
}

Shape ConvSpec::offsetShape() const {
  if (op != OpKind::DeformConv)
    return {};
  return activationShape(*this, 2 * deformGroups * product(kernel),
                         outSpatial());
}

Shape ConvSpec::maskShape() const {
  if (op != OpKind::DeformConv || !mask)
    return {};
  return activationShape(*this, deformGroups * product(kernel), outSpatial());
}

int64_t ConvSpec::paramCount() const {
  if (!hasWeights())
    return 0;
  return product(weightShape()) + (bias ? oc : 0);
}

double ConvSpec::flops() const {
  double k = static_cast<double>(product(kernel));
  switch (op) {
  case OpKind::Conv:
  case OpKind::DeformConv:
    return 2.0 * n * oc * product(outSpatial()) * (ic / groups) * k;
  case OpKind::ConvTranspose:
    return 2.0 * n * ic * product(in) * (oc / groups) * k;
  case OpKind::MaxPool:
  case OpKind::AvgPool:
    return 1.0 * n * ic * product(outSpatial()) * k;
  case OpKind::ChannelShuffle:
    return 0.0;
  }
  return 0.0;
}

static void printDims(llvm::raw_ostream &os, llvm::ArrayRef<int64_t> dims) {
  llvm::interleave(dims, os, "x");
}

std::string ConvSpec::str() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << opKindName(op) << " n=" << n << " ic=" << ic;
  if (hasWeights())
    os << " oc=" << oc;
  os << " in=";
  printDims(os, in);
  if (op != OpKind::ChannelShuffle) {
    os << " k=";
    printDims(os, kernel);
    os << " stride=";
    printDims(os, stride);
    os << " dilation=";
    printDims(os, dilation);
    os << " pad=";
    printDims(os, padLo);
    os << ":";
    printDims(os, padHi);
  }
  if (op == OpKind::ConvTranspose) {
    os << " output_padding=";
    printDims(os, outputPadding);
  }
  if (hasWeights() || op == OpKind::ChannelShuffle)
    os << " groups=" << groups;
  if (op == OpKind::DeformConv)
    os << " dg=" << deformGroups;
  os << " layout=" << layoutName(layout);
  if (op == OpKind::DeformConv && mask)
    os << " mask";
  if (bias)
    os << " bias";
  if (relu)
    os << " relu";
  return text;
}

bool ConvSpec::operator==(const ConvSpec &o) const {
  // The name is a label, not semantics: equal specs share compiled kernels.
  return op == o.op && n == o.n && ic == o.ic && oc == o.oc && in == o.in &&
         kernel == o.kernel && stride == o.stride && dilation == o.dilation &&
         padLo == o.padLo && padHi == o.padHi &&
         outputPadding == o.outputPadding && groups == o.groups &&
         deformGroups == o.deformGroups && mask == o.mask && bias == o.bias &&
         relu == o.relu && layout == o.layout;
}
