//===- convjit-opt.cpp - mlir-opt with the conv dialect -------------------===//
//
// Every upstream dialect, extension and pass, plus the conv dialect, so lit
// tests can round-trip conv IR and run upstream passes on it.
//
//===----------------------------------------------------------------------===//

#include "Conv/ConvDialect.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<convjit::conv::ConvDialect>();

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "convjit optimizer driver\n", registry));
}
