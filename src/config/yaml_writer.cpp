#include "config/yaml_writer.hpp"

#include <yaml-cpp/yaml.h>

#include <type_traits>

namespace eegd::config {
namespace {

void emit_value(YAML::Emitter& out, const param_value& v) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          out << YAML::Null;
        } else if constexpr (std::is_same_v<T, number_matrix>) {
          out << YAML::BeginSeq;
          for (const auto& row : x) out << YAML::Flow << row;
          out << YAML::EndSeq;
        } else if constexpr (std::is_same_v<T, std::vector<double>> || std::is_same_v<T, std::vector<std::string>>) {
          out << YAML::Flow << x;
        } else if constexpr (std::is_same_v<T, std::string>) {
          out << YAML::DoubleQuoted << x;
        } else {
          out << x;
        }
      },
      v);
}

}  // namespace

std::string to_yaml(const pipeline_doc& doc, bool with_base_dir) {
  constexpr const char* overflow_names[] = {"block", "drop_oldest", "drop_newest"};
  constexpr const char* policy_names[] = {"fatal", "drain_then_stop", "skip_packet"};
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << YAML::BeginMap;
  if (!doc.name.empty()) out << YAML::Key << "name" << YAML::Value << doc.name;
  if (!doc.description.empty()) out << YAML::Key << "description" << YAML::Value << doc.description;
  if (with_base_dir) out << YAML::Key << "base_dir" << YAML::Value << YAML::DoubleQuoted << doc.base_dir;
  if (!doc.groups.empty()) {
    out << YAML::Key << "groups" << YAML::Value << YAML::BeginMap;
    for (const auto& g : doc.groups) {
      out << YAML::Key << g.name << YAML::Value << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "threads" << YAML::Value << g.threads;
      if (!g.cpus.empty()) out << YAML::Key << "cpus" << YAML::Value << YAML::Flow << g.cpus;
      if (g.priority) out << YAML::Key << "priority" << YAML::Value << g.priority;
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::Key << "stages" << YAML::Value << YAML::BeginSeq;
  for (const auto& s : doc.stages) {
    out << YAML::BeginMap << YAML::Key << s.type << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << s.name;
    if (s.inputs_given) out << YAML::Key << "inputs" << YAML::Value << YAML::Flow << s.inputs;
    if (!s.group.empty()) out << YAML::Key << "group" << YAML::Value << s.group;
    if (s.on_error) out << YAML::Key << "on_error" << YAML::Value << policy_names[static_cast<int>(*s.on_error)];
    if (s.queue.capacity || s.queue.overflow || s.queue.block_timeout_ms) {
      out << YAML::Key << "queue" << YAML::Value << YAML::Flow << YAML::BeginMap;
      if (s.queue.capacity) out << YAML::Key << "capacity" << YAML::Value << *s.queue.capacity;
      if (s.queue.overflow) out << YAML::Key << "overflow" << YAML::Value << overflow_names[static_cast<int>(*s.queue.overflow)];
      if (s.queue.block_timeout_ms) out << YAML::Key << "block_timeout_ms" << YAML::Value << *s.queue.block_timeout_ms;
      out << YAML::EndMap;
    }
    for (const auto& p : s.params) {
      out << YAML::Key << p.name << YAML::Value;
      emit_value(out, p.value);
    }
    out << YAML::EndMap << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace eegd::config
