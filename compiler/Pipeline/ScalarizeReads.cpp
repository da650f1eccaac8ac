//===- ScalarizeReads.cpp - Reads used element by element as scalar loads -===//

#include "Lowering/RewriteConfig.h"
#include "Pipeline/PassDetail.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/Support/MathExtras.h"

namespace convjit {
#define GEN_PASS_DEF_CONVJITSCALARIZEREADS
#include "Pipeline/Passes.h.inc"
} // namespace convjit

using namespace mlir;
using namespace convjit;

/// An in-bounds, unmasked, minor-identity read of a memref: one that can
/// become loads of its elements at the read's indices plus their offsets.
static MemRefType plainMemRefRead(vector::TransferReadOp read) {
  auto memref = dyn_cast<MemRefType>(read.getBase().getType());
  VectorType vector = read.getVectorType();
  if (!memref || vector.isScalable() || read.getMask() ||
      !read.getPermutationMap().isMinorIdentity() ||
      llvm::any_of(read.getInBoundsValues(), [](bool b) { return !b; }))
    return nullptr;
  return memref;
}

/// The read as one memref.load per element and a vector.from_elements.
static void replaceByScalarLoads(vector::TransferReadOp read,
                                 PatternRewriter &rewriter) {
  Location loc = read.getLoc();
  VectorType vector = read.getVectorType();
  ArrayRef<int64_t> shape = vector.getShape();
  unsigned rank = shape.size();
  unsigned leading = read.getIndices().size() - rank;
  SmallVector<Value> elements;
  SmallVector<int64_t> position(rank, 0);
  for (int64_t n = 0; n < vector.getNumElements(); ++n) {
    SmallVector<Value> indices(read.getIndices());
    for (unsigned d = 0; d < rank; ++d)
      if (position[d] != 0)
        indices[leading + d] = arith::AddIOp::create(
            rewriter, loc, indices[leading + d],
            arith::ConstantIndexOp::create(rewriter, loc, position[d]));
    elements.push_back(
        memref::LoadOp::create(rewriter, loc, read.getBase(), indices));
    for (int d = rank - 1; d >= 0; --d) {
      if (++position[d] < shape[d])
        break;
      position[d] = 0;
    }
  }
  rewriter.replaceOpWithNewOp<vector::FromElementsOp>(read, vector, elements);
}

namespace {
/// vector.transfer_read %m[...] : memref<..., strided<[..., s]>>, vector<N>
/// (s != 1): a strided convolution's register tile reads its inputs every
/// `stride` elements. The upstream lowering builds such a vector in a
/// runtime loop of compares and blends; the tile only ever broadcasts the
/// elements one by one anyway, which LLVM folds into broadcasts from memory.
struct ScalarizeStridedRead : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    MemRefType memref = plainMemRefRead(read);
    if (!memref || read.getVectorType().getRank() != 1)
      return failure();
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(memref.getStridesAndOffset(strides, offset)) ||
        strides.back() == 1)
      return failure();
    replaceByScalarLoads(read, rewriter);
    return success();
  }
};

/// The input side of a register tile's contraction (positions x a few input
/// channels, e.g. vector<6x3xf32> for a 3-channel stem) is used element by
/// element: each element is broadcast against a vector of weights. A row of
/// 3, 5, 6 or 7 floats is no legal vector, and LLVM loads it in pieces and
/// extracts the elements with shuffles, spilling what does not fit; as
/// scalar loads every element becomes one broadcast from memory.
struct ScalarizeOddContractInput : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    if (!plainMemRefRead(read) || read.getVectorType().getRank() == 0)
      return failure();
    int64_t row = read.getVectorType().getShape().back();
    if (llvm::isPowerOf2_64(row) || row > 8 || read->getResult(0).use_empty())
      return failure();
    for (OpOperand &use : read->getResult(0).getUses()) {
      auto contract = dyn_cast<vector::ContractionOp>(use.getOwner());
      if (!contract || use.getOperandNumber() != 0)
        return failure();
    }
    replaceByScalarLoads(read, rewriter);
    return success();
  }
};

struct ScalarizeReadsPass
    : public convjit::impl::ConvjitScalarizeReadsBase<ScalarizeReadsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ScalarizeStridedRead, ScalarizeOddContractInput>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     sweepConfig())))
      return signalPassFailure();
  }
};
} // namespace
