//===- ReferenceTest.cpp - The oracle against PyTorch and hand work ------===//
//
// Two independent checks of the reference interpreter:
// - every case of the torch-cases table (gen_reference_cases.py) must match
//   torch's own output within float32 rounding;
// - small layers worked out by hand, so that a misreading shared by the
//   generator and the interpreter cannot pass unnoticed.
//
//===----------------------------------------------------------------------===//

#include "Npy/Npy.h"
#include "Reference/Reference.h"
#include "../torch/TorchCases.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <cfloat>
#include <cmath>
#include <optional>

using namespace convjit;

namespace {

//===----------------------------------------------------------------------===//
// Loading a torch case
//===----------------------------------------------------------------------===//

llvm::Expected<llvm::json::Value> readJson(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return llvm::createStringError("cannot read '" + path +
                                   "': " + buffer.getError().message());
  llvm::Expected<llvm::json::Value> value =
      llvm::json::parse((*buffer)->getBuffer());
  if (!value)
    return llvm::createStringError("'" + path + "': " +
                                   llvm::toString(value.takeError()));
  return value;
}

/// ConvSpec from the "convspec" object the generator writes: every field
/// spelled out, so this test does not depend on the spec-text parser.
llvm::Expected<ConvSpec> specFromJson(const llvm::json::Object &o) {
  auto missing = [](llvm::StringRef key) {
    return llvm::createStringError("convspec: missing or mistyped '" + key +
                                   "'");
  };
  ConvSpec spec;
  std::optional<llvm::StringRef> op = o.getString("op");
  if (!op)
    return missing("op");
  static const std::pair<llvm::StringRef, OpKind> ops[] = {
      {"conv", OpKind::Conv},
      {"conv_transpose", OpKind::ConvTranspose},
      {"deform_conv", OpKind::DeformConv},
      {"max_pool", OpKind::MaxPool},
      {"avg_pool", OpKind::AvgPool},
      {"channel_shuffle", OpKind::ChannelShuffle}};
  auto found = llvm::find_if(ops, [&](auto &p) { return p.first == *op; });
  if (found == std::end(ops))
    return llvm::createStringError("convspec: unknown op '" + *op + "'");
  spec.op = found->second;

  std::pair<const char *, int64_t *> integers[] = {
      {"n", &spec.n},
      {"ic", &spec.ic},
      {"oc", &spec.oc},
      {"groups", &spec.groups},
      {"deformGroups", &spec.deformGroups}};
  for (auto [key, field] : integers) {
    std::optional<int64_t> v = o.getInteger(key);
    if (!v)
      return missing(key);
    *field = *v;
  }
  std::pair<const char *, Dims *> vectors[] = {
      {"in", &spec.in},
      {"kernel", &spec.kernel},
      {"stride", &spec.stride},
      {"dilation", &spec.dilation},
      {"padLo", &spec.padLo},
      {"padHi", &spec.padHi},
      {"outputPadding", &spec.outputPadding}};
  for (auto [key, field] : vectors) {
    const llvm::json::Array *array = o.getArray(key);
    if (!array)
      return missing(key);
    for (const llvm::json::Value &element : *array) {
      std::optional<int64_t> v = element.getAsInteger();
      if (!v)
        return missing(key);
      field->push_back(*v);
    }
  }
  std::pair<const char *, bool *> flags[] = {
      {"mask", &spec.mask}, {"bias", &spec.bias}, {"relu", &spec.relu}};
  for (auto [key, field] : flags) {
    std::optional<bool> v = o.getBoolean(key);
    if (!v)
      return missing(key);
    *field = *v;
  }
  std::optional<llvm::StringRef> layout = o.getString("layout");
  if (!layout || (*layout != "nchw" && *layout != "nhwc"))
    return missing("layout");
  spec.layout =
      *layout == "nchw" ? Layout::ChannelsFirst : Layout::ChannelsLast;
  return spec;
}

struct TorchCase {
  std::string specLine;
  ConvSpec spec;
  int64_t reduction = 1;
};

llvm::Expected<TorchCase> loadCase(llvm::StringRef dir) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, "case.json");
  llvm::Expected<llvm::json::Value> json = readJson(path);
  if (!json)
    return json.takeError();
  const llvm::json::Object *o = json->getAsObject();
  const llvm::json::Object *specObject = o ? o->getObject("convspec") : nullptr;
  std::optional<llvm::StringRef> line = o ? o->getString("spec") : std::nullopt;
  std::optional<int64_t> reduction =
      o ? o->getInteger("reduction") : std::nullopt;
  if (!specObject || !line || !reduction)
    return llvm::createStringError("'" + path +
                                   "': needs 'spec', 'reduction', 'convspec'");
  llvm::Expected<ConvSpec> spec = specFromJson(*specObject);
  if (!spec)
    return spec.takeError();
  return TorchCase{line->str(), *spec, *reduction};
}

