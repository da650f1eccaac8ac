//===- ChannelBlockLoops.h - A layer's result by image and channels -*- C++
//-*-===//
//
// The loops that compute a channels-first result one image and one block of
// channels at a time, for the lowerings whose channels are independent (a
// depthwise conv): the block's input and output stay in the cache between
// the steps that make it (border regions, layout changes), where whole
// tensors beyond L2 went through L3 or memory in every step. Both loops are
// marked kParallelLoopAttrName: with threads, each thread computes whole
// blocks.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_LOWERING_CHANNELBLOCKLOOPS_H
#define CONVJIT_LOWERING_CHANNELBLOCKLOOPS_H

#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace convjit::lowering {

/// Where an iteration of the loops is: its image, the index of its block of
/// channels and the block's first channel.
struct ChannelBlock {
  mlir::OpFoldResult image;
  mlir::OpFoldResult index;
  mlir::OpFoldResult firstChannel;
  int64_t channels;

  /// The block's slice of `source`, whose channels are dim `channelDim`; of
  /// this image too when `channelDim` is 1 (an activation, not a weight or
  /// bias).
  mlir::Value slice(mlir::OpBuilder &b, mlir::Location loc, mlir::Value source,
                    unsigned channelDim) const;
};

/// A tensor of type `resultType` (channels-first: N, C, spatial...) built by
/// loops over its images and its blocks of `channels` channels (which
/// divides C), inserting what `buildBlock` returns for each: a tensor of the
/// block's shape [1, channels, spatial...].
mlir::Value buildByChannelBlocks(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType resultType,
    int64_t channels,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   const ChannelBlock &)>
        buildBlock);

} // namespace convjit::lowering

#endif // CONVJIT_LOWERING_CHANNELBLOCKLOOPS_H
