//===- ChannelsFirstPointwise.cpp - A 1x1 conv on nchw as W x X -----------===//

#include "Lowering/ChannelsFirstPointwise.h"
#include "Lowering/ConvCore.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace convjit::lowering {

/// The vector lanes a row of `positions` floats fills, as a fraction of the
/// lanes it occupies.
static double laneUse(int64_t positions) {
  constexpr int64_t kLanes = 16; // AVX-512; on AVX2 a row fills more
  int64_t occupied = (positions + kLanes - 1) / kLanes * kLanes;
  return static_cast<double>(positions) / static_cast<double>(occupied);
}

bool lowersChannelsFirstPointwise(conv::ConvOp op) {
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto weightType = cast<RankedTensorType>(op.getWeight().getType());
  auto isOne = [](int64_t v) { return v == 1; };
  auto isZero = [](int64_t v) { return v == 0; };
  int64_t positions = 1;
  for (int64_t size : inType.getShape().drop_front(2))
    positions *= size;
  // Positions are the core's vector lanes: a row that leaves lanes empty
  // (7x7 = 49 in 4 vectors) wastes FMAs the channels-last path does not.
  constexpr double kMinLaneUse = 0.9;
  return op.getLayout() == conv::Layout::nchw && op.getGroups() == 1 &&
         inType.getDimSize(0) == 1 &&
         llvm::all_of(weightType.getShape().drop_front(2), isOne) &&
         llvm::all_of(op.getStrides(), isOne) &&
         llvm::all_of(op.getPadLo(), isZero) &&
         llvm::all_of(op.getPadHi(), isZero) &&
         laneUse(positions) >= kMinLaneUse &&
         op->getDiscardableAttrDictionary().empty();
}

Value buildChannelsFirstPointwise(OpBuilder &b, conv::ConvOp op, Value input,
                                  Value weight, Value bias) {
  Location loc = op.getLoc();
  auto inType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  auto outType = cast<RankedTensorType>(op.getType());
  int64_t rank = inType.getRank();
  int64_t inChannels = inType.getDimSize(1);
  int64_t outChannels = outType.getDimSize(1);
  int64_t positions = 1;
  for (int64_t size : inType.getShape().drop_front(2))
    positions *= size;
  Type f32 = b.getF32Type();

  // [1, C, S...] <-> [1, C, P], all views.
  SmallVector<ReassociationIndices> flattenSpatial{{0}, {1}, {}};
  for (int64_t d = 2; d < rank; ++d)
    flattenSpatial.back().push_back(d);
  // The core's weight [K=1, IC, P] is the image itself.
  Value image = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({1, inChannels, positions}, f32), input,
      flattenSpatial);
  // The core's input [N=1, OC, IC] is the weight [OC, IC, 1...].
  SmallVector<ReassociationIndices> dropWindow{{0}, {}};
  for (int64_t d = 1; d < weightType.getRank(); ++d)
    dropWindow.back().push_back(d);
  Value matrix = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({outChannels, inChannels}, f32), weight,
      dropWindow);
  Value rows = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({1, outChannels, inChannels}, f32), matrix,
      SmallVector<ReassociationIndices>{{0, 1}, {2}});

  static const int64_t kUnit[] = {1};
  ConvCoreOperands core;
  core.input = rows;
  core.strides = kUnit;
  core.dilations = kUnit;
  core.weight = image;
  core.bias = bias;
  core.biasAlongRows = true;
  core.relu = op.getRelu();
  Value product = buildConvCore(b, loc, core, {1, outChannels, positions}, op);
  return tensor::ExpandShapeOp::create(b, loc, outType, product,
                                       flattenSpatial);
}

} // namespace convjit::lowering
