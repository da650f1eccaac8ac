//===- Kernel.h - convjit's C++ API: compile a layer, run it ----*- C++ -*-===//
//
// An app describes a layer (spec text or a ConvSpec), compiles it once into a
// Kernel specialised for its shapes and the host CPU, then runs it on its own
// buffers as often as it likes:
//
//   auto kernel = convjit::Kernel::compile("conv ic=64 oc=64 in=56x56 k=3 pad=1");
//   if (!kernel) { report(kernel.takeError()); ... }
//   convjit::KernelArgs args;
//   args.input = {x, (*kernel)->spec().inputShape()};
//   args.weight = {w, (*kernel)->spec().weightShape()};
//   args.output = {y, (*kernel)->outputShape()};
//   if (llvm::Error e = (*kernel)->run(args)) ...
//
// Errors are llvm::Error / llvm::Expected with a one-line message; nothing
// throws and nothing aborts on bad input. A Kernel is immutable after
// compile(); run() may be called from several threads at once except while
// prepare() runs.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_KERNEL_H
#define CONVJIT_KERNEL_H

#include "Spec/ConvSpec.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace convjit {

/// A caller-owned f32 tensor: a pointer, a shape and strides in elements.
/// Empty strides mean C-contiguous (row-major). A default-constructed view
/// (null data) stands for "no such tensor".
struct TensorView {
  float *data = nullptr;
  Shape shape;
  Shape strides;

  TensorView() = default;
  TensorView(float *data, llvm::ArrayRef<int64_t> shape,
             llvm::ArrayRef<int64_t> strides = {})
      : data(data), shape(shape.begin(), shape.end()),
        strides(strides.begin(), strides.end()) {}
  TensorView(const float *data, llvm::ArrayRef<int64_t> shape,
             llvm::ArrayRef<int64_t> strides = {})
      : TensorView(const_cast<float *>(data), shape, strides) {}

  bool present() const { return data != nullptr; }
  bool isContiguous() const;
  int64_t numElements() const;
};

/// The tensors of one call, in the spec's layout (see ConvSpec::*Shape()).
/// Tensors the op does not have stay empty.
struct KernelArgs {
  TensorView input;
  TensorView offset; // deform_conv
  TensorView mask;   // deform_conv with mask
  TensorView weight; // may stay empty after prepare()
  TensorView bias;   // with bias; may stay empty after prepare()
  TensorView output;
};

struct CompileOptions {
  /// "host" (the CPU this process runs on), or "avx2"/"avx512" to generate
  /// code for a named target (used by tests of the code generator; running
  /// such a kernel on a host without the ISA is refused).
  std::string target = "host";
  /// Worker threads a run() uses (1 = the calling thread only).
  unsigned threads = 1;
  /// With threads > 1, the ops of a layer (the convolution, its border
  /// regions, layout changes) that do fewer iterations than this run on one
  /// thread: for them the fork and join cost more than sharing saves.
  int64_t minParallelWork = int64_t(1) << 18;
  /// Use the on-disk kernel cache ($CONVJIT_CACHE_DIR, else
  /// $XDG_CACHE_HOME/convjit or ~/.cache/convjit): a layer compiled by an
  /// earlier process loads in about a millisecond.
  bool persistentCache = true;
  /// Reuse code this process already compiled for an equal layer. Off only
  /// to measure the other paths.
  bool memoryCache = true;
  /// Schedule knobs overriding the cost model, in ScheduleTuning's text form
  /// ("tile-width=6,tile-vectors=2"; "model": none). Empty: what `convjit
  /// tune` recorded for this layer in the tuning database (tuning.json in
  /// the kernel cache directory), if anything and `tuningDatabase` is on.
  std::string tuning;
  bool tuningDatabase = true;
};

/// What compile() did, for reports and benchmarks.
struct CompileStats {
  /// Wall time of compile(), in milliseconds.
  double milliseconds = 0;
  enum class Source { Compiled, MemoryCache, DiskCache } source =
      Source::Compiled;
  /// The schedule knobs the code was generated with ("" = the cost model's
  /// schedules), and whether they came from the tuning database.
  std::string tuning;
  bool tunedFromDatabase = false;
};

class Kernel {
public:
  ~Kernel();

  /// Compiles one layer (already verified, e.g. from parseSpec).
  static llvm::Expected<std::shared_ptr<Kernel>>
  compile(const ConvSpec &spec, const CompileOptions &options = {});
  /// Parses, verifies and compiles one layer of spec text.
  static llvm::Expected<std::shared_ptr<Kernel>>
  compile(llvm::StringRef specText, const CompileOptions &options = {});

  const ConvSpec &spec() const { return layerSpec; }
  Shape outputShape() const { return layerSpec.outputShape(); }
  const CompileStats &stats() const { return compileStats; }

  /// Packs weights (and bias) once into the kernel's internal layout; later
  /// run() calls may then leave weight/bias empty. Calling it again replaces
  /// them.
  llvm::Error prepare(const TensorView &weight, const TensorView &bias = {});

  /// Computes args.output. Shapes are checked against the spec; a tensor
  /// the op needs but that is missing is an error.
  llvm::Error run(const KernelArgs &args);

private:
  explicit Kernel(ConvSpec spec);
  ConvSpec layerSpec;
  CompileStats compileStats;

  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace convjit

#endif // CONVJIT_KERNEL_H
