//===- GroupBlockedConv.h - A grouped conv, a group at a time ---*- C++ -*-===//
//
// A grouped conv whose groups have a vector or more of channels each
// (ResNeXt's 512-channel g32 layer: 16 in, 16 out) and whose padded input
// per group and image fits L1, computed a group of an image at a time: the
// group's channels of the input, padded into a small copy, then the group's
// dense conv into its channels of the output. The copy is made where it is
// read, in L1, and each thread copies the groups it computes: no barrier
// between copying and computing, where the whole input's group-major copy
// (ChooseSchedules' groupMajorInput) was one step of its own, shared by the
// threads, and went through L2. On Zen 5, ResNeXt conv4 (14x14x512, g32):
// 240 -> 247 GFLOPS at 1 thread, 435 -> 485 at 2; at nchw 211 -> 223 and
// 401 -> 445; 7x7x1024 g32 271 -> 280 and 528 -> 564. While a neighbour
// slowed one core, conv4 kept 455-463 at 2 threads where the shared copy
// and its barriers fell to 285-292.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_LOWERING_GROUPBLOCKEDCONV_H
#define CONVJIT_LOWERING_GROUPBLOCKEDCONV_H

#include "Conv/ConvOps.h"

#include "mlir/IR/Builders.h"

namespace convjit::lowering {

/// Whether `op` lowers a group at a time: a grouped conv with at least 16
/// input and output channels per group (a vector of them), at most 32 KiB
/// of padded input per group and image, and no schedule pinned on it.
bool lowersByGroupBlocks(conv::ConvOp op);

/// relu?(bias + conv) of `op` in its layout, a group of an image at a time
/// (ChannelBlockLoops.h).
mlir::Value buildGroupBlockedConv(mlir::OpBuilder &b, conv::ConvOp op,
                                  mlir::Value input, mlir::Value weight,
                                  mlir::Value bias);

} // namespace convjit::lowering

#endif // CONVJIT_LOWERING_GROUPBLOCKEDCONV_H
