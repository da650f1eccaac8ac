//===- LinalgHelpers.h - Building blocks shared by the lowerings -*- C++
//-*-===//
//
// Layout transposes, padding, reshapes of a channel dimension, constant
// tensors and the ReLU: the pieces every op-family pattern is built from.
// All work on static-shaped f32 tensors.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_LOWERING_LINALGHELPERS_H
#define CONVJIT_LOWERING_LINALGHELPERS_H

#include "Conv/ConvDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace convjit::lowering {

/// The channel dim of a rank-`rank` activation in `layout`: 1 channels-first,
/// the last channels-last.
inline unsigned channelDimOf(conv::Layout layout, unsigned rank) {
  return layout == conv::Layout::nchw ? 1 : rank - 1;
}

/// The shape `shape` (an activation in `layout`) has once channels-last.
llvm::SmallVector<int64_t> channelsLastShape(llvm::ArrayRef<int64_t> shape,
                                             conv::Layout layout);

/// tensor.empty + linalg.transpose: result dim i is source dim perm[i].
mlir::Value transpose(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::Value source, llvm::ArrayRef<int64_t> perm);

/// An activation in `layout` as N,spatial...,C (a transpose for nchw).
mlir::Value toChannelsLast(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value activation, conv::Layout layout);
/// The inverse of toChannelsLast.
mlir::Value fromChannelsLast(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value activation, conv::Layout layout);

/// tensor.pad of the spatial dims of an activation (those from
/// `firstSpatialDim` on: 1 channels-last, 2 channels-first) by lo/hi (both
/// >= 0) with `padValue`; the activation itself when nothing is added.
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value activation, llvm::ArrayRef<int64_t> lo,
                       llvm::ArrayRef<int64_t> hi, float padValue,
                       unsigned firstSpatialDim = 1);

/// tensor.empty + linalg.fill with `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<int64_t> shape, float value);

/// tensor.expand_shape of dim `dim` into (groups, size/groups).
mlir::Value splitDim(mlir::OpBuilder &b, mlir::Location loc, mlir::Value source,
                     unsigned dim, int64_t groups);
/// tensor.collapse_shape of dims `dim` and `dim + 1` into one.
mlir::Value mergeDims(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::Value source, unsigned dim);

/// linalg.broadcast of `source` into the trailing dims of `shape`.
mlir::Value broadcastTrailing(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value source,
                              llvm::ArrayRef<int64_t> shape);

/// An all-parallel linalg.generic applying `fn` to each element of `source`,
/// written into `destination` (a new empty tensor when null).
mlir::Value
mapElements(mlir::OpBuilder &b, mlir::Location loc, mlir::Value source,
            llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                           mlir::Value)>
                fn,
            mlir::Value destination = {});

/// max(x, 0) per element, in a generic tagged kReluAttr (NaN stays NaN, as
/// torch.relu keeps it). `inPlace` writes it into `source` itself, for a
/// tile whose shape may still be dynamic.
mlir::Value applyRelu(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::Value source, bool inPlace = false);

/// Gives `core` (the op that does a layer's main work) the discardable
/// attributes of the conv op it came from, e.g. a pinned schedule.
void inheritDiscardableAttrs(mlir::Operation *from, mlir::Operation *core);

} // namespace convjit::lowering

#endif // CONVJIT_LOWERING_LINALGHELPERS_H
