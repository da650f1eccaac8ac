//===- OneDnnPeer.cpp - The same layer computed by oneDNN -----------------===//

#include "OneDnnPeer.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"

#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>

#include <cstdlib>
#include <cstring>
#include <dlfcn.h>

using namespace convjit;
using namespace convjit::bench;

namespace {

llvm::Error check(dnnl_status_t status, const llvm::Twine &what) {
  if (status == dnnl_success)
    return llvm::Error::success();
  return llvm::createStringError("oneDNN: " + what + ": " +
                                 dnnl_status2str(status));
}

template <typename T, dnnl_status_t (*Destroy)(T *)> struct Destroyer {
  void operator()(T *handle) const {
    if (handle)
      Destroy(handle);
  }
};
using MemoryPtr =
    std::unique_ptr<dnnl_memory, Destroyer<dnnl_memory, dnnl_memory_destroy>>;
using PrimitiveDescPtr = std::unique_ptr<
    dnnl_primitive_desc,
    Destroyer<dnnl_primitive_desc, dnnl_primitive_desc_destroy>>;
using PrimitivePtr =
    std::unique_ptr<dnnl_primitive,
                    Destroyer<dnnl_primitive, dnnl_primitive_destroy>>;
using AttrPtr = std::unique_ptr<
    dnnl_primitive_attr,
    Destroyer<dnnl_primitive_attr, dnnl_primitive_attr_destroy>>;
using PostOpsPtr =
    std::unique_ptr<dnnl_post_ops,
                    Destroyer<dnnl_post_ops, dnnl_post_ops_destroy>>;

/// One engine and stream for the process (the CPU has one engine).
struct Runtime {
  dnnl_engine_t engine = nullptr;
  dnnl_stream_t stream = nullptr;
  dnnl_status_t status = dnnl_success;
};

const Runtime &runtime() {
  static const Runtime instance = [] {
    Runtime r;
    r.status = dnnl_engine_create(&r.engine, dnnl_cpu, 0);
    if (r.status == dnnl_success)
      r.status =
          dnnl_stream_create(&r.stream, r.engine, dnnl_stream_default_flags);
    return r;
  }();
  return instance;
}

struct FreeDeleter {
  void operator()(void *p) const { std::free(p); }
};

/// A oneDNN memory object over a 64-byte aligned buffer we own.
struct Tensor {
  dnnl_memory_desc_t md{};
  std::unique_ptr<void, FreeDeleter> data;
  MemoryPtr memory;
  size_t bytes = 0;
};

llvm::Expected<Tensor> makeTensor(const dnnl_memory_desc_t &md) {
  Tensor tensor;
  tensor.md = md;
  tensor.bytes = dnnl_memory_desc_get_size(&md);
  size_t allocated = (std::max<size_t>(tensor.bytes, 1) + 63) / 64 * 64;
  tensor.data.reset(std::aligned_alloc(64, allocated));
  if (!tensor.data)
    return llvm::createStringError("out of memory for a oneDNN tensor of " +
                                   llvm::Twine(tensor.bytes) + " bytes");
  dnnl_memory_t memory = nullptr;
  if (llvm::Error error = check(
          dnnl_memory_create(&memory, &md, runtime().engine, tensor.data.get()),
          "memory_create"))
    return std::move(error);
  tensor.memory.reset(memory);
  return tensor;
}

/// A tensor in `md` holding a copy of dense `values` (md must be a dense
/// arrangement of exactly values.size() floats).
llvm::Expected<Tensor> makeTensor(const dnnl_memory_desc_t &md,
                                  llvm::ArrayRef<float> values) {
  auto tensor = makeTensor(md);
  if (!tensor)
    return tensor.takeError();
  if (tensor->bytes != values.size() * sizeof(float))
    return llvm::createStringError(
        "oneDNN: a plain tensor of " + llvm::Twine(values.size()) +
        " floats has a descriptor of " + llvm::Twine(tensor->bytes) + " bytes");
  std::memcpy(tensor->data.get(), values.data(), tensor->bytes);
  return tensor;
}

llvm::Error execute(dnnl_primitive_t primitive,
                    llvm::ArrayRef<dnnl_exec_arg_t> args) {
  const Runtime &rt = runtime();
  if (llvm::Error error = check(
          dnnl_primitive_execute(primitive, rt.stream,
                                 static_cast<int>(args.size()), args.data()),
          "execute"))
    return error;
  return check(dnnl_stream_wait(rt.stream), "stream_wait");
}

llvm::Error reorder(const Tensor &from, const Tensor &to) {
  const Runtime &rt = runtime();
  dnnl_primitive_desc_t pd = nullptr;
  if (llvm::Error error =
          check(dnnl_reorder_primitive_desc_create(&pd, &from.md, rt.engine,
                                                   &to.md, rt.engine, nullptr),
                "reorder"))
    return error;
  PrimitiveDescPtr pdHolder(pd);
  dnnl_primitive_t primitive = nullptr;
  if (llvm::Error error =
          check(dnnl_primitive_create(&primitive, pd), "reorder"))
    return error;
  PrimitivePtr primitiveHolder(primitive);
  dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, from.memory.get()},
                            {DNNL_ARG_TO, to.memory.get()}};
  return execute(primitive, args);
}

