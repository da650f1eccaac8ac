//===- ChooseSchedules.cpp - Schedule choice and the data layout it needs -===//
//
// Every op worth a schedule gets one here, and the data layout it needs:
//
// - dense convolution cores (groups == 1): output channels split into blocks
//   of OCI (one register tile wide) with the weight packed [OCB, K..., IC,
//   OCI], so the weights a tile streams through are contiguous;
// - depthwise cores (one input and one output channel per group): a core
//   without the unit channel dims, weights packed [K..., C], vectorized
//   along C, their padded borders split off (BorderRegions.cpp); other
//   grouped cores keep their form, one group at a time, reading their input
//   group-major [N, G, S..., Cg];
// - pooling windows, scheduled like depthwise cores;
// - channels-first depthwise convs, vectorized along their rows;
// - layout transposes and elementwise epilogues, as vectorized tiles.
//
// The weight re-layouts read only the weights, so convjit-outline-packing
// later moves them into the pack function: they cost nothing per run.
//
//===----------------------------------------------------------------------===//

#include "Schedule/BorderRegions.h"
#include "Schedule/ConvSchedule.h"
#include "Schedule/Passes.h"

#include "Lowering/LinalgHelpers.h"
#include "Lowering/LoweringAttrs.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace convjit {
#define GEN_PASS_DEF_CONVJITCHOOSESCHEDULES
#include "Schedule/Passes.h.inc"
} // namespace convjit

using namespace mlir;
using namespace convjit;

static constexpr llvm::StringLiteral kWeightLayoutAttr =
    "convjit.weight_layout";

/// Reassociation grouping dims [from, from+count) into one, others alone.
static SmallVector<ReassociationIndices>
groupDims(int64_t rank, int64_t from, int64_t count) {
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d < rank;) {
    ReassociationIndices group{d};
    if (d == from)
      for (int64_t i = 1; i < count; ++i)
        group.push_back(d + i);
    groups.push_back(group);
    d += group.size();
  }
  return groups;
}

/// The number of leading unit dims `slice` drops when it takes one whole
/// [d...] element of a [i..., d...] stack, at any (loop-dependent) [i...];
/// 0 for any other slice.
static unsigned stackDepth(tensor::ExtractSliceOp slice) {
  RankedTensorType source = slice.getSourceType();
  RankedTensorType result = slice.getType();
  unsigned depth = source.getRank() - result.getRank();
  if (depth == 0 || !slice.hasUnitStride() || !result.hasStaticShape() ||
      source.getShape().drop_front(depth) != result.getShape())
    return 0;
  for (auto [i, offset] : llvm::enumerate(slice.getMixedOffsets()))
    if (i >= depth && !isZeroInteger(offset))
      return 0;
  if (llvm::any_of(slice.getStaticSizes().take_front(depth),
                   [](int64_t size) { return size != 1; }))
    return 0;
  return depth;
}

/// The `convjit.role` ("weight", "bias", "input") of the function argument
/// that `value` is computed from through reshapes, pads and single-input
/// ops, or empty when it is computed otherwise or the argument has no role. With
/// `throughSlices`, through extract_slice too (one image of a batch).
static StringRef sourceRole(Value value, bool throughSlices = false) {
  while (true) {
    if (auto arg = dyn_cast<BlockArgument>(value)) {
      auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
      if (!func)
        return {};
      auto role =
          func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "convjit.role");
      return role ? role.getValue() : StringRef();
    }
    Operation *def = value.getDefiningOp();
    if (auto reshape = dyn_cast_or_null<tensor::ExpandShapeOp>(def)) {
      value = reshape.getSrc();
    } else if (auto reshape = dyn_cast_or_null<tensor::CollapseShapeOp>(def)) {
      value = reshape.getSrc();
    } else if (auto pad = dyn_cast_or_null<tensor::PadOp>(def)) {
      value = pad.getSource();
    } else if (auto slice = dyn_cast_or_null<tensor::ExtractSliceOp>(def);
               slice && throughSlices) {
      value = slice.getSource();
    } else if (auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(def);
               linalgOp && linalgOp.getNumDpsInputs() == 1) {
      value = linalgOp.getDpsInputs()[0];
    } else {
      return {};
    }
  }
}

/// True when `value` is computed from the function's weights or bias alone:
/// convjit-outline-packing will move it into the pack function, which runs
/// once, so it needs no schedule.
static bool isWeightOnly(Value value) {
  StringRef role = sourceRole(value);
  return role == "weight" || role == "bias";
}

/// A generic that copies `source` into a new tensor of `shape`, reading
/// `source` at `readMap` of the result's index: a weight re-layout. A
/// `source` that is one element of a stack of weights (a transposed conv's
/// phases, one per iteration of a loop around the core) is re-laid out as
/// the whole stack, where the stack is defined, and sliced again: the
/// re-layout then depends on the weights alone, and
/// convjit-outline-packing moves it into the pack function.
static Value relayout(OpBuilder &b, Location loc, Value source,
                      ArrayRef<int64_t> shape, AffineMap readMap) {
  auto slice = source.getDefiningOp<tensor::ExtractSliceOp>();
  if (unsigned depth = slice ? stackDepth(slice) : 0) {
    ArrayRef<int64_t> stackDims =
        slice.getSourceType().getShape().take_front(depth);
    SmallVector<int64_t> stackShape(stackDims);
    stackShape.append(shape.begin(), shape.end());
    SmallVector<AffineExpr> stackRead;
    for (unsigned i = 0; i < depth; ++i)
      stackRead.push_back(b.getAffineDimExpr(i));
    for (AffineExpr expr : readMap.getResults())
      stackRead.push_back(expr.shiftDims(readMap.getNumDims(), depth));
    Value stack;
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointAfterValue(slice.getSource());
      stack = relayout(b, loc, slice.getSource(), stackShape,
                       AffineMap::get(depth + readMap.getNumDims(), 0,
                                      stackRead, b.getContext()));
    }
    SmallVector<OpFoldResult> offsets(slice.getMixedOffsets());
    offsets.truncate(depth);
    offsets.append(shape.size(), b.getIndexAttr(0));
    SmallVector<int64_t> sizes(depth, 1);
    sizes.append(shape.begin(), shape.end());
    return tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get(shape, b.getF32Type()), stack, offsets,
        getAsIndexOpFoldResult(b.getContext(), sizes),
        getAsIndexOpFoldResult(b.getContext(),
                               SmallVector<int64_t>(stackShape.size(), 1)));
  }
  Value init = tensor::EmptyOp::create(b, loc, shape, b.getF32Type());
  auto identity = b.getMultiDimIdentityMap(shape.size());
  SmallVector<utils::IteratorType> iterators(shape.size(),
                                             utils::IteratorType::parallel);
  auto copy = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{source}, ValueRange{init},
      ArrayRef<AffineMap>{readMap, identity}, iterators,
      [](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, args[0]);
      });
  copy->setAttr(kWeightLayoutAttr, b.getUnitAttr());
  return copy.getResult(0);
}

/// The output initializer of a core, rebuilt for a new output shape: a fill
/// is refilled, a bias broadcast re-broadcast from the bias reshaped by
/// `reshapeBias`; anything else is reshaped by `reshapeInit`.
static Value rebuildInit(OpBuilder &b, Location loc, Value init,
                         ArrayRef<int64_t> shape, int64_t channelDims,
                         llvm::function_ref<Value(Value)> reshapeBias,
                         llvm::function_ref<Value(Value)> reshapeInit) {
  Type f32 = b.getF32Type();
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    Value empty = tensor::EmptyOp::create(b, loc, shape, f32);
    return linalg::FillOp::create(b, loc, fill.getInputs(), ValueRange{empty})
        .getResult(0);
  }
  auto broadcast = init.getDefiningOp<linalg::BroadcastOp>();
  int64_t oldRank = broadcast ? broadcast.getInit().getType().getRank() : 0;
  if (broadcast && llvm::is_contained(broadcast.getDimensions(), oldRank - 1)) {
    // A bias along the rows (ChannelsFirstProduct.h), with the leading
    // dims unchanged: broadcast along every new channel dim.
    int64_t leading = static_cast<int64_t>(shape.size()) - channelDims;
    assert(leading == oldRank - 1 && "a row bias keeps the leading dims");
    SmallVector<int64_t> dims(broadcast.getDimensions().drop_back());
    for (int64_t d = leading; d < static_cast<int64_t>(shape.size()); ++d)
      dims.push_back(d);
    Value empty = tensor::EmptyOp::create(b, loc, shape, f32);
    return linalg::BroadcastOp::create(b, loc, broadcast.getInput(), empty,
                                       dims)
        .getResult()[0];
  }
  if (broadcast) {
    Value bias = reshapeBias(broadcast.getInput());
    Value empty = tensor::EmptyOp::create(b, loc, shape, f32);
    SmallVector<int64_t> dims;
    for (int64_t d = 0; d < static_cast<int64_t>(shape.size()) - channelDims;
         ++d)
      dims.push_back(d);
    return linalg::BroadcastOp::create(b, loc, bias, empty, dims)
        .getResult()[0];
  }
  return reshapeInit(init);
}

