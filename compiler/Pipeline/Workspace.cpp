//===- Workspace.cpp - Temporaries in one caller-owned buffer -------------===//

#include "Pipeline/KernelAbi.h"
#include "Pipeline/PassDetail.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace convjit {
#define GEN_PASS_DEF_CONVJITWORKSPACE
#include "Pipeline/Passes.h.inc"
} // namespace convjit

using namespace mlir;
using namespace convjit;

/// Offsets are multiples of a cache line, so vector accesses to a
/// temporary never straddle one more than its shape forces.
static constexpr int64_t kWorkspaceAlignment = 64;

namespace {
struct WorkspacePass
    : public convjit::impl::ConvjitWorkspaceBase<WorkspacePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto run = module.lookupSymbol<func::FuncOp>(kRunSymbol);
    if (!run)
      return;
    SmallVector<memref::AllocOp> allocs;
    for (Operation &op : run.getBody().front())
      if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
        MemRefType type = alloc.getType();
        if (type.hasStaticShape() && type.getLayout().isIdentity() &&
            type.getElementType().isIntOrFloat() &&
            type.getMemorySpace() == nullptr)
          allocs.push_back(alloc);
      }
    if (allocs.empty())
      return;

    MLIRContext *context = &getContext();
    SmallVector<int64_t> offsets;
    int64_t bytes = 0;
    for (memref::AllocOp alloc : allocs) {
      MemRefType type = alloc.getType();
      offsets.push_back(bytes);
      int64_t size = type.getNumElements() *
                     ((type.getElementTypeBitWidth() + 7) / 8);
      bytes += llvm::alignTo(size, kWorkspaceAlignment);
    }
    auto workspaceType = MemRefType::get({bytes}, IntegerType::get(context, 8));
    unsigned index = run.getNumArguments();
    OpBuilder builder(context);
    if (failed(run.insertArgument(
            index, workspaceType,
            builder.getDictionaryAttr(builder.getNamedAttr(
                kRoleAttrName, builder.getStringAttr("workspace"))),
            run.getLoc())))
      return signalPassFailure();
    Value workspace = run.getArgument(index);
    for (auto [alloc, offset] : llvm::zip(allocs, offsets)) {
      builder.setInsertionPoint(alloc);
      Value shift = arith::ConstantIndexOp::create(builder, alloc.getLoc(),
                                                   offset);
      Value view = memref::ViewOp::create(builder, alloc.getLoc(),
                                          alloc.getType(), workspace, shift,
                                          ValueRange{});
      // The workspace outlives the call: its temporaries are never freed.
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      alloc.replaceAllUsesWith(view);
      alloc.erase();
    }
    module->setAttr(kWorkspaceBytesAttrName,
                    builder.getI64IntegerAttr(bytes));
  }
};
} // namespace
