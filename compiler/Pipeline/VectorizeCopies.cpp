//===- VectorizeCopies.cpp - Copies and fills as vector loops -------------===//
//
// The ops no schedule tiles (a padded input's copy, the zero borders, the
// phases of a transposed conv put in place) would otherwise lower to scalar
// loops and rely on LLVM's loop vectorizer, the costliest optimization the
// JIT would run for them (see Jit.cpp). Here they become loops of whole
// vector loads and stores, over the longest run of elements that is
// contiguous in every operand.
//
//===----------------------------------------------------------------------===//

#include "Pipeline/PassDetail.h"
#include "Schedule/ConvSchedule.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

namespace convjit {
#define GEN_PASS_DEF_CONVJITVECTORIZECOPIES
#include "Pipeline/Passes.h.inc"
} // namespace convjit

using namespace mlir;
using namespace convjit;

/// Bytes moved per vector load and store: a cache line.
static constexpr int64_t kVectorBytes = 64;

/// `value` with its trailing `dims` dimensions collapsed into one.
static Value collapseTrailing(RewriterBase &rewriter, Location loc, Value value,
                              int64_t dims) {
  auto type = cast<MemRefType>(value.getType());
  int64_t rank = type.getRank();
  if (dims == 1)
    return value;
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d < rank - dims; ++d)
    groups.push_back({d});
  ReassociationIndices last;
  for (int64_t d = rank - dims; d < rank; ++d)
    last.push_back(d);
  groups.push_back(last);
  return memref::CollapseShapeOp::create(rewriter, loc, value, groups);
}

/// Replaces a copy (`source` non-null) or fill (`fillValue` non-null) of
/// `target` with vector loops. Fails, leaving the op alone, when the
/// innermost dimension is not contiguous in every operand.
static LogicalResult vectorizeRows(RewriterBase &rewriter, Operation *op,
                                   Value source, Value fillValue, Value target,
                                   int64_t minParallelWork) {
  auto targetType = cast<MemRefType>(target.getType());
  if (!targetType.hasStaticShape() || targetType.getRank() == 0)
    return failure();
  if (!targetType.isLastDimUnitStride())
    return failure();
  int64_t dims = targetType.getNumContiguousTrailingDims();
  if (source) {
    auto sourceType = cast<MemRefType>(source.getType());
    if (sourceType.getShape() != targetType.getShape() ||
        !sourceType.isLastDimUnitStride())
      return failure();
    dims = std::min(dims, sourceType.getNumContiguousTrailingDims());
  }
  // Whole bytes per element: a vector of i1 is stored packed, a memref of
  // i1 is not.
  Type element = targetType.getElementType();
  if (dims == 0 || !element.isIntOrFloat() ||
      element.getIntOrFloatBitWidth() % 8 != 0)
    return failure();

  Location loc = op->getLoc();
  rewriter.setInsertionPoint(op);
  target = collapseTrailing(rewriter, loc, target, dims);
  if (source)
    source = collapseTrailing(rewriter, loc, source, dims);
  auto rowType = cast<MemRefType>(target.getType());
  int64_t rank = rowType.getRank();
  int64_t rowLength = rowType.getShape().back();
  int64_t width = std::max<int64_t>(
      1, kVectorBytes / (element.getIntOrFloatBitWidth() / 8));

  auto constant = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, value);
  };
  // One row of `length` elements from `start`, as a vector.
  auto moveRow = [&](OpBuilder &b, ValueRange outer, Value start,
                     int64_t length) {
    auto vectorType = VectorType::get({length}, element);
    SmallVector<Value> indices(outer);
    indices.push_back(start);
    Value row =
        source ? vector::LoadOp::create(b, loc, vectorType, source, indices)
                     .getResult()
               : vector::BroadcastOp::create(b, loc, vectorType, fillValue)
                     .getResult();
    vector::StoreOp::create(b, loc, row, target, indices);
  };
  // The outer dimensions as a loop nest, one row per innermost iteration.
  // A big copy or fill of the kernel's top level (a padded input's copy:
  // 400 KB of ResNet-50's res3b, which one thread moved while the other
  // waited) is shared by the threads over its outermost loop
  // (convjit-parallelize); its rows are disjoint.
  bool shared =
      minParallelWork >= 0 && isa<FunctionOpInterface>(op->getParentOp()) &&
      targetType.getNumElements() * kCopyWorkFactor >= minParallelWork;
  SmallVector<Value> outer;
  for (int64_t d = 0; d < rank - 1; ++d) {
    if (rowType.getDimSize(d) == 1) {
      outer.push_back(constant(0));
      continue;
    }
    auto loop =
        scf::ForOp::create(rewriter, loc, constant(0),
                           constant(rowType.getDimSize(d)), constant(1));
    if (shared) {
      loop->setAttr(kParallelLoopAttrName, rewriter.getUnitAttr());
      shared = false;
    }
    outer.push_back(loop.getInductionVar());
    rewriter.setInsertionPointToStart(loop.getBody());
  }
  int64_t whole = rowLength / width * width;
  if (whole == width) {
    moveRow(rewriter, outer, constant(0), width);
  } else if (whole > 0) {
    scf::ForOp::create(rewriter, loc, constant(0), constant(whole),
                       constant(width), ValueRange{},
                       [&](OpBuilder &b, Location, Value start, ValueRange) {
                         moveRow(b, outer, start, width);
                         scf::YieldOp::create(b, loc);
                       });
  }
  if (rowLength > whole)
    moveRow(rewriter, outer, constant(whole), rowLength - whole);
  rewriter.eraseOp(op);
  return success();
}

namespace {
struct VectorizeCopiesPass
    : public convjit::impl::ConvjitVectorizeCopiesBase<VectorizeCopiesPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<linalg::CopyOp, linalg::FillOp>(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *op : ops) {
      if (auto copy = dyn_cast<linalg::CopyOp>(op)) {
        if (copy.hasPureBufferSemantics())
          (void)vectorizeRows(rewriter, op, copy.getInputs().front(), Value(),
                              copy.getOutputs().front(), minParallelWork);
      } else if (auto fill = dyn_cast<linalg::FillOp>(op)) {
        if (fill.hasPureBufferSemantics())
          (void)vectorizeRows(rewriter, op, Value(), fill.getInputs().front(),
                              fill.getOutputs().front(), minParallelWork);
      }
    }
  }
};
} // namespace