using DimList = llvm::SmallVector<int64_t, 6>;

llvm::Expected<dnnl_memory_desc_t> descByTag(const DimList &dims,
                                             dnnl_format_tag_t tag) {
  dnnl_memory_desc_t md;
  if (llvm::Error error =
          check(dnnl_memory_desc_init_by_tag(&md, static_cast<int>(dims.size()),
                                             dims.data(), dnnl_f32, tag),
                "memory descriptor"))
    return std::move(error);
  return md;
}

llvm::Expected<dnnl_memory_desc_t> descByStrides(const DimList &dims,
                                                 const DimList &strides) {
  dnnl_memory_desc_t md;
  if (llvm::Error error = check(dnnl_memory_desc_init_by_strides(
                                    &md, static_cast<int>(dims.size()),
                                    dims.data(), dnnl_f32, strides.data()),
                                "memory descriptor"))
    return std::move(error);
  return md;
}

/// oneDNN's plain tag for activations of this rank and layout.
dnnl_format_tag_t activationTag(const ConvSpec &spec) {
  bool last = spec.layout == Layout::ChannelsLast;
  switch (spec.rank()) {
  case 1:
    return last ? dnnl_nwc : dnnl_ncw;
  case 3:
    return last ? dnnl_ndhwc : dnnl_ncdhw;
  default:
    return last ? dnnl_nhwc : dnnl_nchw;
  }
}

/// Logical (N, C, spatial...) dims, the order oneDNN always uses.
DimList activationDims(int64_t n, int64_t channels,
                       llvm::ArrayRef<int64_t> spatial) {
  DimList dims{n, channels};
  dims.append(spatial.begin(), spatial.end());
  return dims;
}

/// oneDNN's weight dims: (oc, ic, k...), or (g, oc/g, ic/g, k...) with
/// groups; oc/ic are the layer's output/input channels for conv and deconv
/// alike. The strides describe PyTorch's buffer: conv (oc, ic/g, k...),
/// transposed (ic, oc/g, k...).
std::pair<DimList, DimList> weightDimsAndStrides(const ConvSpec &spec) {
  int64_t g = spec.groups, ocg = spec.oc / g, icg = spec.ic / g;
  DimList kernelStrides(spec.rank());
  int64_t k = 1;
  for (int i = static_cast<int>(spec.rank()) - 1; i >= 0; --i) {
    kernelStrides[i] = k;
    k *= spec.kernel[i];
  }
  bool transposed = spec.op == OpKind::ConvTranspose;
  int64_t ocStride = transposed ? k : icg * k;
  int64_t icStride = transposed ? ocg * k : k;
  int64_t groupStride = ocg * icg * k;
  DimList dims, strides;
  if (g > 1) {
    dims = {g, ocg, icg};
    strides = {groupStride, ocStride, icStride};
  } else {
    dims = {spec.oc, spec.ic};
    strides = {ocStride, icStride};
  }
  dims.append(spec.kernel.begin(), spec.kernel.end());
  strides.append(kernelStrides.begin(), kernelStrides.end());
  return {dims, strides};
}