/// A new core generic with the old core's body.
static linalg::GenericOp buildCore(OpBuilder &b, Location loc,
                                   linalg::GenericOp old, Value input,
                                   Value weight, Value init,
                                   ArrayRef<AffineMap> maps,
                                   unsigned parallelLoops,
                                   unsigned reductionLoops) {
  SmallVector<utils::IteratorType> iterators(parallelLoops,
                                             utils::IteratorType::parallel);
  iterators.append(reductionLoops, utils::IteratorType::reduction);
  auto core = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{input, weight},
      ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location, ValueRange args) {
        IRMapping mapping;
        Block &body = old.getRegion().front();
        mapping.map(body.getArguments(), args);
        for (Operation &op : body)
          nb.clone(op, mapping);
      });
  for (NamedAttribute attr : old->getDiscardableAttrs())
    core->setAttr(attr.getName(), attr.getValue());
  return core;
}

/// groups == 1: out[n, o..., oc] -> out[n, o..., ocb, oci] with the weight
/// packed [OCB, K..., IC, OCI].
static Value blockDenseCore(RewriterBase &rewriter, linalg::GenericOp core,
                            const ConvCoreLoops &loops, int64_t blockSize) {
  Location loc = core.getLoc();
  MLIRContext *ctx = core.getContext();
  SmallVector<int64_t> bounds = core.getStaticLoopRanges();
  unsigned r = loops.rank;
  int64_t oc = bounds[loops.outChannel()];
  int64_t blocks = oc / blockSize;
  unsigned oldCount = loops.numLoops();
  unsigned newCount = oldCount + 1;
  unsigned ocPos = loops.outChannel();
  auto dim = [&](unsigned d) { return getAffineDimExpr(d, ctx); };

  // Old loop d in terms of the new loops: oc = ocb * OCI + oci, the loops
  // after it move one place out.
  SmallVector<AffineExpr> oldInNew;
  for (unsigned d = 0; d < oldCount; ++d)
    oldInNew.push_back(d < ocPos    ? dim(d)
                       : d == ocPos ? dim(ocPos) * blockSize + dim(ocPos + 1)
                                    : dim(d + 1));
  AffineMap inputMap = core.getIndexingMapsArray()[0].replaceDimsAndSymbols(
      oldInNew, {}, newCount, 0);

  rewriter.setInsertionPoint(core);
  // Weight [K..., IC, OC] -> [OCB, K..., IC, OCI]. A core weight that is
  // the kernel's input (a channels-first conv's image or columns) is not
  // copied but viewed as [K..., IC, OCB, OCI]: a packed copy would move the
  // whole image once more on every run.
  Value weight = core.getDpsInputs()[1];
  auto weightType = cast<RankedTensorType>(weight.getType());
  SmallVector<AffineExpr> windowAndIc;
  for (unsigned i = 0; i < r; ++i)
    windowAndIc.push_back(dim(loops.kernel(i) + 1));
  windowAndIc.push_back(dim(loops.inChannel() + 1));
  Value packed;
  SmallVector<AffineExpr> weightExprs;
  if (sourceRole(weight, /*throughSlices=*/true) != "input") {
    SmallVector<int64_t> packedShape{blocks};
    for (unsigned i = 0; i < r + 1; ++i)
      packedShape.push_back(weightType.getDimSize(i));
    packedShape.push_back(blockSize);
    SmallVector<AffineExpr> read;
    for (unsigned i = 0; i < r + 1; ++i)
      read.push_back(dim(1 + i));
    read.push_back(dim(0) * blockSize + dim(r + 2));
    packed = relayout(rewriter, loc, weight, packedShape,
                      AffineMap::get(r + 3, 0, read, ctx));
    weightExprs.push_back(dim(ocPos));
    weightExprs.append(windowAndIc);
  } else {
    SmallVector<int64_t> viewShape(weightType.getShape());
    viewShape.back() = blocks;
    viewShape.push_back(blockSize);
    packed = tensor::ExpandShapeOp::create(
        rewriter, loc,
        RankedTensorType::get(viewShape, weightType.getElementType()), weight,
        groupDims(viewShape.size(), viewShape.size() - 2, 2));
    weightExprs.append(windowAndIc);
    weightExprs.push_back(dim(ocPos));
  }
  weightExprs.push_back(dim(ocPos + 1));

  // Output [N, O..., OC] -> [N, O..., OCB, OCI].
  Value init = core.getDpsInits()[0];
  auto outType = cast<RankedTensorType>(init.getType());
  SmallVector<int64_t> blockedShape(outType.getShape());
  blockedShape.back() = blocks;
  blockedShape.push_back(blockSize);
  auto blockedType = RankedTensorType::get(blockedShape, outType.getElementType());
  auto splitLast = groupDims(blockedShape.size(), blockedShape.size() - 2, 2);
  Value blockedInit = rebuildInit(
      rewriter, loc, init, blockedShape, /*channelDims=*/2,
      [&](Value bias) -> Value {
        auto type = RankedTensorType::get({blocks, blockSize},
                                          outType.getElementType());
        return tensor::ExpandShapeOp::create(rewriter, loc, type, bias,
                                             groupDims(2, 0, 2));
      },
      [&](Value value) -> Value {
        return tensor::ExpandShapeOp::create(rewriter, loc, blockedType, value,
                                             splitLast);
      });
  SmallVector<AffineExpr> outExprs;
  for (unsigned d = 0; d <= ocPos + 1; ++d)
    outExprs.push_back(dim(d));

  linalg::GenericOp blocked = buildCore(
      rewriter, loc, core, core.getDpsInputs()[0], packed, blockedInit,
      {inputMap, AffineMap::get(newCount, 0, weightExprs, ctx),
       AffineMap::get(newCount, 0, outExprs, ctx)},
      ocPos + 2, r + 1);
  Value result = tensor::CollapseShapeOp::create(
      rewriter, loc, outType, blocked.getResult(0), splitLast);
  rewriter.replaceOp(core, result);
  return blocked.getResult(0);
}

/// One input and one output channel per group: out[n, o..., g, 0] ->
/// out[n, o..., c], the weight packed [K..., C] so a vector of channels
/// reads contiguous weights.
static Value depthwiseCore(RewriterBase &rewriter, linalg::GenericOp core,
                           const ConvCoreLoops &loops) {
  Location loc = core.getLoc();
  MLIRContext *ctx = core.getContext();
  unsigned r = loops.rank;
  auto dim = [&](unsigned d) { return getAffineDimExpr(d, ctx); };
  // New loops (n, o..., c, k...): old g -> c, old k -> shifted; old ocg and
  // icg (extent 1) -> 0.
  unsigned newCount = r + 2 + r;
  SmallVector<AffineExpr> oldInNew;
  for (int64_t d = 0; d < loops.numLoops(); ++d) {
    if (d <= loops.group())
      oldInNew.push_back(dim(d));
    else if (d == loops.outChannel() || d == loops.inChannel())
      oldInNew.push_back(getAffineConstantExpr(0, ctx));
    else
      oldInNew.push_back(dim(d - 1));
  }
  AffineMap oldInput = core.getIndexingMapsArray()[0];
  // Drop the input's trailing unit channel dim: [N, Ip..., C, 1] -> [.., C].
  SmallVector<AffineExpr> inputExprs;
  for (unsigned i = 0; i + 1 < oldInput.getNumResults(); ++i)
    inputExprs.push_back(
        oldInput.getResult(i).replaceDimsAndSymbols(oldInNew, {}));

  rewriter.setInsertionPoint(core);
  Value input = core.getDpsInputs()[0];
  auto inputType = cast<RankedTensorType>(input.getType());
  // The input is usually the lowering's split of [..., C] into [..., C, 1]:
  // take the unsplit tensor back rather than undoing the split.
  Value flatInput;
  auto split = input.getDefiningOp<tensor::ExpandShapeOp>();
  if (split && split.getSrcType().getRank() + 1 == inputType.getRank())
    flatInput = split.getSrc();
  else
    flatInput = tensor::CollapseShapeOp::create(
        rewriter, loc, input,
        groupDims(inputType.getRank(), inputType.getRank() - 2, 2));

  // Weight [C, K..., 1, 1] -> [K..., C].
  Value weight = core.getDpsInputs()[1];
  auto weightType = cast<RankedTensorType>(weight.getType());
  SmallVector<int64_t> packedShape;
  for (unsigned i = 0; i < r; ++i)
    packedShape.push_back(weightType.getDimSize(1 + i));
  packedShape.push_back(weightType.getDimSize(0));
  SmallVector<AffineExpr> read{dim(r)};
  for (unsigned i = 0; i < r; ++i)
    read.push_back(dim(i));
  read.append({getAffineConstantExpr(0, ctx), getAffineConstantExpr(0, ctx)});
  Value packed = relayout(rewriter, loc, weight, packedShape,
                          AffineMap::get(r + 1, 0, read, ctx));
  SmallVector<AffineExpr> weightExprs;
  for (unsigned i = 0; i < r; ++i)
    weightExprs.push_back(dim(r + 2 + i));
  weightExprs.push_back(dim(r + 1));

  Value init = core.getDpsInits()[0];
  auto outType = cast<RankedTensorType>(init.getType());
  SmallVector<int64_t> flatShape(outType.getShape().drop_back());
  auto flatType = RankedTensorType::get(flatShape, outType.getElementType());
  auto mergeLast = groupDims(outType.getRank(), outType.getRank() - 2, 2);
  Value flatInit = rebuildInit(
      rewriter, loc, init, flatShape, /*channelDims=*/1,
      [&](Value bias) -> Value {
        return tensor::CollapseShapeOp::create(rewriter, loc, bias,
                                               groupDims(2, 0, 2));
      },
      [&](Value value) -> Value {
        return tensor::CollapseShapeOp::create(rewriter, loc, flatType, value,
                                               mergeLast);
      });
  SmallVector<AffineExpr> outExprs;
  for (unsigned d = 0; d < r + 2; ++d)
    outExprs.push_back(dim(d));

  linalg::GenericOp flat = buildCore(
      rewriter, loc, core, flatInput, packed, flatInit,
      {AffineMap::get(newCount, 0, inputExprs, ctx),
       AffineMap::get(newCount, 0, weightExprs, ctx),
       AffineMap::get(newCount, 0, outExprs, ctx)},
      r + 2, r);
  Value result = tensor::ExpandShapeOp::create(
      rewriter, loc, outType, flat.getResult(0), mergeLast);
  rewriter.replaceOp(core, result);
  if (split && split->use_empty())
    rewriter.eraseOp(split);
  return flat.getResult(0);
}

