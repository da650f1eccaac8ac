//===- convjit-opt.cpp - mlir-opt with convjit's dialect and passes -------===//
//
// Every upstream dialect, extension and pass, plus the conv dialect and every
// pass of convjit's pipeline, so lit tests can run any step of a kernel's
// compilation on its own (`convjit compile --emit` shows the whole chain).
//
//===----------------------------------------------------------------------===//

#include "Pipeline/Pipeline.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  convjit::registerPipelinePasses();
  mlir::DialectRegistry registry;
  convjit::registerPipelineDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "convjit optimizer driver\n", registry));
}
