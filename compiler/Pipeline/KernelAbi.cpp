//===- KernelAbi.cpp - The JIT calling convention of a layer --------------===//

#include "Pipeline/KernelAbi.h"
#include "Pipeline/PassDetail.h"

#include "Conv/ConvOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace convjit {
#define GEN_PASS_DEF_CONVJITKERNELABI
#include "Pipeline/Passes.h.inc"
} // namespace convjit

using namespace mlir;
using namespace convjit;

/// The role of each operand of the layer's op, by operand.
static SmallVector<std::pair<Value, StringRef>> operandRoles(Operation *op) {
  SmallVector<std::pair<Value, StringRef>> roles;
  auto add = [&](Value value, StringRef role) {
    if (value)
      roles.push_back({value, role});
  };
  if (auto conv = dyn_cast<conv::ConvOp>(op)) {
    add(conv.getInput(), "input");
    add(conv.getWeight(), "weight");
    add(conv.getBias(), "bias");
  } else if (auto convT = dyn_cast<conv::ConvTransposeOp>(op)) {
    add(convT.getInput(), "input");
    add(convT.getWeight(), "weight");
    add(convT.getBias(), "bias");
  } else if (auto deform = dyn_cast<conv::DeformConvOp>(op)) {
    add(deform.getInput(), "input");
    add(deform.getOffset(), "offset");
    add(deform.getMask(), "mask");
    add(deform.getWeight(), "weight");
    add(deform.getBias(), "bias");
  } else if (auto pool = dyn_cast<conv::PoolOp>(op)) {
    add(pool.getInput(), "input");
  } else if (auto shuffle = dyn_cast<conv::ChannelShuffleOp>(op)) {
    add(shuffle.getInput(), "input");
  }
  return roles;
}

namespace {
struct KernelAbiPass
    : public convjit::impl::ConvjitKernelAbiBase<KernelAbiPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto funcs = llvm::to_vector(module.getOps<func::FuncOp>());
    if (funcs.size() != 1) {
      module.emitError("a kernel module holds exactly one layer function, "
                       "found ")
          << funcs.size();
      return signalPassFailure();
    }
    func::FuncOp func = funcs.front();
    Operation *layerOp = nullptr;
    func.walk([&](Operation *op) {
      if (isa<conv::ConvDialect>(op->getDialect()))
        layerOp = op;
    });
    if (!layerOp) {
      func.emitError("the layer function has no conv-dialect op");
      return signalPassFailure();
    }

    MLIRContext *context = &getContext();
    for (auto [value, role] : operandRoles(layerOp)) {
      auto arg = dyn_cast<BlockArgument>(value);
      if (!arg || arg.getOwner() != &func.getBody().front()) {
        layerOp->emitError("operand '") << role
                                        << "' is not a function argument";
        return signalPassFailure();
      }
      func.setArgAttr(arg.getArgNumber(), kRoleAttrName,
                      StringAttr::get(context, role));
    }

    // The output becomes a destination argument of memref type the result
    // is stored into: the kernel writes straight into the caller's buffer
    // and returns nothing.
    auto returnOp = cast<func::ReturnOp>(func.getBody().front().getTerminator());
    Value result = returnOp.getOperand(0);
    auto resultType = cast<RankedTensorType>(result.getType());
    auto outputType =
        MemRefType::get(resultType.getShape(), resultType.getElementType());
    unsigned outputIndex = func.getNumArguments();
    if (failed(func.insertArgument(
            outputIndex, outputType,
            DictionaryAttr::get(context,
                                {NamedAttribute(
                                    StringAttr::get(context, kRoleAttrName),
                                    StringAttr::get(context, "output"))}),
            func.getLoc())))
      return signalPassFailure();
    OpBuilder builder(returnOp);
    auto materialized = bufferization::MaterializeInDestinationOp::create(
        builder, returnOp.getLoc(), TypeRange{}, result,
        func.getArgument(outputIndex));
    materialized.setRestrict(true);
    materialized.setWritable(true);
    func::ReturnOp::create(builder, returnOp.getLoc());
    returnOp.erase();
    func.setFunctionTypeAttr(TypeAttr::get(
        FunctionType::get(context, func.getArgumentTypes(), {})));
    func.setSymName(kRunSymbol);
  }
};
} // namespace