/// A ReLU of the whole result of a reduction (a conv core, a channels-first
/// depthwise conv, a pooling window) and of nothing else is applied by the
/// reduction's tiles to their accumulators before they store them
/// (kReluResultAttr): as an op of its own it moved the whole output through
/// memory once more, and on a depthwise core's [.., C, 1] result one element
/// at a time (MobileNetV2's 56x56x144 layer with bias and ReLU: 47 GFLOPS,
/// 177 without).
static void fuseRelus(RewriterBase &rewriter, Operation *root) {
  SmallVector<linalg::GenericOp> relus;
  root->walk([&](linalg::GenericOp op) {
    if (op->hasAttr(kReluAttr))
      relus.push_back(op);
  });
  for (linalg::GenericOp relu : relus) {
    Value input = relu.getDpsInputs()[0];
    auto producer = input.getDefiningOp<linalg::LinalgOp>();
    if (!producer || producer->getNumResults() != 1 ||
        producer.getNumReductionLoops() == 0 || !input.hasOneUse() ||
        input.getType() != relu->getResult(0).getType())
      continue;
    producer->setAttr(kReluResultAttr, rewriter.getUnitAttr());
    rewriter.replaceOp(relu, input);
  }
}

/// A reduction fuseRelus marked that got no schedule (a form without one
/// runs as loops, and only tiles apply the ReLU) gets its ReLU back.
static void unfuseUnscheduledRelus(RewriterBase &rewriter, Operation *root) {
  SmallVector<Operation *> unscheduled;
  root->walk([&](Operation *op) {
    if (op->hasAttr(kReluResultAttr) && !op->hasAttr(kScheduleAttrName))
      unscheduled.push_back(op);
  });
  for (Operation *op : unscheduled) {
    op->removeAttr(kReluResultAttr);
    rewriter.setInsertionPointAfter(op);
    Value result = op->getResult(0);
    Value relu = lowering::applyRelu(rewriter, op->getLoc(), result);
    rewriter.replaceAllUsesExcept(result, relu, relu.getDefiningOp());
  }
}

/// Pooling windows are channel-wise like depthwise cores: generalized (the
/// loops (n, o..., c, k...) are already the depthwise form's), they take the
/// same kind of schedule.
static void schedulePooling(RewriterBase &rewriter, Operation *root,
                            const TargetInfo &target,
                            const ScheduleTuning &tuning) {
  SmallVector<linalg::LinalgOp> pools;
  root->walk([&](linalg::LinalgOp op) {
    if (isa<linalg::PoolingNwcMaxOp, linalg::PoolingNwcSumOp,
            linalg::PoolingNhwcMaxOp, linalg::PoolingNhwcSumOp,
            linalg::PoolingNdhwcMaxOp, linalg::PoolingNdhwcSumOp>(op) &&
        op.hasPureTensorSemantics() && !op.hasDynamicShape())
      pools.push_back(op);
  });
  for (linalg::LinalgOp pool : pools) {
    unsigned rank = pool.getNumLoops() / 2 - 1;
    SmallVector<int64_t> bounds = pool.getStaticLoopRanges();
    rewriter.setInsertionPoint(pool);
    auto generic = linalg::generalizeNamedOp(rewriter, pool);
    if (failed(generic))
      continue;
    lowering::inheritDiscardableAttrs(pool, *generic);
    (*generic)->setAttr(kScheduleAttrName,
                        chooseChannelwiseSchedule(bounds, rank, target, tuning)
                            .toAttr(rewriter.getContext()));
    splitPaddedBorders(rewriter, *generic, target, tuning);
  }
}

/// Channels-first depthwise convs (PlanewiseDepthwise.h): loops (n, c, o...,
/// k...), vectors along the rows, their padded borders split off as a
/// depthwise core's are.
static void schedulePlanewise(RewriterBase &rewriter, Operation *root,
                              const TargetInfo &target,
                              const ScheduleTuning &tuning) {
  SmallVector<linalg::GenericOp> ops;
  root->walk([&](linalg::GenericOp op) {
    if (op->hasAttr(kPlanewiseAttr) && !op->hasAttr(kScheduleAttrName) &&
        op.hasPureTensorSemantics() && !op.hasDynamicShape())
      ops.push_back(op);
  });
  for (linalg::GenericOp op : ops) {
    unsigned rank = (op.getNumLoops() - 2) / 2;
    op->setAttr(
        kScheduleAttrName,
        choosePlanewiseSchedule(op.getStaticLoopRanges(), rank, target, tuning)
            .toAttr(op.getContext()));
    splitPaddedBorders(rewriter, op, target, tuning);
  }
}

/// The tile loops of a data-movement op, outermost first: by how far one
/// step of the loop moves in the operand it moves furthest in. The
/// innermost tile loop then advances every operand by a short stride. A
/// layout transpose walked in its output's order instead steps through the
/// input's channel planes innermost: a 112x112 plane apart each, 96 planes
/// per output row map onto a few cache sets and pages (nchw -> nhwc of
/// MobileNetV2's 112x112x96 input: 3 GB/s, against 14-18 GB/s walked this
/// way).
static SmallVector<int64_t> tileOrderByStride(linalg::LinalgOp op) {
  int64_t numLoops = op.getNumLoops();
  SmallVector<int64_t> furthest(numLoops, 0);
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<ShapedType>(operand.get().getType());
    AffineMap map = op.getMatchingIndexingMap(&operand);
    if (!type || !type.hasStaticShape())
      continue;
    int64_t stride = 1;
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      if (auto loop = dyn_cast<AffineDimExpr>(map.getResult(d)))
        furthest[loop.getPosition()] =
            std::max(furthest[loop.getPosition()], stride);
      stride *= type.getDimSize(d);
    }
  }
  SmallVector<int64_t> order = llvm::to_vector(llvm::seq<int64_t>(numLoops));
  llvm::stable_sort(order, [&](int64_t a, int64_t b) {
    return furthest[a] > furthest[b];
  });
  return order;
}

/// The runs of two or more consecutive loops of `op` that every operand
/// reads as consecutive dims in the same order: what collapsing the loops
/// leaves the same.
static SmallVector<ReassociationIndices>
contiguousLoopRuns(linalg::LinalgOp op) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  auto followsInAll = [&](unsigned loop) {
    return llvm::all_of(maps, [&](AffineMap map) {
      std::optional<unsigned> at =
          map.getResultPosition(getAffineDimExpr(loop, op.getContext()));
      std::optional<unsigned> next =
          map.getResultPosition(getAffineDimExpr(loop + 1, op.getContext()));
      return at && next && *next == *at + 1;
    });
  };
  SmallVector<ReassociationIndices> runs;
  ReassociationIndices run{0};
  for (unsigned loop = 0; loop + 1 < op.getNumLoops(); ++loop) {
    if (followsInAll(loop)) {
      run.push_back(loop + 1);
      continue;
    }
    if (run.size() > 1)
      runs.push_back(run);
    run = {static_cast<int64_t>(loop + 1)};
  }
  if (run.size() > 1)
    runs.push_back(run);
  return runs;
}

