//===- ScheduleTuning.h - Knobs that override the cost model ----*- C++ -*-===//
//
// The cost model (ConvSchedule.cpp) picks every schedule from the target's
// facts. A ScheduleTuning overrides it one knob at a time: what the
// autotuner (`convjit tune`) varies and measures, and what a tuned layer is
// then compiled with. A knob left unset keeps the model's choice; a knob
// that does not fit a core (vectors of output channels that do not divide
// its channels) leaves that core to the model as well, so every tuning
// compiles, and one that changes nothing compiles to the model's code.
//
// Text form, for the command line and the tuning database: the set knobs,
// comma-separated, named as the options of convjit-choose-schedules, e.g.
// "tile-width=6,tile-vectors=2,tile-rows=3,ic-step=4,blocks-outer=off"; "" (or
// "model") is the model's choice throughout.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_SCHEDULE_SCHEDULETUNING_H
#define CONVJIT_SCHEDULE_SCHEDULETUNING_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace convjit {

struct ScheduleTuning {
  /// Output positions (along the innermost spatial dim) per register tile.
  int64_t width = 0;
  /// Vectors of output channels per register tile.
  int64_t vectors = 0;
  /// Channel-wise windows (depthwise, pooling) with channels innermost:
  /// output rows per register tile (1: one row of positions).
  int64_t rows = 0;
  /// Input channels per reduction step (the largest divisor of the input
  /// channels up to this).
  int64_t inputChannelStep = 0;
  /// Dense cores split into channel blocks: blocks outermost (each block's
  /// weights stay in cache) or innermost (each input tile read once).
  /// Channel-wise windows: channel vectors outermost (each one's plane stays
  /// in cache) or innermost (memory read in order).
  std::optional<bool> blocksOuter;
  /// Channel-wise windows (depthwise, pooling): unroll the innermost window
  /// loop so neighbouring taps share their loads.
  std::optional<bool> unrollWindow;
  /// Dense and grouped cores: compute the output columns whose windows
  /// reach into the padding apart, so their taps there are skipped (on:
  /// whenever there are such columns; default: when their taps there are
  /// at least 4.5% of a row's).
  std::optional<bool> splitColumns;
  /// Dense cores whose output channels are no whole number of vectors:
  /// accumulate a tile of positions x all channels as consecutive vectors
  /// of its floats (on), or as whole vectors with the channels left over in
  /// a narrower tile (off; default: on with AVX-512 where there are more
  /// channels than a vector and the row divides into such tiles).
  std::optional<bool> flatChannels;

  bool isModel() const {
    return !width && !vectors && !rows && !inputChannelStep && !blocksOuter &&
           !unrollWindow && !splitColumns && !flatChannels;
  }
  /// The text form; "" for the model's choice.
  std::string str() const;
  /// Parses the text form; errors name the knob and what was expected.
  static llvm::Expected<ScheduleTuning> parse(llvm::StringRef text);
  /// The options of convjit-choose-schedules that apply it ("" or
  /// " tile-width=6 ..."), to append inside its braces.
  std::string passOptions() const;
};

} // namespace convjit

#endif // CONVJIT_SCHEDULE_SCHEDULETUNING_H
