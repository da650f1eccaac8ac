//===- SvgChart.cpp - The per-layer ratio as an SVG bar chart -------------===//

#include "SvgChart.h"

#include "Report.h"
#include "Summary.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace convjit;
using namespace convjit::bench;

namespace {

std::string escapeXml(llvm::StringRef text) {
  std::string escaped;
  for (char c : text) {
    switch (c) {
    case '&':
      escaped += "&amp;";
      break;
    case '<':
      escaped += "&lt;";
      break;
    case '>':
      escaped += "&gt;";
      break;
    case '"':
      escaped += "&quot;";
      break;
    default:
      escaped += c;
    }
  }
  return escaped;
}

/// What one bar shows.
struct Bar {
  std::string label;
  std::optional<double> ratio;
  bool vsTorch = false;
  std::string missing; // why there is no bar
};

Bar barFor(const BenchRow &row) {
  Bar bar{row.name, row.ratioVsBestOneDnn(), false, ""};
  if (bar.ratio)
    return bar;
  if ((bar.ratio = row.ratioVsBestTorch())) {
    bar.vsTorch = true;
    return bar;
  }
  if (row.check.verdict == OutputCheck::Verdict::Mismatch)
    bar.missing = "MISMATCH (convjit output wrong)";
  else if (!row.convjit.measured())
    bar.missing =
        "convjit " + (row.convjit.state == PeerTime::State::Unsupported
                          ? std::string("unsupported")
                          : std::string("failed"));
  else
    bar.missing = "no peer";
  return bar;
}

} // namespace

std::string convjit::bench::renderRatioChart(const BenchRun &run) {
  std::vector<Bar> bars;
  size_t longestLabel = 10;
  double smallest = 1.0, largest = 1.0;
  for (const BenchRow &row : run.rows) {
    bars.push_back(barFor(row));
    longestLabel = std::max(longestLabel, bars.back().label.size());
    if (bars.back().ratio) {
      smallest = std::min(smallest, *bars.back().ratio);
      largest = std::max(largest, *bars.back().ratio);
    }
  }

  // A log2 axis: 0.5x and 2x are equally far from parity, and one slow layer
  // does not flatten the rest. At least one octave each side of 1.0, plus
  // room for the value label past the end of each bar.
  int lowOctave =
      std::min(-1, static_cast<int>(std::floor(std::log2(smallest * 0.7))));
  int highOctave =
      std::max(1, static_cast<int>(std::ceil(std::log2(largest * 1.4))));
  const double left = 24 + 7.0 * longestLabel, plotWidth = 640, rowHeight = 22,
               top = 70, barHeight = 14;
  const double plotHeight = rowHeight * std::max<size_t>(bars.size(), 1);
  const double width = left + plotWidth + 30, height = top + plotHeight + 50;
  auto x = [&](double ratio) {
    return left + plotWidth * (std::log2(ratio) - lowOctave) /
                      (highOctave - lowOctave);
  };

  RunSummary summary = summarize(run);
  std::string geomean =
      summary.all.vsBestOneDnn.value
          ? formatFixed(*summary.all.vsBestOneDnn.value, 2) + "x over " +
                std::to_string(summary.all.vsBestOneDnn.count) + " layers"
          : std::string("n/a");

  std::string svg;
  llvm::raw_string_ostream os(svg);
  os << llvm::formatv(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:f0}\" "
      "height=\"{1:f0}\" viewBox=\"0 0 {0:f0} {1:f0}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n",
      width, height);
  os << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  os << "<text x=\"16\" y=\"24\" font-size=\"16\" font-weight=\"bold\">"
        "convjit speed / oneDNN speed per layer (faster of oneDNN 'any' and "
        "plain layout)</text>\n";
  os << llvm::formatv(
      "<text x=\"16\" y=\"44\">{0} ({1}), {2} thread{3}; geomean {4}; right "
      "of the red line = convjit faster</text>\n",
      escapeXml(run.host.cpuModel), escapeXml(run.host.llvmCpu), run.threads,
      run.threads == 1 ? "" : "s", escapeXml(geomean));
  os << "<text x=\"16\" y=\"60\" fill=\"#555\">log scale; bars: "
        "<tspan fill=\"#2a7ab0\">vs oneDNN</tspan>, "
        "<tspan fill=\"#9a6fb0\">vs torch (no oneDNN op)</tspan></text>\n";

  for (int octave = lowOctave; octave <= highOctave; ++octave) {
    double tick = std::ldexp(1.0, octave);
    os << llvm::formatv("<line x1=\"{0:f1}\" y1=\"{1:f0}\" x2=\"{0:f1}\" "
                        "y2=\"{2:f0}\" stroke=\"#ddd\"/>\n",
                        x(tick), top, top + plotHeight);
    std::string label =
        octave >= 0 ? formatFixed(tick, 0) : "1/" + formatFixed(1 / tick, 0);
    os << llvm::formatv("<text x=\"{0:f1}\" y=\"{1:f0}\" "
                        "text-anchor=\"middle\">{2}x</text>\n",
                        x(tick), top + plotHeight + 16, label);
  }
  os << llvm::formatv("<text x=\"{0:f1}\" y=\"{1:f0}\" text-anchor=\"middle\">"
                      "convjit speed / peer speed</text>\n",
                      left + plotWidth / 2, top + plotHeight + 36);

  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar &bar = bars[i];
    double y = top + rowHeight * i;
    double middle = y + rowHeight / 2 + 4;
    os << llvm::formatv("<text x=\"{0:f1}\" y=\"{1:f1}\" "
                        "text-anchor=\"end\">{2}</text>\n",
                        left - 6, middle, escapeXml(bar.label));
    if (!bar.ratio) {
      os << llvm::formatv("<text x=\"{0:f1}\" y=\"{1:f1}\" fill=\"#c00\">{2}"
                          "</text>\n",
                          x(1.0) + 6, middle, escapeXml(bar.missing));
      continue;
    }
    // Bars grow from parity: right when convjit is faster, left when slower.
    double end = x(*bar.ratio), parity = x(1.0);
    os << llvm::formatv("<rect x=\"{0:f1}\" y=\"{1:f1}\" width=\"{2:f1}\" "
                        "height=\"{3:f0}\" fill=\"{4}\"/>\n",
                        std::min(end, parity), y + (rowHeight - barHeight) / 2,
                        std::max(std::fabs(end - parity), 1.0), barHeight,
                        bar.vsTorch ? "#9a6fb0" : "#2a7ab0");
    bool faster = *bar.ratio >= 1;
    os << llvm::formatv("<text x=\"{0:f1}\" y=\"{1:f1}\" "
                        "text-anchor=\"{2}\">{3}x</text>\n",
                        faster ? end + 4 : end - 4, middle,
                        faster ? "start" : "end", formatFixed(*bar.ratio, 2));
  }
  os << llvm::formatv("<line x1=\"{0:f1}\" y1=\"{1:f0}\" x2=\"{0:f1}\" "
                      "y2=\"{2:f0}\" stroke=\"#c00\" stroke-width=\"2\"/>\n",
                      x(1.0), top - 4, top + plotHeight + 4);
  os << "</svg>\n";
  return svg;
}
