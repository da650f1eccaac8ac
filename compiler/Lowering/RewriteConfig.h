//===- RewriteConfig.h - How convjit's pattern sweeps run ------*- C++ -*-===//
#ifndef CONVJIT_LOWERING_REWRITECONFIG_H
#define CONVJIT_LOWERING_REWRITECONFIG_H

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace convjit {

/// The greedy driver's settings for convjit's own pattern sweeps (and, as a
/// pass option, for the JIT pipeline's canonicalizations). They rewrite
/// structured IR (loops, tensors, vectors) with nothing to merge or prune
/// in its blocks: region simplification after every sweep left the machine
/// code of 33 layers (at 1 and 2 threads) byte-identical when disabled and
/// took 2-3% of a compile.
inline mlir::GreedyRewriteConfig sweepConfig() {
  mlir::GreedyRewriteConfig config;
  config.setRegionSimplificationLevel(
      mlir::GreedySimplifyRegionLevel::Disabled);
  return config;
}

} // namespace convjit

#endif // CONVJIT_LOWERING_REWRITECONFIG_H
