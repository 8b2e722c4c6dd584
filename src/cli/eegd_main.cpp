// eegd: the EEG acquisition, DSP and streaming daemon, and its offline tools.

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/version.hpp"
#include "daemon/daemon.hpp"

int main(int argc, char** argv) {
  using namespace eegd::cli;
  CLI::App app{"eegd: real-time EEG acquisition, DSP and streaming.\nWithout a command, `eegd` is `eegd serve`."};
  app.require_subcommand(0, 1);
  app.fallthrough();  // global options (--log-level) may also follow the command
  app.set_version_flag("--version", std::string("eegd ") + eegd::version + " (" + eegd::git_describe + ")");
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")->check(
      CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  eegd::daemon::serve_options serve;
  auto* serve_cmd = app.add_subcommand("serve", "Run the daemon: pipeline, HTTP API and WebSocket streams");
  serve_cmd->add_option("--pipeline", serve.pipeline, "pipeline YAML (default: configs/pipelines/default.yaml)");
  serve_cmd->add_option("--http", serve.http, "HOST:PORT to listen on; port 0 picks a free one")
      ->default_str("127.0.0.1:8080");
  serve_cmd->add_option("--runtime-dir", serve.runtime_dir,
                        "lock file, eegd.json and socket (default: $XDG_RUNTIME_DIR/eegd, /run/eegd or /tmp/eegd-UID)");
  serve_cmd->add_option("--state-dir", serve.state_dir, "saved state and sessions (default: $XDG_STATE_HOME/eegd)");
  serve_cmd->add_option("--client-queue", serve.client_queue, "messages buffered per WebSocket client")
      ->check(CLI::Range(4, 65536))
      ->default_str("128");
  serve_cmd->add_option("--allow-host", serve.allow_hosts, "extra host name accepted in Host/Origin headers");
  serve_cmd->add_option("--token", serve.token,
                        "token required when listening beyond loopback (default: <state-dir>/token, created)");
  serve_cmd->add_flag("--public-read", serve.public_read, "let GET requests and /ws/data through without the token");
  serve_cmd->add_option("--io-threads", serve.io_threads, "threads serving HTTP and WebSocket connections")
      ->check(CLI::Range(1, 64))
      ->default_str("2");

  run_options run;
  auto* run_cmd = app.add_subcommand("run", "Run a pipeline offline until its sources end (or --duration)");
  run_cmd->add_option("pipeline", run.pipeline, "pipeline YAML file")->required();
  run_cmd->add_option("--duration", run.duration_s, "stop after this many seconds of data")->check(CLI::PositiveNumber);
  run_cmd->add_flag("--fast", run.fast, "run sources as fast as possible instead of in real time");
  run_cmd->add_option("--stats-json", run.stats_json, "write per-stage and per-edge statistics to this file");
  run_cmd->add_flag("-q,--quiet", run.quiet, "print no summary");

  std::string check_file;
  auto* check_cmd = app.add_subcommand("check", "Validate a pipeline file; exits non-zero with its errors");
  check_cmd->add_option("pipeline", check_file, "pipeline YAML file")->required();

  bool stages_json = false, stages_markdown = false;
  auto* stages_cmd = app.add_subcommand("stages", "List stage types and their parameters");
  stages_cmd->add_flag("--json", stages_json, "machine-readable output");
  stages_cmd->add_flag("--markdown", stages_markdown, "the pipeline reference (docs/pipeline-reference.md)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  spdlog::set_level(spdlog::level::from_str(log_level));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");

  try {
    if (*run_cmd) return run_command(run);
    if (*serve_cmd || app.get_subcommands().empty()) return eegd::daemon::serve(serve);
    if (*check_cmd) return check_command(check_file);
    if (*stages_cmd) return stages_command(stages_json, stages_markdown);
  } catch (const std::exception& e) {
    std::cerr << "eegd: " << e.what() << "\n";
    return exit_failed;
  }
  return exit_usage;
}