/// Layout changes (nchw <-> channels-last) and elementwise epilogues (ReLU,
/// the average's scaling) move every byte once: vectorized tiles keep them
/// at memory speed. A transpose tiles L x L over the two dims that swap
/// places (a register transpose per tile); an op whose innermost dim stays
/// innermost tiles that dim by 4 vectors. Dims that stay together (the
/// spatial dims of a layout change, all of an elementwise op's) are
/// collapsed into one first: a row of 14 floats made every register
/// transpose of MobileNetV2's 14x14x384 layer at `nchw` 16 x 14, which LLVM
/// spilled (its two layout changes took 70% of the layer's time); the
/// 196 positions of a plane are 12 whole tiles and one of 4.
static void scheduleDataMovement(RewriterBase &rewriter, Operation *root,
                                 const TargetInfo &target) {
  SmallVector<linalg::LinalgOp> ops;
  root->walk([&](linalg::LinalgOp op) {
    if (op->hasAttr(kScheduleAttrName) || op->hasAttr(kConvCoreAttr) ||
        !op.hasPureTensorSemantics() || op.hasDynamicShape() ||
        op.getNumLoops() == 0 || op.getNumReductionLoops() != 0 ||
        op.getNumDpsInits() != 1 || !isa<linalg::TransposeOp, linalg::GenericOp>(op))
      return;
    // Every operand a permutation of the loops: a copy, transpose or
    // elementwise op (weight preparation runs once, untiled).
    if (op->hasAttr(kWeightLayoutAttr) ||
        llvm::all_of(op.getDpsInputs(), isWeightOnly) ||
        !llvm::all_of(op.getIndexingMapsArray(),
                      [](AffineMap map) { return map.isPermutation(); }))
      return;
    ops.push_back(op);
  });
  int64_t lanes = target.f32Lanes();
  for (linalg::LinalgOp op : ops) {
    rewriter.setInsertionPoint(op);
    if (isa<linalg::TransposeOp>(op)) {
      auto generic = linalg::generalizeNamedOp(rewriter, op);
      if (failed(generic))
        continue;
      op = *generic;
    }
    // Not a result that goes into a slice of a larger tensor (a padded
    // copy): the collapsed rows are not contiguous there, and writing
    // through the reshape made ResNeXt's group-major copy a temporary and a
    // second copy (0.9x).
    bool intoSlice = llvm::any_of(op->getUsers(), [](Operation *user) {
      return isa<tensor::PadOp, tensor::InsertSliceOp>(user);
    });
    if (SmallVector<ReassociationIndices> runs = contiguousLoopRuns(op);
        !runs.empty() && !intoSlice) {
      auto collapsed = linalg::collapseOpIterationDims(op, runs, rewriter);
      if (succeeded(collapsed)) {
        rewriter.replaceOp(op, collapsed->results);
        op = collapsed->collapsedOp;
        // An empty destination stays a tensor.empty, of the collapsed
        // shape: eliminate-empty-tensors does not look through the
        // reshape, and the layer's last layout change went to a temporary
        // and was copied into the output (17% of the 14x14 layer's time).
        OpOperand &init = op.getDpsInitsMutable()[0];
        auto reshape = init.get().getDefiningOp<tensor::CollapseShapeOp>();
        if (reshape && reshape.getSrc().getDefiningOp<tensor::EmptyOp>()) {
          RankedTensorType type = reshape.getResultType();
          rewriter.setInsertionPoint(op);
          Value empty = tensor::EmptyOp::create(
              rewriter, op.getLoc(), type.getShape(), type.getElementType());
          rewriter.modifyOpInPlace(op, [&] { init.set(empty); });
        }
      }
    }
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    int64_t numLoops = bounds.size();
    ConvSchedule schedule;
    schedule.tile.assign(numLoops, 1);
    schedule.reduce.assign(numLoops, 0);
    schedule.interchange = tileOrderByStride(op);
    // The loop that is innermost in the input: with the output's innermost
    // loop, the two dims a register transpose exchanges.
    AffineMap inputMap = op.getIndexingMapsArray().front();
    int64_t inner = numLoops - 1;
    int64_t inputInner = inputMap.getDimPosition(inputMap.getNumResults() - 1);
    if (inputInner == inner) {
      schedule.tile[inner] = std::min<int64_t>(bounds[inner], 4 * lanes);
    } else {
      schedule.tile[inner] = std::min<int64_t>(bounds[inner], lanes);
      schedule.tile[inputInner] = std::min<int64_t>(bounds[inputInner], lanes);
    }
    op->setAttr(kScheduleAttrName, schedule.toAttr(rewriter.getContext()));
  }
}

/// Deformable sampling in two ops, both with the output pixel loops
/// outermost, where the threads of a multithreaded kernel share them:
/// - the corners (kDeformCornersAttr, loops (n, oh, ow, g, kh, kw, corner)):
///   position arithmetic, vectorized over a pixel's taps and corners;
/// - the samples (kDeformSampleAttr, loops (n, oh, ow, kh, kw, g, icg)): per
///   tap, four corner pixels weighted and summed, each a run of contiguous
///   channels; tiles of one vector of channels of one tap.
static void scheduleDeformSampling(Operation *root, const TargetInfo &target) {
  root->walk([&](linalg::GenericOp op) {
    if (op.getNumLoops() != 7)
      return;
    ConvSchedule schedule;
    if (op->hasAttr(kDeformCornersAttr)) {
      schedule.tile = {1, 1, 1, 1, 0, 0, 0};
    } else if (op->hasAttr(kDeformSampleAttr)) {
      int64_t channels = op.getStaticLoopRanges()[6];
      schedule.tile = {1, 1, 1, 1, 1, 1,
                       std::min<int64_t>(channels, target.f32Lanes())};
    } else {
      return;
    }
    schedule.reduce.assign(7, 0);
    schedule.interchange = llvm::to_vector(llvm::seq<int64_t>(7));
    op->setAttr(kScheduleAttrName, schedule.toAttr(op.getContext()));
  });
}

/// A grouped core whose groups are narrower than a vector wastes most of
/// each one. Merging `m` neighbouring groups into one m-times-wider group
/// with a block-diagonal weight (zeros off the diagonal blocks) computes the
/// same outputs with full vectors, at m times the multiply-adds:
///   W'[g', k..., mi*ICg + icg, mo*OCg + ocg] =
///       mi == mo ? W[g'*m + mo, k..., icg, ocg] : 0
static linalg::GenericOp mergeGroups(RewriterBase &rewriter,
                                     linalg::GenericOp core,
                                     const ConvCoreLoops &loops, int64_t m) {
  Location loc = core.getLoc();
  MLIRContext *ctx = core.getContext();
  Type f32 = rewriter.getF32Type();
  unsigned r = loops.rank;
  SmallVector<int64_t> bounds = core.getStaticLoopRanges();
  int64_t groups = bounds[loops.group()], ocg = bounds[loops.outChannel()],
          icg = bounds[loops.inChannel()];
  int64_t merged = groups / m;
  rewriter.setInsertionPoint(core);

  // Activations: [..., G, Cg] -> [..., G/m, m*Cg] (the same channel order).
  auto regroup = [&](Value value, int64_t channelsPerGroup) -> Value {
    auto type = cast<RankedTensorType>(value.getType());
    int64_t rank = type.getRank();
    auto flat = tensor::CollapseShapeOp::create(rewriter, loc, value,
                                                groupDims(rank, rank - 2, 2));
    SmallVector<int64_t> shape(type.getShape());
    shape[rank - 2] = merged;
    shape[rank - 1] = m * channelsPerGroup;
    return tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get(shape, f32), flat,
        groupDims(rank, rank - 2, 2));
  };
  Value input = regroup(core.getDpsInputs()[0], icg);

  // Weight [G, K..., ICg, OCg] -> [G/m, m, K..., ICg, OCg] -> block diagonal
  // [G/m, K..., m, ICg, m, OCg] -> [G/m, K..., m*ICg, m*OCg].
  Value weight = core.getDpsInputs()[1];
  auto weightType = cast<RankedTensorType>(weight.getType());
  SmallVector<int64_t> split{merged, m};
  for (int64_t d = 1; d < weightType.getRank(); ++d)
    split.push_back(weightType.getDimSize(d));
  Value splitWeight = tensor::ExpandShapeOp::create(
      rewriter, loc, RankedTensorType::get(split, f32), weight,
      groupDims(weightType.getRank() + 1, 0, 2));
  SmallVector<int64_t> diagonalShape{merged};
  for (unsigned i = 0; i < r; ++i)
    diagonalShape.push_back(weightType.getDimSize(1 + i));
  diagonalShape.append({m, icg, m, ocg});
  unsigned dRank = diagonalShape.size();
  auto dim = [&](unsigned d) { return getAffineDimExpr(d, ctx); };
  // Loops (g', k..., mi, icg, mo, ocg) read W at (g', mo, k..., icg, ocg).
  SmallVector<AffineExpr> read{dim(0), dim(r + 3)};
  for (unsigned i = 0; i < r; ++i)
    read.push_back(dim(1 + i));
  read.append({dim(r + 2), dim(r + 4)});
  Value empty = tensor::EmptyOp::create(rewriter, loc, diagonalShape, f32);
  SmallVector<utils::IteratorType> parallel(dRank,
                                            utils::IteratorType::parallel);
  auto diagonal = linalg::GenericOp::create(
      rewriter, loc, TypeRange{empty.getType()}, ValueRange{splitWeight},
      ValueRange{empty},
      ArrayRef<AffineMap>{AffineMap::get(dRank, 0, read, ctx),
                          rewriter.getMultiDimIdentityMap(dRank)},
      parallel, [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value mi = linalg::IndexOp::create(nb, nl, r + 1);
        Value mo = linalg::IndexOp::create(nb, nl, r + 3);
        Value same = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq,
                                           mi, mo);
        Value zero = arith::ConstantOp::create(nb, nl, nb.getF32FloatAttr(0));
        linalg::YieldOp::create(
            nb, nl, arith::SelectOp::create(nb, nl, same, args[0], zero)
                        .getResult());
      });
  diagonal->setAttr(kWeightLayoutAttr, rewriter.getUnitAttr());
  SmallVector<ReassociationIndices> toMerged;
  for (unsigned d = 0; d <= r; ++d)
    toMerged.push_back({static_cast<int64_t>(d)});
  toMerged.push_back({r + 1, r + 2});
  toMerged.push_back({r + 3, r + 4});
  Value mergedWeight = tensor::CollapseShapeOp::create(
      rewriter, loc, diagonal.getResult(0), toMerged);

  // Output [N, O..., G, OCg] -> [N, O..., G/m, m*OCg].
  Value init = core.getDpsInits()[0];
  auto outType = cast<RankedTensorType>(init.getType());
  SmallVector<int64_t> mergedShape(outType.getShape());
  mergedShape[mergedShape.size() - 2] = merged;
  mergedShape.back() = m * ocg;
  Value mergedInit = rebuildInit(
      rewriter, loc, init, mergedShape, /*channelDims=*/2,
      [&](Value bias) -> Value { return regroup(bias, ocg); },
      [&](Value value) -> Value { return regroup(value, ocg); });

  linalg::GenericOp newCore = buildCore(
      rewriter, loc, core, input, mergedWeight, mergedInit,
      core.getIndexingMapsArray(), loops.outChannel() + 1, r + 1);
  // Back to [N, O..., G, OCg] for the core's users.
  auto flat = tensor::CollapseShapeOp::create(
      rewriter, loc, newCore.getResult(0),
      groupDims(mergedShape.size(), mergedShape.size() - 2, 2));
  Value result = tensor::ExpandShapeOp::create(
      rewriter, loc, outType, flat,
      groupDims(mergedShape.size(), mergedShape.size() - 2, 2));
  rewriter.replaceOp(core, result);
  return newCore;
}

