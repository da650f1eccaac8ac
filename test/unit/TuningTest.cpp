//===- TuningTest.cpp - Schedule knobs, the tuning database, the tuner ----===//

#include "convjit/Kernel.h"

#include "Pipeline/TuningDatabase.h"
#include "Schedule/ScheduleTuning.h"
#include "Spec/SpecParser.h"
#include "Reference/Reference.h"
#include "Tuning/Tuner.h"
#include "Validation/Accuracy.h"
#include "Validation/LayerTensors.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "gtest/gtest.h"

#include <cstdlib>

using namespace convjit;

namespace {

TEST(ScheduleTuning, TextFormRoundTrips) {
  auto tuning = ScheduleTuning::parse(
      " unroll-window=off, tile-vectors=2,tile-width=6 ,ic-step=4,tile-rows=3,"
      "blocks-outer=on,split-columns=off,flat-channels=on");
  ASSERT_TRUE(static_cast<bool>(tuning)) << llvm::toString(tuning.takeError());
  EXPECT_EQ(tuning->width, 6);
  EXPECT_EQ(tuning->vectors, 2);
  EXPECT_EQ(tuning->inputChannelStep, 4);
  EXPECT_EQ(tuning->rows, 3);
  EXPECT_EQ(tuning->blocksOuter, std::optional<bool>(true));
  EXPECT_EQ(tuning->unrollWindow, std::optional<bool>(false));
  EXPECT_EQ(tuning->splitColumns, std::optional<bool>(false));
  EXPECT_EQ(tuning->flatChannels, std::optional<bool>(true));
  EXPECT_EQ(tuning->str(), "tile-width=6,tile-vectors=2,tile-rows=3,ic-step=4,"
                           "blocks-outer=on,unroll-window=off,"
                           "split-columns=off,flat-channels=on");
  EXPECT_EQ(tuning->passOptions(), " tile-width=6 tile-vectors=2 tile-rows=3 "
                                   "ic-step=4 "
                                   "blocks-outer=on unroll-window=off "
                                   "split-columns=off flat-channels=on");
  for (llvm::StringRef model : {"", "model", "  "}) {
    auto parsed = ScheduleTuning::parse(model);
    ASSERT_TRUE(static_cast<bool>(parsed));
    EXPECT_TRUE(parsed->isModel());
    EXPECT_EQ(parsed->str(), "");
  }
}

TEST(ScheduleTuning, BadTextIsAnErrorNamingTheKnob) {
  struct Case {
    const char *text, *message;
  } cases[] = {
      {"tile-width=0", "'tile-width' must be an integer from 1 to 1024, not '0'"},
      {"tile-width=x", "'tile-width' must be an integer from 1 to 1024, not 'x'"},
      {"tile-width=6,tile-width=4", "'tile-width' is given twice"},
      {"ic-step", "'ic-step' needs a value (ic-step=...)"},
      {"blocks-outer=yes", "'blocks-outer' must be on or off, not 'yes'"},
      {"tile=4", "unknown knob 'tile'"},
  };
  for (const Case &c : cases) {
    auto tuning = ScheduleTuning::parse(c.text);
    ASSERT_FALSE(static_cast<bool>(tuning)) << c.text;
    std::string message = llvm::toString(tuning.takeError());
    EXPECT_NE(message.find(c.message), std::string::npos) << message;
    EXPECT_NE(message.find(std::string("tuning '") + c.text), std::string::npos)
        << message;
  }
}

/// Every knob, on layers of every core form, computes what the reference
/// does: a tuned kernel is as correct as the model's.
TEST(ScheduleTuning, EveryKnobKeepsKernelsCorrect) {
  const char *layers[] = {
      "conv ic=16 oc=32 in=9x11 k=3 pad=1 bias layout=nhwc",
      "conv ic=8 oc=24 in=13 k=5 stride=2 pad=2 layout=nhwc",
      "conv ic=32 oc=32 in=10x10 k=3 pad=1 groups=32 layout=nhwc",
      "conv ic=32 oc=32 in=7x7 k=3 pad=1 groups=8 layout=nchw",
      "conv_transpose ic=16 oc=8 in=5x5 k=4 stride=2 pad=1 layout=nhwc",
      "max_pool ic=16 in=11x11 k=3 stride=2 pad=1 layout=nhwc",
      "conv ic=8 oc=16 in=4x6x6 k=3 pad=1 layout=nhwc",
  };
  const char *tunings[] = {
      "tile-width=3,tile-vectors=1",
      "tile-width=6,tile-vectors=2,ic-step=2",
      "tile-width=2,tile-vectors=4,ic-step=1,blocks-outer=on",
      "tile-vectors=3,blocks-outer=off",
      "tile-width=13,unroll-window=off,ic-step=32",
      "tile-width=5,unroll-window=on",
      "tile-width=4,split-columns=on",
      "split-columns=off",
      "flat-channels=on,tile-width=4",
      "flat-channels=off",
      "tile-rows=2",
      "tile-rows=3,tile-width=4",
  };
  for (const char *text : layers) {
    auto spec = parseSpec(text);
    ASSERT_TRUE(static_cast<bool>(spec)) << llvm::toString(spec.takeError());
    LayerTensors t = randomLayerTensors(*spec, 21);
    std::vector<float> expected(elementCount(spec->outputShape()));
    ASSERT_FALSE(static_cast<bool>(
        runReference(*spec, t.referenceArgs(expected.data()))));
    for (const char *tuning : tunings) {
      CompileOptions options;
      options.tuning = tuning;
      options.persistentCache = false;
      auto kernel = Kernel::compile(*spec, options);
      ASSERT_TRUE(static_cast<bool>(kernel))
          << text << " with " << tuning << ": "
          << llvm::toString(kernel.takeError());
      EXPECT_EQ((*kernel)->stats().tuning,
                ScheduleTuning::parse(tuning)->str());
      std::vector<float> out(expected.size(), 0.0f);
      ASSERT_FALSE(static_cast<bool>((*kernel)->run(t.kernelArgs(*spec, out.data()))));
      Accuracy accuracy = compareOutputs(*spec, out, expected);
      EXPECT_TRUE(accuracy.pass) << text << " with " << tuning
                                 << ": max abs error " << accuracy.maxAbsError;
    }
  }
}

TEST(ScheduleTuning, BadTuningOptionIsACompileError) {
  CompileOptions options;
  options.tuning = "tile-width=big";
  auto kernel = Kernel::compile("conv ic=4 oc=8 in=6 k=3", options);
  ASSERT_FALSE(static_cast<bool>(kernel));
  EXPECT_NE(llvm::toString(kernel.takeError()).find("'tile-width' must be"),
            std::string::npos);
}

/// A database of its own in a fresh directory, the default one while the
/// test runs.
class TuningDatabaseTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::SmallString<128> path;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("convjit-tuning", path));
    dir = std::string(path);
    if (const char *old = std::getenv("CONVJIT_CACHE_DIR"))
      savedCacheDir = old;
    setenv("CONVJIT_CACHE_DIR", dir.c_str(), 1);
  }
  void TearDown() override {
    setenv("CONVJIT_CACHE_DIR", savedCacheDir.c_str(), 1);
    llvm::sys::fs::remove_directories(dir);
  }
  void writeFile(llvm::StringRef text) {
    std::error_code error;
    llvm::raw_fd_ostream os(TuningDatabase::defaultPath(), error);
    ASSERT_FALSE(error);
    os << text;
  }
  std::string dir, savedCacheDir;
};

