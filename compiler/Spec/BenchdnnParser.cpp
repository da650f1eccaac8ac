//===- BenchdnnParser.cpp - oneDNN benchdnn convolution descriptors -------===//
//
//   [deconv:|deform:]gXmbX_icXidXihXiwX_ocXodXohXowX_kdXkhXkwX_sdXshXswX_
//   pdXphXpwX_ddXdhXdwX_n"name" [deconv|deform] [bias] [relu]
//
// Semantics follow benchdnn's conv str2desc/sanitize_desc:
//   * mb defaults to 2, g to 1, strides to 1, dilations to 0 (0-based:
//     dh1 is PyTorch dilation 2).
//   * A spatial dim "is given" when its i/k/o/d key is, or s != 1, or
//     p >= 1. The rank is 3 if d is given, else 2 if h is, else 1.
//   * Square/cubic rule: when no w is given, unset w values copy h; in 3-D
//     with neither h nor w given, both copy d. Unset values a given dim
//     needs (i, k) copy a sibling (w <- h, d <- h, h <- d); the oneDNN
//     anchor files rely on this for `id16ih56...kd3kh3` (w from h).
//   * Without o the output follows from padding p (default 0). With o and
//     no p, p = ((o-1)*s - i + ext)/2 with ext = (k-1)*(d+1)+1. With o the
//     back padding is what makes the output size come out as o; we pick the
//     symmetric padding when it gives the same o (same windows, so same
//     result, and the spec equals the text-grammar one), else benchdnn's
//     exact back padding, else zero when the floor already drops the rest.
//   * deconv: ic/ih are the transposed conv's input, oc/oh its output, p is
//     PyTorch's padding; a negative back padding becomes output_padding.
//
//===----------------------------------------------------------------------===//

#include "Spec/ShapeFormulas.h"
#include "Spec/SpecError.h"
#include "Spec/SpecNumbers.h"
#include "Spec/SpecParser.h"
#include "Spec/SpecVerifier.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <optional>

using namespace convjit;

namespace {

/// The per-dim keys, as families indexed by spatial dim (0 = d, 1 = h, 2 = w).
enum Family { Input, Output, Kernel, Stride, Pad, Dilation, NumFamilies };
constexpr char familyLetter[NumFamilies] = {'i', 'o', 'k', 's', 'p', 'd'};
constexpr char dimLetter[3] = {'d', 'h', 'w'};

std::string familyKey(Family f, unsigned dim) {
  return std::string{familyLetter[f], dimLetter[dim]};
}

using Maybe = std::optional<int64_t>;

struct Descriptor {
  Maybe mb, g, ic, oc;
  Maybe values[NumFamilies][3];
  std::string name;
  OpKind op = OpKind::Conv;
  bool bias = false, relu = false;
};

const char *const keyListText =
    "mb, g, ic, id, ih, iw, oc, od, oh, ow, kd, kh, kw, sd, sh, sw, pd, ph, "
    "pw, dd, dh, dw, n\"name\"";

class BenchdnnParser {
public:
  explicit BenchdnnParser(llvm::StringRef text) : rest(text.trim()) {}

  llvm::Expected<ConvSpec> parse() {
    if (rest.starts_with("--"))
      return specError(rest.take_until(llvm::isSpace),
                       "benchdnn driver options are not supported; give "
                       "only problem descriptors");
    if (rest.consume_front("deconv:"))
      desc.op = OpKind::ConvTranspose;
    else if (rest.consume_front("deform:"))
      desc.op = OpKind::DeformConv;
    if (llvm::Error e = parseDescriptor())
      return std::move(e);
    if (llvm::Error e = parseTrailingWords())
      return std::move(e);
    ConvSpec spec;
    if (llvm::Error e = resolve(spec))
      return std::move(e);
    if (llvm::Error e = verifySpec(spec))
      return std::move(e);
    return spec;
  }

private:
  /// The slot of a key at the front of `rest` (consumed), or null.
  Maybe *takeKey(std::string &key) {
    struct Scalar {
      llvm::StringLiteral name;
      Maybe Descriptor::*slot;
    } scalars[] = {{"mb", &Descriptor::mb},
                   {"g", &Descriptor::g},
                   {"ic", &Descriptor::ic},
                   {"oc", &Descriptor::oc}};
    for (const Scalar &s : scalars)
      if (rest.consume_front(s.name)) {
        key = s.name.str();
        return &(desc.*s.slot);
      }
    for (int f = 0; f < NumFamilies; ++f)
      for (unsigned dim = 0; dim < 3; ++dim) {
        std::string candidate = familyKey(Family(f), dim);
        if (rest.consume_front(candidate)) {
          key = candidate;
          return &desc.values[f][dim];
        }
      }
    return nullptr;
  }

  static int64_t minimumOf(llvm::StringRef key) {
    // Padding and (0-based) dilation may be zero; every size must not.
    return key.front() == 'p' || key.front() == 'd' ? 0 : 1;
  }

