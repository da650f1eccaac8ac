//===- ResultsInPlace.cpp - Reshapes move from results to destinations ----===//

#include "Lowering/RewriteConfig.h"
#include "Pipeline/PassDetail.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace convjit {
#define GEN_PASS_DEF_CONVJITRESULTSINPLACE
#include "Pipeline/Passes.h.inc"
} // namespace convjit

using namespace mlir;
using namespace convjit;

namespace {
/// materialize_in_destination (collapse_shape %v) in %out : memref
///   -> materialize_in_destination %v in (memref.expand_shape %out)
/// materialize_in_destination (expand_shape %v) in %out : memref
///   -> materialize_in_destination %v in (memref.collapse_shape %out)
/// A blocked result [.., OCB, OCI] is seen as [.., OC] through a collapse; a
/// channels-first conv computed as a matrix product has its positions
/// flattened (ChannelsFirstProduct.h) and is seen through an expand. Without
/// this the whole output went to a temporary and was copied over (12% of
/// MobileNetV2-size layers' time for the latter).
struct MaterializeBeforeReshape
    : OpRewritePattern<bufferization::MaterializeInDestinationOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult
  matchAndRewrite(bufferization::MaterializeInDestinationOp op,
                  PatternRewriter &rewriter) const override {
    auto collapse = op.getSource().getDefiningOp<tensor::CollapseShapeOp>();
    auto expand = op.getSource().getDefiningOp<tensor::ExpandShapeOp>();
    auto destType = dyn_cast<MemRefType>(op.getDest().getType());
    if ((!collapse && !expand) || !destType ||
        !destType.getLayout().isIdentity())
      return failure();
    Value source = collapse ? collapse.getSrc() : expand.getSrc();
    auto sourceType = cast<RankedTensorType>(source.getType());
    if (!sourceType.hasStaticShape())
      return failure();
    // Right after the destination, so that the result's whole computation
    // can be placed in it (see BuildResultInDestination).
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointAfterValue(op.getDest());
    Value reshaped;
    if (collapse) {
      auto expandedType = MemRefType::get(
          sourceType.getShape(), destType.getElementType(),
          MemRefLayoutAttrInterface(), destType.getMemorySpace());
      reshaped = memref::ExpandShapeOp::create(
          rewriter, op.getLoc(), expandedType, op.getDest(),
          collapse.getReassociationIndices());
    } else {
      reshaped =
          memref::CollapseShapeOp::create(rewriter, op.getLoc(), op.getDest(),
                                          expand.getReassociationIndices());
    }
    rewriter.modifyOpInPlace(op, [&] {
      op.getSourceMutable().assign(source);
      op.getDestMutable().assign(reshaped);
    });
    return success();
  }
};

/// insert_slice (collapse_shape %v) into %dest, each group of merged dims
/// of %v filling a whole dim of %dest
///   -> collapse_shape (insert_slice %v into (expand_shape %dest))
/// A core whose output channels are blocked, stored into a slice of the
/// result (a transposed conv's phase, every other pixel) then writes
/// straight into the result: eliminate-empty-tensors does not look through
/// the reshape, and the phase went to a temporary and was copied.
struct InsertBeforeCollapse : OpRewritePattern<tensor::InsertSliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::InsertSliceOp insert,
                                PatternRewriter &rewriter) const override {
    auto collapse = insert.getSource().getDefiningOp<tensor::CollapseShapeOp>();
    RankedTensorType destType = insert.getDestType();
    if (!collapse || !collapse->hasOneUse() ||
        !collapse.getSrcType().hasStaticShape() || !destType.hasStaticShape() ||
        insert.getSourceType().getRank() != destType.getRank())
      return failure();
    ArrayRef<int64_t> sourceShape = collapse.getSrcType().getShape();
    SmallVector<ReassociationIndices> groups =
        collapse.getReassociationIndices();
    SmallVector<int64_t> expandedShape;
    SmallVector<OpFoldResult> offsets, sizes, strides;
    for (auto [d, group] : llvm::enumerate(groups)) {
      OpFoldResult offset = insert.getMixedOffsets()[d];
      OpFoldResult stride = insert.getMixedStrides()[d];
      if (group.size() == 1) {
        expandedShape.push_back(destType.getDimSize(d));
        offsets.push_back(offset);
        sizes.push_back(insert.getMixedSizes()[d]);
        strides.push_back(stride);
        continue;
      }
      if (!isZeroInteger(offset) || !isOneInteger(stride) ||
          insert.getStaticSizes()[d] != destType.getDimSize(d))
        return failure();
      for (int64_t i : group) {
        expandedShape.push_back(sourceShape[i]);
        offsets.push_back(rewriter.getIndexAttr(0));
        sizes.push_back(rewriter.getIndexAttr(sourceShape[i]));
        strides.push_back(rewriter.getIndexAttr(1));
      }
    }
    Location loc = insert.getLoc();
    Value expandedDest = tensor::ExpandShapeOp::create(
        rewriter, loc,
        RankedTensorType::get(expandedShape, destType.getElementType()),
        insert.getDest(), groups);
    Value inserted =
        tensor::InsertSliceOp::create(rewriter, loc, collapse.getSrc(),
                                      expandedDest, offsets, sizes, strides);
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(insert, destType,
                                                         inserted, groups);
    return success();
  }
};

