//===- ChannelBlockLoops.h - A result by image and channels -----*- C++ -*-===//
//
// The loops that compute a result one image and one block of channels at a
// time, for the lowerings whose blocks of channels are independent (a
// depthwise conv's channels, a grouped conv's groups): the block's input
// and output stay in the cache between the steps that make it (a padded
// copy, border regions, layout changes), where whole tensors went through
// L2, L3 or memory in every step. Both loops are marked
// kParallelLoopAttrName: with threads, each thread computes whole blocks,
// with no barrier between the steps.
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
  /// The shape of the block's result: the result's, with 1 image and
  /// `channels` channels.
  llvm::ArrayRef<int64_t> shape;

  /// The block's channels of activation `source` (N first, channels at
  /// `channelDim`) in this image: `perBlock` channels per block, or the
  /// result's (`channels`) when 0.
  mlir::Value activation(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value source, unsigned channelDim,
                         int64_t perBlock = 0) const;
  /// The block's channels of `source` (a weight or bias: channels first).
  mlir::Value channelsOf(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value source) const;
  /// The block's element of `stack` [blocks, ...] (a weight stack the
  /// scheduler re-lays out as a whole), without the blocks dim.
  mlir::Value elementOf(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value stack) const;
};

/// A tensor of type `resultType` (N first, channels at `channelDim`) built
/// by loops over its images and its blocks of `channels` channels (which
/// divides them), inserting what `buildBlock` returns for each: a tensor of
/// the block's `shape`.
mlir::Value buildByChannelBlocks(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType resultType,
    unsigned channelDim, int64_t channels,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   const ChannelBlock &)>
        buildBlock);

} // namespace convjit::lowering

#endif // CONVJIT_LOWERING_CHANNELBLOCKLOOPS_H
