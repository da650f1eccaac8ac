//===- ConvCore.h - The contraction every weighted op ends in ----*- C++
//-*-===//
//
// conv, conv_transpose and deform_conv all finish with the same channels-last
// contraction, one linalg.generic tagged kConvCoreAttr:
//
//   groups == 1: out[n, o..., oc]     += in[n, <window>..., ic]      * w[k...,
//   ic, oc] groups  > 1: out[n, o..., g, ocg] += in[n, <window>..., g, icg]  *
//   w[g, k..., icg, ocg]
//
// iterators (n, o..., [g,] oc, k..., ic): parallel then reduction. The output
// starts as the broadcast bias (or zeros), so the bias costs nothing extra.
// The scheduler pattern-matches exactly this form.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_LOWERING_CONVCORE_H
#define CONVJIT_LOWERING_CONVCORE_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/ArrayRef.h"

namespace convjit::lowering {

/// What the core contracts and how it reads its input.
struct ConvCoreOperands {
  /// Either a padded channels-last activation [N, Ip..., IC], read through a
  /// sliding window `o*stride + k*dilation` per spatial dim; or, when
  /// `strides` is empty, a column tensor [N, O..., K..., IC] holding every
  /// tap already (deform_conv's samples), read at (n, o..., k..., ic).
  mlir::Value input;
  llvm::ArrayRef<int64_t> strides;
  llvm::ArrayRef<int64_t> dilations;
  /// In the core's form: [K..., IC, OC], or [G, K..., ICg, OCg] for groups > 1.
  mlir::Value weight;
  /// [OC], or null.
  mlir::Value bias;
  /// The bias runs along the output's spatial rows (dim 1 of a rank-1
  /// core), not its channels: a channels-first conv computed with
  /// its operands swapped (ChannelsFirstProduct.h). groups == 1 only.
  bool biasAlongRows = false;
  int64_t groups = 1;
  bool relu = false;
};

/// relu?(bias + conv) as a channels-last [N, O..., OC] tensor of shape
/// `outShape`. The core op inherits `source`'s discardable attributes.
mlir::Value buildConvCore(mlir::OpBuilder &b, mlir::Location loc,
                          const ConvCoreOperands &operands,
                          llvm::ArrayRef<int64_t> outShape,
                          mlir::Operation *source);

/// A PyTorch conv weight (OC, IC/groups, K...) in the core's form: a
/// transpose to [K..., IC, OC], or for groups > 1 an expand to
/// (G, OCg, ICg, K...) and a transpose to [G, K..., ICg, OCg].
mlir::Value packConvWeight(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value weight, int64_t groups);

} // namespace convjit::lowering

#endif // CONVJIT_LOWERING_CONVCORE_H
