//===- KernelArgsCheck.cpp - Validating and staging call arguments --------===//

#include "KernelArgsCheck.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace convjit;

static std::string shapeText(llvm::ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, "x");
  return text;
}

llvm::Error convjit::checkTensor(llvm::StringRef name, const TensorView &view,
                                 llvm::ArrayRef<int64_t> expected,
                                 bool optional) {
  if (expected.empty()) {
    if (view.present())
      return llvm::createStringError(name + ": this layer takes no " + name +
                                     " tensor");
    return llvm::Error::success();
  }
  if (!view.present())
    return optional ? llvm::Error::success()
                    : llvm::createStringError(name + ": missing (expected " +
                                              shapeText(expected) + ")");
  if (llvm::ArrayRef<int64_t>(view.shape) != expected)
    return llvm::createStringError(name + ": expected shape " +
                                   shapeText(expected) + ", got " +
                                   shapeText(view.shape));
  if (!view.strides.empty() &&
      (view.strides.size() != view.shape.size() ||
       llvm::any_of(view.strides, [](int64_t s) { return s < 0; })))
    return llvm::createStringError(
        name + ": strides must be one non-negative value per dimension");
  return llvm::Error::success();
}

/// Calls `visit(denseIndex, viewOffset)` for every element in row-major order.
template <typename Visit>
static void forEachElement(const TensorView &view, Visit visit) {
  int64_t rank = view.shape.size();
  int64_t total = view.numElements();
  llvm::SmallVector<int64_t, 5> index(rank, 0);
  int64_t offset = 0;
  for (int64_t dense = 0; dense < total; ++dense) {
    visit(dense, offset);
    for (int64_t d = rank - 1; d >= 0; --d) {
      ++index[d];
      offset += view.strides[d];
      if (index[d] < view.shape[d])
        break;
      offset -= index[d] * view.strides[d];
      index[d] = 0;
    }
  }
}

const float *convjit::denseInput(const TensorView &view,
                                 std::vector<float> &storage) {
  if (view.isContiguous())
    return view.data;
  storage.resize(view.numElements());
  forEachElement(view, [&](int64_t dense, int64_t offset) {
    storage[dense] = view.data[offset];
  });
  return storage.data();
}

void convjit::scatterToView(const float *dense, const TensorView &view) {
  forEachElement(view, [&](int64_t index, int64_t offset) {
    view.data[offset] = dense[index];
  });
}
