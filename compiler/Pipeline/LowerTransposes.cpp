//===- LowerTransposes.cpp - Register transposes as target shuffles -------===//

#include "Lowering/RewriteConfig.h"
#include "Pipeline/PassDetail.h"
#include "Target/TargetInfo.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/X86Vector/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace convjit {
#define GEN_PASS_DEF_CONVJITLOWERTRANSPOSES
#include "Pipeline/Passes.h.inc"
} // namespace convjit

using namespace mlir;
using namespace convjit;

namespace {
struct LowerTransposesPass
    : public convjit::impl::ConvjitLowerTransposesBase<LowerTransposesPass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *context) override {
    auto info = convjit::TargetInfo::byName(target);
    if (!info)
      return emitError(UnknownLoc::get(context))
             << "convjit-lower-transposes: "
             << llvm::toString(info.takeError());
    RewritePatternSet set(context);
    if (info->f32Lanes() == 16) {
      // AVX-512's 16x16 tile: MLIR's 16x16 shuffle sequence on rows. The
      // generic lowering's one 256-element shuffle took LLVM 30% of an nchw
      // layer's compile (109 -> 79 ms), its code as fast or slower.
      vector::populateVectorTransposeLoweringPatterns(
          set, vector::VectorTransposeLowering::Shuffle16x16);
    }
    if (info->f32Lanes() == 8) {
      x86vector::avx2::LoweringOptions options;
      options.setTransposeOptions(
          x86vector::avx2::TransposeLoweringOptions().lower8x8xf32());
      x86vector::avx2::populateSpecializedTransposeLoweringPatterns(set,
                                                                    options);
    }
    patterns = FrozenRewritePatternSet(std::move(set));
    return success();
  }

  void runOnOperation() override {
    if (failed(applyPatternsGreedily(getOperation(), patterns, sweepConfig())))
      return signalPassFailure();
  }

  FrozenRewritePatternSet patterns;
};
} // namespace
