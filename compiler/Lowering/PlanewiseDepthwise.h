//===- PlanewiseDepthwise.h - A channels-first depthwise conv ---*- C++ -*-===//
//
// A depthwise conv (one input and one output channel per group) on a
// channels-first (nchw) activation, computed where it lies: each channel's
// plane is an independent 1-channel convolution, vectorized along its rows.
// Going through channels-last instead costs two layout changes, which on a
// layer that does 9 multiply-adds per element take longer than the
// convolution (MobileNetV2's 56x56x144 layer: 1.3x, a 112x112x32 one 1.9x
// at 1 thread).
//
//   out[n, c, o...] = bias[c] + sum over k of
//                     in[n, c, o*stride + k*dilation - padLow] * w[c, k...]
//
// One linalg.generic, loops (n, c, o..., k...), tagged kPlanewiseAttr,
// reading a tensor.pad of the input that the scheduler splits into an
// interior and cropped borders (BorderRegions.h): no padded copy is made.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_LOWERING_PLANEWISEDEPTHWISE_H
#define CONVJIT_LOWERING_PLANEWISEDEPTHWISE_H

#include "Conv/ConvOps.h"

#include "mlir/IR/Builders.h"

namespace convjit::lowering {

/// Whether `op` is a depthwise conv (one input and one output channel per
/// group), in either layout, with no schedule pinned on it (those are
/// written for the channels-last core).
bool isDepthwise(conv::ConvOp op);

/// Whether `op` lowers plane by plane: a channels-first depthwise conv with
/// output rows of at least 32 at unit stride.
/// Shorter rows leave much of each row to a last, overlapping tile (28 wide:
/// 0.76x of the channels-last path); strided rows would need strided vector
/// reads, element by element.
bool lowersPlanewise(conv::ConvOp op);

/// relu?(bias + depthwise conv) of `op`, as a channels-first tensor: all
/// planes at once, or, when the layer's input and output are larger than
/// an L2, a block of an image's planes at a time (ChannelBlockLoops.h).
mlir::Value buildPlanewiseDepthwise(mlir::OpBuilder &b, conv::ConvOp op,
                                    mlir::Value input, mlir::Value weight,
                                    mlir::Value bias);

} // namespace convjit::lowering

#endif // CONVJIT_LOWERING_PLANEWISEDEPTHWISE_H
