#include "config/param_json.hpp"

#include <cmath>

namespace eegd::config {

using nlohmann::json;

json param_to_json(const param_value& v) {
  return std::visit(
      [](const auto& x) -> json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) return nullptr;
        else return x;
      },
      v);
}

std::optional<param_value> param_from_json(const json& j, const param_info& p, std::string& why) {
  auto number = [](const json& x) -> std::optional<double> {
    if (!x.is_number()) return std::nullopt;
    const double d = x.get<double>();
    return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
  };
  switch (p.type) {
    case param_type::boolean:
      if (j.is_boolean()) return param_value{j.get<bool>()};
      why = "expects true or false";
      return std::nullopt;
    case param_type::integer:
      if (j.is_number_integer()) return param_value{j.get<std::int64_t>()};
      if (j.is_number_float() && std::floor(j.get<double>()) == j.get<double>() && std::abs(j.get<double>()) < 9e15)
        return param_value{static_cast<std::int64_t>(j.get<double>())};
      why = "expects an integer";
      return std::nullopt;
    case param_type::number:
      if (auto d = number(j)) return param_value{*d};
      why = "expects a number";
      return std::nullopt;
    case param_type::text:
    case param_type::choice:
      if (j.is_string()) return param_value{j.get<std::string>()};
      why = "expects a string";
      return std::nullopt;
    case param_type::number_list: {
      if (auto d = number(j)) return param_value{std::vector<double>{*d}};
      if (!j.is_array() || j.size() > p.max_items) break;
      std::vector<double> out;
      for (const auto& x : j) {
        auto d = number(x);
        if (!d) break;
        out.push_back(*d);
      }
      if (out.size() == j.size()) return param_value{std::move(out)};
      break;
    }
    case param_type::text_list: {
      if (!j.is_array() || j.size() > p.max_items) break;
      std::vector<std::string> out;
      for (const auto& x : j) {
        if (!x.is_string()) break;
        out.push_back(x.get<std::string>());
      }
      if (out.size() == j.size()) return param_value{std::move(out)};
      break;
    }
    case param_type::number_matrix: {
      if (!j.is_array() || j.size() > p.max_items) break;
      number_matrix m;
      for (const auto& row : j) {
        if (!row.is_array() || row.size() > 65536) break;
        std::vector<double> r;
        for (const auto& x : row)
          if (auto d = number(x)) r.push_back(*d);
        if (r.size() != row.size()) break;
        m.push_back(std::move(r));
      }
      if (m.size() == j.size()) return param_value{std::move(m)};
      break;
    }
  }
  why = std::string("expects a ") + to_string(p.type);
  return std::nullopt;
}

json param_info_to_json(const param_info& p, const param_value& default_value) {
  json j = {{"name", p.name},
            {"type", to_string(p.type)},
            {"unit", p.unit},
            {"doc", p.doc},
            {"live", p.live},
            {"required", p.required},
            {"default", param_to_json(default_value)}};
  if (p.has_range) j["range"] = {p.min, p.max};
  if (p.type == param_type::choice) {
    json c = json::array();
    for (auto x : p.choices) c.push_back(x);
    j["choices"] = std::move(c);
  }
  if (p.row_size) j["row_size"] = p.row_size;
  return j;
}

json registry_to_json(const core::stage_registry& registry) {
  json out = json::array();
  for (const auto& t : registry.types()) {
    json params = json::array();
    for (std::size_t i = 0; i < t.params.size(); ++i) params.push_back(param_info_to_json(t.params[i], t.defaults[i]));
    out.push_back({{"name", t.name},
                   {"role", to_string(t.role)},
                   {"summary", t.summary},
                   {"inputs", {{"min", t.inputs.min}, {"max", t.inputs.max}}},
                   {"params", std::move(params)}});
  }
  return out;
}

}  // namespace eegd::config
