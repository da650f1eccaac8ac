//===- convjit-opt.cpp - mlir-opt with the conv dialect -------------------===//
//
// Every upstream dialect, extension and pass, plus the conv dialect and its
// lowering passes, so lit tests can round-trip conv IR, lower it and run
// upstream passes on the result.
//
//===----------------------------------------------------------------------===//

#include "Conv/ConvDialect.h"
#include "Lowering/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  convjit::registerConvjitLoweringPasses();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<convjit::conv::ConvDialect>();

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "convjit optimizer driver\n", registry));
}
