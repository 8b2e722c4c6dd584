#include "config/pipeline_view.hpp"

#include <algorithm>
#include <set>

#include "config/did_you_mean.hpp"
#include "config/param_json.hpp"

namespace eegd::config {

using nlohmann::json;

const std::vector<std::string>& view_stage_keys() {
  static const std::vector<std::string> keys = {"type", "inputs", "group", "on_error", "queue"};
  return keys;
}

namespace {

constexpr const char* overflow_names[] = {"block", "drop_oldest", "drop_newest"};
constexpr const char* policy_names[] = {"fatal", "drain_then_stop", "skip_packet"};

std::string effective_group(const stage_doc& s, const core::stage_type& t) {
  return s.group.empty() ? core::default_group(t.role) : s.group;
}

json queue_json(const queue_doc& q) {
  const core::queue_config defaults;
  return {{"capacity", q.capacity.value_or(defaults.capacity)},
          {"overflow", overflow_names[static_cast<int>(q.overflow.value_or(defaults.overflow))]},
          {"block_timeout_ms", q.block_timeout_ms.value_or(static_cast<double>(defaults.block_timeout_ns) / 1e6)}};
}

// A parameter value as the stage itself would hold it (50 and 50.0 are one value).
param_value canonical(const core::stage_type& t, const std::string& param, const param_value& v) {
  auto stage = t.create();
  if (!stage->set_param(param, v)) return v;
  return stage->get_param(param);
}

param_value effective(const stage_doc& s, const core::stage_type& t, std::size_t i) {
  const auto& name = t.params[i].name;
  if (const param_entry* e = s.find_param(name)) return canonical(t, std::string(name), e->value);
  return t.defaults[i];
}

}  // namespace

json to_view(const pipeline_doc& doc, const core::stage_registry& registry) {
  json v = {{"name", doc.name}, {"description", doc.description}, {"file", doc.file}};
  json order = json::array(), stages = json::object(), groups = json::object();
  for (const auto& g : doc.groups) groups[g.name] = {{"threads", g.threads}, {"cpus", g.cpus}, {"priority", g.priority}};
  for (const auto& s : doc.stages) {
    const core::stage_type* t = registry.find(s.type);
    if (!t) continue;
    order.push_back(s.name);
    json st = {{"type", s.type},
               {"inputs", s.inputs},
               {"group", effective_group(s, *t)},
               {"on_error", policy_names[static_cast<int>(s.on_error.value_or(core::error_policy::fatal))]},
               {"queue", queue_json(s.queue)}};
    for (std::size_t i = 0; i < t->params.size(); ++i)
      st[std::string(t->params[i].name)] = param_to_json(effective(s, *t, i));
    stages[s.name] = std::move(st);
  }
  v["order"] = std::move(order);
  v["groups"] = std::move(groups);
  v["stages"] = std::move(stages);
  return v;
}

view_read from_view(const json& view, const core::stage_registry& registry, const std::string& file,
                    const std::string& base_dir) {
  view_read out;
  auto fail = [&](const std::string& pointer, const std::string& message) {
    out.errors.push_back({{file, 0, 0}, pointer + ": " + message, pointer});
  };
  if (!view.is_object() || !view.contains("stages") || !view["stages"].is_object() || !view.contains("order") ||
      !view["order"].is_array()) {
    fail("", "a pipeline view is an object with 'order' (stage names) and 'stages' (by name)");
    return out;
  }
  pipeline_doc doc;
  doc.file = file;
  doc.base_dir = base_dir;
  if (view.contains("name") && view["name"].is_string()) doc.name = view["name"];
  if (view.contains("description") && view["description"].is_string()) doc.description = view["description"];

  if (view.contains("groups")) {
    const json& gs = view["groups"];
    if (!gs.is_object()) fail("/groups", "must be an object of groups");
    for (auto it = gs.begin(); gs.is_object() && it != gs.end(); ++it) {
      const std::string at = "/groups/" + it.key();
      const json& g = it.value();
      group_doc gd;
      gd.name = it.key();
      if (!g.is_object()) {
        fail(at, "must be {threads, cpus, priority}");
        continue;
      }
      if (g.contains("threads")) {
        if (!g["threads"].is_number_integer() || g["threads"].get<std::int64_t>() < 1 || g["threads"].get<std::int64_t>() > 64)
          fail(at + "/threads", "must be an integer in 1..64");
        else gd.threads = g["threads"].get<std::size_t>();
      }
      if (g.contains("priority")) {
        if (!g["priority"].is_number_integer() || g["priority"].get<std::int64_t>() < 0 || g["priority"].get<std::int64_t>() > 99)
          fail(at + "/priority", "must be an integer in 0..99");
        else gd.priority = g["priority"].get<int>();
      }
      if (g.contains("cpus")) {
        if (!g["cpus"].is_array()) fail(at + "/cpus", "must be a list of CPU numbers");
        for (const auto& c : g["cpus"])
          if (c.is_number_integer() && c.get<std::int64_t>() >= 0 && c.get<std::int64_t>() < 1024) gd.cpus.push_back(c.get<int>());
          else fail(at + "/cpus", "CPU numbers are integers in 0..1023");
      }
      doc.groups.push_back(std::move(gd));
    }
  }

  const json& stages = view["stages"];
  std::set<std::string> listed;
  for (const auto& n : view["order"]) {
    if (!n.is_string()) {
      fail("/order", "must list stage names");
      continue;
    }
    listed.insert(n.get<std::string>());
    if (!stages.contains(n.get<std::string>())) fail("/order", "names '" + n.get<std::string>() + "', which is not in /stages");
  }
  for (auto it = stages.begin(); it != stages.end(); ++it)
    if (!listed.count(it.key())) fail("/stages/" + it.key(), "is missing from /order");
  if (!out.errors.empty()) return out;

  for (const auto& n : view["order"]) {
    const std::string name = n.get<std::string>();
    const std::string at = "/stages/" + name;
    const json& st = stages[name];
    if (!st.is_object() || !st.contains("type") || !st["type"].is_string()) {
      fail(at, "needs a 'type'");
      continue;
    }
    stage_doc s;
    s.name = name;
    s.name_given = true;
    s.type = st["type"];
    const core::stage_type* t = registry.find(s.type);
    if (!t) {
      fail(at + "/type", "unknown stage type '" + s.type + "'" + did_you_mean(s.type, registry.names()));
      continue;
    }
    if (st.contains("inputs")) {
      if (!st["inputs"].is_array()) fail(at + "/inputs", "must be a list of stage names");
      for (const auto& i : st["inputs"])
        if (i.is_string()) s.inputs.push_back(i.get<std::string>());
        else fail(at + "/inputs", "must be a list of stage names");
      s.inputs_given = true;
    }
    if (st.contains("group")) {
      if (!st["group"].is_string()) fail(at + "/group", "must be a group name");
      else if (st["group"] != core::default_group(t->role)) s.group = st["group"];
    }
    if (st.contains("on_error")) {
      const auto* p = std::find(std::begin(policy_names), std::end(policy_names), st["on_error"].is_string() ? st["on_error"].get<std::string>() : "");
      if (p == std::end(policy_names)) fail(at + "/on_error", "must be fatal, drain_then_stop or skip_packet");
      else if (p != std::begin(policy_names)) s.on_error = static_cast<core::error_policy>(p - std::begin(policy_names));
    }
    if (st.contains("queue")) {
      const json& q = st["queue"];
      const core::queue_config defaults;
      if (!q.is_object()) fail(at + "/queue", "must be {capacity, overflow, block_timeout_ms}");
      if (q.is_object() && q.contains("capacity")) {
        if (!q["capacity"].is_number_integer() || q["capacity"].get<std::int64_t>() < 1 || q["capacity"].get<std::int64_t>() > 65536)
          fail(at + "/queue/capacity", "must be an integer in 1..65536");
        else if (q["capacity"].get<std::size_t>() != defaults.capacity) s.queue.capacity = q["capacity"].get<std::size_t>();
      }
      if (q.is_object() && q.contains("overflow")) {
        const auto* p = std::find(std::begin(overflow_names), std::end(overflow_names), q["overflow"].is_string() ? q["overflow"].get<std::string>() : "");
        if (p == std::end(overflow_names)) fail(at + "/queue/overflow", "must be block, drop_oldest or drop_newest");
        else if (p != std::begin(overflow_names)) s.queue.overflow = static_cast<core::overflow_policy>(p - std::begin(overflow_names));
      }
      if (q.is_object() && q.contains("block_timeout_ms")) {
        if (!q["block_timeout_ms"].is_number() || q["block_timeout_ms"].get<double>() < 0 || q["block_timeout_ms"].get<double>() > 3.6e6)
          fail(at + "/queue/block_timeout_ms", "must be a number in 0..3600000");
        else if (q["block_timeout_ms"].get<double>() != static_cast<double>(defaults.block_timeout_ns) / 1e6)
          s.queue.block_timeout_ms = q["block_timeout_ms"].get<double>();
      }
    }
    std::vector<std::string> known = view_stage_keys();
    for (const auto& p : t->params) known.emplace_back(p.name);
    for (auto kv = st.begin(); kv != st.end(); ++kv) {
      const std::string& key = kv.key();
      if (std::find(view_stage_keys().begin(), view_stage_keys().end(), key) != view_stage_keys().end()) continue;
      const auto p = std::find_if(t->params.begin(), t->params.end(), [&](const param_info& i) { return i.name == key; });
      if (p == t->params.end()) {
        fail(at + "/" + key, "unknown parameter of '" + s.type + "'" + did_you_mean(key, known));
        continue;
      }
      std::string why;
      auto value = param_from_json(kv.value(), *p, why);
      if (!value) {
        fail(at + "/" + key, why);
        continue;
      }
      const std::size_t index = static_cast<std::size_t>(p - t->params.begin());
      if (canonical(*t, key, *value) != t->defaults[index] || p->required) s.set_param(key, std::move(*value));
    }
    for (const auto& p : t->params)
      if (p.required && !s.find_param(p.name)) fail(at + "/" + std::string(p.name), "is required");
    doc.stages.push_back(std::move(s));
  }
  if (out.errors.empty()) out.doc = std::move(doc);
  return out;
}

doc_difference compare(const pipeline_doc& before, const pipeline_doc& after, const core::stage_registry& registry) {
  doc_difference d;
  std::vector<std::string> a, b;
  for (const auto& s : before.stages) a.push_back(s.name);
  for (const auto& s : after.stages) b.push_back(s.name);
  if (a != b) d.structure.push_back("the list of stages changed");
  auto group_of = [](const pipeline_doc& doc, const std::string& name) -> const group_doc* {
    for (const auto& g : doc.groups)
      if (g.name == name) return &g;
    return nullptr;
  };
  std::set<std::string> group_names;
  for (const auto& g : before.groups) group_names.insert(g.name);
  for (const auto& g : after.groups) group_names.insert(g.name);
  for (const auto& name : group_names) {
    const group_doc *x = group_of(before, name), *y = group_of(after, name);
    if (!x || !y || x->threads != y->threads || x->cpus != y->cpus || x->priority != y->priority)
      d.structure.push_back("group '" + name + "' changed");
  }
  for (const auto& s : after.stages) {
    const stage_doc* old = before.find_stage(s.name);
    if (!old) continue;
    if (old->type != s.type) {
      d.structure.push_back("type of '" + s.name + "'");
      continue;
    }
    const core::stage_type* t = registry.find(s.type);
    if (!t) continue;
    if (old->inputs != s.inputs) d.structure.push_back("inputs of '" + s.name + "'");
    if (effective_group(*old, *t) != effective_group(s, *t)) d.structure.push_back("group of '" + s.name + "'");
    if (old->on_error.value_or(core::error_policy::fatal) != s.on_error.value_or(core::error_policy::fatal))
      d.structure.push_back("on_error of '" + s.name + "'");
    if (queue_json(old->queue) != queue_json(s.queue)) d.structure.push_back("queue of '" + s.name + "'");
    for (std::size_t i = 0; i < t->params.size(); ++i) {
      param_value x = effective(*old, *t, i), y = effective(s, *t, i);
      if (x != y) d.params.push_back({s.name, std::string(t->params[i].name), std::move(y), t->params[i].live});
    }
  }
  return d;
}

}  // namespace eegd::config
