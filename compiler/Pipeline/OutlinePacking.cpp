//===- OutlinePacking.cpp - Weight preparation as its own function -------===//

#include "Pipeline/KernelAbi.h"
#include "Pipeline/PassDetail.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/SetVector.h"

namespace convjit {
#define GEN_PASS_DEF_CONVJITOUTLINEPACKING
#include "Pipeline/Passes.h.inc"
} // namespace convjit

using namespace mlir;
using namespace convjit;

/// Offsets into the packed buffer are multiples of this many f32 (64 bytes),
/// so every packed tensor starts on a cache line.
static constexpr int64_t kPackAlignment = 16;

static int64_t numElements(Type type) {
  auto shaped = dyn_cast<RankedTensorType>(type);
  return shaped && shaped.hasStaticShape() ? shaped.getNumElements() : -1;
}

static StringRef roleOf(func::FuncOp func, unsigned index) {
  if (auto role = func.getArgAttrOfType<StringAttr>(index, kRoleAttrName))
    return role.getValue();
  return "";
}

namespace {
/// The weight-only part of `convjit_run`: the ops that depend on weights (or
/// on constants) only, and are worth doing once.
struct WeightSlice {
  llvm::SetVector<Operation *> ops;
  llvm::SetVector<Value> values; // weight args and results of `ops`
  /// Values outside the slice the ops read: constants and empty tensors.
  llvm::SetVector<Operation *> leaves;
};
} // namespace

/// An op is a leaf when it can be recreated anywhere for free.
static bool isFreeLeaf(Operation *op) {
  return isa<tensor::EmptyOp>(op) || matchPattern(op, m_Constant());
}

static WeightSlice computeWeightSlice(func::FuncOp func) {
  WeightSlice slice;
  for (BlockArgument arg : func.getArguments()) {
    StringRef role = roleOf(func, arg.getArgNumber());
    if (role == "weight" || role == "bias")
      slice.values.insert(arg);
  }
  for (Operation &op : func.getBody().front().without_terminator()) {
    if (!isPure(&op) || op.getNumResults() == 0)
      continue;
    bool readsWeights = false;
    bool readsOnlyWeightsOrLeaves = true;
    int64_t weightElements = 0;
    for (Value operand : op.getOperands()) {
      if (slice.values.contains(operand)) {
        readsWeights = true;
        weightElements += std::max<int64_t>(numElements(operand.getType()), 0);
        continue;
      }
      Operation *def = operand.getDefiningOp();
      if (!def || !isFreeLeaf(def))
        readsOnlyWeightsOrLeaves = false;
    }
    // Values an op's regions capture from outside must be in the slice too.
    SmallVector<Operation *> capturedLeaves;
    op.walk([&](Operation *nested) {
      if (nested == &op)
        return;
      for (Value operand : nested->getOperands()) {
        Operation *scope = operand.getParentRegion()->getParentOp();
        bool captured = scope != &op && !op.isProperAncestor(scope);
        if (!captured || slice.values.contains(operand))
          continue;
        Operation *def = operand.getDefiningOp();
        if (def && isFreeLeaf(def))
          capturedLeaves.push_back(def);
        else
          readsOnlyWeightsOrLeaves = false;
      }
    });
    if (!readsWeights || !readsOnlyWeightsOrLeaves)
      continue;
    // Preparing weights may reorder or flip them, never blow them up: a
    // broadcast of the bias over the output is cheaper to redo per call than
    // to store.
    int64_t resultElements = 0;
    for (Value result : op.getResults())
      resultElements += std::max<int64_t>(numElements(result.getType()), 0);
    if (resultElements > weightElements)
      continue;
    slice.ops.insert(&op);
    for (Value result : op.getResults())
      slice.values.insert(result);
    for (Value operand : op.getOperands())
      if (Operation *def = operand.getDefiningOp(); def && isFreeLeaf(def))
        slice.leaves.insert(def);
    slice.leaves.insert(capturedLeaves.begin(), capturedLeaves.end());
  }
  return slice;
}

/// A slice of prepared weights that only convjit_run reads stays there, as
/// a view of what the pack function stores: stored itself it was a second
/// copy of the weights it views, with its own packing loops (a depthwise
/// layer's eight border regions each stored their cropped window, and the
/// pack function was a fifth of the compile).
static void keepSlicesInRun(WeightSlice &slice) {
  bool changed = true;
  while (changed) {
    changed = false;
    SmallVector<Operation *> views;
    for (Operation *op : slice.ops)
      if (isa<tensor::ExtractSliceOp>(op) &&
          llvm::none_of(op->getUsers(), [&](Operation *user) {
            return slice.ops.contains(user);
          }))
        views.push_back(op);
    for (Operation *op : views) {
      slice.ops.remove(op);
      slice.values.remove(op->getResult(0));
      changed = true;
    }
  }
}

namespace {
struct OutlinePackingPass
    : public convjit::impl::ConvjitOutlinePackingBase<OutlinePackingPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto run = module.lookupSymbol<func::FuncOp>(kRunSymbol);
    if (!run) {
      module.emitError("no '") << kRunSymbol << "' function to outline from";
      return signalPassFailure();
    }
    MLIRContext *context = &getContext();
    WeightSlice slice = computeWeightSlice(run);
    keepSlicesInRun(slice);
    SmallVector<unsigned> weightArgs;
    for (BlockArgument arg : run.getArguments())
      if (slice.values.contains(arg))
        weightArgs.push_back(arg.getArgNumber());
    if (weightArgs.empty())
      return; // pooling, shuffle: nothing to prepare