/// The case names listed in the manifest, or one sentinel entry whose test
/// fails with `manifestProblem()` when there is no usable manifest.
const char *const kNoCases = "TorchCasesMissing";

std::string &manifestProblem() {
  static std::string problem;
  return problem;
}

std::vector<std::string> torchCaseNames() {
  llvm::SmallString<256> path(test::torchCasesDir());
  llvm::sys::path::append(path, "manifest.json");
  llvm::Expected<llvm::json::Value> json = readJson(path);
  if (!json) {
    manifestProblem() = llvm::toString(json.takeError());
    return {kNoCases};
  }
  std::vector<std::string> names;
  const llvm::json::Object *o = json->getAsObject();
  const llvm::json::Array *cases = o ? o->getArray("cases") : nullptr;
  if (cases)
    for (const llvm::json::Value &v : *cases)
      if (std::optional<llvm::StringRef> name = v.getAsString())
        names.push_back(name->str());
  if (names.empty()) {
    manifestProblem() = "'" + path.str().str() + "' lists no cases";
    return {kNoCases};
  }
  return names;
}

//===----------------------------------------------------------------------===//
// Comparing outputs
//===----------------------------------------------------------------------===//

/// Each output sums `reduction` float32 products in some order, so its
/// rounding error grows with that length; 4 ulps per term, relative to the
/// output's size (never below 1), is far below any indexing mistake.
::testing::AssertionResult closeToTorch(llvm::ArrayRef<float> got,
                                        llvm::ArrayRef<float> expected,
                                        int64_t reduction) {
  if (got.size() != expected.size())
    return ::testing::AssertionFailure()
           << "size " << got.size() << " vs " << expected.size();
  double perUnit = 4.0 * FLT_EPSILON * static_cast<double>(reduction);
  double maxAbs = 0, maxRel = 0;
  size_t bad = 0, firstBad = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    double g = got[i], e = expected[i];
    bool ok;
    if (std::isnan(e) || std::isinf(e)) {
      ok = std::isnan(e) ? std::isnan(g) : g == e;
    } else {
      double err = std::fabs(g - e);
      ok = err <= perUnit * std::max(1.0, std::fabs(e)); // NaN g fails
      if (!std::isnan(err)) {
        maxAbs = std::max(maxAbs, err);
        maxRel = std::max(maxRel, err / std::max(std::fabs(e), 1e-30));
      }
    }
    if (!ok && bad++ == 0)
      firstBad = i;
  }
  if (bad == 0)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << bad << " of " << got.size() << " elements differ; first at flat "
         << "index " << firstBad << ": got " << got[firstBad] << ", torch "
         << expected[firstBad] << "; max abs err " << maxAbs
         << ", max rel err " << maxRel << ", tolerance "
         << perUnit << " x max(1,|torch|)";
}

std::string shapeText(llvm::ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "[";
  llvm::interleaveComma(shape, os);
  os << "]";
  return text;
}

//===----------------------------------------------------------------------===//
// The torch table
//===----------------------------------------------------------------------===//

class ReferenceVsTorch : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceVsTorch, MatchesTorch) {
  const std::string &name = GetParam();
  ASSERT_NE(name, kNoCases) << "no PyTorch reference cases: "
                            << manifestProblem() << "; "
                            << test::torchCasesHowTo();
  llvm::SmallString<256> dir(test::torchCasesDir());
  llvm::sys::path::append(dir, name);
  llvm::Expected<TorchCase> tc = loadCase(dir);
  ASSERT_TRUE(bool(tc)) << llvm::toString(tc.takeError());
  const ConvSpec &spec = tc->spec;
  SCOPED_TRACE(tc->specLine);