DimList minusOne(llvm::ArrayRef<int64_t> values) {
  DimList result;
  for (int64_t value : values)
    result.push_back(value - 1);
  return result;
}

} // namespace

std::optional<std::string>
convjit::bench::oneDnnUnsupportedReason(const ConvSpec &spec) {
  switch (spec.op) {
  case OpKind::DeformConv:
    return std::string("oneDNN has no deformable convolution");
  case OpKind::ChannelShuffle:
    return std::string("channel_shuffle is not compared with oneDNN");
  default:
    return std::nullopt;
  }
}

std::string convjit::bench::oneDnnVersion() {
  const dnnl_version_t *version = dnnl_version();
  std::string runtimeName =
      version->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "other";
  return (llvm::Twine(version->major) + "." + llvm::Twine(version->minor) +
          "." + llvm::Twine(version->patch) + " (" + runtimeName + ")")
      .str();
}

llvm::Expected<std::string> convjit::bench::setOneDnnThreads(unsigned threads) {
  void *setThreads = dlsym(RTLD_DEFAULT, "omp_set_num_threads");
  void *getThreads = dlsym(RTLD_DEFAULT, "omp_get_max_threads");
  if (!setThreads || !getThreads)
    return llvm::createStringError(
        "oneDNN: no OpenMP runtime is loaded (omp_set_num_threads not found)");
  reinterpret_cast<void (*)(int)>(setThreads)(static_cast<int>(threads));
  int applied = reinterpret_cast<int (*)()>(getThreads)();
  if (applied != static_cast<int>(threads))
    return llvm::createStringError("oneDNN: OpenMP kept " +
                                   llvm::Twine(applied) + " threads, not " +
                                   llvm::Twine(threads));
  Dl_info info;
  if (dladdr(setThreads, &info) && info.dli_fname)
    return std::string(info.dli_fname);
  return std::string("an unnamed OpenMP runtime");
}

struct OneDnnLayer::Impl {
  ConvSpec spec;
  PrimitiveDescPtr pd;
  PrimitivePtr primitive;
  Tensor src, weights, bias, dst;
  dnnl_memory_desc_t userDstMd{};
  llvm::SmallVector<dnnl_exec_arg_t, 4> args;

  llvm::Error build(Format format, const LayerTensors &tensors);
  llvm::Error createDesc(Format format, const dnnl_memory_desc_t &userSrcMd,
                         dnnl_primitive_attr_t attr);
  llvm::Error bindTensors(const dnnl_memory_desc_t &userSrcMd,
                          const LayerTensors &tensors);
};

