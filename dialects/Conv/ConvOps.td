//===- ConvOps.td - conv dialect operations ----------------*- tablegen -*-===//
//
// One op per layer family. Each op carries exactly the parameters of one
// ConvSpec layer, so building from a spec is a 1:1 map and lowering needs
// nothing beyond the op. All shape rules live in the C++ verifiers
// (ConvOps.cpp), which share the output-size formulas with ConvSpec.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_CONV_OPS_TD
#define CONVJIT_CONV_OPS_TD

include "Conv/ConvBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// Static shapes only: every layer comes from a fully specified ConvSpec, and
// the lowering may rely on it.
def Conv_Tensor : StaticShapeTensorOf<[F32]>;

// Enum attributes are spelled as bare keywords (`layout nhwc`, `pool max`)
// through custom<EnumKeyword>: the default EnumAttr printing would emit a
// second space before the keyword.
class Conv_Op<string mnemonic, list<Trait> traits = []>
    : Op<Conv_Dialect, mnemonic, !listconcat([Pure], traits)> {
  let hasVerifier = 1;
  let results = (outs Conv_Tensor:$output);
}

def Conv_ConvOp : Conv_Op<"conv"> {
  let summary = "grouped 1-D/2-D/3-D convolution (torch.nn.Conv1d/2d/3d)";
  let description = [{
    `output = relu?(conv(input, weight) + bias?)`. The spatial rank (1-3) is
    the input rank minus 2. `layout` says where the channel dimension of the
    input and output sits; the weight is always (oc, ic/groups, k...).
    `pad_lo`/`pad_hi` are the zero padding before/after each spatial dim.

    ```mlir
    %y = conv.conv %x, %w bias(%b) stride [2, 2] dilation [1, 1]
           pad [1, 1] to [0, 1] groups 4 layout nhwc relu
           : (tensor<1x8x8x16xf32>, tensor<32x4x3x3xf32>, tensor<32xf32>)
           -> tensor<1x4x4x32xf32>
    ```
  }];
  let arguments = (ins Conv_Tensor:$input, Conv_Tensor:$weight,
                   Optional<Conv_Tensor>:$bias,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$pad_lo, DenseI64ArrayAttr:$pad_hi,
                   I64Attr:$groups, Conv_LayoutAttr:$layout,
                   UnitAttr:$relu);
  let assemblyFormat = [{
    $input `,` $weight (`bias` `(` $bias^ `)`)?
    `stride` $strides `dilation` $dilations `pad` $pad_lo `to` $pad_hi
    `groups` $groups `layout` custom<EnumKeyword>($layout) (`relu` $relu^)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def Conv_ConvTransposeOp : Conv_Op<"conv_transpose"> {
  let summary = "grouped transposed convolution (torch.nn.ConvTranspose*d)";
  let description = [{
    The weight is (ic, oc/groups, k...), as PyTorch stores it. `pad_lo` /
    `pad_hi` crop the full transposed output (PyTorch's `padding`, here
    possibly asymmetric); `output_padding` adds rows at the high end and must
    be smaller than the stride or the dilation of its dimension.

    ```mlir
    %y = conv.conv_transpose %x, %w stride [2, 2] dilation [1, 1]
           pad [1, 1] to [1, 1] output_padding [1, 1] groups 1 layout nchw
           : (tensor<1x16x8x8xf32>, tensor<16x8x3x3xf32>)
           -> tensor<1x8x16x16xf32>
    ```
  }];
  let arguments = (ins Conv_Tensor:$input, Conv_Tensor:$weight,
                   Optional<Conv_Tensor>:$bias,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$pad_lo, DenseI64ArrayAttr:$pad_hi,
                   DenseI64ArrayAttr:$output_padding,
                   I64Attr:$groups, Conv_LayoutAttr:$layout,
                   UnitAttr:$relu);
  let assemblyFormat = [{
    $input `,` $weight (`bias` `(` $bias^ `)`)?
    `stride` $strides `dilation` $dilations `pad` $pad_lo `to` $pad_hi
    `output_padding` $output_padding
    `groups` $groups `layout` custom<EnumKeyword>($layout) (`relu` $relu^)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def Conv_DeformConvOp : Conv_Op<"deform_conv", [AttrSizedOperandSegments]> {
  let summary = "2-D deformable convolution (torchvision.ops.deform_conv2d)";
  let description = [{
    Samples the input bilinearly at the kernel taps moved by `offset`
    ((dy, dx) pairs: 2*deform_groups*kh*kw channels at the output's spatial
    size), optionally scaled by `mask` (DCNv2: deform_groups*kh*kw channels).
    `layout` applies to input, offset, mask and output alike. Operands are in
    the order input, offset, mask, weight, bias.

    ```mlir
    %y = conv.deform_conv %x, %off mask(%m), %w bias(%b) stride [1, 1]
           dilation [1, 1] pad [1, 1] to [1, 1] groups 1 deform_groups 1
           layout nchw
           : (tensor<1x4x8x8xf32>, tensor<1x18x8x8xf32>, tensor<1x9x8x8xf32>,
              tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
    ```
  }];
  let arguments = (ins Conv_Tensor:$input, Conv_Tensor:$offset,
                   Optional<Conv_Tensor>:$mask, Conv_Tensor:$weight,
                   Optional<Conv_Tensor>:$bias,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$pad_lo, DenseI64ArrayAttr:$pad_hi,
                   I64Attr:$groups, I64Attr:$deform_groups,
                   Conv_LayoutAttr:$layout, UnitAttr:$relu);
  let assemblyFormat = [{
    $input `,` $offset (`mask` `(` $mask^ `)`)? `,` $weight
    (`bias` `(` $bias^ `)`)?
    `stride` $strides `dilation` $dilations `pad` $pad_lo `to` $pad_hi
    `groups` $groups `deform_groups` $deform_groups
    `layout` custom<EnumKeyword>($layout) (`relu` $relu^)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def Conv_PoolOp : Conv_Op<"pool"> {
  let summary = "max or average pooling (torch.nn.MaxPool*d / AvgPool*d)";
  let description = [{
    Floor-mode pooling over a `kernel` window. Max pooling ignores padded
    elements; average pooling counts them in the divisor (PyTorch's
    count_include_pad=True), so the divisor is always prod(kernel).

    ```mlir
    %y = conv.pool max %x kernel [3, 3] stride [2, 2] dilation [1, 1]
           pad [1, 1] to [1, 1] layout nchw
           : (tensor<1x16x8x8xf32>) -> tensor<1x16x4x4xf32>
    ```
  }];
  let arguments = (ins Conv_Tensor:$input, Conv_PoolKindAttr:$kind,
                   DenseI64ArrayAttr:$kernel,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$pad_lo, DenseI64ArrayAttr:$pad_hi,
                   Conv_LayoutAttr:$layout, UnitAttr:$relu);
  let assemblyFormat = [{
    custom<EnumKeyword>($kind) $input `kernel` $kernel
    `stride` $strides `dilation` $dilations `pad` $pad_lo `to` $pad_hi
    `layout` custom<EnumKeyword>($layout) (`relu` $relu^)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def Conv_ChannelShuffleOp : Conv_Op<"channel_shuffle"> {
  let summary = "channel shuffle (torch.nn.ChannelShuffle)";
  let description = [{
    Views the channels as (groups, c/groups), transposes to (c/groups,
    groups) and flattens back, then applies the optional ReLU. The output
    type equals the input type.

    ```mlir
    %y = conv.channel_shuffle %x groups 4 layout nhwc
           : (tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
    ```
  }];
  let arguments = (ins Conv_Tensor:$input, I64Attr:$groups,
                   Conv_LayoutAttr:$layout, UnitAttr:$relu);
  let assemblyFormat = [{
    $input `groups` $groups `layout` custom<EnumKeyword>($layout)
    (`relu` $relu^)? attr-dict `:` functional-type(operands, results)
  }];
}

#endif // CONVJIT_CONV_OPS_TD
