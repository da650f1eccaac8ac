//===- ConvertConvToLinalg.cpp - The convert-conv-to-linalg pass ----------===//

#include "Lowering/Passes.h"

#include "Conv/ConvDialect.h"
#include "Lowering/Patterns.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace convjit {

#define GEN_PASS_DEF_CONVERTCONVTOLINALG
#include "Lowering/Passes.h.inc"

void populateConvToLinalgPatterns(mlir::RewritePatternSet &patterns,
                                  bool transposeByPhases) {
  lowering::populateConvPattern(patterns);
  lowering::populateConvTransposePattern(patterns, transposeByPhases);
  lowering::populateDeformConvPattern(patterns);
  lowering::populatePoolPattern(patterns);
  lowering::populateChannelShufflePattern(patterns);
}

namespace {

struct ConvertConvToLinalgPass
    : impl::ConvertConvToLinalgBase<ConvertConvToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    mlir::MLIRContext &context = getContext();
    mlir::ConversionTarget target(context);
    // Illegal, so a conv op no pattern lowers fails the pass by name.
    target.addIllegalDialect<conv::ConvDialect>();
    target
        .addLegalDialect<mlir::affine::AffineDialect, mlir::arith::ArithDialect,
                         mlir::linalg::LinalgDialect, mlir::math::MathDialect,
                         mlir::scf::SCFDialect, mlir::tensor::TensorDialect>();
    mlir::RewritePatternSet patterns(&context);
    populateConvToLinalgPatterns(patterns, transposeByPhases);
    if (mlir::failed(mlir::applyPartialConversion(getOperation(), target,
                                                  std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace convjit
