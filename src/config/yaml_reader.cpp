#include "config/yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/did_you_mean.hpp"

namespace eegd::config {
namespace {

constexpr std::size_t max_nodes_visited = 200'000;

const std::vector<std::string> top_level_keys = {"stages", "groups", "name", "description", "base_dir"};
const std::vector<std::string> group_keys = {"threads", "cpus", "priority"};
const std::vector<std::string> queue_keys = {"capacity", "overflow", "block_timeout_ms"};
const std::vector<std::string> overflow_names = {"block", "drop_oldest", "drop_newest"};
const std::vector<std::string> error_policy_names = {"fatal", "drain_then_stop", "skip_packet"};

bool valid_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

std::string describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return "'" + n.Scalar() + "'";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    default: return "nothing";
  }
}

// A plain (unquoted) scalar: quoted text is always text.
bool plain_scalar(const YAML::Node& n) { return n.IsScalar() && n.Tag() != "!"; }

std::optional<double> parse_number(const YAML::Node& n) {
  if (!plain_scalar(n)) return std::nullopt;
  const std::string& s = n.Scalar();
  double v = 0;
  const char* begin = s.data();
  if (!s.empty() && s[0] == '+') ++begin;
  auto [end, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_integer(const YAML::Node& n) {
  if (!plain_scalar(n)) return std::nullopt;
  const std::string& s = n.Scalar();
  std::int64_t v = 0;
  const char* begin = s.data();
  if (!s.empty() && s[0] == '+') ++begin;
  auto [end, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<bool> parse_bool(const YAML::Node& n) {
  if (!plain_scalar(n)) return std::nullopt;
  std::string s = n.Scalar();
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  return std::nullopt;
}

class reader {
 public:
  reader(const std::string& file, const core::stage_registry& registry, const doc_limits& limits,
         config_errors& errors)
      : file_(file), registry_(registry), limits_(limits), errors_(errors) {}

  position pos(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    if (m.is_null()) return {file_, 0, 0};
    return {file_, m.line + 1, m.column + 1};
  }
  void error(const position& at, std::string message, std::string param = {}) {
    errors_.push_back({at, std::move(message), std::move(param)});
  }

  // Bounded walk: depth and total size after alias expansion.
  bool check_shape(const YAML::Node& n, std::size_t depth, std::size_t& visited) {
    if (++visited > max_nodes_visited) {
      error(pos(n), "document too large (more than " + std::to_string(max_nodes_visited) +
                        " nodes once aliases are expanded)");
      return false;
    }
    if (!n.IsSequence() && !n.IsMap()) return true;
    if (depth >= limits_.max_depth) {
      error(pos(n), "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
      return false;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (n.IsMap()) {
        if (!check_shape(it->first, depth + 1, visited) || !check_shape(it->second, depth + 1, visited))
          return false;
      } else if (!check_shape(*it, depth + 1, visited)) {
        return false;
      }
    }
    return true;
  }

  void read_root(const YAML::Node& root, pipeline_doc& doc) {
    if (!root.IsMap()) {
      error(pos(root), "a pipeline is a mapping with a 'stages' list, got " + describe(root));
      return;
    }
    for (auto it = root.begin(); it != root.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "stages") {
        doc.stages_at = pos(it->first);
        read_stages(it->second, doc);
      } else if (key == "groups") {
        read_groups(it->second, doc);
      } else if (key == "name" || key == "description") {
        if (!it->second.IsScalar()) {
          error(pos(it->second), "'" + key + "' must be a string");
          continue;
        }
        (key == "name" ? doc.name : doc.description) = it->second.Scalar();
      } else if (key == "base_dir") {
        // Written by the daemon when it saves a pipeline away from its original
        // folder, so relative paths keep meaning what they meant.
        if (!it->second.IsScalar() || it->second.Scalar().empty() || it->second.Scalar()[0] != '/') {
          error(pos(it->second), "'base_dir' must be an absolute path");
          continue;
        }
        doc.base_dir = it->second.Scalar();
      } else {
        error(pos(it->first), "unknown key '" + key + "'" + did_you_mean(key, top_level_keys) +
                                  "; a pipeline takes: stages, groups, name, description, base_dir");
      }
    }
    if (!root["stages"]) error({file_, 1, 1}, "missing 'stages': a pipeline needs a list of stages");
  }

  void read_groups(const YAML::Node& node, pipeline_doc& doc) {
    if (!node.IsMap()) return error(pos(node), "'groups' must map group names to settings");
    for (auto it = node.begin(); it != node.end(); ++it) {
      group_doc g;
      g.name = it->first.Scalar();
      g.at = pos(it->first);
      if (!valid_name(g.name)) error(g.at, "'" + g.name + "' is not a valid group name");
      const YAML::Node body = it->second;  // a copy: `->` points into a temporary proxy
      if (!body.IsMap() && !body.IsNull()) {
        error(pos(body), "group '" + g.name + "' must be a mapping of threads, cpus, priority");
        continue;
      }
      for (auto kv = body.begin(); body.IsMap() && kv != body.end(); ++kv) {
        const std::string key = kv->first.Scalar();
        const YAML::Node v = kv->second;  // a copy: `->` points into a temporary proxy
        if (key == "threads") {
          auto n = parse_integer(v);
          if (!n || *n < 1 || *n > 64) error(pos(v), "'threads' must be an integer in 1..64, got " + describe(v));
          else g.threads = static_cast<std::size_t>(*n);
        } else if (key == "priority") {
          auto n = parse_integer(v);
          if (!n || *n < 0 || *n > 99)
            error(pos(v), "'priority' (SCHED_FIFO) must be an integer in 0..99, got " + describe(v));
          else g.priority = static_cast<int>(*n);
        } else if (key == "cpus") {
          // (Never assign YAML::Node objects: assignment rewrites the shared document.)
          std::vector<YAML::Node> list;
          if (v.IsScalar()) list.push_back(v);
          else if (v.IsSequence())
            for (const auto& c : v) list.push_back(c);
          else {
            error(pos(v), "'cpus' must be a list of CPU numbers");
            continue;
          }
          for (const auto& c : list) {
            auto n = parse_integer(c);
            if (!n || *n < 0 || *n > 1023) error(pos(c), "CPU numbers are integers in 0..1023, got " + describe(c));
            else g.cpus.push_back(static_cast<int>(*n));
          }
        } else {
          error(pos(kv->first), "unknown key '" + key + "' in group '" + g.name + "'" + did_you_mean(key, group_keys) +
                                    "; a group takes: threads, cpus, priority");
        }
      }
      doc.groups.push_back(std::move(g));
    }
  }

  void read_stages(const YAML::Node& node, pipeline_doc& doc) {
    if (!node.IsSequence()) {
      error(pos(node), "'stages' must be a list, e.g.\n  stages:\n    - synthetic: { channels: 8 }");
      return;
    }
    if (node.size() > limits_.max_stages) {
      error(pos(node), "too many stages (at most " + std::to_string(limits_.max_stages) + ")");
      return;
    }
    for (const auto& item : node) {
      stage_doc s;
      if (read_stage(item, s)) doc.stages.push_back(std::move(s));
    }
  }

  bool read_stage(const YAML::Node& item, stage_doc& s) {
    s.at = pos(item);
    YAML::Node type_node, body;
    if (item.IsScalar()) {
      type_node = item;
    } else if (item.IsMap() && item.size() == 1) {
      type_node = item.begin()->first;
      body = item.begin()->second;
    } else {
      error(s.at, "each stage is written '- type: { parameters }', got " + describe(item) +
                      (item.IsMap() ? " with " + std::to_string(item.size()) + " keys" : ""));
      return false;
    }
    s.type = type_node.Scalar();
    s.type_at = pos(type_node);
    const core::stage_type* type = registry_.find(s.type);
    if (!type) {
      error(s.type_at, "unknown stage type '" + s.type + "'" + did_you_mean(s.type, registry_.names()) +
                           "; `eegd stages` lists them");
      return false;
    }
    if (body && !body.IsMap() && !body.IsNull()) {
      error(pos(body), "the parameters of '" + s.type + "' must be a mapping, got " + describe(body));
      return false;
    }
    std::vector<std::string> known = common_stage_keys();
    for (const auto& p : type->params) known.emplace_back(p.name);

    for (auto it = body.begin(); body.IsMap() && it != body.end(); ++it) {
      const std::string key = it->first.Scalar();
      const YAML::Node v = it->second;  // a copy: `->` points into a temporary proxy
      if (key == "name") {
        s.name_at = pos(v);
        if (!v.IsScalar() || !valid_name(v.Scalar())) {
          error(pos(v), "'name' must be letters, digits, '_', '-' or '.', starting with a letter; got " + describe(v));
        } else {
          s.name = v.Scalar();
          s.name_given = true;
        }
      } else if (key == "inputs") {
        read_inputs(v, s);
      } else if (key == "group") {
        s.group_at = pos(v);
        if (!v.IsScalar() || !valid_name(v.Scalar())) error(pos(v), "'group' must be a group name, got " + describe(v));
        else s.group = v.Scalar();
      } else if (key == "on_error") {
        s.on_error_at = pos(v);
        read_on_error(v, s);
      } else if (key == "queue") {
        read_queue(v, s);
      } else if (const param_info* p = find_param(*type, key)) {
        if (std::any_of(s.params.begin(), s.params.end(), [&](const auto& e) { return e.name == key; })) {
          error(pos(it->first), "'" + key + "' is given twice");
          continue;
        }
        if (auto value = convert(v, *p, s.type)) s.params.push_back({key, std::move(*value), pos(it->first), pos(v)});
      } else {
        std::string list;
        for (const auto& pi : type->params) list += (list.empty() ? "" : ", ") + std::string(pi.name);
        error(pos(it->first), "unknown key '" + key + "' for stage type '" + s.type + "'" + did_you_mean(key, known) +
                                  (list.empty() ? "; it takes no parameters" : "; its parameters are: " + list));
      }
    }
    for (const auto& p : type->params)
      if (p.required && !s.find_param(p.name))
        error(s.type_at, "stage '" + s.type + "' needs '" + std::string(p.name) + "' (" + to_string(p.type) +
                             (p.doc.empty() ? "" : ": " + std::string(p.doc)) + ")",
              std::string(p.name));
    return true;
  }

  static const param_info* find_param(const core::stage_type& type, std::string_view name) {
    for (const auto& p : type.params)
      if (p.name == name) return &p;
    return nullptr;
  }

  void read_inputs(const YAML::Node& v, stage_doc& s) {
    s.inputs_given = true;
    auto add = [&](const YAML::Node& n) {
      if (!n.IsScalar() || n.Scalar().empty()) {
        error(pos(n), "an input is the name of another stage, got " + describe(n));
        return;
      }
      s.inputs.push_back(n.Scalar());
      s.input_at.push_back(pos(n));
    };
    if (v.IsScalar()) return add(v);
    if (!v.IsSequence()) return error(pos(v), "'inputs' must be a stage name or a list of them");
    if (v.size() > 64) return error(pos(v), "too many inputs (at most 64)");
    for (const auto& n : v) add(n);
  }

  void read_on_error(const YAML::Node& v, stage_doc& s) {
    const std::string text = v.IsScalar() ? v.Scalar() : "";
    for (std::size_t i = 0; i < error_policy_names.size(); ++i)
      if (text == error_policy_names[i]) {
        s.on_error = static_cast<core::error_policy>(i);
        return;
      }
    error(pos(v), "'on_error' must be one of fatal, drain_then_stop, skip_packet; got " + describe(v) +
                      did_you_mean(text, error_policy_names));
  }

  void read_queue(const YAML::Node& v, stage_doc& s) {
    s.queue.at = pos(v);
    if (!v.IsMap()) return error(pos(v), "'queue' must be a mapping of capacity, overflow, block_timeout_ms");
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string key = it->first.Scalar();
      const YAML::Node x = it->second;  // a copy: `->` points into a temporary proxy
      if (key == "capacity") {
        auto n = parse_integer(x);
        if (!n || *n < 1 || *n > 65536)
          error(pos(x), "'capacity' (packets) must be an integer in 1..65536, got " + describe(x));
        else s.queue.capacity = static_cast<std::size_t>(*n);
      } else if (key == "overflow") {
        const std::string text = x.IsScalar() ? x.Scalar() : "";
        auto found = std::find(overflow_names.begin(), overflow_names.end(), text);
        if (found == overflow_names.end())
          error(pos(x), "'overflow' must be one of block, drop_oldest, drop_newest; got " + describe(x) +
                            did_you_mean(text, overflow_names));
        else s.queue.overflow = static_cast<core::overflow_policy>(found - overflow_names.begin());
      } else if (key == "block_timeout_ms") {
        auto n = parse_number(x);
        if (!n || *n < 0 || *n > 3'600'000)
          error(pos(x), "'block_timeout_ms' must be a number in 0..3600000, got " + describe(x));
        else s.queue.block_timeout_ms = *n;
      } else {
        error(pos(it->first), "unknown key '" + key + "' in 'queue'" + did_you_mean(key, queue_keys) +
                                  "; a queue takes: capacity, overflow, block_timeout_ms");
      }
    }
  }

  // YAML value -> parameter value of the declared type (ranges are checked when
  // the stage takes it, with the same position).
  std::optional<param_value> convert(const YAML::Node& v, const param_info& p, const std::string& type) {
    const std::string name(p.name);
    auto wrong = [&](const std::string& expected) -> std::optional<param_value> {
      error(pos(v), "'" + name + "' of '" + type + "' expects " + expected + ", got " + describe(v), name);
      return std::nullopt;
    };
    auto number_list = [&](const YAML::Node& list, std::size_t max) -> std::optional<std::vector<double>> {
      std::vector<double> out;
      if (list.size() > max) {
        error(pos(list), "'" + name + "' has too many items (at most " + std::to_string(max) + ")", name);
        return std::nullopt;
      }
      for (const auto& x : list) {
        auto d = parse_number(x);
        if (!d) {
          error(pos(x), "'" + name + "' expects numbers, got " + describe(x), name);
          return std::nullopt;
        }
        out.push_back(*d);
      }
      return out;
    };
    switch (p.type) {
      case param_type::boolean:
        if (auto b = parse_bool(v)) return param_value{*b};
        return wrong("true or false");
      case param_type::integer:
        if (auto i = parse_integer(v)) return param_value{*i};
        return wrong("an integer");
      case param_type::number:
        if (auto i = parse_integer(v)) return param_value{*i};
        if (auto d = parse_number(v)) return param_value{*d};
        return wrong("a number" + (p.unit.empty() ? std::string() : " (" + std::string(p.unit) + ")"));
      case param_type::text:
        if (v.IsScalar()) return param_value{v.Scalar()};
        return wrong("a string");
      case param_type::choice: {
        std::vector<std::string> options(p.choices.begin(), p.choices.end());
        std::string list;
        for (const auto& o : options) list += (list.empty() ? "" : ", ") + o;
        if (v.IsScalar() && std::find(options.begin(), options.end(), v.Scalar()) != options.end())
          return param_value{v.Scalar()};
        error(pos(v), "'" + name + "' must be one of " + list + "; got " + describe(v) +
                          (v.IsScalar() ? did_you_mean(v.Scalar(), options) : ""),
              name);
        return std::nullopt;
      }
      case param_type::number_list:
        if (auto d = parse_number(v)) return param_value{std::vector<double>{*d}};
        if (!v.IsSequence()) return wrong("a list of numbers");
        if (auto l = number_list(v, std::min(p.max_items, limits_.max_list_items))) return param_value{std::move(*l)};
        return std::nullopt;
      case param_type::text_list: {
        if (v.IsScalar()) return param_value{std::vector<std::string>{v.Scalar()}};
        if (!v.IsSequence()) return wrong("a list of strings");
        if (v.size() > std::min(p.max_items, limits_.max_list_items))
          return wrong("at most " + std::to_string(std::min(p.max_items, limits_.max_list_items)) + " items");
        std::vector<std::string> out;
        for (const auto& x : v) {
          if (!x.IsScalar()) {
            error(pos(x), "'" + name + "' expects strings, got " + describe(x), name);
            return std::nullopt;
          }
          out.push_back(x.Scalar());
        }
        return param_value{std::move(out)};
      }
      case param_type::number_matrix: {
        if (!v.IsSequence()) return wrong("a list of rows of numbers");
        number_matrix m;
        std::size_t total = 0;
        for (const auto& row : v) {
          if (!row.IsSequence()) {
            error(pos(row), "'" + name + "' expects each row to be a list of numbers, got " + describe(row), name);
            return std::nullopt;
          }
          total += row.size();
          if (total > limits_.max_matrix_values || m.size() >= p.max_items) {
            error(pos(row), "'" + name + "' is too large", name);
            return std::nullopt;
          }
          auto r = number_list(row, limits_.max_matrix_values);
          if (!r) return std::nullopt;
          m.push_back(std::move(*r));
        }
        return param_value{std::move(m)};
      }
    }
    return std::nullopt;
  }

  // Names for unnamed stages, default inputs, duplicate names, dangling inputs.
  void resolve_names_and_inputs(pipeline_doc& doc) {
    std::map<std::string, position> taken;
    for (auto& s : doc.stages) {
      if (!s.name_given) continue;
      auto [it, fresh] = taken.emplace(s.name, s.name_at);
      if (!fresh)
        error(s.name_at, "duplicate stage name '" + s.name + "' (first used at " +
                             std::to_string(it->second.line) + ":" + std::to_string(it->second.col) + ")");
    }
    for (auto& s : doc.stages) {
      if (s.name_given) continue;
      std::string candidate = s.type;
      for (int k = 2; taken.count(candidate); ++k) candidate = s.type + "_" + std::to_string(k);
      s.name = candidate;
      taken.emplace(candidate, s.type_at);
    }
    std::vector<std::string> names;
    for (const auto& s : doc.stages) names.push_back(s.name);
    for (std::size_t i = 0; i < doc.stages.size(); ++i) {
      stage_doc& s = doc.stages[i];
      const core::stage_type* type = registry_.find(s.type);
      if (type->role == stage_role::source) {
        if (s.inputs_given && !s.inputs.empty())
          error(s.input_at.empty() ? s.type_at : s.input_at[0], "'" + s.name + "' is a source and takes no inputs");
        continue;
      }
      if (!s.inputs_given) {
        // Default: the nearest earlier stage that has an output.
        for (std::size_t j = i; j-- > 0;) {
          if (registry_.find(doc.stages[j].type)->role != stage_role::sink) {
            s.inputs.push_back(doc.stages[j].name);
            break;
          }
        }
        if (s.inputs.empty() && type->inputs.min > 0)
          error(s.type_at, "'" + s.name + "' has no input: no earlier stage produces data; add a source "
                           "before it or name one with 'inputs'");
        if (type->inputs.min > 1 && s.inputs.size() < type->inputs.min)
          error(s.type_at, "'" + s.name + "' (" + s.type + ") takes " + std::to_string(type->inputs.min) +
                               " inputs; list them with 'inputs: [a, b]'");
        continue;
      }
      for (std::size_t k = 0; k < s.inputs.size(); ++k) {
        if (std::find(names.begin(), names.end(), s.inputs[k]) == names.end())
          error(s.input_at[k], "input '" + s.inputs[k] + "' is not the name of any stage" +
                                   did_you_mean(s.inputs[k], names));
        else if (s.inputs[k] == s.name)
          error(s.input_at[k], "stage '" + s.name + "' cannot be its own input");
      }
    }
  }

 private:
  const std::string& file_;
  const core::stage_registry& registry_;
  const doc_limits& limits_;
  config_errors& errors_;
};

}  // namespace

const std::vector<std::string>& common_stage_keys() {
  static const std::vector<std::string> keys = {"name", "inputs", "group", "on_error", "queue"};
  return keys;
}

const param_entry* stage_doc::find_param(std::string_view param) const {
  for (const auto& p : params)
    if (p.name == param) return &p;
  return nullptr;
}

void stage_doc::set_param(const std::string& param, param_value value) {
  for (auto& p : params)
    if (p.name == param) {
      p.value = std::move(value);
      return;
    }
  params.push_back({param, std::move(value), type_at, type_at});
}

const stage_doc* pipeline_doc::find_stage(std::string_view stage) const {
  for (const auto& s : stages)
    if (s.name == stage) return &s;
  return nullptr;
}

read_result read_pipeline_yaml(std::string_view text, const std::string& file, const std::string& base_dir,
                               const core::stage_registry& registry, const doc_limits& limits) {
  read_result result;
  if (text.size() > limits.max_bytes) {
    result.errors.push_back(config_error{{file, 0, 0},
                             "pipeline is " + std::to_string(text.size()) + " bytes; the limit is " +
                                 std::to_string(limits.max_bytes), {}});
    return result;
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    position at{file, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1};
    result.errors.push_back(config_error{at, (e.msg.empty() ? std::string("invalid YAML") : "invalid YAML: " + e.msg), {}});
    return result;
  }
  reader r(file, registry, limits, result.errors);
  if (!root || root.IsNull()) {
    result.errors.push_back(config_error{{file, 1, 1}, "empty pipeline: it needs a 'stages' list", {}});
    return result;
  }
  std::size_t visited = 0;
  if (!r.check_shape(root, 0, visited)) return result;

  pipeline_doc doc;
  doc.file = file;
  doc.base_dir = base_dir;
  r.read_root(root, doc);
  if (doc.stages.empty() && result.errors.empty())
    result.errors.push_back(config_error{doc.stages_at.line ? doc.stages_at : position{file, 1, 1}, "the pipeline has no stages", {}});
  if (!result.errors.empty()) return result;
  r.resolve_names_and_inputs(doc);
  if (result.errors.empty()) result.doc = std::move(doc);
  return result;
}

read_result read_pipeline_file(const std::string& path, const core::stage_registry& registry,
                               const doc_limits& limits) {
  read_result result;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    result.errors.push_back(config_error{{path, 0, 0}, "cannot read: " + ec.message(), {}});
    return result;
  }
  if (size > limits.max_bytes) {
    result.errors.push_back(config_error{{path, 0, 0}, "pipeline is " + std::to_string(size) + " bytes; the limit is " +
                                               std::to_string(limits.max_bytes), {}});
    return result;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    result.errors.push_back(config_error{{path, 0, 0}, "cannot read the file", {}});
    return result;
  }
  const auto dir = std::filesystem::absolute(path).parent_path().string();
  return read_pipeline_yaml(text.str(), path, dir, registry, limits);
}

}  // namespace eegd::config