  llvm::Error parseName() {
    rest = rest.drop_front(); // 'n'
    if (rest.consume_front("\"")) {
      size_t close = rest.find('"');
      if (close == llvm::StringRef::npos)
        return specError("n", "name has no closing quote");
      desc.name = rest.take_front(close).str();
      rest = rest.drop_front(close + 1);
      if (!rest.empty() && !llvm::isSpace(rest.front()))
        return specError("n", "unexpected '" + rest.take_until(llvm::isSpace) +
                                  "' after the quoted name");
      return llvm::Error::success();
    }
    llvm::StringRef name = rest.take_until(llvm::isSpace);
    desc.name = name.str();
    rest = rest.drop_front(name.size());
    return llvm::Error::success();
  }

  llvm::Error parseDescriptor() {
    if (rest.empty())
      return specError("", "empty benchdnn descriptor");
    while (!rest.empty() && !llvm::isSpace(rest.front())) {
      if (rest.consume_front("_"))
        continue;
      if (rest.front() == 'n') {
        if (llvm::Error e = parseName())
          return e;
        break;
      }
      std::string key;
      Maybe *slot = takeKey(key);
      if (!slot)
        return specError(rest.take_until(llvm::isSpace),
                         "unrecognized benchdnn key (expected " +
                             llvm::Twine(keyListText) + ")");
      size_t length = rest.starts_with("-") ? 1 : 0;
      while (length < rest.size() && llvm::isDigit(rest[length]))
        ++length;
      llvm::Expected<int64_t> value =
          parseSpecNumber(key, rest.take_front(length), minimumOf(key));
      if (!value)
        return value.takeError();
      if (*slot)
        return specError(key, "given twice");
      *slot = *value;
      rest = rest.drop_front(length);
    }
    return llvm::Error::success();
  }

  llvm::Error setOp(llvm::StringRef word, OpKind op) {
    if (desc.op != OpKind::Conv && desc.op != op)
      return specError(word, "a descriptor is either deconv or deform, not "
                             "both");
    desc.op = op;
    return llvm::Error::success();
  }

  llvm::Error parseTrailingWords() {
    llvm::SmallVector<llvm::StringRef, 4> words;
    llvm::SplitString(rest, words);
    for (llvm::StringRef word : words) {
      if (word == "deconv") {
        if (llvm::Error e = setOp(word, OpKind::ConvTranspose))
          return e;
      } else if (word == "deform") {
        if (llvm::Error e = setOp(word, OpKind::DeformConv))
          return e;
      } else if (word == "bias") {
        desc.bias = true;
      } else if (word == "relu") {
        desc.relu = true;
      } else {
        return specError(word, "unexpected word after the descriptor "
                               "(expected deconv, deform, bias or relu)");
      }
    }
    return llvm::Error::success();
  }

  /// benchdnn's test for "this spatial dim is part of the problem".
  bool dimGiven(unsigned dim) const {
    auto has = [&](Family f) { return desc.values[f][dim].has_value(); };
    const Maybe &s = desc.values[Stride][dim], &p = desc.values[Pad][dim];
    return has(Input) || has(Kernel) || has(Output) || has(Dilation) ||
           (s && *s != 1) || (p && *p >= 1);
  }

  /// Unset values of dim `to` copy dim `from`, in every family or only the
  /// two a dim cannot do without.
  void copyUnset(unsigned from, unsigned to, bool requiredOnly) {
    for (int f = 0; f < NumFamilies; ++f) {
      if (requiredOnly && f != Input && f != Kernel)
        continue;
      Maybe &target = desc.values[f][to];
      if (!target)
        target = desc.values[f][from];
    }
  }

  llvm::Expected<unsigned> resolveRank() {
    bool d = dimGiven(0), h = dimGiven(1), w = dimGiven(2);
    if (d) {
      if (!h && !w) {
        copyUnset(0, 1, false);
        copyUnset(0, 2, false);
      } else if (!w) {
        copyUnset(1, 2, false);
      } else if (!h) {
        return specError("ih", "a 3-D descriptor that gives w sizes must "
                               "give h sizes too");
      }
      copyUnset(1, 0, true);
      copyUnset(0, 1, true);
      copyUnset(1, 2, true);
      return 3;
    }
    if (h) {
      copyUnset(1, 2, /*requiredOnly=*/w);
      return 2;
    }
    if (w)
      return 1;
    return specError("ih", "no spatial size given (iw for 1-D, ih for 2-D, "
                           "id for 3-D)");
  }

  llvm::Error resolve(ConvSpec &spec) {
    spec.op = desc.op;
    spec.name = desc.name;
    spec.n = desc.mb.value_or(2); // benchdnn's default minibatch
    spec.groups = desc.g.value_or(1);
    spec.bias = desc.bias;
    spec.relu = desc.relu;
    if (!desc.ic)
      return specError("ic", "missing (input channels, e.g. ic64)");
    if (!desc.oc)
      return specError("oc", "missing (output channels, e.g. oc64)");
    spec.ic = *desc.ic;
    spec.oc = *desc.oc;

    llvm::Expected<unsigned> rank = resolveRank();
    if (!rank)
      return rank.takeError();
    for (unsigned dim = 3 - *rank; dim < 3; ++dim)
      if (llvm::Error e = resolveDim(spec, dim))
        return e;
    return llvm::Error::success();
  }

