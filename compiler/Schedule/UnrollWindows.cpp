//===- UnrollWindows.cpp - Unroll the loops schedules marked --------------===//

#include "Schedule/ConvSchedule.h"
#include "Schedule/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"

namespace convjit {
#define GEN_PASS_DEF_CONVJITUNROLLWINDOWS
#include "Schedule/Passes.h.inc"
} // namespace convjit

using namespace mlir;
using namespace convjit;

namespace {
struct UnrollWindowsPass
    : public convjit::impl::ConvjitUnrollWindowsBase<UnrollWindowsPass> {
  void runOnOperation() override {
    SmallVector<scf::ForOp> marked;
    getOperation().walk([&](scf::ForOp loop) {
      if (loop->hasAttr(kUnrollLoopAttrName))
        marked.push_back(loop);
    });
    for (scf::ForOp loop : marked) {
      loop->removeAttr(kUnrollLoopAttrName);
      (void)loopUnrollFull(loop);
    }
  }
};
} // namespace
