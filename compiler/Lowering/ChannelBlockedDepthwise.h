//===- ChannelBlockedDepthwise.h - nchw depthwise, by channels --*- C++ -*-===//
//
// A depthwise conv on a channels-first (nchw) activation, computed a block
// of channels at a time: the block's planes change layout to channels-last,
// the channels-last depthwise core (vectorized along the channels) computes
// the block's output, and that changes layout back into the block's planes.
// The blocks are independent (a depthwise conv's channels are), so the loop
// over them is the one the threads share, each computing whole blocks with
// no barrier between the three steps. A block's channels-last input and
// output stay in L2 (L1 for a 14x14 plane) between the steps; changing the
// layout of whole tensors instead sent them through L3 (MobileNetV2's
// 56x56x144 layer: 75 GFLOPS that way, 91 by blocks, 70 plane by plane, at
// 1 thread on Zen 5).
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
/// and one output channel per group), channels-first, with at least two
/// blocks of channels, at most a MiB of a block's channels-last input and
/// output (of one image) and no schedule pinned on it, whose output
/// rows are shorter than 64 when it could lower plane by plane
/// (PlanewiseDepthwise.h).
bool lowersByChannelBlocks(conv::ConvOp op);

/// relu?(bias + depthwise conv) of `op`, as a channels-first tensor, a block
/// of kChannelBlock channels of an image at a time (ChannelBlockLoops.h).
mlir::Value buildChannelBlockedDepthwise(mlir::OpBuilder &b, conv::ConvOp op,
                                         mlir::Value input, mlir::Value weight,
                                         mlir::Value bias);

} // namespace convjit::lowering

#endif // CONVJIT_LOWERING_CHANNELBLOCKEDDEPTHWISE_H