/// Creates `pd` for the spec's op.
llvm::Error OneDnnLayer::Impl::createDesc(Format format,
                                          const dnnl_memory_desc_t &userSrcMd,
                                          dnnl_primitive_attr_t attr) {
  const Runtime &rt = runtime();
  DimList strides(spec.stride.begin(), spec.stride.end());
  DimList dilates = minusOne(spec.dilation);
  DimList padL(spec.padLo.begin(), spec.padLo.end());
  DimList padR(spec.padHi.begin(), spec.padHi.end());
  dnnl_primitive_desc_t pdHandle = nullptr;

  if (spec.isPooling()) {
    if (format == Format::Any)
      return llvm::createStringError(
          "oneDNN pooling takes no 'any' source format");
    DimList kernel(spec.kernel.begin(), spec.kernel.end());
    dnnl_pooling_v2_desc_t desc;
    dnnl_alg_kind_t algorithm = spec.op == OpKind::MaxPool
                                    ? dnnl_pooling_max
                                    : dnnl_pooling_avg_include_padding;
    if (llvm::Error error =
            check(dnnl_pooling_v2_forward_desc_init(
                      &desc, dnnl_forward_inference, algorithm, &userSrcMd,
                      &userDstMd, strides.data(), kernel.data(), dilates.data(),
                      padL.data(), padR.data()),
                  "pooling descriptor"))
      return error;
    if (llvm::Error error =
            check(dnnl_primitive_desc_create(&pdHandle, &desc, attr, rt.engine,
                                             nullptr),
                  "pooling primitive"))
      return error;
    pd.reset(pdHandle);
    return llvm::Error::success();
  }

  auto [weightDims, weightStrides] = weightDimsAndStrides(spec);
  auto weightsMd = descByTag(weightDims, dnnl_format_tag_any);
  if (!weightsMd)
    return weightsMd.takeError();
  dnnl_memory_desc_t srcMd = userSrcMd, dstMd = userDstMd;
  if (format == Format::Any) {
    auto anySrc = descByTag(activationDims(spec.n, spec.ic, spec.in),
                            dnnl_format_tag_any);
    auto anyDst = descByTag(activationDims(spec.n, spec.oc, spec.outSpatial()),
                            dnnl_format_tag_any);
    if (!anySrc)
      return anySrc.takeError();
    if (!anyDst)
      return anyDst.takeError();
    srcMd = *anySrc;
    dstMd = *anyDst;
  }
  dnnl_memory_desc_t biasMd{};
  if (spec.bias) {
    auto md = descByTag({spec.oc}, dnnl_x);
    if (!md)
      return md.takeError();
    biasMd = *md;
  }
  const dnnl_memory_desc_t *biasArg = spec.bias ? &biasMd : nullptr;

  dnnl_convolution_desc_t desc;
  if (spec.op == OpKind::ConvTranspose) {
    // oneDNN relates a deconvolution's sizes like a convolution's with
    // source and destination swapped, so PyTorch's output_padding is taken
    // off the back padding.
    for (unsigned i = 0; i < spec.rank(); ++i)
      padR[i] -= spec.outputPadding[i];
    if (llvm::Error error =
            check(dnnl_dilated_deconvolution_forward_desc_init(
                      &desc, dnnl_forward_inference, dnnl_deconvolution_direct,
                      &srcMd, &*weightsMd, biasArg, &dstMd, strides.data(),
                      dilates.data(), padL.data(), padR.data()),
                  "deconvolution descriptor"))
      return error;
  } else {
    if (llvm::Error error =
            check(dnnl_dilated_convolution_forward_desc_init(
                      &desc, dnnl_forward_inference, dnnl_convolution_direct,
                      &srcMd, &*weightsMd, biasArg, &dstMd, strides.data(),
                      dilates.data(), padL.data(), padR.data()),
                  "convolution descriptor"))
      return error;
  }
  if (llvm::Error error = check(dnnl_primitive_desc_create(
                                    &pdHandle, &desc, attr, rt.engine, nullptr),
                                "primitive for this layer"))
    return error;
  pd.reset(pdHandle);
  return llvm::Error::success();
}

/// Allocates the primitive's tensors, fills them from `tensors` through
/// reorders (done once here, never in run()), and lists the execute args.
llvm::Error OneDnnLayer::Impl::bindTensors(const dnnl_memory_desc_t &userSrcMd,
                                           const LayerTensors &tensors) {
  auto queried = [&](dnnl_query_t what, int index) {
    return *dnnl_primitive_desc_query_md(pd.get(), what, index);
  };
  auto fill = [&](Tensor &target, const dnnl_memory_desc_t &md,
                  const dnnl_memory_desc_t &userMd,
                  llvm::ArrayRef<float> values) -> llvm::Error {
    auto user = makeTensor(userMd, values);
    if (!user)
      return user.takeError();
    auto packed = makeTensor(md);
    if (!packed)
      return packed.takeError();
    if (llvm::Error error = reorder(*user, *packed))
      return error;
    target = std::move(*packed);
    return llvm::Error::success();
  };

  if (llvm::Error error =
          fill(src, queried(dnnl_query_src_md, 0), userSrcMd, tensors.input))
    return error;
  args.push_back({DNNL_ARG_SRC, src.memory.get()});
  if (spec.hasWeights()) {
    auto [dims, strides] = weightDimsAndStrides(spec);
    auto userWeightsMd = descByStrides(dims, strides);
    if (!userWeightsMd)
      return userWeightsMd.takeError();
    if (llvm::Error error = fill(weights, queried(dnnl_query_weights_md, 0),
                                 *userWeightsMd, tensors.weight))
      return error;
    args.push_back({DNNL_ARG_WEIGHTS, weights.memory.get()});
    if (spec.bias) {
      auto userBiasMd = descByTag({spec.oc}, dnnl_x);
      if (!userBiasMd)
        return userBiasMd.takeError();
      if (llvm::Error error = fill(bias, queried(dnnl_query_weights_md, 1),
                                   *userBiasMd, tensors.bias))
        return error;
      args.push_back({DNNL_ARG_BIAS, bias.memory.get()});
    }
  }
  auto output = makeTensor(queried(dnnl_query_dst_md, 0));
  if (!output)
    return output.takeError();
  dst = std::move(*output);
  args.push_back({DNNL_ARG_DST, dst.memory.get()});
  return llvm::Error::success();
}

