//===- ConvOps.h - conv dialect operations ----------------------*- C++ -*-===//
#ifndef CONVJIT_CONV_CONVOPS_H
#define CONVJIT_CONV_CONVOPS_H

#include "Conv/ConvDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "Conv/ConvOps.h.inc"

#endif // CONVJIT_CONV_CONVOPS_H