  llvm::Error resolveDim(ConvSpec &spec, unsigned dim) {
    const Maybe(&v)[NumFamilies][3] = desc.values;
    for (Family f : {Input, Kernel})
      if (!v[f][dim])
        return specError(familyKey(f, dim), "missing");
    int64_t in = *v[Input][dim], k = *v[Kernel][dim];
    int64_t s = v[Stride][dim].value_or(1);
    int64_t dil = v[Dilation][dim].value_or(0) + 1;
    int64_t extent = dil * (k - 1) + 1;
    bool transposed = spec.op == OpKind::ConvTranspose;
    int64_t lo = v[Pad][dim].value_or(0), hi = lo, outputPadding = 0;

    if (Maybe out = v[Output][dim]) {
      // The conv that a deconv transposes maps out -> in.
      int64_t convIn = transposed ? *out : in, convOut = transposed ? in : *out;
      int64_t total = (convOut - 1) * s - convIn + extent;
      if (!v[Pad][dim])
        lo = hi = std::max<int64_t>(0, total / 2);
      int64_t back = total - lo; // benchdnn's exact back padding
      std::string key = familyKey(Output, dim);
      if (transposed) {
        if (llvm::Error e = chooseTransposedBack(key, *out, back, lo, s, dil,
                                                 hi, outputPadding))
          return e;
      } else {
        if (llvm::Error e = chooseBack(key, in, k, s, dil, lo, *out, back, hi))
          return e;
      }
    }
    spec.in.push_back(in);
    spec.kernel.push_back(k);
    spec.stride.push_back(s);
    spec.dilation.push_back(dil);
    spec.padLo.push_back(lo);
    spec.padHi.push_back(hi);
    spec.outputPadding.push_back(outputPadding);
    return llvm::Error::success();
  }

  static llvm::Error chooseBack(llvm::StringRef key, int64_t in, int64_t k,
                                int64_t s, int64_t dil, int64_t lo, int64_t out,
                                int64_t back, int64_t &hi) {
    if (convOutputSize(in, k, s, dil, lo, lo) == out) {
      hi = lo;
      return llvm::Error::success();
    }
    if (back >= 0) {
      hi = back;
      return llvm::Error::success();
    }
    if (convOutputSize(in, k, s, dil, lo, 0) == out) {
      hi = 0;
      return llvm::Error::success();
    }
    return specError(key,
                     llvm::Twine(out) +
                         " is too small: the input, kernel, stride and "
                         "front padding give at least " +
                         llvm::Twine(convOutputSize(in, k, s, dil, lo, 0)));
  }

  static llvm::Error chooseTransposedBack(llvm::StringRef key, int64_t out,
                                          int64_t back, int64_t lo, int64_t s,
                                          int64_t dil, int64_t &hi,
                                          int64_t &outputPadding) {
    // Only hi - output_padding matters; PyTorch's form is symmetric
    // padding plus an output padding below the stride (or dilation).
    int64_t limit = std::max(s, dil);
    if (lo - back >= 0 && lo - back < limit) {
      hi = lo;
      outputPadding = lo - back;
      return llvm::Error::success();
    }
    if (back >= 0) {
      hi = back;
      return llvm::Error::success();
    }
    if (-back < limit) {
      hi = 0;
      outputPadding = -back;
      return llvm::Error::success();
    }
    return specError(key, llvm::Twine(out) +
                              " is too large: it needs an output padding of " +
                              llvm::Twine(-back) +
                              ", which must be smaller than the stride or "
                              "the dilation");
  }

  llvm::StringRef rest;
  Descriptor desc;
};

} // namespace

llvm::Expected<ConvSpec> convjit::parseBenchdnnSpec(llvm::StringRef text) {
  return BenchdnnParser(text).parse();
}

bool convjit::isBenchdnnDescriptor(llvm::StringRef text) {
  llvm::StringRef first = text.ltrim().take_until(llvm::isSpace);
  // "--dir=..." is a benchdnn driver option: this parser says so.
  if (first.starts_with("deconv:") || first.starts_with("deform:") ||
      first.starts_with("--"))
    return true;
  // A descriptor opens with a key and its number ("mb1", "g32", "ic3"),
  // which no op name of the text grammar does (not even "conv2d").
  first = first.ltrim('_');
  for (llvm::StringRef key :
       {"mb", "g",  "ic", "id", "ih", "iw", "oc", "od", "oh", "ow", "kd",
        "kh", "kw", "sd", "sh", "sw", "pd", "ph", "pw", "dd", "dh", "dw"}) {
    llvm::StringRef value = first;
    if (value.consume_front(key) && !value.empty() &&
        (llvm::isDigit(value.front()) || value.front() == '-'))
      return true;
  }
  return false;
}
