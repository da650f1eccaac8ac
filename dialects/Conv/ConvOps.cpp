//===- ConvOps.cpp - Shape rules of the conv ops --------------------------===//
//
// Every verifier message names the operand or attribute, the dimension and
// both the expected and the actual value, so a wrong layer can be fixed from
// the message alone. Output sizes come from Spec/ShapeFormulas.h, the one
// definition ConvSpec also uses, so spec and dialect cannot disagree.
//
//===----------------------------------------------------------------------===//

#include "Conv/ConvOps.h"
#include "Spec/ShapeFormulas.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

#include <string>

using namespace mlir;
using namespace convjit;
using namespace convjit::conv;

//===----------------------------------------------------------------------===//
// custom<EnumKeyword>: an enum attribute as a bare keyword
//===----------------------------------------------------------------------===//

template <typename EnumAttrT>
static ParseResult parseEnumKeyword(OpAsmParser &parser, EnumAttrT &attr) {
  using EnumT = decltype(std::declval<EnumAttrT>().getValue());
  FailureOr<EnumT> value = FieldParser<EnumT>::parse(parser);
  if (failed(value))
    return failure();
  attr = EnumAttrT::get(parser.getContext(), *value);
  return success();
}

template <typename EnumAttrT>
static void printEnumKeyword(OpAsmPrinter &printer, Operation *,
                             EnumAttrT attr) {
  printer << stringifyEnum(attr.getValue());
}

#define GET_OP_CLASSES
#include "Conv/ConvOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Shape helpers
//===----------------------------------------------------------------------===//

namespace {
/// An activation shape split by its layout.
struct Activation {
  int64_t batch = 0;
  int64_t channels = 0;
  SmallVector<int64_t, 3> spatial;
};

/// One window attribute (strides, pads, ...) and the least value it allows.
struct WindowAttr {
  StringRef name;
  ArrayRef<int64_t> values;
  int64_t minValue;
};

/// What the checks common to conv, conv_transpose and deform_conv derived,
/// for the op-specific checks that follow them.
struct ConvGeometry {
  Activation input;
  int64_t outChannels = 0;
  SmallVector<int64_t, 3> kernel;
  SmallVector<int64_t, 3> outSpatial;
};
} // namespace

static Activation splitActivation(ArrayRef<int64_t> shape, Layout layout) {
  Activation act;
  act.batch = shape.front();
  if (layout == Layout::nchw) {
    act.channels = shape[1];
    act.spatial.assign(shape.begin() + 2, shape.end());
  } else {
    act.channels = shape.back();
    act.spatial.assign(shape.begin() + 1, shape.end() - 1);
  }
  return act;
}

static SmallVector<int64_t, 5> joinActivation(int64_t batch, int64_t channels,
                                              ArrayRef<int64_t> spatial,
                                              Layout layout) {
  SmallVector<int64_t, 5> shape{batch};
  if (layout == Layout::nchw)
    shape.push_back(channels);
  shape.append(spatial.begin(), spatial.end());
  if (layout == Layout::nhwc)
    shape.push_back(channels);
  return shape;
}

/// "1x16x8x8", the way tensor types spell a shape.
static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, "x");
  return text;
}

/// "[1, 0]", the way the custom assembly spells an array attribute.
static std::string formatArray(ArrayRef<int64_t> values) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(values, os);
  os << ']';
  return text;
}

//===----------------------------------------------------------------------===//
// Checks shared by several ops
//===----------------------------------------------------------------------===//

/// The spatial rank (1-3) of a layer, from its input rank (2 + spatial rank).
static FailureOr<unsigned> verifyInputRank(Operation *op,
                                           RankedTensorType input) {
  int64_t rank = input.getRank();
  if (rank < 3 || rank > 5) {
    op->emitOpError("input must have rank 3, 4 or 5 (batch, channels and 1-3 "
                    "spatial dims), got ")
        << rank;
    return failure();
  }
  return static_cast<unsigned>(rank - 2);
}

static LogicalResult verifyRank(Operation *op, StringRef operand,
                                RankedTensorType type, int64_t rank,
                                StringRef dims) {
  if (type.getRank() == rank)
    return success();
  return op->emitOpError() << operand << " must have rank " << rank << " "
                           << dims << ", got " << type.getRank();
}

static LogicalResult verifyWindowAttrs(Operation *op, unsigned spatialRank,
                                       ArrayRef<WindowAttr> attrs) {
  for (const WindowAttr &attr : attrs) {
    if (attr.values.size() != spatialRank)
      return op->emitOpError()
             << "'" << attr.name << "' must have one entry per spatial dim ("
             << spatialRank << "), got " << attr.values.size();
    if (llvm::any_of(attr.values,
                     [&](int64_t v) { return v < attr.minValue; }))
      return op->emitOpError()
             << "'" << attr.name << "' entries must be >= " << attr.minValue
             << ", got " << formatArray(attr.values);
  }
  return success();
}

