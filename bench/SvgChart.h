//===- SvgChart.h - The per-layer ratio as an SVG bar chart -----*- C++ -*-===//
//
// One horizontal bar per row: convjit's speed over the faster oneDNN variant
// (or over torch where oneDNN has no such op, drawn in another colour) on a
// log2 axis, growing from a line at 1.0 (parity); layer names on the axis,
// host CPU and thread count in the title. Written by hand: the bench needs
// no plotting stack.
//
//===----------------------------------------------------------------------===//
#ifndef CONVJIT_BENCH_SVGCHART_H
#define CONVJIT_BENCH_SVGCHART_H

#include "BenchResult.h"

#include <string>

namespace convjit::bench {

std::string renderRatioChart(const BenchRun &run);

} // namespace convjit::bench

#endif // CONVJIT_BENCH_SVGCHART_H