    // The values the rest of convjit_run needs, in program order.
    SmallVector<Value> boundary;
    for (Value value : slice.values)
      for (Operation *user : value.getUsers())
        if (!slice.ops.contains(user)) {
          boundary.push_back(value);
          break;
        }
    SmallVector<int64_t> offsets;
    int64_t packedElements = 0;
    for (Value value : boundary) {
      offsets.push_back(packedElements);
      packedElements +=
          llvm::alignTo(numElements(value.getType()), kPackAlignment);
    }
    Type f32 = Float32Type::get(context);
    auto packedType = RankedTensorType::get({packedElements}, f32);

    // convjit_pack(weights..., packed) computes the slice into `packed`.
    OpBuilder builder(context);
    builder.setInsertionPoint(run);
    SmallVector<Type> packInputs;
    SmallVector<DictionaryAttr> packArgAttrs;
    for (unsigned index : weightArgs) {
      packInputs.push_back(run.getArgument(index).getType());
      packArgAttrs.push_back(run.getArgAttrDict(index));
    }
    auto packedBufferType = MemRefType::get({packedElements}, f32);
    packInputs.push_back(packedBufferType);
    packArgAttrs.push_back(builder.getDictionaryAttr(builder.getNamedAttr(
        kRoleAttrName, builder.getStringAttr("packed"))));
    auto pack = func::FuncOp::create(
        builder, run.getLoc(), kPackSymbol,
        builder.getFunctionType(packInputs, {}));
    pack.setAllArgAttrs(packArgAttrs);
    Block *packBody = pack.addEntryBlock();
    builder.setInsertionPointToStart(packBody);
    IRMapping mapping;
    for (auto [i, index] : llvm::enumerate(weightArgs))
      mapping.map(run.getArgument(index), packBody->getArgument(i));
    for (Operation *leaf : slice.leaves)
      builder.clone(*leaf, mapping);
    for (Operation *op : slice.ops)
      builder.clone(*op, mapping);
    Value packed = tensor::EmptyOp::create(builder, run.getLoc(),
                                           packedType.getShape(), f32);
    Location loc = run.getLoc();
    for (auto [value, offset] : llvm::zip(boundary, offsets)) {
      Value flat = mapping.lookup(value);
      auto type = cast<RankedTensorType>(flat.getType());
      if (type.getRank() != 1) {
        SmallVector<ReassociationIndices> all(1);
        for (int64_t d = 0; d < type.getRank(); ++d)
          all[0].push_back(d);
        flat = tensor::CollapseShapeOp::create(builder, loc, flat, all);
      }
      int64_t size = type.getNumElements();
      packed = tensor::InsertSliceOp::create(
          builder, loc, flat, packed, ArrayRef<OpFoldResult>{builder.getIndexAttr(offset)},
          ArrayRef<OpFoldResult>{builder.getIndexAttr(size)},
          ArrayRef<OpFoldResult>{builder.getIndexAttr(1)});
    }
    auto stored = bufferization::MaterializeInDestinationOp::create(
        builder, loc, TypeRange{}, packed, packBody->getArguments().back());
    stored.setRestrict(true);
    stored.setWritable(true);
    func::ReturnOp::create(builder, loc);

    // convjit_run reads the boundary values out of `packed`.
    unsigned packedIndex = weightArgs.front();
    if (failed(run.insertArgument(
            packedIndex, packedType,
            builder.getDictionaryAttr(builder.getNamedAttr(
                kRoleAttrName, builder.getStringAttr("packed"))),
            loc)))
      return signalPassFailure();
    Value packedArg = run.getArgument(packedIndex);
    builder.setInsertionPointToStart(&run.getBody().front());
    for (auto [value, offset] : llvm::zip(boundary, offsets)) {
      auto type = cast<RankedTensorType>(value.getType());
      int64_t size = type.getNumElements();
      Value view = tensor::ExtractSliceOp::create(
          builder, loc, packedArg,
          ArrayRef<OpFoldResult>{builder.getIndexAttr(offset)},
          ArrayRef<OpFoldResult>{builder.getIndexAttr(size)},
          ArrayRef<OpFoldResult>{builder.getIndexAttr(1)});
      if (type.getRank() != 1) {
        SmallVector<ReassociationIndices> all(1);
        for (int64_t d = 0; d < type.getRank(); ++d)
          all[0].push_back(d);
        view = tensor::ExpandShapeOp::create(builder, loc, type, view, all);
      }
      value.replaceUsesWithIf(view, [&](OpOperand &use) {
        return !slice.ops.contains(use.getOwner());
      });
    }
    // The slice is dead in convjit_run now; erase it last-to-first.
    for (Operation *op : llvm::reverse(slice.ops))
      op->erase();
    llvm::BitVector erase(run.getNumArguments());
    for (unsigned index : weightArgs)
      erase.set(index + 1); // shifted by the inserted packed argument
    if (failed(run.eraseArguments(erase)))
      return signalPassFailure();
    module->setAttr(kPackedElementsAttrName,
                    builder.getI64IntegerAttr(packedElements));
  }
};
} // namespace
