#include "daemon/recording_sessions.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "daemon/state_store.hpp"

namespace eegd::daemon {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t max_marker_bytes = 120;  // fits one annotation record with its onset

// UTC as 2026-11-29T19:05:12Z, or compact (20261129-190512) for folder names.
std::string utc(std::time_t t, bool compact) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  if (compact) std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  else std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

json figures_json(const recording_figures& f) {
  return {{"frames", f.frames},   {"seconds", f.seconds},       {"records", f.records},
          {"bytes", f.bytes},     {"clipped_samples", f.clipped}, {"gap_frames", f.gap_frames},
          {"rate_hz", f.rate_hz}};
}

}  // namespace

std::string sanitize_participant(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (out.size() == 64) break;
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    out += keep ? c : '_';
  }
  return out.empty() ? "anonymous" : out;
}

recording_sessions::recording_sessions(std::string sessions_dir, std::string version)
    : dir_(std::move(sessions_dir)), version_(std::move(version)) {}

void recording_sessions::attach(std::string_view stage, recorder_handle& recorder) {
  std::lock_guard lock(mutex_);
  recorders_.emplace_back(std::string(stage), &recorder);
}

void recording_sessions::detach(recorder_handle& recorder) noexcept {
  std::lock_guard lock(mutex_);
  // The recorder goes away with its pipeline (failure or daemon shutdown):
  // the session ends with it, and its meta file says why.
  if (current_ && recorder_locked(current_->recorder) == &recorder) {
    try {
      close_locked(recorder.figures(), "the pipeline stopped", json::object());
    } catch (const std::exception& e) {
      spdlog::error("closing session {}: {}", current_->id, e.what());
      current_.reset();
    }
  }
  std::erase_if(recorders_, [&](const auto& r) { return r.second == &recorder; });
}

recorder_handle* recording_sessions::recorder_locked(const std::string& name) const {
  for (const auto& [n, r] : recorders_)
    if (n == name) return r;
  return nullptr;
}

json recording_sessions::meta_json(const session& s, const recording_figures& f, const std::string& state) const {
  json meta = {{"id", s.id},
               {"participant", s.participant},
               {"notes", s.notes},
               {"state", state},
               {"format", s.format},
               {"data_file", "data." + s.format},
               {"recorder", s.recorder},
               {"started_at", s.started_at},
               {"software_version", version_},
               {"sensors", s.sensors}};
  meta.update(figures_json(f));
  return meta;
}

void recording_sessions::write_meta(const json& meta) {
  const std::string path = dir_ + "/" + meta["id"].get<std::string>() + "/session_meta.json";
  if (status s = write_file_atomically(path, meta.dump(2) + "\n", 0644); !s) spdlog::warn("{}", s.err().message);
}

void recording_sessions::close_locked(const recording_figures& f, const std::string& reason, const json& drops) {
  json meta = meta_json(*current_, f, reason.empty() ? "stopped" : "failed");
  meta["stopped_at"] = utc(std::time(nullptr), false);
  meta["drops"] = drops;
  if (!reason.empty()) {
    meta["error"] = reason;
    last_error_ = "session " + current_->id + ": " + reason;
    spdlog::error("{}", last_error_);
  }
  write_meta(meta);
  current_.reset();
}

void recording_sessions::reap_locked() {
  if (!current_) return;
  recorder_handle* rec = recorder_locked(current_->recorder);
  if (!rec) return;
  const recording_figures f = rec->figures();
  if (!f.active) close_locked(f, f.error.empty() ? "the recording stopped" : f.error, json::object());
}

