//===- LowerToLLVM.cpp - Vectors, memrefs and scalars to the LLVM dialect -===//
//
// One pass for what upstream does in nine (convert-vector-to-llvm,
// finalize-memref-to-llvm, convert-{math,arith,index,func,cf,ub}-to-llvm):
// the vector ops' progressive lowering, then a single dialect conversion with
// one type converter. The upstream passes build and freeze their pattern
// sets on every run -- convert-vector-to-llvm alone some hundred patterns
// twice -- which cost more than converting a kernel's few thousand ops
// (ConvertVectorToLLVM was the largest MLIR pass, a quarter of the LLVM
// stage). Built here once per pass instance, which the JIT keeps.
//
//===----------------------------------------------------------------------===//

#include "Pipeline/PassDetail.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace convjit {
#define GEN_PASS_DEF_CONVJITLOWERTOLLVM
#include "Pipeline/Passes.h.inc"
} // namespace convjit

using namespace mlir;
using namespace convjit;

namespace {
struct LowerToLLVMPass
    : public convjit::impl::ConvjitLowerToLLVMBase<LowerToLLVMPass> {
  LogicalResult initialize(MLIRContext *context) override {
    // As convert-vector-to-llvm: contractions as outer products (one FMA
    // per row of the register tile), transposes as 1-D shuffles, 1-D
    // transfers as loads and stores.
    RewritePatternSet vectorPatterns(context);
    vector::populateVectorToVectorCanonicalizationPatterns(vectorPatterns);
    vector::populateVectorBitCastLoweringPatterns(vectorPatterns);
    vector::populateVectorBroadcastLoweringPatterns(vectorPatterns);
    vector::populateVectorContractLoweringPatterns(
        vectorPatterns, vector::VectorContractLowering::OuterProduct);
    vector::populateVectorMaskOpLoweringPatterns(vectorPatterns);
    vector::populateVectorShapeCastLoweringPatterns(vectorPatterns);
    vector::populateVectorInterleaveLoweringPatterns(vectorPatterns);
    vector::populateVectorTransposeLoweringPatterns(
        vectorPatterns, vector::VectorTransposeLowering::Shuffle1D);
    vector::populateVectorTransferLoweringPatterns(vectorPatterns,
                                                   /*maxTransferRank=*/1);
    vector::populateVectorMaskMaterializationPatterns(
        vectorPatterns, /*force32BitVectorIndices=*/true);
    vector::populateVectorInsertExtractStridedSliceTransforms(vectorPatterns);
    vector::populateVectorStepLoweringPatterns(vectorPatterns);
    vector::populateVectorRankReducingFMAPattern(vectorPatterns);
    vector::populateVectorGatherLoweringPatterns(vectorPatterns);
    vector::populateVectorFromElementsUnrollPatterns(vectorPatterns);
    vector::populateVectorToElementsUnrollPatterns(vectorPatterns);
    vectorLowering = FrozenRewritePatternSet(std::move(vectorPatterns));

    // Kernels take bare pointers (the JIT's calling convention).
    LowerToLLVMOptions options(context);
    options.useBarePtrCallConv = true;
    converter = std::make_shared<LLVMTypeConverter>(context, options);
    RewritePatternSet patterns(context);
    vector::populateVectorTransferLoweringPatterns(patterns);
    populateVectorToLLVMConversionPatterns(
        *converter, patterns, /*reassociateFPReductions=*/false,
        /*force32BitVectorIndices=*/true);
    populateFinalizeMemRefToLLVMConversionPatterns(*converter, patterns);
    populateMathToLLVMConversionPatterns(*converter, patterns);
    arith::populateArithToLLVMConversionPatterns(*converter, patterns);
    index::populateIndexToLLVMConversionPatterns(*converter, patterns);
    populateFuncToLLVMConversionPatterns(*converter, patterns);
    cf::populateControlFlowToLLVMConversionPatterns(*converter, patterns);
    ub::populateUBToLLVMConversionPatterns(*converter, patterns);
    conversion = FrozenRewritePatternSet(std::move(patterns));
    target = std::make_shared<LLVMConversionTarget>(*context);
    target->addLegalOp<ModuleOp>();
    return success();
  }

  void runOnOperation() override {
    (void)applyPatternsGreedily(getOperation(), vectorLowering);
    // Partial: a threaded kernel's OpenMP ops are lowered after this.
    if (failed(applyPartialConversion(getOperation(), *target, conversion)))
      signalPassFailure();
  }

private:
  FrozenRewritePatternSet vectorLowering, conversion;
  std::shared_ptr<LLVMTypeConverter> converter;
  std::shared_ptr<LLVMConversionTarget> target;
};
} // namespace
