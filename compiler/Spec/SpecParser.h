//===- SpecParser.h - Reading layers from text ------------------*- C++ -*-===//
//
// Two syntaxes describe one layer:
//
//   text grammar   conv ic=64 oc=64 in=56x56 k=3 pad=1 bias relu
//   benchdnn       mb1ic64ih56oc64oh56kh3ph1n"resnet50:res2a_2b_3x3"
//
// (the full grammar is in the README). parseSpec tells them apart and
// returns a spec that has passed verifySpec, or a SpecError naming the key.
//
// A file (or an inline list separated by ';') holds one layer per line;
// '#' starts a comment. A text-grammar layer that omits ic and/or in takes
// them, with the batch and layout, from the previous layer's output, which
// is how a chain of layers is written.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_SPEC_SPECPARSER_H
#define CONVJIT_SPEC_SPECPARSER_H

#include "Spec/ConvSpec.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace convjit {

/// One layer in either syntax. `previous` is the layer before it in a file,
/// the source of an omitted ic/in (text grammar only); null for none.
llvm::Expected<ConvSpec> parseSpec(llvm::StringRef text,
                                   const ConvSpec *previous = nullptr);

/// One layer in the text grammar ("<op> key=value ... [flag ...]").
llvm::Expected<ConvSpec> parseTextSpec(llvm::StringRef text,
                                       const ConvSpec *previous = nullptr);

/// One oneDNN benchdnn convolution descriptor, optionally tagged with a
/// `deconv:`/`deform:` prefix or trailing `deconv`/`deform`/`bias`/`relu`
/// words (implemented in BenchdnnParser.cpp).
llvm::Expected<ConvSpec> parseBenchdnnSpec(llvm::StringRef text);

/// True when `text` reads as a benchdnn descriptor rather than the text
/// grammar: it opens with a benchdnn key and its number ("mb1...", "g32..."),
/// a `deconv:`/`deform:` prefix, or a "--" driver option (to reject it).
bool isBenchdnnDescriptor(llvm::StringRef text);

/// True when `consumer`'s input tensor is exactly `producer`'s output
/// tensor (batch, channels, spatial size and layout).
bool layersConnect(const ConvSpec &producer, const ConvSpec &consumer);

/// The layers of a file or inline list.
struct SpecList {
  std::vector<ConvSpec> layers;
  /// Every layer consumes the previous layer's output, so the list is one
  /// network (a single layer is a chain too). False for a set of
  /// independent layers such as a benchdnn shape file.
  bool isChain = false;
};

/// Layers one per line; '#' comments and blank lines are skipped. Errors
/// are located as "<bufferName>:<line>".
llvm::Expected<SpecList> parseSpecList(llvm::StringRef text,
                                       llvm::StringRef bufferName);

/// parseSpecList on the contents of the file at `path`.
llvm::Expected<SpecList> parseSpecFile(llvm::StringRef path);

/// A command-line argument: the path of an existing spec file, or the spec
/// text itself, where ';' separates the layers of a chain. An argument that
/// neither parses nor names a file, but looks like a path, is reported as a
/// missing file.
llvm::Expected<SpecList> parseSpecArgument(llvm::StringRef argument);

} // namespace convjit

#endif // CONVJIT_SPEC_SPECPARSER_H
