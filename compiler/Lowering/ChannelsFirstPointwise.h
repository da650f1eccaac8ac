//===- ChannelsFirstPointwise.h - A 1x1 conv on nchw as W x X ---*- C++ -*-===//
//
// A pointwise conv (1x1 window, unit stride, no padding, one group) on one
// channels-first image is a matrix product with the image as it lies:
//
//   out[oc, p] = bias[oc] + sum over ic of w[oc, ic] * in[ic, p]
//
// with p the flattened spatial positions. That is the conv core with the
// roles of its operands swapped: the weight [OC, IC] is the core's input
// (a 1-D "image" of OC positions with IC channels, read by broadcasts), the
// activation [IC, P] is the core's weight ([K=1, IC, P], read in vectors of
// positions), and the core's output [1, OC, P] is the channels-first
// output. Through channels-last instead the layer pays two layout changes
// that move every input and output element once more (MobileNetV2's 56x56
// 1x1 layers at `nchw`: 0.66-0.72x of oneDNN's `nchw` kernel).
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_LOWERING_CHANNELSFIRSTPOINTWISE_H
#define CONVJIT_LOWERING_CHANNELSFIRSTPOINTWISE_H

#include "Conv/ConvOps.h"

#include "mlir/IR/Builders.h"

namespace convjit::lowering {

/// Whether `op` lowers as W x X: a channels-first conv of one image, one
/// group, 1x1 window, unit stride, no padding, no schedule pinned on it
/// (those are written for the channels-last core), and positions that
/// fill vectors (see the .cpp).
bool lowersChannelsFirstPointwise(conv::ConvOp op);

/// relu?(bias + conv) of `op`, as a channels-first tensor.
mlir::Value buildChannelsFirstPointwise(mlir::OpBuilder &b, conv::ConvOp op,
                                        mlir::Value input, mlir::Value weight,
                                        mlir::Value bias);

} // namespace convjit::lowering

#endif // CONVJIT_LOWERING_CHANNELSFIRSTPOINTWISE_H
