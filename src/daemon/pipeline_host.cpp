#include "daemon/pipeline_host.hpp"

#include <spdlog/spdlog.h>

namespace eegd::daemon {

pipeline_host::pipeline_host(const core::stage_registry& registry, core::sensor_store& sensors,
                             topic_publisher& publisher, recorder_registry* recorders)
    : registry_(registry), sensors_(sensors), publisher_(publisher), recorders_(recorders) {}

pipeline_host::~pipeline_host() {
  std::lock_guard lock(mutex_);
  stop_locked(1'500'000'000);
}

std::unique_ptr<core::executor> pipeline_host::build(const config::pipeline_doc& doc, bool dry_run,
                                                     config::config_errors& errors) {
  core::build_env env;
  env.sensors = &sensors_;
  env.publisher = dry_run ? nullptr : &publisher_;
  env.recorders = dry_run ? nullptr : recorders_;
  env.dry_run = dry_run;
  auto built = config::build_pipeline(doc, registry_, env);
  if (!built.graph) {
    errors = std::move(built.errors);
    return nullptr;
  }
  if (dry_run) return nullptr;
  auto exec = std::make_unique<core::executor>(std::move(*built.graph));
  exec->on_change([this] { notify(); });
  return exec;
}

config::config_errors pipeline_host::start(config::pipeline_doc doc) {
  config::config_errors errors;
  build(doc, true, errors);  // everything that can be checked without touching devices or files
  if (!errors.empty()) return errors;

  std::lock_guard lock(mutex_);
  stop_locked(1'500'000'000);
  // The old stages let go of their topics, devices and files before the new
  // ones claim them.
  exec_.reset();
  auto exec = build(doc, false, errors);
  if (!exec) {
    spdlog::error("pipeline '{}' failed to build: {}", doc.file, errors.empty() ? "" : errors[0].to_string());
    if (doc_) {
      config::config_errors again;
      if (auto previous = build(*doc_, false, again)) {
        exec_ = std::move(previous);
        exec_->start();
        spdlog::warn("restarted the previous pipeline '{}'", doc_->file);
      } else {
        spdlog::error("the previous pipeline failed to rebuild too: {}", again.empty() ? "" : again[0].to_string());
      }
    }
    notify();
    return errors;
  }
  exec_ = std::move(exec);
  doc_ = std::move(doc);
  started_realtime_ns_ = realtime_ns();
  exec_->start();
  spdlog::info("pipeline '{}' running ({} stages)", doc_->name.empty() ? doc_->file : doc_->name,
               exec_->graph().nodes.size());
  notify();
  return {};
}

bool pipeline_host::stop(std::int64_t timeout_ns) {
  std::lock_guard lock(mutex_);
  stop_locked(timeout_ns);
  const bool stopped = !exec_ || exec_->state() == core::pipeline_state::stopped ||
                       exec_->state() == core::pipeline_state::failed;
  notify();
  return stopped;
}

void pipeline_host::stop_locked(std::int64_t timeout_ns) {
  if (!exec_) return;
  exec_->request_stop();
  if (!exec_->wait_until(monotonic_ns() + timeout_ns)) {
    // A stage is stuck (blocked I/O). Waiting forever would take the whole
    // daemon down with it; say so loudly and keep waiting in the destructor.
    spdlog::error("pipeline did not stop within {} ms; waiting for it", timeout_ns / 1'000'000);
    exec_->wait();
  }
  // Keep the stopped executor: its statistics and failure stay visible until
  // the next start replaces it.
}

pipeline_host::view pipeline_host::describe() const {
  std::lock_guard lock(mutex_);
  view v;
  if (!exec_) return v;
  v.loaded = true;
  v.state = exec_->state();
  v.failure = exec_->failure();
  v.demand = exec_->demand();
  v.started_realtime_ns = started_realtime_ns_;
  if (doc_) {
    v.name = doc_->name;
    v.file = doc_->file;
  }
  return v;
}

bool pipeline_host::with_executor(const std::function<void(core::executor&)>& f) const {
  std::lock_guard lock(mutex_);
  if (!exec_) return false;
  f(*exec_);
  return true;
}

std::optional<config::pipeline_doc> pipeline_host::current_doc() const {
  std::lock_guard lock(mutex_);
  return doc_;
}

void pipeline_host::on_change(std::function<void()> callback) {
  std::lock_guard lock(callback_mutex_);
  on_change_ = std::move(callback);
}

void pipeline_host::notify() {
  std::function<void()> cb;
  {
    std::lock_guard lock(callback_mutex_);
    cb = on_change_;
  }
  if (cb) cb();
}

}  // namespace eegd::daemon
