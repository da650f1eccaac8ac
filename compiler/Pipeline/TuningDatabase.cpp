//===- TuningDatabase.cpp - What the autotuner found, kept on disk --------===//

#include "Pipeline/TuningDatabase.h"
#include "Pipeline/KernelCache.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <mutex>

using namespace convjit;

static constexpr llvm::StringLiteral kFormat = "convjit-tuning-1";

std::string TuningDatabase::pathIn(llvm::StringRef directory) {
  llvm::SmallString<256> path(directory);
  llvm::sys::path::append(path, "tuning.json");
  return std::string(path);
}

std::string TuningDatabase::defaultPath() {
  return pathIn(KernelCache::fromEnvironment().directory());
}

std::string TuningDatabase::keyFor(const ConvSpec &spec,
                                   const CodegenOptions &options) {
  CodegenOptions untuned = options;
  untuned.tuning = {};
  return spec.str() + " | " + untuned.str();
}

const TuningRecord *TuningDatabase::lookup(llvm::StringRef key) const {
  for (const TuningRecord &record : entries)
    if (record.key == key)
      return &record;
  return nullptr;
}

void TuningDatabase::insert(TuningRecord record) {
  for (TuningRecord &existing : entries)
    if (existing.key == record.key) {
      existing = std::move(record);
      return;
    }
  entries.push_back(std::move(record));
}

/// One entry of the file, or why it is not one.
static llvm::Expected<TuningRecord> parseRecord(const llvm::json::Value &value,
                                                size_t index) {
  auto fail = [&](const llvm::Twine &why) {
    return llvm::createStringError("entry " + llvm::Twine(index) + ": " + why);
  };
  const llvm::json::Object *object = value.getAsObject();
  if (!object)
    return fail("not an object");
  TuningRecord record;
  std::optional<llvm::StringRef> key = object->getString("key");
  std::optional<llvm::StringRef> spec = object->getString("spec");
  std::optional<llvm::StringRef> tuning = object->getString("tuning");
  if (!key || !spec || !tuning)
    return fail("needs the strings \"key\", \"spec\" and \"tuning\"");
  auto parsed = ScheduleTuning::parse(*tuning);
  if (!parsed)
    return fail(llvm::toString(parsed.takeError()));
  record.key = key->str();
  record.spec = spec->str();
  record.tuning = *parsed;
  record.modelMs = object->getNumber("model_ms").value_or(0);
  record.tunedMs = object->getNumber("tuned_ms").value_or(0);
  record.candidates = object->getInteger("candidates").value_or(0);
  return record;
}

llvm::Expected<TuningDatabase> TuningDatabase::load(llvm::StringRef path) {
  TuningDatabase database;
  if (!llvm::sys::fs::exists(path))
    return database;
  auto fail = [&](const llvm::Twine &why) {
    return llvm::createStringError("tuning database '" + path + "': " + why);
  };
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!file)
    return fail(file.getError().message());
  llvm::Expected<llvm::json::Value> json =
      llvm::json::parse((*file)->getBuffer());
  if (!json)
    return fail("not valid JSON: " + llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  if (!root || root->getString("format") != kFormat)
    return fail("not a convjit tuning database (no \"format\": \"" + kFormat +
                "\")");
  const llvm::json::Array *entries = root->getArray("entries");
  if (!entries)
    return fail("no \"entries\" array");
  for (auto [index, value] : llvm::enumerate(*entries)) {
    auto record = parseRecord(value, index);
    if (!record)
      return fail(llvm::toString(record.takeError()));
    database.insert(std::move(*record));
  }
  return database;
}

llvm::Error TuningDatabase::save(llvm::StringRef path) const {
  llvm::StringRef directory = llvm::sys::path::parent_path(path);
  if (!directory.empty())
    if (std::error_code error = llvm::sys::fs::create_directories(directory))
      return llvm::createStringError("tuning database: cannot create " +
                                     directory + ": " + error.message());
  llvm::json::Array array;
  for (const TuningRecord &record : entries)
    array.push_back(llvm::json::Object{
        {"key", record.key},
        {"spec", record.spec},
        {"tuning", record.tuning.str()},
        {"model_ms", record.modelMs},
        {"tuned_ms", record.tunedMs},
        {"candidates", record.candidates},
    });
  llvm::json::Value root =
      llvm::json::Object{{"format", kFormat}, {"entries", std::move(array)}};
  if (llvm::Error error =
          llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
            os << llvm::formatv("{0:2}", root) << "\n";
            return llvm::Error::success();
          }))
    return llvm::createStringError("tuning database '" + path +
                                   "': " + llvm::toString(std::move(error)));
  return llvm::Error::success();
}

namespace {
/// The default database as last read, kept while the file's size and time
/// stay the same: every compile looks its layer up, and parsing the file
/// each time would cost a warm (cached) compile more than the rest of it.
class DatabaseSnapshot {
public:
  static DatabaseSnapshot &get() {
    static DatabaseSnapshot snapshot;
    return snapshot;
  }

  std::optional<ScheduleTuning> lookup(llvm::StringRef key) {
    std::string path = TuningDatabase::defaultPath();
    llvm::sys::fs::file_status status;
    bool exists = !llvm::sys::fs::status(path, status) &&
                  llvm::sys::fs::exists(status);
    std::lock_guard<std::mutex> lock(mutex);
    if (!exists)
      return std::nullopt;
    if (path != readPath || status.getSize() != readSize ||
        status.getLastModificationTime() != readTime) {
      auto database = TuningDatabase::load(path);
      if (database) {
        snapshot = std::move(*database);
      } else {
        llvm::consumeError(database.takeError());
        snapshot = TuningDatabase();
      }
      readPath = path;
      readSize = status.getSize();
      readTime = status.getLastModificationTime();
    }
    if (const TuningRecord *record = snapshot.lookup(key))
      return record->tuning;
    return std::nullopt;
  }

private:
  std::mutex mutex;
  std::string readPath;
  uint64_t readSize = 0;
  llvm::sys::TimePoint<> readTime;
  TuningDatabase snapshot;
};
} // namespace

std::optional<ScheduleTuning> convjit::lookupTuning(
    const ConvSpec &spec, const CodegenOptions &options) {
  return DatabaseSnapshot::get().lookup(TuningDatabase::keyFor(spec, options));
}