/// A LaneRotation core (ConvSchedule.h) reads and writes its channels flat,
/// [..., G*q] at g*q + c instead of [..., G, q] at (g, c): a tile of m
/// groups is then one row of m*q floats in each, which its vector code
/// (TileAndVectorize.cpp) reads and writes as one vector.
static linalg::GenericOp flattenGroupChannels(RewriterBase &rewriter,
                                              linalg::GenericOp core,
                                              const ConvCoreLoops &loops) {
  Location loc = core.getLoc();
  MLIRContext *ctx = core.getContext();
  int64_t q = core.getStaticLoopRanges()[loops.inChannel()];
  rewriter.setInsertionPoint(core);
  auto flatten = [&](Value value) -> Value {
    auto type = cast<RankedTensorType>(value.getType());
    int64_t rank = type.getRank();
    if (auto expand = value.getDefiningOp<tensor::ExpandShapeOp>();
        expand && expand.getSrcType().getRank() == rank - 1 &&
        expand.getReassociationIndices() == groupDims(rank, rank - 2, 2))
      return expand.getSrc();
    return tensor::CollapseShapeOp::create(rewriter, loc, value,
                                           groupDims(rank, rank - 2, 2));
  };
  Value input = flatten(core.getDpsInputs()[0]);
  Value init = core.getDpsInits()[0];
  auto outType = cast<RankedTensorType>(init.getType());
  SmallVector<int64_t> flatShape(outType.getShape().drop_back(2));
  flatShape.push_back(outType.getShape().drop_back().back() * q);
  Value flatInit = rebuildInit(rewriter, loc, init, flatShape,
                               /*channelDims=*/1, flatten, flatten);
  auto flatMap = [&](AffineMap map) {
    SmallVector<AffineExpr> results(map.getResults().drop_back(2));
    results.push_back(map.getResult(map.getNumResults() - 2) * q +
                      map.getResult(map.getNumResults() - 1));
    return AffineMap::get(map.getNumDims(), 0, results, ctx);
  };
  SmallVector<AffineMap> maps = core.getIndexingMapsArray();
  maps[0] = flatMap(maps[0]);
  maps[2] = flatMap(maps[2]);
  linalg::GenericOp flat =
      buildCore(rewriter, loc, core, input, core.getDpsInputs()[1], flatInit,
                maps, loops.outChannel() + 1, loops.rank + 1);
  Value result = tensor::ExpandShapeOp::create(
      rewriter, loc, outType, flat.getResult(0),
      groupDims(outType.getRank(), outType.getRank() - 2, 2));
  rewriter.replaceOp(core, result);
  return flat;
}

/// How many groups of a grouped core to merge (1: none): enough that a
/// merged group's output channels fill one vector.
static int64_t groupsToMerge(linalg::GenericOp core, const ConvCoreLoops &loops,
                             const TargetInfo &target) {
  if (!loops.grouped)
    return 1;
  SmallVector<int64_t> bounds = core.getStaticLoopRanges();
  int64_t groups = bounds[loops.group()], ocg = bounds[loops.outChannel()],
          icg = bounds[loops.inChannel()];
  int64_t lanes = target.f32Lanes();
  bool windowInput =
      core.getIndexingMapsArray()[0].getNumResults() == loops.rank + 3;
  if (!windowInput || (ocg == 1 && icg == 1) || ocg >= lanes ||
      lanes % ocg != 0 || laneRotationGroups(groups, icg, ocg, target))
    return 1;
  int64_t m = lanes / ocg;
  return groups % m == 0 ? m : 1;
}

/// The padded input a reshape of the channels of `value` came from: a
/// tensor.pad of a channels-last activation that pads no channels, reached
/// through reshapes that leave the batch and spatial dims (the first
/// `leadingDims`) alone. Null if `value` is not one.
static tensor::PadOp paddedChannelsLast(Value value, unsigned leadingDims) {
  while (true) {
    Operation *def = value.getDefiningOp();
    if (auto pad = dyn_cast_or_null<tensor::PadOp>(def)) {
      ArrayRef<int64_t> lo = pad.getStaticLow(), hi = pad.getStaticHigh();
      bool static_ = pad.getSourceType().hasStaticShape() &&
                     pad.getConstantPaddingValue() &&
                     !ShapedType::isDynamicShape(lo) &&
                     !ShapedType::isDynamicShape(hi);
      bool ok = static_ && pad.getResultType().getRank() == leadingDims + 1 &&
                lo.front() == 0 && hi.front() == 0 && lo.back() == 0 &&
                hi.back() == 0;
      return ok ? pad : nullptr;
    }
    if (!isa_and_nonnull<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(def))
      return nullptr;
    Value source = def->getOperand(0);
    auto from = cast<RankedTensorType>(source.getType()).getShape();
    auto to = cast<RankedTensorType>(value.getType()).getShape();
    if (from.size() < leadingDims || to.size() < leadingDims ||
        from.take_front(leadingDims) != to.take_front(leadingDims))
      return nullptr;
    value = source;
  }
}