static LogicalResult verifyGroupsDivide(Operation *op, StringRef groupsName,
                                        int64_t groups, StringRef channelsName,
                                        int64_t channels) {
  if (groups < 1)
    return op->emitOpError()
           << "'" << groupsName << "' must be >= 1, got " << groups;
  if (channels % groups != 0)
    return op->emitOpError()
           << channelsName << " (" << channels << ") must be divisible by '"
           << groupsName << "' (" << groups << ")";
  return success();
}

static constexpr StringLiteral kWindowTooLarge =
    "the dilated window is larger than the padded input";
static constexpr StringLiteral kCroppedAway =
    "the padding crops the whole output";

static LogicalResult verifyOutSpatialPositive(Operation *op,
                                              ArrayRef<int64_t> outSpatial,
                                              StringRef reason) {
  for (auto [dim, size] : llvm::enumerate(outSpatial))
    if (size < 1)
      return op->emitOpError() << "output size along spatial dim " << dim
                               << " would be " << size << ": " << reason;
  return success();
}

/// `why` says where the expected shape comes from, for the message.
static LogicalResult verifyShape(Operation *op, StringRef operand,
                                 RankedTensorType type,
                                 ArrayRef<int64_t> expected, StringRef why) {
  if (type.getShape() == expected)
    return success();
  return op->emitOpError() << operand << " shape must be "
                           << formatShape(expected) << " (" << why
                           << "), got " << formatShape(type.getShape());
}

/// The checks conv, conv_transpose and deform_conv share: ranks, window
/// attributes, groups, weight, bias and output shapes. `outputPadding` is
/// non-empty exactly for conv_transpose, whose weight is (ic, oc/g, k...).
template <typename OpT>
static FailureOr<ConvGeometry>
verifyWeightedConv(OpT op, bool transposed, ArrayRef<int64_t> outputPadding) {
  Operation *operation = op.getOperation();
  RankedTensorType inputType = op.getInput().getType();
  RankedTensorType weightType = op.getWeight().getType();
  Layout layout = op.getLayout();

  FailureOr<unsigned> spatialRank = verifyInputRank(operation, inputType);
  if (failed(spatialRank))
    return failure();
  if (failed(verifyRank(operation, "weight", weightType, inputType.getRank(),
                        transposed ? "(ic, oc/groups, k...)"
                                   : "(oc, ic/groups, k...)")))
    return failure();

  SmallVector<WindowAttr, 5> windowAttrs = {
      {"strides", op.getStrides(), 1},
      {"dilations", op.getDilations(), 1},
      {"pad_lo", op.getPadLo(), 0},
      {"pad_hi", op.getPadHi(), 0}};
  if (transposed)
    windowAttrs.push_back({"output_padding", outputPadding, 0});
  if (failed(verifyWindowAttrs(operation, *spatialRank, windowAttrs)))
    return failure();

  ConvGeometry geo;
  geo.input = splitActivation(inputType.getShape(), layout);
  int64_t ic = geo.input.channels;
  auto groups = static_cast<int64_t>(op.getGroups());
  if (failed(verifyGroupsDivide(operation, "groups", groups, "input channels",
                                ic)))
    return failure();

  ArrayRef<int64_t> weight = weightType.getShape();
  if (transposed) {
    if (weight[0] != ic)
      return operation->emitOpError()
             << "weight dim 0 (" << weight[0]
             << ") must equal the input channels (" << ic << ")";
    geo.outChannels = weight[1] * groups;
  } else {
    geo.outChannels = weight[0];
    if (failed(verifyGroupsDivide(operation, "groups", groups,
                                  "output channels", geo.outChannels)))
      return failure();
    if (weight[1] != ic / groups)
      return operation->emitOpError()
             << "weight dim 1 (" << weight[1]
             << ") must equal input channels / groups (" << ic / groups << ")";
  }
  geo.kernel.assign(weight.begin() + 2, weight.end());
  if (llvm::any_of(geo.kernel, [](int64_t k) { return k < 1; }))
    return operation->emitOpError()
           << "weight kernel sizes must be >= 1, got "
           << formatShape(geo.kernel);

  ArrayRef<int64_t> strides = op.getStrides();
  ArrayRef<int64_t> dilations = op.getDilations();
  for (auto [dim, extra] : llvm::enumerate(outputPadding))
    if (extra >= strides[dim] && extra >= dilations[dim])
      return operation->emitOpError()
             << "'output_padding' (" << extra << ") along spatial dim " << dim
             << " must be smaller than the stride (" << strides[dim]
             << ") or the dilation (" << dilations[dim] << ")";

  if (Value bias = op.getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getShape() != ArrayRef<int64_t>{geo.outChannels})
      return operation->emitOpError()
             << "bias shape must be " << geo.outChannels
             << " (the output channels), got "
             << formatShape(biasType.getShape());
  }

  ArrayRef<int64_t> padLo = op.getPadLo(), padHi = op.getPadHi();
  for (unsigned d = 0; d < *spatialRank; ++d) {
    int64_t in = geo.input.spatial[d], k = geo.kernel[d];
    geo.outSpatial.push_back(
        transposed
            ? convTransposeOutputSize(in, k, strides[d], dilations[d],
                                      padLo[d], padHi[d], outputPadding[d])
            : convOutputSize(in, k, strides[d], dilations[d], padLo[d],
                             padHi[d]));
  }
  if (failed(verifyOutSpatialPositive(
          operation, geo.outSpatial,
          transposed ? kCroppedAway : kWindowTooLarge)))
    return failure();

  std::string why = ("layout " + stringifyLayout(layout)).str();
  if (failed(verifyShape(operation, "output", op.getOutput().getType(),
                         joinActivation(geo.input.batch, geo.outChannels,
                                        geo.outSpatial, layout),
                         why)))
    return failure();
  return geo;
}

