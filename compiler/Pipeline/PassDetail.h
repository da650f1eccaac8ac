//===- PassDetail.h - Generated declarations of the pipeline passes -*- C++ -*-===//
#ifndef CONVJIT_PIPELINE_PASSDETAIL_H
#define CONVJIT_PIPELINE_PASSDETAIL_H

#include "mlir/Pass/Pass.h"

namespace convjit {
#define GEN_PASS_DECL
#include "Pipeline/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Pipeline/Passes.h.inc"
} // namespace convjit

#endif // CONVJIT_PIPELINE_PASSDETAIL_H
