//===- KernelAbi.h - Names shared by the ABI passes and the runtime -*- C++ -*-===//
#ifndef CONVJIT_PIPELINE_KERNELABI_H
#define CONVJIT_PIPELINE_KERNELABI_H

namespace convjit {

/// Function argument attribute naming what an argument carries.
inline constexpr const char *kRoleAttrName = "convjit.role";
/// Module attribute: elements of the packed-weights buffer.
inline constexpr const char *kPackedElementsAttrName = "convjit.packed_elements";
/// Module attribute: bytes of convjit_run's workspace argument.
inline constexpr const char *kWorkspaceBytesAttrName = "convjit.workspace_bytes";
inline constexpr const char *kRunSymbol = "convjit_run";
inline constexpr const char *kPackSymbol = "convjit_pack";

} // namespace convjit

#endif // CONVJIT_PIPELINE_KERNELABI_H
