//===- SpecParser.cpp - The text grammar of one layer ---------------------===//
//
//   <op> key=value ... [flag ...]
//
// Tokens are whitespace-separated; keys may come in any order, each once.
// Parsing first collects the tokens (rejecting unknown, repeated and
// inapplicable keys), then resolves defaults, broadcasts and inheritance
// from the previous layer, and finally runs verifySpec.
//
//===----------------------------------------------------------------------===//

#include "Spec/SpecParser.h"
#include "Spec/SpecError.h"
#include "Spec/SpecNumbers.h"
#include "Spec/SpecVerifier.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <optional>

using namespace convjit;

namespace {

/// Which ops a key or flag applies to.
enum class Applies {
  AllOps,
  Weighted,      // conv, conv_transpose, deform_conv
  Windowed,      // every op but channel_shuffle
  Grouped,       // weighted ops and channel_shuffle
  TransposeOnly, // conv_transpose
  DeformOnly,    // deform_conv
};

struct Word {
  llvm::StringLiteral name;
  Applies applies;
};

constexpr Word keyWords[] = {
    {"n", Applies::AllOps},
    {"ic", Applies::AllOps},
    {"oc", Applies::Weighted},
    {"in", Applies::AllOps},
    {"k", Applies::Windowed},
    {"stride", Applies::Windowed},
    {"dilation", Applies::Windowed},
    {"pad", Applies::Windowed},
    {"output_padding", Applies::TransposeOnly},
    {"groups", Applies::Grouped},
    {"dg", Applies::DeformOnly},
    {"layout", Applies::AllOps},
    {"name", Applies::AllOps},
};

constexpr Word flagWords[] = {
    {"bias", Applies::Weighted},
    {"relu", Applies::AllOps},
    {"mask", Applies::DeformOnly},
};

constexpr OpKind allOps[] = {OpKind::Conv,       OpKind::ConvTranspose,
                             OpKind::DeformConv, OpKind::MaxPool,
                             OpKind::AvgPool,    OpKind::ChannelShuffle};

bool appliesTo(Applies applies, OpKind op) {
  switch (applies) {
  case Applies::AllOps:
    return true;
  case Applies::Weighted:
    return op == OpKind::Conv || op == OpKind::ConvTranspose ||
           op == OpKind::DeformConv;
  case Applies::Windowed:
    return op != OpKind::ChannelShuffle;
  case Applies::Grouped:
    return appliesTo(Applies::Weighted, op) || op == OpKind::ChannelShuffle;
  case Applies::TransposeOnly:
    return op == OpKind::ConvTranspose;
  case Applies::DeformOnly:
    return op == OpKind::DeformConv;
  }
  return false;
}

std::string opsTakingIt(Applies applies) {
  llvm::SmallVector<llvm::StringRef, 6> names;
  for (OpKind op : allOps)
    if (appliesTo(applies, op))
      names.push_back(opKindName(op));
  return llvm::join(names, ", ");
}

template <size_t N>
const Word *findWord(const Word (&words)[N], llvm::StringRef name) {
  for (const Word &w : words)
    if (w.name == name)
      return &w;
  return nullptr;
}

template <size_t N> std::string wordList(const Word (&words)[N]) {
  llvm::SmallVector<llvm::StringRef, 16> names;
  for (const Word &w : words)
    names.push_back(w.name);
  return llvm::join(names, ", ");
}

std::optional<OpKind> opKindByName(llvm::StringRef name) {
  for (OpKind op : allOps)
    if (opKindName(op) == name)
      return op;
  return std::nullopt;
}

std::string allOpNames() { return opsTakingIt(Applies::AllOps); }

/// "56x56" -> {56, 56}: one to three numbers, each at least `min`.
llvm::Expected<Dims> parseDimsList(llvm::StringRef key, llvm::StringRef text,
                                   int64_t min) {
  llvm::SmallVector<llvm::StringRef, 4> parts;
  text.split(parts, 'x');
  if (parts.size() > 3)
    return specError(key, "'" + text + "' has " + llvm::Twine(parts.size()) +
                              " sizes; give 1 to 3 (W, HxW or DxHxW)");
  Dims dims;
  for (llvm::StringRef part : parts) {
    llvm::Expected<int64_t> value = parseSpecNumber(key, part, min);
    if (!value)
      return value.takeError();
    dims.push_back(*value);
  }
  return dims;
}

/// parseDimsList, then a single number is used for every dim.
llvm::Expected<Dims> parseBroadcastDims(llvm::StringRef key,
                                        llvm::StringRef text, unsigned rank,
                                        int64_t min) {
  llvm::Expected<Dims> dims = parseDimsList(key, text, min);
  if (!dims)
    return dims.takeError();
  if (dims->size() == 1)
    return Dims(rank, dims->front());
  if (dims->size() != rank)
    return specError(key, "has " + llvm::Twine(dims->size()) +
                              " sizes but in has " + llvm::Twine(rank) +
                              " (one size is used for every dim)");
  return dims;
}

llvm::Expected<Layout> parseLayout(llvm::StringRef text, unsigned rank) {
  if (text == "nchw")
    return Layout::ChannelsFirst;
  if (text == "nhwc")
    return Layout::ChannelsLast;
  struct RankedName {
    llvm::StringLiteral name;
    unsigned rank;
    Layout layout;
  } ranked[] = {{"ncw", 1, Layout::ChannelsFirst},
                {"nwc", 1, Layout::ChannelsLast},
                {"ncdhw", 3, Layout::ChannelsFirst},
                {"ndhwc", 3, Layout::ChannelsLast}};
  for (const RankedName &r : ranked) {
    if (r.name != text)
      continue;
    if (r.rank != rank)
      return specError("layout",
                       "'" + text + "' is for " + llvm::Twine(r.rank) +
                           "-D input; this layer is " + llvm::Twine(rank) +
                           "-D (nchw and nhwc fit any rank)");
    return r.layout;
  }
  return specError("layout", "unknown '" + text +
                                 "' (expected nchw or nhwc; ncw/nwc, "
                                 "ncdhw/ndhwc also fit 1-D/3-D input)");
}

class TextSpecParser {
public:
  TextSpecParser(llvm::StringRef text, const ConvSpec *previous)
      : text(text), previous(previous) {}

