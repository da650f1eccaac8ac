//===- LayerCategory.cpp - Which family of layers a spec belongs to -------===//

#include "LayerCategory.h"

#include "llvm/ADT/STLExtras.h"

using namespace convjit;

llvm::StringRef convjit::bench::layerCategory(const ConvSpec &spec) {
  switch (spec.op) {
  case OpKind::DeformConv:
    return "deformable";
  case OpKind::ConvTranspose:
    return "transposed";
  case OpKind::MaxPool:
  case OpKind::AvgPool:
    return "pooling";
  case OpKind::ChannelShuffle:
    return "shuffle";
  case OpKind::Conv:
    break;
  }
  if (spec.rank() == 3)
    return "3-D";
  if (spec.rank() == 1)
    return "1-D";
  if (spec.groups > 1 && spec.groups == spec.ic)
    return "depthwise";
  if (spec.groups > 1)
    return "grouped";
  if (llvm::any_of(spec.dilation, [](int64_t d) { return d > 1; }))
    return "dilated";
  if (llvm::all_of(spec.kernel, [](int64_t k) { return k == 1; }))
    return "1x1";
  return "dense";
}

llvm::ArrayRef<llvm::StringRef> convjit::bench::allLayerCategories() {
  static const llvm::StringRef categories[] = {
      "dense", "1x1", "depthwise",  "grouped", "dilated", "transposed",
      "3-D",   "1-D", "deformable", "pooling", "shuffle"};
  return categories;
}
