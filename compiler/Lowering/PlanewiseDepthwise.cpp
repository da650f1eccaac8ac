//===- PlanewiseDepthwise.cpp - A channels-first depthwise conv -----------===//

#include "Lowering/PlanewiseDepthwise.h"
#include "Lowering/ChannelBlockLoops.h"
#include "Lowering/LinalgHelpers.h"
#include "Lowering/LoweringAttrs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace convjit::lowering {

bool isDepthwise(conv::ConvOp op) {
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  int64_t groups = static_cast<int64_t>(op.getGroups());
  unsigned channelDim = channelDimOf(op.getLayout(), outType.getRank());
  return groups > 1 && inType.getDimSize(channelDim) == groups &&
         outType.getDimSize(channelDim) == groups &&
         op->getDiscardableAttrDictionary().empty();
}

bool lowersPlanewise(conv::ConvOp op) {
  constexpr int64_t kMinRow = 32;
  return op.getLayout() == conv::Layout::nchw && isDepthwise(op) &&
         op.getStrides().back() == 1 &&
         op.getType().getShape().back() >= kMinRow;
}

/// relu?(bias + depthwise conv) of `op` on the planes of `input` (all of
/// the layer's or a block of them), as a tensor of type `outType`.
static Value buildPlanes(OpBuilder &b, Location loc, conv::ConvOp op,
                         Value input, Value weight, Value bias,
                         RankedTensorType outType) {
  MLIRContext *ctx = b.getContext();
  unsigned r = outType.getRank() - 2;

  Value padded = padSpatial(b, loc, input, op.getPadLo(), op.getPadHi(), 0.0f,
                            /*firstSpatialDim=*/2);
  // [C, 1, K...] -> [C, K...]
  SmallVector<ReassociationIndices> dropUnit{{0, 1}};
  for (unsigned i = 0; i < r; ++i)
    dropUnit.push_back({2 + i});
  Value planeWeight = tensor::CollapseShapeOp::create(b, loc, weight, dropUnit);

  Value init;
  if (bias) {
    SmallVector<int64_t> notChannel{0};
    for (unsigned i = 0; i < r; ++i)
      notChannel.push_back(2 + i);
    Value empty = tensor::EmptyOp::create(b, loc, outType.getShape(),
                                          outType.getElementType());
    init = linalg::BroadcastOp::create(b, loc, bias, empty, notChannel)
               .getResult()
               .front();
  } else {
    init = filledTensor(b, loc, outType.getShape(), 0.0f);
  }

  // Loops (n, c, o..., k...).
  unsigned count = 2 + 2 * r;
  auto dim = [&](unsigned d) { return getAffineDimExpr(d, ctx); };
  SmallVector<AffineExpr> inExprs{dim(0), dim(1)}, weightExprs{dim(1)},
      outExprs{dim(0), dim(1)};
  for (unsigned i = 0; i < r; ++i) {
    inExprs.push_back(dim(2 + i) * op.getStrides()[i] +
                      dim(2 + r + i) * op.getDilations()[i]);
    weightExprs.push_back(dim(2 + r + i));
    outExprs.push_back(dim(2 + i));
  }
  SmallVector<utils::IteratorType> iterators(2 + r,
                                             utils::IteratorType::parallel);
  iterators.append(r, utils::IteratorType::reduction);
  auto planes = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{padded, planeWeight},
      ValueRange{init},
      ArrayRef<AffineMap>{AffineMap::get(count, 0, inExprs, ctx),
                          AffineMap::get(count, 0, weightExprs, ctx),
                          AffineMap::get(count, 0, outExprs, ctx)},
      iterators, [](OpBuilder &nb, Location nl, ValueRange args) {
        Value product = arith::MulFOp::create(nb, nl, args[0], args[1]);
        Value sum = arith::AddFOp::create(nb, nl, args[2], product);
        linalg::YieldOp::create(nb, nl, sum);
      });
  planes->setAttr(kPlanewiseAttr, b.getUnitAttr());
  Value result = planes.getResult(0);
  return op.getRelu() ? applyRelu(b, loc, result) : result;
}

/// How many planes (channels of an image) to compute at a time; 0 for all
/// of the layer's at once.
static int64_t planesPerBlock(conv::ConvOp op) {
  // The border regions revisit the edges of every plane the interior
  // computed: beyond an L2 those come back from L3 or memory. Then blocks
  // of planes whose input and output take a quarter of an L2 at most:
  // 112x112x32 at n=4 1.07x as fast as whole tensors at 1 thread (blocks
  // of 128 KiB to 1 MiB alike), MobileNetV2's 56x56x144 at n=4 1.35x (by
  // channel blocks: ChannelBlockedDepthwise.h). Not when a plane alone is
  // larger (a 16x56x56 volume: 0.88x at 2 threads, which shared each
  // region's rows before), nor for 1-D rows, whose borders are their ends.
  constexpr int64_t kL2Bytes = 1 << 20;
  constexpr int64_t kBlockBytes = kL2Bytes / 4;
  auto inType = op.getInput().getType();
  auto outType = op.getType();
  int64_t planeBytes =
      4 * (ShapedType::getNumElements(inType.getShape().drop_front(2)) +
           ShapedType::getNumElements(outType.getShape().drop_front(2)));
  int64_t channels = outType.getDimSize(1);
  if (outType.getRank() < 4 || planeBytes > kBlockBytes ||
      outType.getDimSize(0) * channels * planeBytes <= kL2Bytes)
    return 0;
  int64_t planes = 1;
  for (int64_t divisor = 2; divisor <= channels; ++divisor)
    if (channels % divisor == 0 && divisor * planeBytes <= kBlockBytes)
      planes = divisor;
  return planes;
}

Value buildPlanewiseDepthwise(OpBuilder &b, conv::ConvOp op, Value input,
                              Value weight, Value bias) {
  Location loc = op.getLoc();
  auto outType = cast<RankedTensorType>(op.getType());
  int64_t perBlock = planesPerBlock(op);
  if (perBlock == 0)
    return buildPlanes(b, loc, op, input, weight, bias, outType);
  return buildByChannelBlocks(
      b, loc, outType, /*channelDim=*/1, perBlock,
      [&](OpBuilder &nb, Location nl, const ChannelBlock &block) {
        Value planes = block.activation(nb, nl, input, 1);
        Value planeWeight = block.channelsOf(nb, nl, weight);
        Value planeBias = bias ? block.channelsOf(nb, nl, bias) : Value();
        return buildPlanes(
            nb, nl, op, planes, planeWeight, planeBias,
            RankedTensorType::get(block.shape, outType.getElementType()));
      });
}

} // namespace convjit::lowering
