//===- InfoCommand.cpp - convjit info: what a spec describes --------------===//
//
//   convjit info <spec or file> [--json]
//
// Per layer: op, canonical spec, input/output shape, parameter count and
// FLOPs; for a chain also the receptive field and jump. Totals at the end.
// The JSON keys are documented in the README ("convjit info --json").
//
//===----------------------------------------------------------------------===//

#include "Subcommand.h"

#include "Spec/Analysis.h"
#include "Spec/SpecParser.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

using namespace convjit;
using namespace convjit::cli;
namespace cl = llvm::cl;

static cl::SubCommand
    infoCommand("info",
                "Describe layers: shapes, parameters, FLOPs, receptive field");

static cl::list<std::string>
    specWords(cl::Positional, cl::OneOrMore, cl::sub(infoCommand),
              cl::cat(convjitOptions()),
              cl::desc("<spec, benchdnn descriptor, or spec file> (several "
                       "words are joined with spaces; ';' separates the "
                       "layers of an inline chain)"));

static cl::opt<bool> emitJson("json", cl::sub(infoCommand),
                              cl::cat(convjitOptions()),
                              cl::desc("Print JSON instead of a table"));

namespace {

/// Everything printed about one layer.
struct LayerInfo {
  const ConvSpec *spec;
  std::optional<FieldOfView> field; // chains only
};

std::string joinDims(llvm::ArrayRef<int64_t> dims) {
  return llvm::join(
      llvm::map_range(dims, [](int64_t d) { return std::to_string(d); }), "x");
}

std::string joinFractions(llvm::ArrayRef<Fraction> values) {
  return llvm::join(
      llvm::map_range(values, [](const Fraction &f) { return f.str(); }), "x");
}

/// FLOPs are whole numbers; print them so while a double holds them exactly.
std::string flopsText(double flops) {
  if (flops < 9007199254740992.0) // 2^53
    return std::to_string(static_cast<int64_t>(flops));
  return llvm::formatv("{0:e}", flops).str();
}

llvm::json::Value flopsJson(double flops) {
  if (flops < 9007199254740992.0)
    return static_cast<int64_t>(flops);
  return flops;
}

llvm::json::Value fractionsJson(llvm::ArrayRef<Fraction> values) {
  llvm::json::Array array;
  for (const Fraction &f : values) {
    if (f.isInteger())
      array.push_back(f.num);
    else
      array.push_back(f.toDouble());
  }
  return array;
}

llvm::json::Value dimsJson(llvm::ArrayRef<int64_t> dims) {
  return llvm::json::Array(dims);
}

void printJson(const SpecList &list, llvm::ArrayRef<LayerInfo> layers) {
  llvm::json::Array layerArray;
  int64_t totalParams = 0;
  double totalFlops = 0;
  for (auto [index, layer] : llvm::enumerate(layers)) {
    const ConvSpec &spec = *layer.spec;
    totalParams += spec.paramCount();
    totalFlops += spec.flops();
    llvm::json::Object object{
        {"index", static_cast<int64_t>(index)},
        {"name", spec.name},
        {"op", opKindName(spec.op)},
        {"spec", spec.str()},
        {"input_shape", dimsJson(spec.inputShape())},
        {"output_shape", dimsJson(spec.outputShape())},
        {"weight_shape", dimsJson(spec.weightShape())},
        {"params", spec.paramCount()},
        {"flops", flopsJson(spec.flops())},
        {"receptive_field", nullptr},
        {"jump", nullptr},
    };
    if (layer.field) {
      object["receptive_field"] = fractionsJson(layer.field->receptiveField);
      object["jump"] = fractionsJson(layer.field->jump);
    }
    layerArray.push_back(std::move(object));
  }
  llvm::json::Object root{
      {"layers", std::move(layerArray)},
      {"chain", list.isChain},
      {"total_params", totalParams},
      {"total_flops", flopsJson(totalFlops)},
  };
  llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(root)))
               << "\n";
}