  // A tensor file must exist exactly when the spec has that tensor, with
  // exactly the spec's shape.
  auto load = [&](llvm::StringRef file,
                  const Shape &shape) -> std::optional<NpyArray> {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, file + ".npy");
    if (shape.empty()) {
      EXPECT_FALSE(llvm::sys::fs::exists(path))
          << file.str() << ".npy present but the spec has no " << file.str();
      return std::nullopt;
    }
    llvm::Expected<NpyArray> array = readNpy(path);
    if (!array) {
      ADD_FAILURE() << llvm::toString(array.takeError());
      return std::nullopt;
    }
    EXPECT_EQ(shapeText(array->shape), shapeText(shape))
        << file.str() << ".npy shape vs ConvSpec";
    return std::move(*array);
  };
  std::optional<NpyArray> input = load("input", spec.inputShape());
  std::optional<NpyArray> weight = load("weight", spec.weightShape());
  std::optional<NpyArray> bias = load("bias", spec.biasShape());
  std::optional<NpyArray> offset = load("offset", spec.offsetShape());
  std::optional<NpyArray> mask = load("mask", spec.maskShape());
  std::optional<NpyArray> expected = load("expected", spec.outputShape());
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(input && expected);

  // NaN marks elements the interpreter failed to write.
  std::vector<float> output(expected->data.size(), NAN);
  ReferenceArgs args;
  args.input = input->data.data();
  args.weight = weight ? weight->data.data() : nullptr;
  args.bias = bias ? bias->data.data() : nullptr;
  args.offset = offset ? offset->data.data() : nullptr;
  args.mask = mask ? mask->data.data() : nullptr;
  args.output = output.data();
  llvm::Error err = runReference(spec, args);
  ASSERT_FALSE(bool(err)) << llvm::toString(std::move(err));
  EXPECT_TRUE(closeToTorch(output, expected->data, tc->reduction));
}