llvm::Error OneDnnLayer::Impl::build(Format format,
                                     const LayerTensors &tensors) {
  if (auto reason = oneDnnUnsupportedReason(spec))
    return llvm::createStringError(*reason);
  if (llvm::Error error = check(runtime().status, "engine"))
    return error;

  auto userSrcMd =
      descByTag(activationDims(spec.n, spec.ic, spec.in), activationTag(spec));
  auto userDst = descByTag(activationDims(spec.n, spec.oc, spec.outSpatial()),
                           activationTag(spec));
  if (!userSrcMd)
    return userSrcMd.takeError();
  if (!userDst)
    return userDst.takeError();
  userDstMd = *userDst;

  dnnl_primitive_attr_t attrHandle = nullptr;
  if (llvm::Error error =
          check(dnnl_primitive_attr_create(&attrHandle), "attr"))
    return error;
  AttrPtr attr(attrHandle);
  if (spec.relu) {
    dnnl_post_ops_t postOpsHandle = nullptr;
    if (llvm::Error error =
            check(dnnl_post_ops_create(&postOpsHandle), "post-ops"))
      return error;
    PostOpsPtr postOps(postOpsHandle);
    if (llvm::Error error =
            check(dnnl_post_ops_append_eltwise(postOps.get(), 1.0f,
                                               dnnl_eltwise_relu, 0.0f, 0.0f),
                  "relu post-op"))
      return error;
    if (llvm::Error error =
            check(dnnl_primitive_attr_set_post_ops(attr.get(), postOps.get()),
                  "relu post-op"))
      return error;
  }

  if (llvm::Error error = createDesc(format, *userSrcMd, attr.get()))
    return error;
  dnnl_primitive_t primitiveHandle = nullptr;
  if (llvm::Error error =
          check(dnnl_primitive_create(&primitiveHandle, pd.get()), "primitive"))
    return error;
  primitive.reset(primitiveHandle);
  return bindTensors(*userSrcMd, tensors);
}

OneDnnLayer::OneDnnLayer() : impl(std::make_unique<Impl>()) {}
OneDnnLayer::~OneDnnLayer() = default;

llvm::Expected<std::unique_ptr<OneDnnLayer>>
OneDnnLayer::create(const ConvSpec &spec, Format format,
                    const LayerTensors &tensors) {
  std::unique_ptr<OneDnnLayer> layer(new OneDnnLayer());
  layer->impl->spec = spec;
  if (llvm::Error error = layer->impl->build(format, tensors))
    return std::move(error);
  return std::move(layer);
}

llvm::Error OneDnnLayer::run() {
  return execute(impl->primitive.get(), impl->args);
}

llvm::Expected<std::vector<float>> OneDnnLayer::userOutput() {
  auto user = makeTensor(impl->userDstMd);
  if (!user)
    return user.takeError();
  if (llvm::Error error = reorder(impl->dst, *user))
    return std::move(error);
  const float *values = static_cast<const float *>(user->data.get());
  return std::vector<float>(values, values + user->bytes / sizeof(float));
}

std::string OneDnnLayer::implementation() const {
  const char *name = nullptr;
  if (dnnl_primitive_desc_query(impl->pd.get(), dnnl_query_impl_info_str, 0,
                                &name) != dnnl_success ||
      !name)
    return "?";
  return name;
}
