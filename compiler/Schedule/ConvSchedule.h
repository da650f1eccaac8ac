//===- ConvSchedule.h - How a convolution core is tiled ---------*- C++ -*-===//
//
// A schedule is data: tile sizes per loop of the `convjit.conv_core` generic
// and the order of the tiled loops. It is chosen from the target's facts
// (vector width and register count make the register tile; cache sizes the
// reduction blocking) by `chooseConvSchedule`, or given explicitly on the op
// as a `convjit.schedule` dictionary (lit tests pin schedules that way). The
// tuner does not write dictionaries: it overrides the model's choices knob
// by knob (ScheduleTuning.h), so the forms the model rewrites a core into
// stay consistent.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_SCHEDULE_CONVSCHEDULE_H
#define CONVJIT_SCHEDULE_CONVSCHEDULE_H

#include "Lowering/LoweringAttrs.h"
#include "Schedule/ScheduleTuning.h"
#include "Target/TargetInfo.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace convjit {

inline constexpr llvm::StringLiteral kScheduleAttrName = "convjit.schedule";
/// On scheduled ops that together compute one result (a window's interior
/// and border regions, a row's padded edge columns and the rest): the ops
/// with the same value write disjoint parts of it and read nothing any of
/// them writes. With threads, convjit-parallelize shares all their tile
/// loops out in one fork of the team, with no barrier between them; their
/// loops carry it from convjit-tile-and-vectorize on.
inline constexpr llvm::StringLiteral kPartitionAttr = "convjit.partition";
/// A kPartitionAttr value no op in `op`'s function carries yet.
mlir::IntegerAttr newPartition(mlir::Operation *op);
/// An op without reductions (a layout change, a group-major copy of the
/// input, an epilogue, a padded input's copy) moves an element in the time
/// of several vectorized multiply-adds: its loops are shared by threads
/// from this many times less work. At 2 threads ResNeXt's 512-channel g32
/// layer (its input's group-major copy, 100 K elements) ran 1.05x faster
/// so, `nchw` layers with their layout changes 1.03-1.9x (ResNet-50 res2a
/// 1x1: 178 -> 333 GFLOPS), none slower.
inline constexpr int64_t kCopyWorkFactor = 8;

/// On a conv core reading a zero-padded input: per window dim whose taps
/// may fall into the padding, a PaddedWindowDim (six numbers). Where a tile
/// holds one output along that dim, convjit-tile-and-vectorize runs the
/// kernel loop over the taps inside the input only (set by
/// convjit-choose-schedules).
inline constexpr llvm::StringLiteral kPaddedTapsAttrName =
    "convjit.padded_taps";

/// A window dim of a core that reaches into the zero padding: the input dim
/// `inputDim` is read at output loop * stride + kernel loop * `dilation`,
/// its `inputSize` elements after `padLow` padding ones.
struct PaddedWindowDim {
  int64_t kernelLoop, outputLoop, inputDim, dilation, padLow, inputSize;
};

/// The kPaddedTapsAttrName record of `op` (empty without one).
llvm::SmallVector<PaddedWindowDim> getPaddedTaps(mlir::Operation *op);
/// Records `dims` on `op` as kPaddedTapsAttrName (nothing when empty).
void setPaddedTaps(mlir::Operation *op, llvm::ArrayRef<PaddedWindowDim> dims);

/// Marks a reduction loop of a vectorized tile that convjit-unroll-windows
/// unrolls completely (the schedule's `unroll`).
inline constexpr llvm::StringLiteral kUnrollLoopAttrName = "convjit.unroll";

struct ConvSchedule {
  /// Per loop of the generic; parallel loops get their tile size here and 0
  /// for reductions.
  llvm::SmallVector<int64_t> tile;
  /// Per loop; reduction loops get their tile size here, parallel loops 0.
  llvm::SmallVector<int64_t> reduce;
  /// Order of the parallel loops (a permutation of the generic's loops).
  llvm::SmallVector<int64_t> interchange;
  /// Per loop, optional (empty: none); 1 on a reduction loop of step 1
  /// unrolls it completely once the tile is vectorized, so that LLVM sees
  /// the loads its iterations share (a window's neighbouring taps).
  llvm::SmallVector<int64_t> unroll;

  mlir::DictionaryAttr toAttr(mlir::MLIRContext *context) const;
  static mlir::FailureOr<ConvSchedule> fromAttr(mlir::DictionaryAttr attr,
                                                mlir::linalg::LinalgOp op);
};

