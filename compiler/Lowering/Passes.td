//===- Passes.td - conv dialect lowering passes ------------*- tablegen -*-===//
#ifndef CONVJIT_LOWERING_PASSES_TD
#define CONVJIT_LOWERING_PASSES_TD

include "mlir/Pass/PassBase.td"

// Anchored on no particular op, so it runs on a func.func or a whole module.
def ConvertConvToLinalg : Pass<"convert-conv-to-linalg"> {
  let summary = "Lower every conv-dialect op to linalg/tensor/arith on tensors";
  let description = [{
    Rewrites conv.conv, conv.conv_transpose, conv.deform_conv, conv.pool and
    conv.channel_shuffle into static-shaped f32 linalg ops on tensors, all
    computing channels-last (nchw operands are transposed on the way in and
    the result on the way out). The contraction of every weighted op is one
    linalg.generic tagged `convjit.conv_core`, the ReLU a separate generic
    tagged `convjit.relu` and deformable sampling a generic tagged
    `convjit.deform_sample`, which is what the scheduler matches. The conv
    dialect is illegal afterwards: an op that cannot be lowered is an error.

    A strided transposed convolution without dilation is split into one
    stride-1 convolution per output phase (no products with inserted zeros),
    one core in an scf.for nest over the phases when they all have the same
    shape (k a multiple of the stride; groups == 1);
    `transpose-by-phases=false` keeps the general zero-upsampling form, which
    every other transposed convolution uses.
  }];
  let options = [
    Option<"transposeByPhases", "transpose-by-phases", "bool",
           /*default=*/"true",
           "Split strided, undilated conv_transpose by output phase">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // CONVJIT_LOWERING_PASSES_TD
