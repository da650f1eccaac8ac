//===- ChannelsFirstProduct.h - An nchw conv as W x X -----------*- C++ -*-===//
//
// A conv of a channels-first image (one group of it) is a matrix product
//
//   out[oc, p] = bias[oc] + sum over (ic, k) of w[oc, ic, k] * X[ic, k, p]
//
// with p the flattened output positions, k the window's taps, and X[ic, k, p]
// the input at p*stride + k*dilation - padLow (zero outside). That is the
// conv core with the roles of its operands swapped: the weight viewed as
// [1, OC, IC*K] is the core's input (a 1-D "image" of OC rows with IC*K
// channels, read by broadcasts), X viewed as [K=1, IC*K, P] is the core's
// weight (read in vectors of positions), and the core's output [1, OC, P]
// is the channels-first output. Through channels-last instead a layer pays
// two layout changes, which move every input and output element once more. A
// batch or a grouped conv runs one product per image and group, in loops of
// independent iterations (which threads share with the tile loops inside).
//
// - A pointwise conv (1x1 window, unit stride, no padding) is this product
//   on the image as it lies: X is a view of the input (MobileNetV2's 56x56
//   1x1 layers: 0.66-0.72x of oneDNN's `nchw` kernel through channels-last).
// - A strided 1x1 window without padding (ResNet-50's downsampling 1x1/2)
//   copies the positions it reads into X: a quarter of the input, where
//   the layout changes move all of it and the output.
// - A conv with few input channels and taps per output channel (a 1-D
//   audio stem, ic=1 k=10 s=5 to 512 channels) copies X out of the input
//   first (im2col): the copy is a small fraction of the output, whose
//   layout change it saves (wav2vec 2.0's stem: 95 GFLOPS through
//   channels-last, the output transpose most of the time).
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_LOWERING_CHANNELSFIRSTPRODUCT_H
#define CONVJIT_LOWERING_CHANNELSFIRSTPRODUCT_H

#include "Conv/ConvOps.h"

#include "mlir/IR/Builders.h"

namespace convjit::lowering {

/// Whether `op` lowers as W x X: a channels-first conv with no schedule
/// pinned on it (those are written for the channels-last core), output
/// positions that fill vectors (see the .cpp), and either a 1x1 window
/// without padding or columns X at most an eighth of the output (per
/// group).
bool lowersChannelsFirstProduct(conv::ConvOp op);

/// relu?(bias + conv) of `op`, as a channels-first tensor.
mlir::Value buildChannelsFirstProduct(mlir::OpBuilder &b, conv::ConvOp op,
                                      mlir::Value input, mlir::Value weight,
                                      mlir::Value bias);

} // namespace convjit::lowering

#endif // CONVJIT_LOWERING_CHANNELSFIRSTPRODUCT_H
