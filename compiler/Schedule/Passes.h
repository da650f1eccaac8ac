//===- Passes.h - Scheduling passes -----------------------------*- C++ -*-===//
#ifndef CONVJIT_SCHEDULE_PASSES_H
#define CONVJIT_SCHEDULE_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace convjit {
#define GEN_PASS_DECL
#include "Schedule/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Schedule/Passes.h.inc"
} // namespace convjit

#endif // CONVJIT_SCHEDULE_PASSES_H