/// A grouped core's tile reads one group's Cg channels of each pixel of its
/// window. Channels-last, a group's pixels lie C floats apart: with 512
/// channels 2 KB, 32 L1 sets apart, so the 16x16-pixel window of a 14x14
/// layer competes for two sets (16 lines) of L1. Group-major [N, G, S...,
/// Cg] makes a group's input one contiguous block, and two threads on
/// different groups share no cache lines (ResNeXt's 512-channel g32 layer:
/// 1.05-1.1x at 1 thread, 1.75x at 2; its 128-channel one 1.1-1.3x). A
/// padded input is copied anyway: the copy is made group-major instead
/// (pad of a transpose, not a transpose of the pad). An input used as is
/// costs a copy, which pays for a window of several taps (the 512-channel
/// layer unpadded: 1.03x) but not for a 1x1 window (0.97x). Groups of a
/// vector or more of channels whose padded input fits L1 (that 512-channel
/// layer's) are lowered a group at a time instead (GroupBlockedConv.h).
static void groupMajorInput(RewriterBase &rewriter, linalg::GenericOp core,
                            const ConvCoreLoops &loops) {
  unsigned r = loops.rank;
  Value input = core.getDpsInputs()[0];
  auto type = cast<RankedTensorType>(input.getType());
  AffineMap inputMap = core.getIndexingMapsArray()[0];
  if (type.getRank() != r + 3 || inputMap.getNumResults() != r + 3)
    return;
  // [N, S..., G, Cg] -> [N, G, S..., Cg]
  SmallVector<int64_t> perm{0, static_cast<int64_t>(r) + 1};
  for (unsigned i = 0; i < r; ++i)
    perm.push_back(1 + i);
  perm.push_back(r + 2);
  Location loc = core.getLoc();
  Type f32 = rewriter.getF32Type();
  rewriter.setInsertionPoint(core);
  int64_t groups = type.getDimSize(r + 1),
          groupChannels = type.getDimSize(r + 2);
  Value groupMajor;
  if (tensor::PadOp pad = paddedChannelsLast(input, r + 1)) {
    // The unpadded source, split into the core's groups, transposed, padded.
    // A source that an nchw layer's layout change made channels-last is
    // transposed once, from [N, G, Cg, S...].
    Value source;
    auto layoutChange = pad.getSource().getDefiningOp<linalg::TransposeOp>();
    SmallVector<int64_t> toChannelsLast{0};
    for (unsigned i = 0; i < r; ++i)
      toChannelsLast.push_back(2 + i);
    toChannelsLast.push_back(1);
    if (layoutChange &&
        layoutChange.getPermutation() == ArrayRef<int64_t>(toChannelsLast)) {
      Value channelsFirst = layoutChange.getInput();
      auto firstType = cast<RankedTensorType>(channelsFirst.getType());
      SmallVector<int64_t> split{firstType.getDimSize(0), groups,
                                 groupChannels};
      llvm::append_range(split, firstType.getShape().drop_front(2));
      Value grouped = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(split, f32), channelsFirst,
          groupDims(r + 3, 1, 2));
      // [N, G, Cg, S...] -> [N, G, S..., Cg]
      SmallVector<int64_t> firstPerm{0, 1};
      for (unsigned i = 0; i < r; ++i)
        firstPerm.push_back(3 + i);
      firstPerm.push_back(2);
      source = lowering::transpose(rewriter, loc, grouped, firstPerm);
    } else {
      SmallVector<int64_t> split(pad.getSourceType().getShape().drop_back());
      split.append({groups, groupChannels});
      source = lowering::transpose(
          rewriter, loc,
          tensor::ExpandShapeOp::create(
              rewriter, loc, RankedTensorType::get(split, f32), pad.getSource(),
              groupDims(r + 3, r + 1, 2)),
          perm);
    }
    SmallVector<int64_t> lo(pad.getStaticLow()), hi(pad.getStaticHigh());
    lo.push_back(0);
    hi.push_back(0);
    MLIRContext *ctx = core.getContext();
    groupMajor = tensor::PadOp::create(
        rewriter, loc,
        RankedTensorType::get(applyPermutation(type.getShape(), perm), f32),
        source, getAsIndexOpFoldResult(ctx, applyPermutation(lo, perm)),
        getAsIndexOpFoldResult(ctx, applyPermutation(hi, perm)),
        pad.getConstantPaddingValue());
  } else {
    SmallVector<int64_t> bounds = core.getStaticLoopRanges();
    int64_t taps = 1;
    for (unsigned i = 0; i < r; ++i)
      taps *= bounds[loops.kernel(i)];
    if (taps == 1)
      return;
    groupMajor = lowering::transpose(rewriter, loc, input, perm);
  }
  SmallVector<AffineMap> maps = core.getIndexingMapsArray();
  maps[0] = AffineMap::get(inputMap.getNumDims(), 0,
                           applyPermutation(inputMap.getResults(), perm),
                           core.getContext());
  rewriter.modifyOpInPlace(core, [&] {
    core->setOperand(0, groupMajor);
    core.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
  });
  // The channels-last input (its padding, its layout change) is unused now.
  SmallVector<Operation *> worklist{input.getDefiningOp()};
  llvm::SmallPtrSet<Operation *, 8> erased;
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    if (!op || erased.contains(op) || !isOpTriviallyDead(op))
      continue;
    erased.insert(op);
    for (Value operand : op->getOperands())
      worklist.push_back(operand.getDefiningOp());
    rewriter.eraseOp(op);
  }
}

/// Records on `core` (a sum of products reading a zero-padded input) which
/// of its window dims reach into the padding (kPaddedTapsAttrName): taps
/// there multiply zeros. A 3x3 pad-1 layer of 7x7 outputs spends 18% of its
/// FMAs on them, 9% at 14x14.
static void markPaddedTaps(linalg::GenericOp core) {
  auto pad = core.getDpsInputs()[0].getDefiningOp<tensor::PadOp>();
  if (!pad || !pad.getSourceType().hasStaticShape() ||
      ShapedType::isDynamicShape(pad.getStaticLow()) ||
      ShapedType::isDynamicShape(pad.getStaticHigh()))
    return;
  auto constant =
      pad.getConstantPaddingValue()
          ? pad.getConstantPaddingValue().getDefiningOp<arith::ConstantOp>()
          : nullptr;
  auto value = constant ? dyn_cast<FloatAttr>(constant.getValue()) : nullptr;
  if (!value || !value.getValue().isZero())
    return;
  for (Operation &nested : core.getRegion().front().without_terminator())
    if (!isa<arith::MulFOp, arith::AddFOp>(nested))
      return;
  AffineMap inputMap = core.getIndexingMapsArray()[0];
  SmallVector<utils::IteratorType> iterators = core.getIteratorTypesArray();
  ArrayRef<int64_t> lo = pad.getStaticLow(), hi = pad.getStaticHigh();
  ArrayRef<int64_t> source = pad.getSourceType().getShape();
  SmallVector<PaddedWindowDim> taps;
  for (auto [dim, expr] : llvm::enumerate(inputMap.getResults())) {
    if (lo[dim] == 0 && hi[dim] == 0)
      continue;
    // o*s + k*d: one parallel and one reduction loop, each times a
    // constant (or alone).
    int64_t outputLoop = -1, kernelLoop = -1, dilation = 0;
    bool ok = true;
    auto term = [&](AffineExpr part) {
      int64_t factor = 1;
      if (auto mul = dyn_cast<AffineBinaryOpExpr>(part);
          mul && mul.getKind() == AffineExprKind::Mul) {
        auto c = dyn_cast<AffineConstantExpr>(mul.getRHS());
        if (!c)
          return (void)(ok = false);
        factor = c.getValue();
        part = mul.getLHS();
      }
      auto d = dyn_cast<AffineDimExpr>(part);
      if (!d)
        return (void)(ok = false);
      if (iterators[d.getPosition()] == utils::IteratorType::reduction) {
        ok &= kernelLoop < 0;
        kernelLoop = d.getPosition();
        dilation = factor;
      } else {
        ok &= outputLoop < 0;
        outputLoop = d.getPosition();
      }
    };
    auto add = dyn_cast<AffineBinaryOpExpr>(expr);
    if (!add || add.getKind() != AffineExprKind::Add)
      continue;
    term(add.getLHS());
    term(add.getRHS());
    if (!ok || kernelLoop < 0 || outputLoop < 0 || dilation <= 0)
      continue;
    taps.push_back({kernelLoop, outputLoop, static_cast<int64_t>(dim), dilation,
                    lo[dim], source[dim]});
  }
  setPaddedTaps(core, taps);
}

/// A dense core whose output channels end in a partial vector of a size
/// that is no power of two (31 of a channels-first layer's 3199 positions)
/// carries that partial vector around its reduction loop, and LLVM
/// scalarizes such a phi (wav2vec 2.0's stem at `nchw`: 13% of its time in
/// the last 31 positions). Split into the channels before the partial
/// vector and one whole vector ending at the last channel, which recomputes
/// the channels it shares with the first part: both start from the
/// initializer (a fill or bias broadcast), so they write the same values.
/// Returns the parts (just `core` when not split).
static SmallVector<linalg::GenericOp>
splitVectorTail(RewriterBase &rewriter, linalg::GenericOp core,
                const ConvCoreLoops &loops, const ConvSchedule &schedule,
                const TargetInfo &target) {
  int64_t lanes = target.f32Lanes();
  unsigned ocLoop = loops.outChannel();
  SmallVector<int64_t> bounds = core.getStaticLoopRanges();
  int64_t channels = bounds[ocLoop], rest = channels % lanes;
  Value init = core.getDpsInits()[0];
  auto outType = cast<RankedTensorType>(init.getType());
  AffineMap weightMap = core.getIndexingMapsArray()[1];
  if (channels <= lanes || llvm::isPowerOf2_64(rest) || rest == 0 ||
      loops.grouped || schedule.tile[ocLoop] < lanes ||
      !isa_and_nonnull<linalg::FillOp, linalg::BroadcastOp>(
          init.getDefiningOp()) ||
      weightMap.getResults().back() !=
          getAffineDimExpr(ocLoop, core.getContext()) ||
      outType.getRank() != static_cast<int64_t>(loops.rank + 2))
    return {core};

  Location loc = core.getLoc();
  MLIRContext *ctx = core.getContext();
  rewriter.setInsertionPoint(core);
  Value output = tensor::EmptyOp::create(rewriter, loc, outType.getShape(),
                                         outType.getElementType());
  SmallVector<linalg::GenericOp> parts;
  // Channels [begin, begin + width), a core of their own inserted into
  // `output`.
  auto buildPart = [&](int64_t begin, int64_t width) {
    SmallVector<int64_t> shape(outType.getShape());
    shape.back() = width;
    SmallVector<OpFoldResult> offsets(shape.size(), rewriter.getIndexAttr(0));
    offsets.back() = rewriter.getIndexAttr(begin);
    SmallVector<OpFoldResult> sizes = getAsIndexOpFoldResult(ctx, shape);
    SmallVector<OpFoldResult> ones(shape.size(), rewriter.getIndexAttr(1));
    auto sliceLast = [&](Value value) -> Value {
      auto type = cast<RankedTensorType>(value.getType());
      SmallVector<OpFoldResult> from(type.getRank(), rewriter.getIndexAttr(0));
      from.back() = rewriter.getIndexAttr(begin);
      SmallVector<OpFoldResult> size =
          getAsIndexOpFoldResult(ctx, type.getShape());
      size.back() = rewriter.getIndexAttr(width);
      return tensor::ExtractSliceOp::create(
          rewriter, loc, value, from, size,
          SmallVector<OpFoldResult>(type.getRank(), rewriter.getIndexAttr(1)));
    };
    Value partInit = rebuildInit(rewriter, loc, init, shape, /*channelDims=*/1,
                                 sliceLast, sliceLast);
    SmallVector<Value> operands(core.getDpsInputs());
    operands[1] = sliceLast(operands[1]);
    operands.push_back(partInit);
    auto part = cast<linalg::GenericOp>(
        clone(rewriter, core, TypeRange{partInit.getType()}, operands));
    ConvSchedule partSchedule = schedule;
    partSchedule.tile[ocLoop] = std::min(schedule.tile[ocLoop], width);
    part->setAttr(kScheduleAttrName, partSchedule.toAttr(ctx));
    // The parts both write the channels they overlap in.
    part->removeAttr(kPartitionAttr);
    parts.push_back(part);
    output = tensor::InsertSliceOp::create(rewriter, loc, part.getResult(0),
                                           output, offsets, sizes, ones);
  };
  buildPart(0, channels - rest);
  buildPart(channels - lanes, lanes);
  rewriter.replaceOp(core, output);
  return parts;
}