control_outcome recording_sessions::start(const start_request& r) {
  std::lock_guard lock(mutex_);
  reap_locked();
  if (current_)
    return {409, {{"error", "a session is already open: " + current_->id + " (stop it with POST /api/sessions/current/stop)"},
                  {"session", current_->id}}};
  if (recorders_.empty())
    return {409, {{"error", "the running pipeline has no recorder stage: add one, e.g. '- recorder: { format: bdf }'"}}};
  const auto& [stage, recorder] = recorders_.front();
  const std::string participant = sanitize_participant(r.participant);
  const std::time_t now = std::time(nullptr);
  std::string id = utc(now, true) + "-" + participant;
  std::error_code ec;
  fs::create_directories(dir_, ec);
  for (int n = 2; fs::exists(dir_ + "/" + id, ec); ++n) id = utc(now, true) + "-" + participant + "-" + std::to_string(n);
  const std::string folder = dir_ + "/" + id;
  if (!fs::create_directory(folder, ec)) return {500, {{"error", "cannot create " + folder + ": " + ec.message()}}};

  session s{id, folder, r.participant, r.notes, stage, std::string(recorder->format()), utc(now, false), r.sensors};
  if (status w = write_file_atomically(folder + "/pipeline.yaml", r.pipeline_yaml, 0644); !w)
    return {500, {{"error", w.err().message}}};
  if (status st = recorder->start({folder + "/data." + s.format, participant}); !st)
    return {500, {{"error", "the recorder could not start: " + st.err().message}}};
  write_meta(meta_json(s, recorder->figures(), "recording"));
  spdlog::info("session {} started ({})", id, stage);
  json body = {{"id", id}, {"folder", folder}, {"data_file", folder + "/data." + s.format}, {"recorder", stage}};
  current_ = std::move(s);
  last_error_.clear();
  return {201, std::move(body)};
}

control_outcome recording_sessions::stop(const json& drops) {
  std::lock_guard lock(mutex_);
  reap_locked();
  if (!current_) return {409, {{"error", "no session is open"}}};
  recorder_handle* r = recorder_locked(current_->recorder);
  if (r) r->stop();
  const recording_figures f = r ? r->figures() : recording_figures{};
  const std::string id = current_->id;
  close_locked(f, f.error, drops);
  spdlog::info("session {} stopped: {:.1f} s, {} bytes", id, f.seconds, f.bytes);
  json body = figures_json(f);
  body["id"] = id;
  body["state"] = f.error.empty() ? "stopped" : "failed";
  if (!f.error.empty()) body["error"] = f.error;
  return {200, std::move(body)};
}

control_outcome recording_sessions::mark(const std::string& text) {
  if (text.empty()) return {400, {{"error", "a marker needs a non-empty 'text'"}}};
  if (text.size() > max_marker_bytes)
    return {400, {{"error", "a marker's text is at most " + std::to_string(max_marker_bytes) + " bytes"}}};
  std::lock_guard lock(mutex_);
  reap_locked();
  if (!current_) return {409, {{"error", "no session is open: start one with POST /api/sessions"}}};
  recorder_handle* r = recorder_locked(current_->recorder);
  if (!r) return {409, {{"error", "the session's recorder is gone"}}};
  const double at = r->figures().seconds;
  if (status s = r->mark(text); !s) return {409, {{"error", s.err().message}}};
  return {200, {{"ok", true}, {"onset_s", at}, {"session", current_->id}}};
}

json recording_sessions::current() {
  std::lock_guard lock(mutex_);
  reap_locked();
  json out = json::object();
  if (!last_error_.empty()) out["last_error"] = last_error_;
  if (!current_) return out;
  recorder_handle* r = recorder_locked(current_->recorder);
  const recording_figures f = r ? r->figures() : recording_figures{};
  out["current"] = meta_json(*current_, f, "recording");
  return out;
}

json recording_sessions::list() {
  std::lock_guard lock(mutex_);
  reap_locked();
  json out = json::array();
  std::error_code ec;
  std::vector<fs::path> folders;
  for (const auto& e : fs::directory_iterator(dir_, ec))
    if (e.is_directory()) folders.push_back(e.path());
  std::sort(folders.begin(), folders.end());
  for (const auto& folder : folders) {
    std::ifstream in(folder / "session_meta.json");
    json meta = json::parse(in, nullptr, false);
    if (meta.is_discarded() || !meta.is_object()) continue;
    json item = {{"id", folder.filename().string()},
                 {"participant", meta.value("participant", "")},
                 {"notes", meta.value("notes", "")},
                 {"state", meta.value("state", "")},
                 {"started_at", meta.value("started_at", "")},
                 {"stopped_at", meta.value("stopped_at", "")},
                 {"duration_s", meta.value("seconds", 0.0)}};
    const fs::path data = folder / meta.value("data_file", "data.bdf");
    item["size_bytes"] = fs::exists(data, ec) ? fs::file_size(data, ec) : 0;
    if (meta.contains("error")) item["error"] = meta["error"];
    if (current_ && current_->id == item["id"]) {
      if (recorder_handle* r = recorder_locked(current_->recorder)) item["duration_s"] = r->figures().seconds;
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace eegd::daemon
