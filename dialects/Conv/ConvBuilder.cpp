//===- ConvBuilder.cpp - conv dialect IR from ConvSpec --------------------===//
//
// A 1:1 map: every ConvSpec field becomes an operand type or an attribute of
// the layer's op. Validity is the op verifier's job; this file only guards
// the spec fields its own shape arithmetic reads, so a malformed spec gives
// an error rather than an out-of-range read or a division by zero.
//
//===----------------------------------------------------------------------===//

#include "Conv/ConvBuilder.h"
#include "Conv/ConvOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace convjit;

static llvm::Error buildError(const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// MLIR's bare-id: (letter|_) (letter|digit|_|$|.)*
static bool isBareIdentifier(StringRef name) {
  if (name.empty() || !(llvm::isAlpha(name.front()) || name.front() == '_'))
    return false;
  return llvm::all_of(name.drop_front(), [](char c) {
    return llvm::isAlnum(c) || c == '_' || c == '$' || c == '.';
  });
}

std::string convjit::layerSymbolName(const ConvSpec &spec, unsigned index) {
  if (isBareIdentifier(spec.name))
    return spec.name;
  return ("layer" + Twine(index)).str();
}

static llvm::Error checkOnePerSpatialDim(StringRef key, const Dims &dims,
                                         unsigned rank) {
  if (dims.size() == rank)
    return llvm::Error::success();
  return buildError(key + " has " + Twine(dims.size()) + " entries, expected " +
                    Twine(rank) + " (one per spatial dim of in)");
}

/// The fields ConvSpec's shape methods index or divide by (window arrays,
/// stride, groups), and the shapes they produce: a tensor type cannot have a
/// negative size.
static llvm::Error checkBuildable(const ConvSpec &spec) {
  unsigned rank = spec.rank();
  if (spec.op != OpKind::ChannelShuffle) {
    for (auto [key, dims] : {std::make_pair("k", &spec.kernel),
                             std::make_pair("stride", &spec.stride),
                             std::make_pair("dilation", &spec.dilation),
                             std::make_pair("pad (lo)", &spec.padLo),
                             std::make_pair("pad (hi)", &spec.padHi)})
      if (llvm::Error error = checkOnePerSpatialDim(key, *dims, rank))
        return error;
    if (llvm::any_of(spec.stride, [](int64_t s) { return s < 1; }))
      return buildError("stride entries must be >= 1");
  }
  if (spec.op == OpKind::ConvTranspose)
    if (llvm::Error error =
            checkOnePerSpatialDim("output_padding", spec.outputPadding, rank))
      return error;
  if (spec.hasWeights() && spec.groups < 1)
    return buildError("groups must be >= 1, got " + Twine(spec.groups));

  for (auto [dim, size] : llvm::enumerate(spec.outSpatial()))
    if (size < 1)
      return buildError("output size along spatial dim " + Twine(dim) +
                        " would be " + Twine(size) + ": " +
                        (spec.op == OpKind::ConvTranspose
                             ? "the padding crops the whole output"
                             : "the dilated window is larger than the "
                               "padded input"));

  for (auto [what, shape] : {std::make_pair("input", spec.inputShape()),
                             std::make_pair("weight", spec.weightShape()),
                             std::make_pair("bias", spec.biasShape()),
                             std::make_pair("offset", spec.offsetShape()),
                             std::make_pair("mask", spec.maskShape()),
                             std::make_pair("output", spec.outputShape())})
    if (llvm::any_of(shape, [](int64_t size) { return size < 0; })) {
      std::string text;
      llvm::raw_string_ostream os(text);
      llvm::interleave(shape, os, "x");
      return buildError(Twine(what) + " shape has a negative size: " + text);
    }
  return llvm::Error::success();
}

static conv::Layout dialectLayout(Layout layout) {
  return layout == Layout::ChannelsFirst ? conv::Layout::nchw
                                         : conv::Layout::nhwc;
}

namespace {
/// The function arguments of a layer, null where the spec has no such tensor.
struct LayerOperands {
  Value input, offset, mask, weight, bias;
};
} // namespace

static Value buildLayerOp(OpBuilder &b, Location loc, const ConvSpec &spec,
                          Type outputType, const LayerOperands &args) {
  conv::Layout layout = dialectLayout(spec.layout);
  switch (spec.op) {
  case OpKind::Conv:
    return conv::ConvOp::create(b, loc, outputType, args.input, args.weight,
                                args.bias, spec.stride, spec.dilation,
                                spec.padLo, spec.padHi, spec.groups, layout,
                                spec.relu);
  case OpKind::ConvTranspose:
    return conv::ConvTransposeOp::create(
        b, loc, outputType, args.input, args.weight, args.bias, spec.stride,
        spec.dilation, spec.padLo, spec.padHi, spec.outputPadding,
        spec.groups, layout, spec.relu);
  case OpKind::DeformConv:
    return conv::DeformConvOp::create(
        b, loc, outputType, args.input, args.offset, args.mask, args.weight,
        args.bias, spec.stride, spec.dilation, spec.padLo, spec.padHi,
        spec.groups, spec.deformGroups, layout, spec.relu);
  case OpKind::MaxPool:
  case OpKind::AvgPool:
    return conv::PoolOp::create(
        b, loc, outputType, args.input,
        spec.op == OpKind::MaxPool ? conv::PoolKind::max : conv::PoolKind::avg,
        spec.kernel, spec.stride, spec.dilation, spec.padLo, spec.padHi,
        layout, spec.relu);
  case OpKind::ChannelShuffle:
    return conv::ChannelShuffleOp::create(b, loc, outputType, args.input,
                                          spec.groups, layout, spec.relu);
  }
  llvm_unreachable("unhandled OpKind");
}

llvm::Expected<OwningOpRef<func::FuncOp>>
convjit::buildLayerFunc(MLIRContext &context, const ConvSpec &spec,
                        StringRef name) {
  context.loadDialect<conv::ConvDialect, func::FuncDialect>();
  if (llvm::Error error = checkBuildable(spec))
    return std::move(error);

  OpBuilder b(&context);
  auto tensorOf = [&](ArrayRef<int64_t> shape) -> Type {
    return RankedTensorType::get(shape, b.getF32Type());
  };
  // Argument order is the JIT ABI: input, offset, mask, weight, bias.
  SmallVector<Type, 5> argTypes{tensorOf(spec.inputShape())};
  for (const Shape &shape : {spec.offsetShape(), spec.maskShape(),
                             spec.weightShape(), spec.biasShape()})
    if (!shape.empty())
      argTypes.push_back(tensorOf(shape));
  Type outputType = tensorOf(spec.outputShape());

  Location loc = NameLoc::get(b.getStringAttr(name));
  OwningOpRef<func::FuncOp> func = func::FuncOp::create(
      b, loc, name, b.getFunctionType(argTypes, outputType));
  Block *body = func->addEntryBlock();
  b.setInsertionPointToStart(body);

  LayerOperands args;
  auto next = body->args_begin();
  args.input = *next++;
  if (spec.op == OpKind::DeformConv) {
    args.offset = *next++;
    if (spec.mask)
      args.mask = *next++;
  }
  if (spec.hasWeights()) {
    args.weight = *next++;
    if (spec.bias)
      args.bias = *next++;
  }
  Value output = buildLayerOp(b, loc, spec, outputType, args);
  func::ReturnOp::create(b, loc, output);

  // The verifier's first message is the error; nothing reaches stderr.
  std::string firstError;
  ScopedDiagnosticHandler capture(&context, [&](Diagnostic &diag) {
    if (firstError.empty() && diag.getSeverity() == DiagnosticSeverity::Error)
      firstError = diag.str();
    return success();
  });
  if (failed(verify(*func)))
    return buildError(firstError);
  return std::move(func);
}

llvm::Expected<OwningOpRef<ModuleOp>>
convjit::buildConvModule(MLIRContext &context, ArrayRef<ConvSpec> specs) {
  context.loadDialect<conv::ConvDialect, func::FuncDialect>();
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&context));
  SymbolTable symbols(*module);
  for (auto [index, spec] : llvm::enumerate(specs)) {
    auto func = buildLayerFunc(context, spec, layerSymbolName(spec, index));
    if (!func)
      return buildError("layer " + Twine(index) + " (" +
                        opKindName(spec.op) +
                        "): " + llvm::toString(func.takeError()));
    symbols.insert(func->release());
  }
  return std::move(module);
}
