//===- Patterns.h - The lowering pattern of each op family ------*- C++ -*-===//
//
// One entry per op family, each defined in its own <Family>ToLinalg.cpp;
// populateConvToLinalgPatterns (Passes.h) adds them all.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_LOWERING_PATTERNS_H
#define CONVJIT_LOWERING_PATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace convjit::lowering {

void populateConvPattern(mlir::RewritePatternSet &patterns);
void populateConvTransposePattern(mlir::RewritePatternSet &patterns,
                                  bool byPhases);
void populateDeformConvPattern(mlir::RewritePatternSet &patterns);
void populatePoolPattern(mlir::RewritePatternSet &patterns);
void populateChannelShufflePattern(mlir::RewritePatternSet &patterns);

} // namespace convjit::lowering

#endif // CONVJIT_LOWERING_PATTERNS_H
