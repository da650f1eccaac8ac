# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "convjit"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".spec"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "unit", "torch", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.convjit_obj_root, "test")

llvm_config.with_system_environment(["HOME", "TMPDIR"])
# Kernels the tests compile go to a cache of the build's own, never the
# user's ~/.cache/convjit.
config.environment["CONVJIT_CACHE_DIR"] = os.path.join(config.test_exec_root, "kernel-cache")
llvm_config.use_default_substitutions()

tool_dirs = [config.convjit_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["convjit", "convjit-opt", "FileCheck", "not", "count"], tool_dirs)
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%srcroot", config.convjit_src_root))