/// A result assembled from parts, insert_slice after insert_slice into a
/// tensor.empty (a layer split into an interior and border regions): the
/// empty tensor becomes the destination itself. eliminate-empty-tensors
/// then places each part in it; on its own it visits the parts first and
/// anchors them on the empty tensor, which then needs a buffer of its own
/// and a copy into the destination.
struct BuildResultInDestination
    : OpRewritePattern<bufferization::MaterializeInDestinationOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult
  matchAndRewrite(bufferization::MaterializeInDestinationOp op,
                  PatternRewriter &rewriter) const override {
    auto destType = dyn_cast<MemRefType>(op.getDest().getType());
    if (!destType || !op.getRestrict() || !op.getWritable())
      return failure();
    auto insert = op.getSource().getDefiningOp<tensor::InsertSliceOp>();
    if (!insert)
      return failure();
    while (auto outer = insert.getDest().getDefiningOp<tensor::InsertSliceOp>())
      insert = outer;
    auto empty = insert.getDest().getDefiningOp<tensor::EmptyOp>();
    if (!empty || empty.getType().getShape() != destType.getShape())
      return failure();
    Value dest = op.getDest();
    if (!dest.getParentRegion()->isAncestor(empty->getParentRegion()) ||
        (dest.getDefiningOp() && !dest.getDefiningOp()->isBeforeInBlock(empty)))
      return failure();
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(empty);
    rewriter.replaceOpWithNewOp<bufferization::ToTensorOp>(
        empty, empty.getType(), dest, rewriter.getUnitAttr(),
        rewriter.getUnitAttr());
    return success();
  }
};

/// The values that carry the tensor `root` (a loop nest's iteration
/// argument) through its loops, if every use along the way is an in-bounds
/// vector transfer, a nested loop's initial value or a yield: then the nest
/// only reads and writes elements of it and can carry a bigger tensor of
/// which it is a slice. (A transfer that may run past the slice's end is
/// cut off or padded there, but not in the bigger tensor.) Appends the
/// transfers to `transfers`. A use by `end` is where the carrying stops.
static bool collectCarried(Value root, SmallVectorImpl<Value> &carried,
                           SmallVectorImpl<Operation *> &transfers,
                           Operation *end = nullptr) {
  SmallVector<Value> worklist{root};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    carried.push_back(value);
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (user == end)
        continue;
      if (auto write = dyn_cast<vector::TransferWriteOp>(user)) {
        if (&use != &write.getBaseMutable() || write.hasOutOfBoundsDim() ||
            write.getMask())
          return false;
        transfers.push_back(write);
        worklist.push_back(write.getResult());
      } else if (auto read = dyn_cast<vector::TransferReadOp>(user)) {
        if (read.hasOutOfBoundsDim() || read.getMask())
          return false;
        transfers.push_back(read);
      } else if (auto loop = dyn_cast<scf::ForOp>(user)) {
        worklist.push_back(loop.getTiedLoopRegionIterArg(&use));
        worklist.push_back(loop.getTiedLoopResult(&use));
      } else if (auto yield = dyn_cast<scf::YieldOp>(user)) {
        // Yielded in the place of the iteration argument it came from: the
        // loop result it becomes is carried already (see above).
        auto parent = dyn_cast<scf::ForOp>(yield->getParentOp());
        if (!parent ||
            !llvm::is_contained(
                carried, parent.getRegionIterArgs()[use.getOperandNumber()]))
          return false;
      } else {
        return false;
      }
    }
  }
  return true;
}

