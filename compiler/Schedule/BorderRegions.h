//===- BorderRegions.h - A channel-wise window op split at its borders ----===//
#ifndef CONVJIT_SCHEDULE_BORDERREGIONS_H
#define CONVJIT_SCHEDULE_BORDERREGIONS_H

#include "Schedule/ScheduleTuning.h"
#include "Target/TargetInfo.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace convjit {

/// Splits a channel-wise window op (a depthwise core or a generalized
/// pooling window, loops (n, o..., c, k...), input 0 a tensor.pad of the
/// input read at (n, o*s + k*d..., c); or a channels-first depthwise conv,
/// loops (n, c, o..., k...), reading (n, c, o*s + k*d...)) into its
/// interior, which reads the unpadded input, and border regions, each
/// scheduled like the interior (BorderRegions.cpp says how). Leaves `op`
/// alone when it has no border or no interior.
void splitPaddedBorders(mlir::RewriterBase &rewriter,
                        mlir::linalg::GenericOp op, const TargetInfo &target,
                        const ScheduleTuning &tuning);

} // namespace convjit

#endif // CONVJIT_SCHEDULE_BORDERREGIONS_H