//===----------------------------------------------------------------------===//
// Op verifiers
//===----------------------------------------------------------------------===//

LogicalResult ConvOp::verify() {
  return verifyWeightedConv(*this, /*transposed=*/false, /*outputPadding=*/{});
}

LogicalResult ConvTransposeOp::verify() {
  return verifyWeightedConv(*this, /*transposed=*/true, getOutputPadding());
}

LogicalResult DeformConvOp::verify() {
  Operation *op = getOperation();
  int64_t rank = getInput().getType().getRank();
  if (rank != 4)
    return emitOpError("is 2-D only: input must have rank 4, got ") << rank;

  FailureOr<ConvGeometry> geo =
      verifyWeightedConv(*this, /*transposed=*/false, /*outputPadding=*/{});
  if (failed(geo))
    return failure();

  auto deformGroups = static_cast<int64_t>(getDeformGroups());
  if (failed(verifyGroupsDivide(op, "deform_groups", deformGroups,
                                "input channels", geo->input.channels)))
    return failure();

  int64_t taps = geo->kernel[0] * geo->kernel[1];
  Layout layout = getLayout();
  StringRef layoutName = stringifyLayout(layout);
  int64_t offsetChannels = 2 * deformGroups * taps;
  if (failed(verifyShape(
          op, "offset", getOffset().getType(),
          joinActivation(geo->input.batch, offsetChannels, geo->outSpatial,
                         layout),
          ("2*deform_groups*kh*kw = " + Twine(offsetChannels) +
           " channels at the output's spatial size, layout " + layoutName)
              .str())))
    return failure();

  if (Value mask = getMask()) {
    int64_t maskChannels = deformGroups * taps;
    if (failed(verifyShape(
            op, "mask", cast<RankedTensorType>(mask.getType()),
            joinActivation(geo->input.batch, maskChannels, geo->outSpatial,
                           layout),
            ("deform_groups*kh*kw = " + Twine(maskChannels) +
             " channels at the output's spatial size, layout " + layoutName)
                .str())))
      return failure();
  }
  return success();
}

LogicalResult PoolOp::verify() {
  Operation *op = getOperation();
  RankedTensorType inputType = getInput().getType();
  FailureOr<unsigned> spatialRank = verifyInputRank(op, inputType);
  if (failed(spatialRank))
    return failure();

  ArrayRef<int64_t> kernel = getKernel(), strides = getStrides(),
                    dilations = getDilations(), padLo = getPadLo(),
                    padHi = getPadHi();
  if (failed(verifyWindowAttrs(op, *spatialRank,
                               {{"kernel", kernel, 1},
                                {"strides", strides, 1},
                                {"dilations", dilations, 1},
                                {"pad_lo", padLo, 0},
                                {"pad_hi", padHi, 0}})))
    return failure();

  Layout layout = getLayout();
  Activation input = splitActivation(inputType.getShape(), layout);
  SmallVector<int64_t, 3> outSpatial;
  for (unsigned d = 0; d < *spatialRank; ++d)
    outSpatial.push_back(convOutputSize(input.spatial[d], kernel[d],
                                        strides[d], dilations[d], padLo[d],
                                        padHi[d]));
  if (failed(verifyOutSpatialPositive(op, outSpatial, kWindowTooLarge)))
    return failure();
  return verifyShape(
      op, "output", getOutput().getType(),
      joinActivation(input.batch, input.channels, outSpatial, layout),
      ("layout " + stringifyLayout(layout)).str());
}

LogicalResult ChannelShuffleOp::verify() {
  Operation *op = getOperation();
  RankedTensorType inputType = getInput().getType();
  if (failed(verifyInputRank(op, inputType)))
    return failure();
  Activation input = splitActivation(inputType.getShape(), getLayout());
  if (failed(verifyGroupsDivide(op, "groups",
                                static_cast<int64_t>(getGroups()),
                                "input channels", input.channels)))
    return failure();
  if (getOutput().getType() != inputType)
    return emitOpError("output type must equal the input type ")
           << inputType << ", got " << getOutput().getType();
  return success();
}
