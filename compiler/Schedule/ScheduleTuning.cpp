//===- ScheduleTuning.cpp - The text form of schedule knobs ---------------===//

#include "Schedule/ScheduleTuning.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

using namespace convjit;

namespace {
/// Knob names, in the order str() prints them.
constexpr llvm::StringLiteral kWidth = "tile-width", kVectors = "tile-vectors",
                              kRows = "tile-rows",
                              kInputChannelStep = "ic-step",
                              kBlocksOuter = "blocks-outer",
                              kUnrollWindow = "unroll-window",
                              kSplitColumns = "split-columns",
                              kFlatChannels = "flat-channels";
constexpr int64_t kLargestCount = 1024;
} // namespace

std::string ScheduleTuning::str() const {
  llvm::SmallVector<std::string> parts;
  auto count = [&](llvm::StringRef name, int64_t value) {
    if (value)
      parts.push_back((name + "=" + llvm::Twine(value)).str());
  };
  auto toggle = [&](llvm::StringRef name, std::optional<bool> value) {
    if (value)
      parts.push_back((name + "=" + (*value ? "on" : "off")).str());
  };
  count(kWidth, width);
  count(kVectors, vectors);
  count(kRows, rows);
  count(kInputChannelStep, inputChannelStep);
  toggle(kBlocksOuter, blocksOuter);
  toggle(kUnrollWindow, unrollWindow);
  toggle(kSplitColumns, splitColumns);
  toggle(kFlatChannels, flatChannels);
  return llvm::join(parts, ",");
}

llvm::Expected<ScheduleTuning> ScheduleTuning::parse(llvm::StringRef text) {
  ScheduleTuning tuning;
  text = text.trim();
  if (text.empty() || text == "model")
    return tuning;
  llvm::SmallVector<llvm::StringRef> items;
  text.split(items, ',');
  auto fail = [&](const llvm::Twine &message) {
    return llvm::createStringError("tuning '" + text + "': " + message);
  };
  for (llvm::StringRef item : items) {
    auto [name, value] = item.trim().split('=');
    name = name.trim();
    value = value.trim();
    if (value.empty())
      return fail("'" + name + "' needs a value (" + name + "=...)");
    int64_t *countKnob = name == kWidth              ? &tuning.width
                         : name == kVectors          ? &tuning.vectors
                         : name == kRows             ? &tuning.rows
                         : name == kInputChannelStep ? &tuning.inputChannelStep
                                                     : nullptr;
    std::optional<bool> *toggleKnob =
        name == kBlocksOuter    ? &tuning.blocksOuter
        : name == kUnrollWindow ? &tuning.unrollWindow
        : name == kSplitColumns ? &tuning.splitColumns
        : name == kFlatChannels ? &tuning.flatChannels
                                : nullptr;
    if (countKnob) {
      int64_t number = 0;
      if (value.getAsInteger(10, number) || number < 1 ||
          number > kLargestCount)
        return fail("'" + name + "' must be an integer from 1 to " +
                    llvm::Twine(kLargestCount) + ", not '" + value + "'");
      if (*countKnob)
        return fail("'" + name + "' is given twice");
      *countKnob = number;
    } else if (toggleKnob) {
      if (value != "on" && value != "off")
        return fail("'" + name + "' must be on or off, not '" + value + "'");
      if (*toggleKnob)
        return fail("'" + name + "' is given twice");
      *toggleKnob = value == "on";
    } else {
      return fail("unknown knob '" + name +
                  "' (expected tile-width, tile-vectors, tile-rows, ic-step, "
                  "blocks-outer, "
                  "unroll-window, split-columns or flat-channels)");
    }
  }
  return tuning;
}

std::string ScheduleTuning::passOptions() const {
  std::string options, knobs = str();
  for (llvm::StringRef knob : llvm::split(knobs, ','))
    if (!knob.empty())
      options += (" " + knob).str();
  return options;
}
