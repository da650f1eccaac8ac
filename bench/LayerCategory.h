//===- LayerCategory.h - The family a layer belongs to ----------*- C++ -*-===//
//
// Geomeans over all layers hide where a compiler is weak, so the report also
// groups layers the way the anchor table does. Each layer gets exactly one
// category; when several apply, the one that changes the algorithm most
// wins, in this order: deformable, transposed, pooling, shuffle, 3-D, 1-D,
// depthwise, grouped, dilated, 1x1, dense.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_BENCH_LAYERCATEGORY_H
#define CONVJIT_BENCH_LAYERCATEGORY_H

#include "Spec/ConvSpec.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace convjit::bench {

/// "dense", "1x1", "depthwise", "grouped", "dilated", "transposed", "3-D",
/// "1-D", "deformable", "pooling" or "shuffle".
llvm::StringRef layerCategory(const ConvSpec &spec);

/// Every category in report order.
llvm::ArrayRef<llvm::StringRef> allLayerCategories();

} // namespace convjit::bench

#endif // CONVJIT_BENCH_LAYERCATEGORY_H
