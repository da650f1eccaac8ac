//===- Analysis.cpp - Receptive field and jump of a chain -----------------===//

#include "Spec/Analysis.h"
#include "Spec/SpecError.h"

#include "llvm/Support/CheckedArithmetic.h"

#include <numeric>
#include <optional>

using namespace convjit;

std::string Fraction::str() const {
  if (isInteger())
    return std::to_string(num);
  return std::to_string(num) + "/" + std::to_string(den);
}

static std::optional<Fraction> reduced(std::optional<int64_t> num,
                                       std::optional<int64_t> den) {
  if (!num || !den)
    return std::nullopt;
  int64_t g = std::gcd(*num, *den);
  return Fraction{*num / g, *den / g};
}

/// a + b*c for a non-negative integer c.
static std::optional<Fraction> addScaled(Fraction a, Fraction b, int64_t c) {
  // a.num/a.den + b.num*c/b.den = (a.num*b.den + b.num*c*a.den)/(a.den*b.den)
  std::optional<int64_t> bc = llvm::checkedMul(b.num, c);
  if (!bc)
    return std::nullopt;
  std::optional<int64_t> left = llvm::checkedMul(a.num, b.den);
  std::optional<int64_t> right = llvm::checkedMul(*bc, a.den);
  if (!left || !right)
    return std::nullopt;
  return reduced(llvm::checkedAdd(*left, *right),
                 llvm::checkedMul(a.den, b.den));
}

static std::optional<Fraction> scaled(Fraction f, int64_t mul, int64_t div) {
  return reduced(llvm::checkedMul(f.num, mul), llvm::checkedMul(f.den, div));
}

llvm::Expected<llvm::SmallVector<FieldOfView, 8>>
convjit::receptiveFields(llvm::ArrayRef<ConvSpec> chain) {
  llvm::SmallVector<FieldOfView, 8> fields;
  if (chain.empty())
    return fields;
  unsigned rank = chain.front().rank();
  FieldOfView current;
  current.receptiveField.assign(rank, Fraction{1, 1});
  current.jump.assign(rank, Fraction{1, 1});

  for (const ConvSpec &layer : chain) {
    if (layer.rank() != rank)
      return specError("in", "the receptive field needs layers of one rank, "
                             "got " +
                                 llvm::Twine(rank) + "-D and " +
                                 llvm::Twine(layer.rank()) + "-D");
    for (unsigned d = 0; d < rank && layer.op != OpKind::ChannelShuffle; ++d) {
      int64_t span = layer.dilation[d] * (layer.kernel[d] - 1);
      Fraction &rf = current.receptiveField[d];
      Fraction &jump = current.jump[d];
      std::optional<Fraction> newJump, newRf;
      if (layer.op == OpKind::ConvTranspose) {
        newJump = scaled(jump, 1, layer.stride[d]);
        if (newJump)
          newRf = addScaled(rf, *newJump, span);
      } else {
        newRf = addScaled(rf, jump, span);
        newJump = scaled(jump, layer.stride[d], 1);
      }
      if (!newRf || !newJump)
        return specError("", "the receptive field overflows 64-bit "
                             "arithmetic");
      rf = *newRf;
      jump = *newJump;
    }
    fields.push_back(current);
  }
  return fields;
}