std::string caseTestName(const ::testing::TestParamInfo<std::string> &info) {
  std::string name = info.param;
  for (char &c : name)
    if (!llvm::isAlnum(c))
      c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(PyTorch, ReferenceVsTorch,
                         ::testing::ValuesIn(torchCaseNames()), caseTestName);

//===----------------------------------------------------------------------===//
// Worked by hand
//===----------------------------------------------------------------------===//

/// A layer with unit stride and dilation, no padding, one image.
ConvSpec makeSpec(OpKind op, int64_t ic, int64_t oc, Dims in, Dims kernel) {
  ConvSpec s;
  s.op = op;
  s.ic = ic;
  s.oc = oc;
  s.in = in;
  s.kernel = kernel;
  s.stride = Dims(in.size(), 1);
  s.dilation = Dims(in.size(), 1);
  s.padLo = Dims(in.size(), 0);
  s.padHi = Dims(in.size(), 0);
  s.outputPadding = Dims(in.size(), 0);
  return s;
}

std::vector<float> run(const ConvSpec &spec, ReferenceArgs args) {
  int64_t size = 1;
  for (int64_t d : spec.outputShape())
    size *= d;
  std::vector<float> out(size, NAN);
  args.output = out.data();
  llvm::Error err = runReference(spec, args);
  EXPECT_FALSE(bool(err)) << llvm::toString(std::move(err));
  return out;
}

// Weights 1, 10, 100 make every output spell out which inputs its three
// taps read: digit d of the output is the input under tap d (0 = padding).
TEST(ReferenceByHand, Conv1dStridePadding) {
  ConvSpec s = makeSpec(OpKind::Conv, 1, 1, {5}, {3});
  s.stride = {2};
  s.padLo = s.padHi = {1};
  float x[] = {1, 2, 3, 4, 5}, w[] = {1, 10, 100};
  // Windows: [pad,1,2], [2,3,4], [4,5,pad].
  EXPECT_EQ(run(s, {x, w}), (std::vector<float>{210, 432, 54}));
}

TEST(ReferenceByHand, Conv1dDilationAsymmetricPaddingBiasRelu) {
  ConvSpec s = makeSpec(OpKind::Conv, 1, 1, {5}, {3});
  s.dilation = {2};
  s.padLo = {2};
  s.padHi = {0};
  s.bias = true;
  s.relu = true;
  float x[] = {1, 2, 3, 4, 5}, w[] = {1, 10, 100}, b[] = {-400};
  // Windows x[-2,0,2], x[-1,1,3], x[0,2,4]: 310, 420, 531, minus 400.
  EXPECT_EQ(run(s, {x, w, b}), (std::vector<float>{0, 20, 131}));
}

TEST(ReferenceByHand, GroupedPointwiseConvChannelsLast) {
  // Group g's one output channel only sees input channel g: 2*c0, 3*c1.
  ConvSpec s = makeSpec(OpKind::Conv, 2, 2, {1, 2}, {1, 1});
  s.groups = 2;
  s.layout = Layout::ChannelsLast;
  float x[] = {1, 5, 2, 7}; // (w=0: c0=1 c1=5), (w=1: c0=2 c1=7)
  float w[] = {2, 3};
  EXPECT_EQ(run(s, {x, w}), (std::vector<float>{2, 15, 4, 21}));
}

TEST(ReferenceByHand, ConvTranspose1dSpreadsAndCrops) {
  // Input i spreads w*x[i] to positions 2i, 2i+1, 2i+2 of the full output
  // [1, 10, 100+2, 20, 200] and output_padding appends a 0; padLo=1 crops
  // the first element.
  ConvSpec s = makeSpec(OpKind::ConvTranspose, 1, 1, {2}, {3});
  s.stride = {2};
  s.padLo = {1};
  s.padHi = {0};
  s.outputPadding = {1};
  s.bias = true;
  float x[] = {1, 2}, w[] = {1, 10, 100}, b[] = {0.5f};
  EXPECT_EQ(run(s, {x, w, b}),
            (std::vector<float>{10.5f, 102.5f, 20.5f, 200.5f, 0.5f}));
}

TEST(ReferenceByHand, ConvTransposeGroupsUseTheirOwnWeights) {
  // Weight (ic=2, oc/groups=1, k=1): channel 0 -> out 0 times 2, channel 1
  // -> out 1 times 3; no mixing between groups.
  ConvSpec s = makeSpec(OpKind::ConvTranspose, 2, 2, {1}, {1});
  s.groups = 2;
  float x[] = {1, 10}, w[] = {2, 3};
  EXPECT_EQ(run(s, {x, w}), (std::vector<float>{2, 30}));
}

TEST(ReferenceByHand, ChannelShufflePermutation) {
  // ChannelShuffle(2) of 6 channels: out j*2+i = in i*3+j.
  ConvSpec s = makeSpec(OpKind::ChannelShuffle, 6, 6, {2}, {1});
  s.groups = 2;
  s.layout = Layout::ChannelsLast;
  std::vector<float> x;
  for (int w = 0; w < 2; ++w)
    for (int c = 0; c < 6; ++c)
      x.push_back(10 * w + c);
  EXPECT_EQ(run(s, {x.data()}), (std::vector<float>{0, 3, 1, 4, 2, 5, //
                                                    10, 13, 11, 14, 12, 15}));
}

TEST(ReferenceByHand, AvgPoolCountsPaddingInTheDivisor) {
  // 2x2 ones, 3x3 windows, padding 1: every window holds 4 ones and 5 pads.
  ConvSpec s = makeSpec(OpKind::AvgPool, 1, 1, {2, 2}, {3, 3});
  s.padLo = s.padHi = {1, 1};
  float x[] = {1, 1, 1, 1};
  for (float v : run(s, {x}))
    EXPECT_FLOAT_EQ(v, 4.0f / 9.0f);
}

TEST(ReferenceByHand, AvgPoolAsymmetricPaddingDividesByWindow) {
  // 3x3 ones, 2x2 windows, padding only before: row/col 0 windows overlap
  // the padding, so out = (real elements) / 4.
  ConvSpec s = makeSpec(OpKind::AvgPool, 1, 1, {3, 3}, {2, 2});
  s.padLo = {1, 1};
  std::vector<float> x(9, 1.0f);
  EXPECT_EQ(run(s, {x.data()}), (std::vector<float>{0.25f, 0.5f, 0.5f, //
                                                    0.5f, 1, 1,        //
                                                    0.5f, 1, 1}));
}

TEST(ReferenceByHand, MaxPoolPaddingIsMinusInfinity) {
  // All-negative input: a zero-padded max would wrongly give 0 at the ends.
  ConvSpec s = makeSpec(OpKind::MaxPool, 1, 1, {3}, {2});
  s.padLo = s.padHi = {1};
  float x[] = {-3, -1, -2};
  EXPECT_EQ(run(s, {x}), (std::vector<float>{-3, -1, -1, -2}));
  s.relu = true;
  EXPECT_EQ(run(s, {x}), (std::vector<float>{0, 0, 0, 0}));
}

TEST(ReferenceByHand, MaxPoolDilationSkipsBetweenTaps) {
  ConvSpec s = makeSpec(OpKind::MaxPool, 1, 1, {5}, {2});
  s.dilation = {3};
  float x[] = {1, 9, 0, 2, 0};
  // Windows {x0, x3}, {x1, x4}.
  EXPECT_EQ(run(s, {x}), (std::vector<float>{2, 9}));
}

TEST(ReferenceByHand, DeformSamplesBilinearlyAndZeroOutside) {
  // Image f(y, x) = 1 + x + 2y on 2x2, 1x1 kernel, weight 1: each output
  // pixel reads one sample at (oh + dy, ow + dx).
  ConvSpec s = makeSpec(OpKind::DeformConv, 1, 1, {2, 2}, {1, 1});
  s.mask = true;
  float x[] = {1, 2, 3, 4}, w[] = {1};
  // Offsets (n, 2, oh, ow): channel 0 is dy, channel 1 is dx.
  float offset[] = {/*dy*/ 0.5f, -0.5f, -2.0f, 0.5f,
                    /*dx*/ 0.25f, -1.0f, 0.0f, -1.0f};
  float mask[] = {1, 1, 1, 0.5f};
  ReferenceArgs args{x, w, nullptr, offset, mask};
  std::vector<float> out = run(s, args);
  ASSERT_EQ(out.size(), 4u);
  // (0.5, 0.25) is inside: the plane's value 1 + 0.25 + 1.
  EXPECT_FLOAT_EQ(out[0], 2.25f);
  // (-0.5, 0): half of pixel (0,0), the other corner is outside.
  EXPECT_FLOAT_EQ(out[1], 0.5f);
  // (-1, 0) is exactly one pixel outside: 0.
  EXPECT_FLOAT_EQ(out[2], 0.0f);
  // (1.5, 0): half of pixel (1,0) = 3, then masked by 0.5.
  EXPECT_FLOAT_EQ(out[3], 0.75f);
}

TEST(ReferenceByHand, DeformOffsetGroupsMoveTheirOwnChannels) {
  // Two channels, dg=2, 1x1 kernel on a 1x3 row, one output pixel at x=0
  // (input in=1x3 with k=1 gives 1x3 outputs; look at the first). Group 0
  // shifts channel 0 right by 1, group 1 shifts channel 1 right by 2.
  ConvSpec s = makeSpec(OpKind::DeformConv, 2, 1, {1, 3}, {1, 1});
  s.deformGroups = 2;
  float x[] = {1, 2, 3, /*channel 1*/ 10, 20, 30};
  float w[] = {1, 1};
  // Offsets (2*dg=4 channels, 1x3): [g0 dy, g0 dx, g1 dy, g1 dx].
  float offset[] = {0, 0, 0, 1, 1, 1, 0, 0, 0, 2, 2, 2};
  ReferenceArgs args{x, w, nullptr, offset};
  // Pixel 0: 2 + 30; pixel 1: 3 + (x=3 is outside) 0; pixel 2: both out.
  EXPECT_EQ(run(s, args), (std::vector<float>{32, 3, 0}));
}

TEST(ReferenceErrors, MissingBufferIsAnError) {
  ConvSpec s = makeSpec(OpKind::DeformConv, 1, 1, {2, 2}, {1, 1});
  float x[4] = {}, w[1] = {}, out[4] = {7, 7, 7, 7};
  ReferenceArgs args{x, w};
  args.output = out;
  llvm::Error err = runReference(s, args);
  ASSERT_TRUE(bool(err));
  std::string message = llvm::toString(std::move(err));
  EXPECT_NE(message.find("missing offset buffer"), std::string::npos)
      << message;
  EXPECT_EQ(out[0], 7.0f) << "output touched on error";
}

TEST(ReferenceErrors, BadSpecIsAnErrorNotACrash) {
  ConvSpec s = makeSpec(OpKind::Conv, 3, 4, {5, 5}, {3, 3});
  s.groups = 2;
  float x[75] = {}, w[36] = {}, out[36] = {};
  llvm::Error err = runReference(s, {x, w, nullptr, nullptr, nullptr, out});
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("groups=2 must divide ic=3"),
            std::string::npos);

  ConvSpec tooBig = makeSpec(OpKind::Conv, 1, 1, {2, 2}, {3, 3});
  err = runReference(tooBig, {x, w, nullptr, nullptr, nullptr, out});
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("output size"),
            std::string::npos);
}

} // namespace
