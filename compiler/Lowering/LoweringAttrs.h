//===- LoweringAttrs.h - Tags the lowering puts on its ops ------*- C++ -*-===//
//
// Unit attributes that mark the linalg ops the scheduler looks for, so it
// matches on intent rather than on the shape of the IR around them.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_LOWERING_LOWERINGATTRS_H
#define CONVJIT_LOWERING_LOWERINGATTRS_H

#include "llvm/ADT/StringRef.h"

namespace convjit {

/// The contraction linalg.generic of conv, conv_transpose and deform_conv.
inline constexpr llvm::StringLiteral kConvCoreAttr = "convjit.conv_core";
/// The generic of a depthwise conv computed channels-first, plane by plane
/// (PlanewiseDepthwise.h).
inline constexpr llvm::StringLiteral kPlanewiseAttr = "convjit.planewise";
/// The elementwise generic of a fused ReLU.
inline constexpr llvm::StringLiteral kReluAttr = "convjit.relu";
/// On a scheduled reduction (a conv core, a pooling window): its result
/// passes through max(x, 0), which its tiles apply to their accumulators
/// before they store them (set by convjit-choose-schedules in place of a
/// kReluAttr generic, applied by convjit-tile-and-vectorize).
inline constexpr llvm::StringLiteral kReluResultAttr = "convjit.relu_result";
/// The generic that gathers deform_conv's bilinear samples into columns.
inline constexpr llvm::StringLiteral kDeformSampleAttr =
    "convjit.deform_sample";
/// The generic that finds deform_conv's bilinear corners and weights.
inline constexpr llvm::StringLiteral kDeformCornersAttr =
    "convjit.deform_corners";
/// Marks a loop whose iterations write disjoint output tiles (a tile loop,
/// or a loop over blocks of channels computed each on its own): the threads
/// of a multithreaded kernel share it (convjit-parallelize).
inline constexpr llvm::StringLiteral kParallelLoopAttrName = "convjit.parallel";
/// An scf.for whose iterations compute disjoint parts of its result from
/// inputs it does not write (a transposed conv's alike phases, a window's
/// alike edges or border regions): with threads, convjit-parallelize makes
/// it one more dimension of the parallel tile loop inside it, so the team
/// forks once for all iterations instead of once per iteration.
inline constexpr llvm::StringLiteral kIndependentLoopAttr =
    "convjit.independent";

} // namespace convjit

#endif // CONVJIT_LOWERING_LOWERINGATTRS_H
