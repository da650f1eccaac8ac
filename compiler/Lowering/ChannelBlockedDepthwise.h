//===- ChannelBlockedDepthwise.h - Depthwise, by channel blocks -*- C++ -*-===//
//
// A 2-D depthwise conv computed a block of 16 channels of an image at a
// time. The blocks are independent (a depthwise conv's channels are), so
// the loop over them is the one the threads share, each computing whole
// blocks with no barrier between the steps of a block.
//
// Channels-first (nchw): the block's planes change layout to channels-last,
// the channels-last depthwise core (vectorized along the channels) computes
// the block's output, and that changes layout back into the block's planes.
// A block's channels-last input and output stay in L2 (L1 for a 14x14
// plane) between the steps; changing the layout of whole tensors instead
// sent them through L3 (MobileNetV2's 56x56x144 layer: 75 GFLOPS that way,
// 91 by blocks, 70 plane by plane, at 1 thread on Zen 5).
//
// Channels-last (nhwc): the core reads the block's channels in place, its
// interior and each border region (BorderRegions.h) one after the other,
// while the block's planes are in L1 or L2 (ChannelBlockedDepthwise.cpp
// has the measurements).
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_LOWERING_CHANNELBLOCKEDDEPTHWISE_H
#define CONVJIT_LOWERING_CHANNELBLOCKEDDEPTHWISE_H

#include "Conv/ConvOps.h"

#include "mlir/IR/Builders.h"

namespace convjit::lowering {

/// Channels per block: one AVX-512 vector of them (two on AVX2). Blocks of
/// 32 to 128 channels ran 0.7-0.95x as fast at 1 thread (MobileNetV2's
/// 14x14x384 and 56x56x144 layers): a block of 16 keeps the channels-last
/// input and output of a 14x14 plane in L1, and of a 56x56 one in L2.
inline constexpr int64_t kChannelBlock = 16;

/// Whether `op` lowers by channel blocks: a 2-D depthwise conv (one input
/// and one output channel per group) with at least two blocks of channels
/// and no schedule pinned on it; channels-first with at most a MiB of a
/// block's channels-last input and output (of one image), whose output
/// rows are shorter than 64 when it could lower plane by plane
/// (PlanewiseDepthwise.h); channels-last with at most 512 KiB of them.
bool lowersByChannelBlocks(conv::ConvOp op);

/// relu?(bias + depthwise conv) of `op` in its layout, a block of
/// kChannelBlock channels of an image at a time (ChannelBlockLoops.h).
mlir::Value buildChannelBlockedDepthwise(mlir::OpBuilder &b, conv::ConvOp op,
                                         mlir::Value input, mlir::Value weight,
                                         mlir::Value bias);

} // namespace convjit::lowering

#endif // CONVJIT_LOWERING_CHANNELBLOCKEDDEPTHWISE_H