/// Left-aligned text columns, right-aligned numbers.
class Table {
public:
  void addRow(llvm::SmallVector<std::string, 10> cells) {
    rows.push_back(std::move(cells));
  }
  void print(llvm::raw_ostream &os, llvm::ArrayRef<bool> rightAligned) const {
    llvm::SmallVector<size_t, 10> widths;
    for (const auto &row : rows)
      for (auto [i, cell] : llvm::enumerate(row)) {
        if (widths.size() <= i)
          widths.push_back(0);
        widths[i] = std::max(widths[i], cell.size());
      }
    for (const auto &row : rows) {
      std::string line;
      for (auto [i, cell] : llvm::enumerate(row)) {
        size_t pad = widths[i] - cell.size();
        if (i > 0)
          line += "  ";
        bool right = i < rightAligned.size() && rightAligned[i];
        if (right)
          line.append(pad, ' ');
        line += cell;
        if (!right)
          line.append(pad, ' ');
      }
      os << llvm::StringRef(line).rtrim() << "\n";
    }
  }

private:
  llvm::SmallVector<llvm::SmallVector<std::string, 10>, 16> rows;
};

void printText(const SpecList &list, llvm::ArrayRef<LayerInfo> layers) {
  bool anyName = llvm::any_of(
      layers, [](const LayerInfo &l) { return !l.spec->name.empty(); });
  bool withField = list.isChain;

  Table table;
  llvm::SmallVector<std::string, 10> header{"#"};
  llvm::SmallVector<bool, 10> right{true};
  if (anyName) {
    header.push_back("name");
    right.push_back(false);
  }
  header.append({"op", "input", "output", "params", "FLOPs"});
  right.append({false, false, false, true, true});
  if (withField) {
    header.append({"rf", "jump"});
    right.append({false, false});
  }
  table.addRow(header);

  int64_t totalParams = 0;
  double totalFlops = 0;
  for (auto [index, layer] : llvm::enumerate(layers)) {
    const ConvSpec &spec = *layer.spec;
    totalParams += spec.paramCount();
    totalFlops += spec.flops();
    llvm::SmallVector<std::string, 10> row{std::to_string(index)};
    if (anyName)
      row.push_back(spec.name.empty() ? "-" : spec.name);
    row.append({opKindName(spec.op).str(), joinDims(spec.inputShape()),
                joinDims(spec.outputShape()), std::to_string(spec.paramCount()),
                flopsText(spec.flops())});
    if (withField)
      row.append({joinFractions(layer.field->receptiveField),
                  joinFractions(layer.field->jump)});
    table.addRow(row);
  }
  llvm::SmallVector<std::string, 10> total{""};
  if (anyName)
    total.push_back("");
  total.append(
      {"total", "", "", std::to_string(totalParams), flopsText(totalFlops)});
  table.addRow(total);
  table.print(llvm::outs(), right);

  llvm::outs() << "\n";
  if (layers.size() > 1) {
    if (list.isChain)
      llvm::outs() << "chain: each layer consumes the previous layer's "
                      "output; rf and jump are in pixels of the first "
                      "input\n";
    else
      llvm::outs() << "independent layers: the shapes do not connect, so no "
                      "receptive field\n";
  } else {
    llvm::outs() << "rf and jump are in input pixels\n";
  }

  llvm::outs() << "\nspecs:\n";
  Table specs;
  for (auto [index, layer] : llvm::enumerate(layers))
    specs.addRow({std::to_string(index), layer.spec->str()});
  specs.print(llvm::outs(), {true, false});
}

int runInfo() {
  std::string argument = llvm::join(specWords, " ");
  llvm::Expected<SpecList> list = parseSpecArgument(argument);
  if (!list)
    return reportError(list.takeError());

  llvm::SmallVector<LayerInfo, 16> layers;
  for (const ConvSpec &spec : list->layers)
    layers.push_back({&spec, std::nullopt});
  if (list->isChain) {
    auto fields = receptiveFields(list->layers);
    if (!fields)
      return reportError(fields.takeError());
    for (auto [layer, field] : llvm::zip_equal(layers, *fields))
      layer.field = field;
  }

  if (emitJson)
    printJson(*list, layers);
  else
    printText(*list, layers);
  return 0;
}

SubcommandRegistration registration(infoCommand, runInfo);

} // namespace
