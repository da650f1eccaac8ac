//===- ConvBuilder.h - conv dialect IR from ConvSpec ------------*- C++ -*-===//
//
// The one bridge from the spec world to MLIR: each layer becomes
//   func.func @<name>(input[, offset][, mask][, weight][, bias]) -> output
// holding the layer's single conv-dialect op. The argument order is the JIT's
// calling convention: only the tensors the spec has, always in this order.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_CONV_CONVBUILDER_H
#define CONVJIT_CONV_CONVBUILDER_H

#include "Spec/ConvSpec.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace convjit {

/// The preferred symbol of layer `index`: the spec's name when it is a valid
/// bare MLIR identifier, else "layer<index>".
std::string layerSymbolName(const ConvSpec &spec, unsigned index);

/// Builds the (unattached, verified) function of one layer. A spec the conv
/// dialect cannot represent gives an error carrying the verifier's message.
llvm::Expected<mlir::OwningOpRef<mlir::func::FuncOp>>
buildLayerFunc(mlir::MLIRContext &context, const ConvSpec &spec,
               llvm::StringRef name);

/// A module with one function per spec, in spec order, named by
/// layerSymbolName; a name already taken gets a "_<n>" suffix from the
/// module's symbol table. Loads the func and conv dialects into `context`.
/// Errors name the failing layer by index.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
buildConvModule(mlir::MLIRContext &context, llvm::ArrayRef<ConvSpec> specs);

} // namespace convjit

#endif // CONVJIT_CONV_CONVBUILDER_H
