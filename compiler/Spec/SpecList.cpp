//===- SpecList.cpp - Several layers: files, inline lists, CLI args -------===//

#include "Spec/SpecError.h"
#include "Spec/SpecParser.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace convjit;

bool convjit::layersConnect(const ConvSpec &producer,
                            const ConvSpec &consumer) {
  return producer.n == consumer.n && producer.oc == consumer.ic &&
         producer.layout == consumer.layout &&
         producer.outSpatial() == consumer.in;
}

/// The line without its '#' comment; a '#' inside a quoted benchdnn name
/// is part of the name.
static llvm::StringRef stripComment(llvm::StringRef line) {
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"')
      quoted = !quoted;
    else if (line[i] == '#' && !quoted)
      return line.take_front(i);
  }
  return line;
}

/// Parses each non-blank entry, feeding each layer the one before it.
/// `locate(i)` names entry i in error messages.
static llvm::Expected<SpecList>
parseEntries(llvm::ArrayRef<llvm::StringRef> entries,
             llvm::function_ref<std::string(size_t)> locate) {
  SpecList list;
  for (size_t i = 0; i < entries.size(); ++i) {
    llvm::StringRef entry = stripComment(entries[i]).trim();
    if (entry.empty())
      continue;
    const ConvSpec *previous =
        list.layers.empty() ? nullptr : &list.layers.back();
    llvm::Expected<ConvSpec> spec = parseSpec(entry, previous);
    if (!spec)
      return withLocation(spec.takeError(), locate(i));
    list.layers.push_back(std::move(*spec));
  }
  if (list.layers.empty())
    return specError("", "no layers (only blank lines and comments)");
  list.isChain = true;
  for (size_t i = 1; i < list.layers.size(); ++i)
    list.isChain &= layersConnect(list.layers[i - 1], list.layers[i]);
  return list;
}

llvm::Expected<SpecList> convjit::parseSpecList(llvm::StringRef text,
                                                llvm::StringRef bufferName) {
  llvm::SmallVector<llvm::StringRef, 32> lines;
  text.split(lines, '\n');
  llvm::Expected<SpecList> list = parseEntries(lines, [&](size_t i) {
    return (bufferName + ":" + llvm::Twine(i + 1)).str();
  });
  if (!list)
    return withLocation(list.takeError(), bufferName);
  return list;
}

llvm::Expected<SpecList> convjit::parseSpecFile(llvm::StringRef path) {
  if (llvm::sys::fs::is_directory(path))
    return withLocation(specError("", "is a directory, not a spec file"), path);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return withLocation(
        specError("", "cannot read: " + buffer.getError().message()), path);
  return parseSpecList((*buffer)->getBuffer(), path);
}

/// Whether a failed argument was probably meant as a file name: one word,
/// no '=' or quotes, with a directory or an extension.
static bool looksLikePath(llvm::StringRef argument) {
  if (llvm::any_of(argument, llvm::isSpace) || argument.contains('=') ||
      argument.contains('"'))
    return false;
  return argument.contains('/') || llvm::sys::path::has_extension(argument);
}

llvm::Expected<SpecList> convjit::parseSpecArgument(llvm::StringRef argument) {
  if (llvm::sys::fs::exists(argument))
    return parseSpecFile(argument);

  llvm::SmallVector<llvm::StringRef, 8> entries;
  llvm::SplitString(argument, entries, ";\n");
  size_t count = llvm::count_if(entries, [](llvm::StringRef e) {
    return !stripComment(e).trim().empty();
  });
  llvm::Expected<SpecList> list = parseEntries(entries, [&](size_t i) {
    return count > 1 ? "layer " + std::to_string(i + 1) : std::string();
  });
  if (list || !looksLikePath(argument.trim()))
    return list;
  llvm::consumeError(list.takeError());
  return specError(argument.trim(), "no such spec file");
}
