//===- TorchCases.h - Where the unit tests find the torch cases -*- C++ -*-===//
//
// The directory written by gen_reference_cases.py (the torch-cases target).
// Tests that need it fail, never skip, when it is absent, and say how to
// make it.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_TEST_TORCH_TORCHCASES_H
#define CONVJIT_TEST_TORCH_TORCHCASES_H

#include <cstdlib>
#include <string>

namespace convjit::test {

/// $CONVJIT_TORCH_CASES if set, else the build tree's test/torch-cases.
inline std::string torchCasesDir() {
  if (const char *env = std::getenv("CONVJIT_TORCH_CASES"); env && *env)
    return env;
  return CONVJIT_TORCH_CASES_DIR;
}

inline std::string torchCasesHowTo() {
  return "generate them with `cmake --build <build dir> --target "
         "torch-cases` (runs test/torch/gen_reference_cases.py with a Python "
         "that has torch and torchvision), or set CONVJIT_TORCH_CASES to a "
         "generated directory";
}

} // namespace convjit::test

#endif // CONVJIT_TEST_TORCH_TORCHCASES_H