TEST_F(TuningDatabaseTest, SavedRecordsLoadBack) {
  EXPECT_EQ(TuningDatabase::defaultPath(), TuningDatabase::pathIn(dir));
  auto empty = TuningDatabase::load(TuningDatabase::defaultPath());
  ASSERT_TRUE(static_cast<bool>(empty)); // no file: an empty database
  EXPECT_TRUE(empty->records().empty());

  TuningDatabase database;
  TuningRecord a{"key a", "spec a", *ScheduleTuning::parse("tile-width=4"),
                 2.0, 1.5, 12};
  TuningRecord b{"key b", "spec b", ScheduleTuning(), 1.0, 1.0, 3};
  database.insert(a);
  database.insert(b);
  a.tunedMs = 1.25; // replaces the entry with the same key
  database.insert(a);
  ASSERT_FALSE(static_cast<bool>(database.save(TuningDatabase::defaultPath())));
  auto loaded = TuningDatabase::load(TuningDatabase::defaultPath());
  ASSERT_TRUE(static_cast<bool>(loaded)) << llvm::toString(loaded.takeError());
  ASSERT_EQ(loaded->records().size(), 2u);
  const TuningRecord *found = loaded->lookup("key a");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->tuning.str(), "tile-width=4");
  EXPECT_EQ(found->tunedMs, 1.25);
  EXPECT_EQ(found->candidates, 12);
  EXPECT_TRUE(loaded->lookup("key b")->tuning.isModel());
  EXPECT_EQ(loaded->lookup("key c"), nullptr);
}

TEST_F(TuningDatabaseTest, DamagedFilesAreErrorsNamingTheFile) {
  struct Case {
    const char *text, *message;
  } cases[] = {
      {"{\"format\": \"convjit-tuning-1\", \"entries\": [", "not valid JSON"},
      {"[1, 2]", "not a convjit tuning database"},
      {"{\"format\": \"convjit-tuning-1\"}", "no \"entries\" array"},
      {"{\"format\": \"convjit-tuning-1\", \"entries\": [{\"key\": \"k\"}]}",
       "entry 0: needs the strings"},
      {"{\"format\": \"convjit-tuning-1\", \"entries\": [{\"key\": \"k\", "
       "\"spec\": \"s\", \"tuning\": \"tile-width=0\"}]}",
       "entry 0: tuning 'tile-width=0'"},
  };
  for (const Case &c : cases) {
    writeFile(c.text);
    auto loaded = TuningDatabase::load(TuningDatabase::defaultPath());
    ASSERT_FALSE(static_cast<bool>(loaded)) << c.text;
    std::string message = llvm::toString(loaded.takeError());
    EXPECT_NE(message.find(c.message), std::string::npos) << message;
    EXPECT_NE(message.find("tuning database '" + TuningDatabase::defaultPath()),
              std::string::npos)
        << message;
  }
}

