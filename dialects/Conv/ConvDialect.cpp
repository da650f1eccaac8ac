//===- ConvDialect.cpp - Registration of the conv dialect -----------------===//

#include "Conv/ConvDialect.h"
#include "Conv/ConvOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace convjit::conv;

#include "Conv/ConvDialect.cpp.inc"
#include "Conv/ConvEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Conv/ConvAttrs.cpp.inc"

void ConvDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Conv/ConvOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Conv/ConvAttrs.cpp.inc"
      >();
}