  llvm::Expected<ConvSpec> parse() {
    if (llvm::Error e = collectTokens())
      return std::move(e);
    ConvSpec spec;
    spec.op = op;
    if (llvm::Error e = resolve(spec))
      return std::move(e);
    if (llvm::Error e = verifySpec(spec))
      return std::move(e);
    return spec;
  }

private:
  llvm::Error collectTokens() {
    llvm::SmallVector<llvm::StringRef, 16> tokens;
    llvm::SplitString(text, tokens);
    if (tokens.empty())
      return specError("", "empty spec");
    llvm::StringRef opWord = tokens.front();
    std::optional<OpKind> kind = opKindByName(opWord);
    if (!kind) {
      if (opWord.contains('='))
        return specError("op", "missing: a spec starts with the op (" +
                                   allOpNames() + ")");
      return specError(opWord,
                       "unknown op (expected one of " + allOpNames() + ")");
    }
    op = *kind;
    for (llvm::StringRef token : llvm::drop_begin(tokens))
      if (llvm::Error e = collectToken(token))
        return e;
    return llvm::Error::success();
  }

  llvm::Error checkApplies(const Word &word) const {
    if (appliesTo(word.applies, op))
      return llvm::Error::success();
    if (word.name == "oc")
      return specError("oc", opKindName(op) +
                                 " keeps the channel count (oc = ic); "
                                 "drop oc");
    return specError(word.name, "not allowed for " + opKindName(op) +
                                    " (only " + opsTakingIt(word.applies) +
                                    ")");
  }

