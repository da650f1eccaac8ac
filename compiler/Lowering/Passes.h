//===- Passes.h - conv dialect lowering passes ------------------*- C++ -*-===//
//
// The convert-conv-to-linalg pass and its patterns, for convjit-opt and the
// JIT pipeline.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_LOWERING_PASSES_H
#define CONVJIT_LOWERING_PASSES_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace convjit {

#define GEN_PASS_DECL
#include "Lowering/Passes.h.inc"

/// One conversion pattern per conv-dialect op family, lowering it to
/// linalg/tensor/arith/math ops on tensors (see Passes.td for the forms).
void populateConvToLinalgPatterns(mlir::RewritePatternSet &patterns,
                                  bool transposeByPhases = true);

/// Defines registerConvjitLoweringPasses(), which makes every pass of this
/// library known to the pass-pipeline parser (convjit-opt, the JIT).
#define GEN_PASS_REGISTRATION
#include "Lowering/Passes.h.inc"

} // namespace convjit

#endif // CONVJIT_LOWERING_PASSES_H