TEST_F(TuningDatabaseTest, CompileUsesTheRecordedTuning) {
  auto spec = parseSpec("conv ic=8 oc=16 in=10x10 k=3 pad=1 layout=nhwc");
  ASSERT_TRUE(static_cast<bool>(spec));
  CompileOptions options;
  options.persistentCache = false;
  options.memoryCache = false;
  CodegenOptions codegen; // host, 1 thread: what Kernel::compile looks up
  TuningDatabase database;
  database.insert({TuningDatabase::keyFor(*spec, codegen), spec->str(),
                   *ScheduleTuning::parse("tile-width=3,ic-step=2"), 1, 1, 1});
  ASSERT_FALSE(static_cast<bool>(database.save(TuningDatabase::defaultPath())));

  auto tuned = Kernel::compile(*spec, options);
  ASSERT_TRUE(static_cast<bool>(tuned)) << llvm::toString(tuned.takeError());
  EXPECT_TRUE((*tuned)->stats().tunedFromDatabase);
  EXPECT_EQ((*tuned)->stats().tuning, "tile-width=3,ic-step=2");

  // Other thread counts are other entries; the database can be ignored, or
  // overridden by explicit knobs.
  CompileOptions twoThreads = options;
  twoThreads.threads = 2;
  auto other = Kernel::compile(*spec, twoThreads);
  ASSERT_TRUE(static_cast<bool>(other));
  EXPECT_FALSE((*other)->stats().tunedFromDatabase);
  CompileOptions ignore = options;
  ignore.tuningDatabase = false;
  auto model = Kernel::compile(*spec, ignore);
  ASSERT_TRUE(static_cast<bool>(model));
  EXPECT_EQ((*model)->stats().tuning, "");
  CompileOptions explicitModel = options;
  explicitModel.tuning = "model";
  auto forced = Kernel::compile(*spec, explicitModel);
  ASSERT_TRUE(static_cast<bool>(forced));
  EXPECT_FALSE((*forced)->stats().tunedFromDatabase);
  EXPECT_EQ((*forced)->stats().tuning, "");

  // A damaged database is no reason not to compile: the model's schedules.
  writeFile("not json");
  auto fallback = Kernel::compile(*spec, options);
  ASSERT_TRUE(static_cast<bool>(fallback));
  EXPECT_FALSE((*fallback)->stats().tunedFromDatabase);
}

TEST(Tuner, FindsACorrectScheduleAtLeastAsFastAsTheModel) {
  auto spec = parseSpec("conv ic=16 oc=32 in=12x12 k=3 pad=1 layout=nhwc");
  ASSERT_TRUE(static_cast<bool>(spec));
  TuneOptions options;
  options.budget = 5;
  options.searchTiming = {/*rounds=*/1, /*minTimeMs=*/1, /*minRuns=*/2};
  options.finalTiming = {/*rounds=*/2, /*minTimeMs=*/2, /*minRuns=*/2};
  unsigned reports = 0, lastTimed = 0;
  options.progress = [&](const TuneProgress &progress) {
    ++reports;
    EXPECT_GE(progress.timed, lastTimed);
    EXPECT_LE(progress.timed, progress.expected);
    lastTimed = progress.timed;
  };
  auto result = tuneLayer(*spec, options);
  ASSERT_TRUE(static_cast<bool>(result)) << llvm::toString(result.takeError());
  EXPECT_EQ(result->timed, 5u); // the model and 4 variants: the budget
  EXPECT_TRUE(result->rejected.empty());
  EXPECT_GT(result->duplicates, 0u); // e.g. 3 vectors do not divide 32
  EXPECT_GT(reports, 5u);
  EXPECT_GT(result->modelMs, 0);
  EXPECT_LE(result->bestMs, result->modelMs);
  if (!result->best.isModel()) // a winner beat the model by the margin
    EXPECT_LT(result->bestMs, result->modelMs * (1 - options.minGain));
}

TEST(Tuner, BadOptionsAreErrors) {
  auto spec = parseSpec("conv ic=4 oc=8 in=6 k=3");
  ASSERT_TRUE(static_cast<bool>(spec));
  TuneOptions options;
  options.budget = 0;
  auto result = tuneLayer(*spec, options);
  ASSERT_FALSE(static_cast<bool>(result));
  EXPECT_EQ(llvm::toString(result.takeError()), "budget: must be at least 1");
}

} // namespace