  llvm::Error collectToken(llvm::StringRef token) {
    auto [key, value] = token.split('=');
    bool hasValue = token.contains('=');
    const Word *keyWord = findWord(keyWords, key);
    const Word *flagWord = findWord(flagWords, key);
    if (hasValue && !keyWord) {
      if (flagWord)
        return specError(key, "is a flag and takes no value");
      return specError(key, "unknown key (expected one of " +
                                wordList(keyWords) + ")");
    }
    if (!hasValue && !flagWord) {
      if (keyWord)
        return specError(key, "missing '=<value>'");
      return specError(key, "unknown flag (expected one of " +
                                wordList(flagWords) + ", or key=value)");
    }
    const Word &word = hasValue ? *keyWord : *flagWord;
    if (llvm::Error e = checkApplies(word))
      return e;
    if (!hasValue) {
      if (!flags.insert(key).second)
        return specError(key, "given twice");
      return llvm::Error::success();
    }
    if (value.empty())
      return specError(key, "missing value after '='");
    if (!values.try_emplace(key, value).second)
      return specError(key, "given twice");
    return llvm::Error::success();
  }

  std::optional<llvm::StringRef> value(llvm::StringRef key) const {
    auto it = values.find(key);
    if (it == values.end())
      return std::nullopt;
    return it->second;
  }

  /// A scalar key: its value, else `fallback`, else (none) a missing-key
  /// error.
  llvm::Expected<int64_t> scalar(llvm::StringRef key,
                                 std::optional<int64_t> fallback,
                                 const llvm::Twine &missingHint = "") const {
    if (std::optional<llvm::StringRef> v = value(key))
      return parseSpecNumber(key, *v, 1);
    if (fallback)
      return *fallback;
    return specError(key, "missing" + missingHint);
  }

  /// A per-dim key: its (broadcast) value, else `fallback`.
  llvm::Expected<Dims> dims(llvm::StringRef key, unsigned rank, int64_t min,
                            const Dims &fallback) const {
    if (std::optional<llvm::StringRef> v = value(key))
      return parseBroadcastDims(key, *v, rank, min);
    return fallback;
  }

  llvm::Error resolve(ConvSpec &spec) {
    // Inheritance: a layer that does not say what it consumes consumes the
    // previous layer's output, batch and layout included.
    bool inherits = previous && (!value("ic") || !value("in"));

    llvm::Expected<int64_t> n =
        scalar("n", inherits ? previous->n : std::optional<int64_t>(1));
    if (!n)
      return n.takeError();
    spec.n = *n;
    llvm::Expected<int64_t> ic = scalar(
        "ic", previous ? std::optional<int64_t>(previous->oc) : std::nullopt,
        " (the input channels, e.g. ic=64)");
    if (!ic)
      return ic.takeError();
    spec.ic = *ic;

    if (std::optional<llvm::StringRef> in = value("in")) {
      llvm::Expected<Dims> parsed = parseDimsList("in", *in, 1);
      if (!parsed)
        return parsed.takeError();
      spec.in = *parsed;
    } else if (previous) {
      spec.in = previous->outSpatial();
    } else {
      return specError("in", "missing (the input size: W, HxW or DxHxW, "
                             "e.g. in=56x56)");
    }
    unsigned rank = spec.rank();

    spec.layout = inherits ? previous->layout : Layout::ChannelsFirst;
    if (std::optional<llvm::StringRef> layout = value("layout")) {
      llvm::Expected<Layout> parsed = parseLayout(*layout, rank);
      if (!parsed)
        return parsed.takeError();
      spec.layout = *parsed;
    }

    if (spec.hasWeights()) {
      llvm::Expected<int64_t> oc =
          scalar("oc", std::nullopt, " (the output channels, e.g. oc=64)");
      if (!oc)
        return oc.takeError();
      spec.oc = *oc;
    } else {
      spec.oc = spec.ic;
    }

    if (llvm::Error e = resolveWindow(spec, rank))
      return e;

    std::optional<int64_t> defaultGroups;
    if (spec.op != OpKind::ChannelShuffle)
      defaultGroups = 1;
    llvm::Expected<int64_t> groups =
        scalar("groups", defaultGroups, " (the number of shuffle groups)");
    if (!groups)
      return groups.takeError();
    spec.groups = *groups;
    llvm::Expected<int64_t> dg = scalar("dg", 1);
    if (!dg)
      return dg.takeError();
    spec.deformGroups = *dg;

    spec.bias = flags.contains("bias");
    spec.relu = flags.contains("relu");
    spec.mask = flags.contains("mask");
    if (std::optional<llvm::StringRef> name = value("name"))
      spec.name = name->str();
    return llvm::Error::success();
  }