/// Splits `core` (scheduled, its padded taps marked) along its output row
/// into the columns whose windows reach into the padding before and after
/// and the columns in between, when taps in the padding are at least 4.5%
/// of the row's: the register tile runs along the row and holds several
/// columns, so the row's kernel loop cannot skip them (ResNet-50's 7x7
/// layers: 2 of 21, its 14x14 ones 2 of 42). Below that the extra core
/// bodies cost more compile time than the taps save: DeepLab's dil4 layer
/// (8 of 195) compiled in 99 ms instead of 41, for 4-7%. Each edge part is one
/// column wide, its register tile down the column instead (as many outputs as
/// the row's tile), so its kernel loop along the row keeps only the taps inside
/// the input (TileAndVectorize.cpp). Every part reads the whole padded input at
/// its offset and computes into a tensor of its own, inserted into the output;
/// alike edges (a symmetric pad) are one body in a loop over the two (ResNet-50
/// res4b: 58 -> 46 ms per compile with the edges apart).
static void splitPaddedColumns(RewriterBase &rewriter, linalg::GenericOp core,
                               unsigned rank, const ConvSchedule &schedule,
                               const ScheduleTuning &tuning) {
  unsigned row = rank; // the innermost output position loop
  if (schedule.tile[row] <= 1 || !tuning.splitColumns.value_or(true))
    return;
  SmallVector<PaddedWindowDim> taps = getPaddedTaps(core);
  const PaddedWindowDim *entry = llvm::find_if(
      taps, [&](const PaddedWindowDim &d) { return d.outputLoop == row; });
  if (entry == taps.end())
    return;
  int64_t kernelLoop = entry->kernelLoop, dim = entry->inputDim,
          padLow = entry->padLow, size = entry->inputSize;
  SmallVector<int64_t> bounds = core.getStaticLoopRanges();
  AffineMap inputMap = core.getIndexingMapsArray()[0];
  AffineMap outputMap = core.getIndexingMapsArray()[2];
  // The input index along `dim` at output column o and tap k.
  auto at = [&](int64_t o, int64_t k) {
    SmallVector<int64_t> point(bounds.size(), 0);
    point[row] = o;
    point[kernelLoop] = k;
    return inputMap.getSubMap({static_cast<unsigned>(dim)})
        .compose(point)
        .front();
  };
  int64_t columns = bounds[row], kernel = bounds[kernelLoop];
  int64_t outside = 0, first = columns, last = -1;
  for (int64_t o = 0; o < columns; ++o) {
    int64_t missing = 0;
    for (int64_t k = 0; k < kernel; ++k) {
      int64_t index = at(o, k);
      missing += index < padLow || index >= padLow + size;
    }
    outside += missing;
    if (missing == 0) {
      first = std::min(first, o);
      last = o;
    }
  }
  std::optional<unsigned> outDim =
      outputMap.getResultPosition(getAffineDimExpr(row, core.getContext()));
  bool worth = tuning.splitColumns ? outside > 0
                                   : 1000 * outside >= 45 * columns * kernel;
  if (!worth || last < first || !outDim)
    return;

  Location loc = core.getLoc();
  MLIRContext *ctx = core.getContext();
  rewriter.setInsertionPoint(core);
  Value init = core.getDpsInits()[0];
  auto outType = cast<RankedTensorType>(init.getType());
  Value output = tensor::EmptyOp::create(rewriter, loc, outType.getShape(),
                                         outType.getElementType());
  int64_t stride = at(1, 0) - at(0, 0);
  SmallVector<int64_t> ones(outType.getRank(), 1);
  IntegerAttr partition = newPartition(core);
  // The columns [begin, begin + width) (begin may be a loop's value), as a
  // core of their own inserted into `into`.
  auto buildPart = [&](OpBuilder &b, OpFoldResult begin, int64_t width,
                       bool edge, Value into) -> Value {
    SmallVector<int64_t> shape(outType.getShape());
    shape[*outDim] = width;
    SmallVector<OpFoldResult> offsets(shape.size(), b.getIndexAttr(0));
    offsets[*outDim] = begin;
    Value partInit = rebuildInit(
        b, loc, init, shape, /*channelDims=*/outType.getRank() - (rank + 1),
        [](Value bias) { return bias; },
        [&](Value value) -> Value {
          return tensor::ExtractSliceOp::create(
              b, loc, value, offsets, getAsIndexOpFoldResult(ctx, shape),
              getAsIndexOpFoldResult(ctx, ones));
        });
    // The part's column o is the core's column begin + o: its input starts
    // where that column's window does (the padded taps stay recorded in
    // the padded input's coordinates; TileAndVectorize.cpp adds up the
    // slices' offsets).
    Value input = core.getDpsInputs()[0];
    auto inType = cast<RankedTensorType>(input.getType());
    SmallVector<OpFoldResult> inOffsets(inType.getRank(), b.getIndexAttr(0));
    SmallVector<int64_t> inSizes(inType.getShape());
    AffineExpr s0 = getAffineSymbolExpr(0, ctx);
    inOffsets[dim] =
        affine::makeComposedFoldedAffineApply(b, loc, s0 * stride, {begin});
    inSizes[dim] = at(width - 1, kernel - 1) - at(0, 0) + 1;
    SmallVector<Value> operands(core.getDpsInputs());
    operands[0] = tensor::ExtractSliceOp::create(
        b, loc, input, inOffsets, getAsIndexOpFoldResult(ctx, inSizes),
        getAsIndexOpFoldResult(ctx, SmallVector<int64_t>(inSizes.size(), 1)));
    operands.push_back(partInit);
    auto part = cast<linalg::GenericOp>(
        clone(b, core, TypeRange{partInit.getType()}, operands));
    ConvSchedule partSchedule = schedule;
    if (edge) {
      partSchedule.tile[row] = 1;
      if (rank >= 2)
        partSchedule.tile[row - 1] =
            std::min(bounds[row - 1], schedule.tile[row]);
    } else {
      partSchedule.tile[row] = tileExtent(width, schedule.tile[row]);
    }
    part->setAttr(kScheduleAttrName, partSchedule.toAttr(ctx));
    part->setAttr(kPartitionAttr, partition);
    return tensor::InsertSliceOp::create(
        b, loc, part.getResult(0), into, offsets,
        getAsIndexOpFoldResult(ctx, shape), getAsIndexOpFoldResult(ctx, ones));
  };
  int64_t before = first, after = columns - 1 - last;
  if (before == after && before > 0) {
    // Alike edges (a symmetric pad): one body in a loop over the two; its
    // taps follow the column it computes (TileAndVectorize.cpp).
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value two = arith::ConstantIndexOp::create(rewriter, loc, 2);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto loop =
        scf::ForOp::create(rewriter, loc, zero, two, one, ValueRange{output});
    loop->setAttr(kIndependentLoopAttr, rewriter.getUnitAttr());
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(loop.getBody());
      OpFoldResult begin = affine::makeComposedFoldedAffineApply(
          rewriter, loc, getAffineSymbolExpr(0, ctx) * (last + 1),
          {loop.getInductionVar()});
      scf::YieldOp::create(rewriter, loc,
                           buildPart(rewriter, begin, before, /*edge=*/true,
                                     loop.getRegionIterArgs()[0]));
    }
    output = loop.getResult(0);
  } else {
    if (before)
      output = buildPart(rewriter, rewriter.getIndexAttr(0), before,
                         /*edge=*/true, output);
    if (after)
      output = buildPart(rewriter, rewriter.getIndexAttr(last + 1), after,
                         /*edge=*/true, output);
  }
  output = buildPart(rewriter, rewriter.getIndexAttr(first), last + 1 - first,
                     /*edge=*/false, output);
  rewriter.replaceOp(core, output);
}