/// insert_slice (loops over an empty tile or a slice of %dest) into %dest
///   -> loops over %dest, writing at the slice's offsets
/// A region of a result computed by tile loops (an interior or border region
/// of a depthwise layer) writes straight into the whole result. As a slice
/// extracted and inserted back, every tile's write was compared with every
/// other slice of the result by bufferization (Presburger sets): a fifth of
/// a depthwise layer's compile. The loops may be a chain, each nest
/// carrying the one before's result (a peeled last tile): the first one
/// starts from the slice. Otherwise the chain computed into a temporary
/// that was copied over (a 1-D depthwise layer's interior: 39% of its
/// time).
struct WriteRegionInPlace : OpRewritePattern<tensor::InsertSliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::InsertSliceOp insert,
                                PatternRewriter &rewriter) const override {
    auto result = dyn_cast<OpResult>(insert.getSource());
    auto loop = result ? dyn_cast<scf::ForOp>(result.getOwner()) : nullptr;
    if (!loop || !result.hasOneUse() || !insert.hasUnitStride() ||
        insert.getSourceType().getRank() != insert.getDestType().getRank())
      return failure();
    SmallVector<int64_t> offsets(insert.getStaticOffsets());
    if (ShapedType::isDynamicShape(offsets))
      return failure();
    Value dest = insert.getDest();
    // Back along the chain to its first nest.
    scf::ForOp first = loop;
    OpResult firstResult = result;
    while (true) {
      Value init = first.getInitArgs()[firstResult.getResultNumber()];
      auto previous = dyn_cast<OpResult>(init);
      auto previousLoop =
          previous ? dyn_cast<scf::ForOp>(previous.getOwner()) : nullptr;
      if (!previousLoop || !previous.hasOneUse() ||
          previousLoop->getBlock() != loop->getBlock())
        break;
      first = previousLoop;
      firstResult = previous;
    }
    // The whole result must exist before the loops start writing into it.
    if (Operation *def = dest.getDefiningOp();
        def &&
        (def->getBlock() != first->getBlock() || !def->isBeforeInBlock(first)))
      return failure();
    OpOperand &init = first.getInitArgsMutable()[firstResult.getResultNumber()];
    Operation *initDef = init.get().getDefiningOp();
    auto sameSlice = dyn_cast_or_null<tensor::ExtractSliceOp>(initDef);
    if (!isa_and_nonnull<tensor::EmptyOp>(initDef) &&
        !(sameSlice && sameSlice.getSource() == dest &&
          sameSlice.getMixedOffsets() == insert.getMixedOffsets() &&
          sameSlice.getMixedSizes() == insert.getMixedSizes() &&
          sameSlice.hasUnitStride()))
      return failure();
    SmallVector<Value> carried;
    SmallVector<Operation *> transfers;
    if (!collectCarried(first.getTiedLoopRegionIterArg(&init), carried,
                        transfers) ||
        !collectCarried(firstResult, carried, transfers, insert))
      return failure();

    Type wholeType = dest.getType();
    rewriter.modifyOpInPlace(first, [&] { init.set(dest); });
    for (Value value : carried)
      value.setType(wholeType);
    for (Operation *transfer : transfers) {
      auto indices =
          isa<vector::TransferWriteOp>(transfer)
              ? cast<vector::TransferWriteOp>(transfer).getIndicesMutable()
              : cast<vector::TransferReadOp>(transfer).getIndicesMutable();
      rewriter.setInsertionPoint(transfer);
      for (auto [index, offset] : llvm::zip(indices, offsets)) {
        if (offset == 0)
          continue;
        Value shifted =
            arith::AddIOp::create(rewriter, transfer->getLoc(), index.get(),
                                  arith::ConstantIndexOp::create(
                                      rewriter, transfer->getLoc(), offset));
        rewriter.modifyOpInPlace(transfer, [&] { index.set(shifted); });
      }
    }
    rewriter.replaceOp(insert, result);
    if (initDef->use_empty())
      rewriter.eraseOp(initDef);
    return success();
  }
};

/// insert_slice (fill %c into %empty) into %dest, the fill's result also
/// inserted elsewhere
///   -> insert_slice (fill %c into %empty') into %dest, a fill of its own
/// A padded copy's border strips of one shape (top and bottom, left and
/// right) are identical fills of an empty tensor, which cse merges into one.
/// eliminate-empty-tensors then places that fill in one strip only: it was
/// written into a temporary and copied to each strip (ResNeXt conv4: 2.9%
/// of its time). Filled once per strip, each is written where it lies.
struct OneFillPerStrip : OpRewritePattern<tensor::InsertSliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::InsertSliceOp insert,
                                PatternRewriter &rewriter) const override {
    auto fill = insert.getSource().getDefiningOp<linalg::FillOp>();
    if (!fill || fill->hasOneUse() || fill.getNumResults() != 1 ||
        !llvm::all_of(fill->getUsers(), [](Operation *user) {
          return isa<tensor::InsertSliceOp>(user);
        }))
      return failure();
    auto empty = fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>();
    if (!empty)
      return failure();
    rewriter.setInsertionPoint(insert);
    Operation *ownEmpty = rewriter.clone(*empty);
    IRMapping mapping;
    mapping.map(empty.getResult(), ownEmpty->getResult(0));
    Operation *ownFill = rewriter.clone(*fill, mapping);
    rewriter.modifyOpInPlace(insert, [&] {
      insert.getSourceMutable().assign(ownFill->getResult(0));
    });
    return success();
  }
};

struct ResultsInPlacePass
    : public convjit::impl::ConvjitResultsInPlaceBase<ResultsInPlacePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<MaterializeBeforeReshape, BuildResultInDestination,
                 InsertBeforeCollapse, WriteRegionInPlace, OneFillPerStrip>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     sweepConfig())))
      return signalPassFailure();
  }
};
} // namespace