  /// Kernel, stride, dilation, padding and output padding.
  llvm::Error resolveWindow(ConvSpec &spec, unsigned rank) {
    Dims ones(rank, 1), zeros(rank, 0);
    if (spec.op == OpKind::ChannelShuffle) {
      spec.kernel = spec.stride = spec.dilation = ones;
      spec.padLo = spec.padHi = spec.outputPadding = zeros;
      return llvm::Error::success();
    }
    if (!value("k"))
      return specError("k", "missing (the kernel size, e.g. k=3)");
    llvm::Expected<Dims> kernel = dims("k", rank, 1, ones);
    if (!kernel)
      return kernel.takeError();
    spec.kernel = *kernel;
    // torch.nn.MaxPool*d / AvgPool*d: stride defaults to the window.
    llvm::Expected<Dims> stride =
        dims("stride", rank, 1, spec.isPooling() ? spec.kernel : ones);
    if (!stride)
      return stride.takeError();
    spec.stride = *stride;
    llvm::Expected<Dims> dilation = dims("dilation", rank, 1, ones);
    if (!dilation)
      return dilation.takeError();
    spec.dilation = *dilation;
    llvm::Expected<Dims> outputPadding = dims("output_padding", rank, 0, zeros);
    if (!outputPadding)
      return outputPadding.takeError();
    spec.outputPadding = *outputPadding;
    return resolvePad(spec, rank);
  }

  llvm::Error resolvePad(ConvSpec &spec, unsigned rank) {
    std::optional<llvm::StringRef> pad = value("pad");
    if (!pad) {
      spec.padLo = spec.padHi = Dims(rank, 0);
      return llvm::Error::success();
    }
    if (*pad == "same") {
      // PyTorch's padding='same': total dilation*(k-1), the odd one out
      // goes to the end.
      for (unsigned d = 0; d < rank; ++d) {
        if (spec.stride[d] != 1)
          return specError("pad", "'same' needs stride 1, got stride=" +
                                      llvm::Twine(spec.stride[d]) + " along " +
                                      spatialDimName(rank, d));
        int64_t total = spec.dilation[d] * (spec.kernel[d] - 1);
        spec.padLo.push_back(total / 2);
        spec.padHi.push_back(total - total / 2);
      }
      return llvm::Error::success();
    }
    auto [loText, hiText] = pad->split(':');
    if (pad->contains(':') && (loText.empty() || hiText.empty()))
      return specError("pad", "'" + *pad +
                                  "' needs sizes on both sides of ':' "
                                  "(<lo>:<hi>, e.g. pad=0x1:1x2)");
    llvm::Expected<Dims> lo = parseBroadcastDims("pad", loText, rank, 0);
    if (!lo)
      return lo.takeError();
    llvm::Expected<Dims> hi = pad->contains(':')
                                  ? parseBroadcastDims("pad", hiText, rank, 0)
                                  : llvm::Expected<Dims>(*lo);
    if (!hi)
      return hi.takeError();
    spec.padLo = *lo;
    spec.padHi = *hi;
    return llvm::Error::success();
  }

  llvm::StringRef text;
  const ConvSpec *previous;
  OpKind op = OpKind::Conv;
  llvm::StringMap<llvm::StringRef> values;
  llvm::StringSet<> flags;
};

} // namespace

llvm::Expected<ConvSpec> convjit::parseTextSpec(llvm::StringRef text,
                                                const ConvSpec *previous) {
  return TextSpecParser(text, previous).parse();
}

llvm::Expected<ConvSpec> convjit::parseSpec(llvm::StringRef text,
                                            const ConvSpec *previous) {
  if (isBenchdnnDescriptor(text))
    return parseBenchdnnSpec(text);
  return parseTextSpec(text, previous);
}