/// A padded input, as bufferization would build it, is a fill of the whole
/// buffer followed by a copy of the input over most of it: its interior is
/// written twice. Built instead from the input copied into an empty tensor
/// plus a fill of each border strip, every element is written once. (For
/// each padded dim d the strips cover, in dims before d, only the interior,
/// and in dims after d everything, so they never overlap.)
static void fillOnlyBorders(RewriterBase &rewriter, Operation *root) {
  SmallVector<tensor::PadOp> pads;
  root->walk([&](tensor::PadOp pad) {
    if (pad.getSourceType().hasStaticShape() &&
        pad.getResultType().hasStaticShape() && pad.getConstantPaddingValue() &&
        pad.getStaticLow().size() == pad.getStaticHigh().size() &&
        !ShapedType::isDynamicShape(pad.getStaticLow()) &&
        !ShapedType::isDynamicShape(pad.getStaticHigh()))
      pads.push_back(pad);
  });
  MLIRContext *ctx = root->getContext();
  Type f32 = rewriter.getF32Type();
  for (tensor::PadOp pad : pads) {
    Location loc = pad.getLoc();
    ArrayRef<int64_t> lo = pad.getStaticLow(), hi = pad.getStaticHigh();
    ArrayRef<int64_t> source = pad.getSourceType().getShape();
    ArrayRef<int64_t> padded = pad.getResultType().getShape();
    int64_t rank = padded.size();
    rewriter.setInsertionPoint(pad);
    Value padValue = pad.getConstantPaddingValue();
    SmallVector<int64_t> ones(rank, 1);
    Value result = tensor::EmptyOp::create(rewriter, loc, padded, f32);
    result = tensor::InsertSliceOp::create(
        rewriter, loc, pad.getSource(), result,
        getAsIndexOpFoldResult(ctx, lo), getAsIndexOpFoldResult(ctx, source),
        getAsIndexOpFoldResult(ctx, ones));
    for (int64_t d = 0; d < rank; ++d) {
      for (bool front : {true, false}) {
        int64_t width = front ? lo[d] : hi[d];
        if (width == 0)
          continue;
        SmallVector<int64_t> offsets, sizes;
        for (int64_t j = 0; j < rank; ++j) {
          if (j < d) {
            offsets.push_back(lo[j]);
            sizes.push_back(source[j]);
          } else if (j == d) {
            offsets.push_back(front ? 0 : lo[d] + source[d]);
            sizes.push_back(width);
          } else {
            offsets.push_back(0);
            sizes.push_back(padded[j]);
          }
        }
        Value empty = tensor::EmptyOp::create(rewriter, loc, sizes, f32);
        Value strip = linalg::FillOp::create(rewriter, loc, padValue, empty)
                          .getResult(0);
        result = tensor::InsertSliceOp::create(
            rewriter, loc, strip, result, getAsIndexOpFoldResult(ctx, offsets),
            getAsIndexOpFoldResult(ctx, sizes),
            getAsIndexOpFoldResult(ctx, ones));
      }
    }
    rewriter.replaceOp(pad, result);
  }
}

namespace {
struct ChooseSchedulesPass
    : public convjit::impl::ConvjitChooseSchedulesBase<ChooseSchedulesPass> {
  using Base::Base;

  FailureOr<ScheduleTuning> tuningFromOptions() {
    ScheduleTuning tuning;
    auto counts = {
        std::make_pair(&tuning.width, tileWidth.getValue()),
        std::make_pair(&tuning.vectors, tileVectors.getValue()),
        std::make_pair(&tuning.rows, tileRows.getValue()),
        std::make_pair(&tuning.inputChannelStep, inputChannelStep.getValue())};
    for (auto [knob, value] : counts) {
      if (value < 0) {
        getOperation().emitError("tile-width, tile-vectors, tile-rows and "
                                 "ic-step must not be negative");
        return failure();
      }
      *knob = value;
    }
    auto toggle = [&](StringRef name, StringRef value,
                      std::optional<bool> &knob) -> LogicalResult {
      if (value == "on" || value == "off")
        knob = value == "on";
      else if (value != "auto")
        return getOperation().emitError()
               << name << " must be auto, on or off, not '" << value << "'";
      return success();
    };
    if (failed(toggle("blocks-outer", blocksOuter, tuning.blocksOuter)) ||
        failed(toggle("unroll-window", unrollWindow, tuning.unrollWindow)) ||
        failed(toggle("split-columns", splitColumns, tuning.splitColumns)) ||
        failed(toggle("flat-channels", flatChannels, tuning.flatChannels)))
      return failure();
    return tuning;
  }

  void runOnOperation() override {
    auto targetInfo = TargetInfo::byName(target);
    if (!targetInfo) {
      getOperation().emitError(llvm::toString(targetInfo.takeError()));
      return signalPassFailure();
    }
    FailureOr<ScheduleTuning> tuning = tuningFromOptions();
    if (failed(tuning))
      return signalPassFailure();
    SmallVector<linalg::GenericOp> cores;
    getOperation().walk([&](linalg::GenericOp op) {
      if (op->hasAttr(kConvCoreAttr) && !op->hasAttr(kScheduleAttrName))
        cores.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    fuseRelus(rewriter, getOperation());
    schedulePooling(rewriter, getOperation(), *targetInfo, *tuning);
    scheduleDeformSampling(getOperation(), *targetInfo);
    schedulePlanewise(rewriter, getOperation(), *targetInfo, *tuning);
    for (linalg::GenericOp core : cores) {
      auto loops = analyzeConvCore(core);
      if (failed(loops))
        continue; // not a form with a schedule yet: it runs as loops
      if (int64_t m = groupsToMerge(core, *loops, *targetInfo); m > 1) {
        core = mergeGroups(rewriter, core, *loops, m);
        loops = analyzeConvCore(core);
      }
      CoreChoice choice = chooseCoreForm(core, *loops, *targetInfo, *tuning);
      Value scheduled;
      switch (choice.form) {
      case CoreForm::Dense:
        scheduled = core.getResult(0);
        break;
      case CoreForm::DenseBlocked:
        scheduled = blockDenseCore(rewriter, core, *loops, choice.blockSize);
        break;
      case CoreForm::Depthwise:
        scheduled = depthwiseCore(rewriter, core, *loops);
        break;
      case CoreForm::Grouped:
        groupMajorInput(rewriter, core, *loops);
        scheduled = core.getResult(0);
        break;
      case CoreForm::FlatChannels:
        scheduled = core.getResult(0);
        core->setAttr(kFlatChannelsAttrName,
                      rewriter.getI64IntegerAttr(targetInfo->f32Lanes()));
        break;
      case CoreForm::LaneRotation: {
        int64_t q = core.getStaticLoopRanges()[loops->inChannel()];
        scheduled = flattenGroupChannels(rewriter, core, *loops).getResult(0);
        scheduled.getDefiningOp()->setAttr(kLaneRotationAttrName,
                                           rewriter.getI64IntegerAttr(q));
        break;
      }
      }
      Operation *op = scheduled.getDefiningOp();
      op->setAttr(kScheduleAttrName,
                  choice.schedule.toAttr(&getContext()));
      if (choice.form != CoreForm::Depthwise) {
        markPaddedTaps(cast<linalg::GenericOp>(op));
        // A flat tile's positions must be consecutive in memory: its edge
        // columns cannot become tiles down the column.
        SmallVector<linalg::GenericOp> parts = {cast<linalg::GenericOp>(op)};
        if (choice.form == CoreForm::Dense)
          parts = splitVectorTail(rewriter, parts.front(), *loops,
                                  choice.schedule, *targetInfo);
        if (choice.form != CoreForm::FlatChannels)
          for (linalg::GenericOp part : parts)
            splitPaddedColumns(
                rewriter, part, loops->rank,
                *ConvSchedule::fromAttr(
                    part->getAttrOfType<DictionaryAttr>(kScheduleAttrName),
                    part),
                *tuning);
      }
      if (choice.form == CoreForm::Depthwise) {
        splitPaddedBorders(rewriter, cast<linalg::GenericOp>(op), *targetInfo,
                           *tuning);
      }
    }
    unfuseUnscheduledRelus(rewriter, getOperation());
    // After the cores: their group-major inputs are layout transposes too.
    scheduleDataMovement(rewriter, getOperation(), *targetInfo);
    fillOnlyBorders(rewriter, getOperation());
  }
};
} // namespace
