//===- ConvBase.td - The conv dialect and its enums --------*- tablegen -*-===//
//
// The dialect definition and the two enums its ops share (activation layout,
// pooling kind), kept apart from the ops so each .td generates one thing.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_CONV_BASE_TD
#define CONVJIT_CONV_BASE_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpBase.td"

def Conv_Dialect : Dialect {
  let name = "conv";
  let cppNamespace = "::convjit::conv";
  let summary = "Convolution-family layers as single ops on f32 tensors";
  let description = [{
    One op per layer family (convolution, transposed convolution, deformable
    convolution, pooling, channel shuffle), each carrying every parameter of
    the layer explicitly, with PyTorch semantics: activations are N,C,spatial
    (`nchw`) or N,spatial,C (`nhwc`), weights O,I/groups,k... (transposed:
    I,O/groups,k...), output sizes follow torch.nn's formulas. The ops have
    value semantics; lowering them is someone else's business.
  }];
  let useDefaultAttributePrinterParser = 1;
}

def Conv_LayoutNchw : I32EnumCase<"nchw", 0>;
def Conv_LayoutNhwc : I32EnumCase<"nhwc", 1>;
def Conv_Layout : I32Enum<"Layout", "activation layout",
    [Conv_LayoutNchw, Conv_LayoutNhwc]> {
  let description = [{
    Where the channel dimension of activations sits: channels-first (nchw)
    or channels-last (nhwc), whatever the spatial rank.
  }];
  let cppNamespace = "::convjit::conv";
}
def Conv_LayoutAttr : EnumAttr<Conv_Dialect, Conv_Layout, "layout">;

def Conv_PoolKindMax : I32EnumCase<"max", 0>;
def Conv_PoolKindAvg : I32EnumCase<"avg", 1>;
def Conv_PoolKind : I32Enum<"PoolKind", "pooling kind",
    [Conv_PoolKindMax, Conv_PoolKindAvg]> {
  let description = [{
    The pooling reduction: max, or avg with padding counted in the divisor.
  }];
  let cppNamespace = "::convjit::conv";
}
def Conv_PoolKindAttr : EnumAttr<Conv_Dialect, Conv_PoolKind, "pool_kind">;

#endif // CONVJIT_CONV_BASE_TD