/// The loops of a conv core, as the lowering lays them out:
///   groups == 1: (n, o_1..o_r, oc, k_1..k_r, ic)
///   groups  > 1: (n, o_1..o_r, g, ocg, k_1..k_r, icg)
struct ConvCoreLoops {
  unsigned rank = 0;    // spatial rank r
  bool grouped = false; // has the g loop
  int64_t n() const { return 0; }
  int64_t outSpatial(unsigned i) const { return 1 + i; }
  int64_t group() const { return 1 + rank; }                   // grouped only
  int64_t outChannel() const { return 1 + rank + (grouped ? 1 : 0); }
  int64_t kernel(unsigned i) const { return outChannel() + 1 + i; }
  int64_t inChannel() const { return outChannel() + 1 + rank; }
  int64_t numLoops() const { return inChannel() + 1; }
};

/// Recognizes the loop structure of a `convjit.conv_core` generic.
mlir::FailureOr<ConvCoreLoops> analyzeConvCore(mlir::linalg::LinalgOp op);

/// How a core is laid out for its schedule (see ChooseSchedules.cpp).
enum class CoreForm {
  Dense,        // groups == 1, output channels in one tile
  DenseBlocked, // groups == 1, output channels in blocks of `blockSize`
  Depthwise,    // one input and one output channel per group
  Grouped,      // other grouped cores, scheduled one group at a time
  LaneRotation, // q in = q out channels per group, q < a vector: a vector of
                // lanes/q groups, reduced by rotating the input within each
                // group's lanes (TileAndVectorize.cpp)
  FlatChannels, // groups == 1, channels no whole number of vectors: a tile of
                // W positions x all channels is W*C contiguous floats, its
                // accumulators consecutive vectors of it (TileAndVectorize.cpp)
};

/// Marks a LaneRotation core with its channels per group q
/// (convjit-tile-and-vectorize vectorizes it).
inline constexpr llvm::StringLiteral kLaneRotationAttrName =
    "convjit.lane_rotation";
/// Marks a FlatChannels core with the vector's lanes
/// (convjit-tile-and-vectorize vectorizes it).
inline constexpr llvm::StringLiteral kFlatChannelsAttrName =
    "convjit.flat_channels";

/// A register tile's extent along `extent` outputs, at most `limit` (what
/// the registers hold) or the tuning's `tunedWidth` if given: an extent
/// that divides them needs no peeled remainder tile (half the code), which
/// is worth a few accumulators, down to half the limit.
int64_t tileExtent(int64_t extent, int64_t limit, int64_t tunedWidth = 0);

/// Groups per vector when a grouped core with `groups` groups of
/// `inChannels` in and `outChannels` out channels takes the LaneRotation
/// form on `target`, else 0.
int64_t laneRotationGroups(int64_t groups, int64_t inChannels,
                           int64_t outChannels, const TargetInfo &target);

struct CoreChoice {
  CoreForm form = CoreForm::Dense;
  int64_t blockSize = 0; // DenseBlocked: output channels per block
  /// For the loops of the core in its new form:
  ///   Dense:        (n, o..., oc, k..., ic)
  ///   DenseBlocked: (n, o..., ocb, oci, k..., ic)
  ///   Depthwise:    (n, o..., c, k...)
  ///   Grouped:      (n, o..., g, ocg, k..., icg)
  ///   LaneRotation: (n, o..., g, ocg, k..., icg)
  ///   FlatChannels: (n, o..., oc, k..., ic)
  ConvSchedule schedule;
};

/// The form and schedule the cost model picks for `op` on `target`, with
/// the knobs `tuning` sets overriding it where they fit.
CoreChoice chooseCoreForm(mlir::linalg::LinalgOp op, const ConvCoreLoops &loops,
                          const TargetInfo &target,
                          const ScheduleTuning &tuning = {});

/// The schedule of a channels-first depthwise conv with loops (n, c, o...,
/// k...) (PlanewiseDepthwise.h): vectors along the last spatial dim, a few
/// rows of them per register tile, one window tap per step.
ConvSchedule choosePlanewiseSchedule(llvm::ArrayRef<int64_t> bounds,
                                     unsigned rank, const TargetInfo &target,
                                     const ScheduleTuning &tuning = {});

/// The schedule of a channel-wise window op with loops (n, o..., c, k...):
/// a depthwise core or a pooling window. Vectors along the channels, a few
/// output positions per register tile, one window tap per step.
///
/// `unitStrideDims` (optional, one flag per spatial dim) lets the register
/// tile run along an earlier spatial dim when the last one is a single
/// output (a border column): only along a dim of stride 1, where vertically
/// neighbouring outputs share input rows.
ConvSchedule chooseChannelwiseSchedule(llvm::ArrayRef<int64_t> bounds,
                                       unsigned rank, const TargetInfo &target,
                                       const ScheduleTuning &tuning = {},
                                       llvm::ArrayRef<bool> unitStrideDims = {});

} // namespace convjit

#endif // CONVJIT_SCHEDULE_CONVSCHEDULE_H
