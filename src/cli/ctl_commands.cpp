#include "cli/ctl_commands.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.hpp"

namespace eegd::cli {

using nlohmann::json;

namespace {

json parse_body(const ctl_response& r) {
  json j = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw std::runtime_error(fmt::format("eegd answered {} with non-JSON: {}", r.status, r.body));
  return j;
}

// Prints an error answer the way a compiler would and maps it to an exit code:
// a rejected pipeline (400 with a position) is exit_bad_config, like `eegd check`.
int report_failure(const ctl_response& r, const std::string& file = "<request>") {
  const json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    std::cerr << "eegctl: eegd answered " << r.status << ": " << r.body << "\n";
    return exit_failed;
  }
  // A rejected pipeline file: one line per error, positioned like a compiler's.
  if (j.contains("errors") && j.value("line", 0) > 0) {
    for (const auto& e : j["errors"]) {
      const std::string where = e.value("file", "<request>") == "<request>" ? file : e.value("file", file);
      std::cerr << where;
      if (e.value("line", 0) > 0) std::cerr << ":" << e["line"].get<int>() << ":" << e.value("col", 0);
      std::cerr << ": " << e.value("error", "") << "\n";
    }
    return exit_bad_config;
  }
  std::cerr << "eegctl: " << j.value("error", r.body);
  if (j.contains("stage")) std::cerr << " (stage " << j["stage"].get<std::string>();
  if (j.contains("param")) std::cerr << ", parameter " << j["param"].get<std::string>();
  if (j.contains("stage")) std::cerr << ")";
  if (j.contains("by")) std::cerr << " by " << j["by"].get<std::string>();
  if (j.value("restart_needed", false)) std::cerr << "\n  (add --restart to apply it by restarting the pipeline)";
  std::cerr << "\n";
  return r.status == 400 ? exit_bad_config : exit_failed;
}

std::string microseconds(const json& histogram, const char* key) {
  if (!histogram.is_object() || histogram.value("count", 0) == 0) return "-";
  return fmt::format("{:.0f} us", histogram.value(key, 0.0) / 1e3);
}

std::string megabytes(double bytes) { return fmt::format("{:.1f} MB", bytes / 1e6); }

void print_status(const json& s) {
  fmt::print("eegd {}  pid {}  up {:.0f} s  {}\n", s.value("version", "?"), s.value("pid", 0),
             s.value("uptime_s", 0.0), s.value("http", ""));
  const json& p = s["pipeline"];
  fmt::print("pipeline  {}  {}{}  demand {}  clients {}\n", p.value("name", "-"), p.value("state", "none"),
             p.value("failure", "").empty() ? "" : " (" + p.value("failure", "") + ")", s.value("demand", "-"),
             s.value("clients", 0));
  if (!p.value("file", "").empty()) fmt::print("file      {}\n", p.value("file", ""));
  const json& drops = s["drops"];
  fmt::print("latency   p50 {}  p99 {}   ws p50 {}  p99 {}\n", microseconds(p.value("latency_ns", json{}), "p50"),
             microseconds(p.value("latency_ns", json{}), "p99"), microseconds(s.value("ws_latency_ns", json{}), "p50"),
             microseconds(s.value("ws_latency_ns", json{}), "p99"));
  fmt::print("drops     queues {}  clients {}\n", drops.value("queues", 0), drops.value("clients", 0));
  const json& proc = s["process"];
  fmt::print("process   cpu {:.2f} s  rss {}  threads {}\n", proc.value("cpu_s", 0.0),
             megabytes(proc.value("rss_bytes", 0.0)), proc.value("threads", 0));
  if (!p.contains("stages") || p["stages"].empty()) return;
  fmt::print("\n{:<18} {:<16} {:<9} {:>8} {:>10} {:>10} {:>7}\n", "STAGE", "TYPE", "STATE", "DEMAND", "IN", "OUT",
             "ERRORS");
  for (const auto& st : p["stages"]) {
    fmt::print("{:<18} {:<16} {:<9} {:>8} {:>10} {:>10} {:>7}\n", st.value("name", ""), st.value("type", ""),
               st.value("state", ""), st.value("demanded", false) ? "yes" : "no", st.value("packets_in", 0),
               st.value("packets_out", 0), st.value("errors", 0));
    if (st.contains("last_error")) fmt::print("  last error: {}\n", st["last_error"].get<std::string>());
  }
}

// STAGE.PARAM (or STAGE) to a JSON Pointer into the merged view; a path that is
// already a pointer is left alone.
std::string to_pointer(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  std::string pointer = "/stages/";
  for (char c : path) {
    if (c == '~') pointer += "~0";
    else if (c == '/') pointer += "~1";
    else if (c == '.') pointer += '/';
    else pointer += c;
  }
  return pointer;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int ctl_status(ctl_client& client, bool json_output) {
  const ctl_response r = client.request("GET", "/api/status");
  if (r.status != 200) return report_failure(r);
  const json s = parse_body(r);
  if (json_output) std::cout << s.dump(2) << "\n";
  else print_status(s);
  return exit_ok;
}

int ctl_topics(ctl_client& client, bool json_output) {
  const ctl_response r = client.request("GET", "/api/topics");
  if (r.status != 200) return report_failure(r);
  const json topics = parse_body(r);
  if (json_output) {
    std::cout << topics.dump(2) << "\n";
    return exit_ok;
  }
  fmt::print("{:<16} {:<16} {:<7} {:>7} {:<16} {:>9} {:>8} {:>10}\n", "TOPIC", "STAGE", "ACTIVE", "CLIENTS", "KIND",
             "RATE_HZ", "CHANNELS", "PACKETS");
  for (const auto& t : topics)
    fmt::print("{:<16} {:<16} {:<7} {:>7} {:<16} {:>9.1f} {:>8} {:>10}\n", t.value("topic", ""), t.value("stage", ""),
               t.value("active", false) ? "yes" : "no", t.value("clients", 0), t.value("kind", ""),
               t.value("rate_hz", 0.0), t.value("channels", 0), t.value("packets", 0));
  return exit_ok;
}

int ctl_start(ctl_client& client, const std::string& file, const std::string& preset) {
  ctl_response r;
  if (!preset.empty()) r = client.request("POST", "/api/pipeline/start?preset=" + preset);
  else if (!file.empty()) r = client.request("POST", "/api/pipeline/start", read_file(file), "application/yaml");
  else r = client.request("POST", "/api/pipeline/start");
  if (r.status != 200) return report_failure(r, file.empty() ? "<request>" : file);
  const json j = parse_body(r);
  fmt::print("pipeline {} {}\n", j.value("name", ""), j.value("state", "started"));
  return exit_ok;
}

int ctl_stop(ctl_client& client) {
  const ctl_response r = client.request("POST", "/api/pipeline/shutdown");
  if (r.status != 200) return report_failure(r);
  fmt::print("pipeline {}\n", parse_body(r).value("state", "stopped"));
  return exit_ok;
}

int ctl_set(ctl_client& client, const std::string& stage_param, const std::string& value, bool restart) {
  if (stage_param.find('.') == std::string::npos || stage_param.front() == '/')
    throw std::invalid_argument("expected STAGE.PARAM (e.g. notch.hz), got '" + stage_param + "'");
  json parsed = json::parse(value, nullptr, false);
  if (parsed.is_discarded()) parsed = value;  // bare words are strings: `eegctl set rec.format bdf`
  const json patch = json::array({{{"op", "replace"}, {"path", to_pointer(stage_param)}, {"value", parsed}}});
  const ctl_response r =
      client.request("PATCH", restart ? "/api/pipeline?restart=1" : "/api/pipeline", patch.dump(),
                     "application/json-patch+json");
  if (r.status != 200) return report_failure(r);
  fmt::print("{} = {}{}\n", stage_param, parsed.dump(), restart ? " (pipeline restarted)" : "");
  return exit_ok;
}

int ctl_get(ctl_client& client, const std::string& path) {
  const ctl_response r = client.request("GET", "/api/pipeline");
  if (r.status != 200) return report_failure(r);
  const json view = parse_body(r);
  const std::string pointer = to_pointer(path);
  const json::json_pointer where(pointer);
  if (!view.contains(where)) {
    std::cerr << "eegctl: nothing at " << pointer << " in the running pipeline\n";
    return exit_failed;
  }
  const json& value = view.at(where);
  std::cout << (value.is_string() ? value.get<std::string>() : value.dump(value.is_structured() ? 2 : -1)) << "\n";
  return exit_ok;
}

}  // namespace eegd::cli
