//===- ConvDialect.h - The conv dialect and its attributes ------*- C++ -*-===//
#ifndef CONVJIT_CONV_CONVDIALECT_H
#define CONVJIT_CONV_CONVDIALECT_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/Dialect.h"

#include "Conv/ConvDialect.h.inc"
#include "Conv/ConvEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "Conv/ConvAttrs.h.inc"

#endif // CONVJIT_CONV_CONVDIALECT_H
