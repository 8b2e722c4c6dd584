// eegd: the EEG acquisition, DSP and streaming daemon, and its offline tools.

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/version.hpp"
#include "core/memory_lock.hpp"
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
  bool lock_memory = false;
  app.add_flag("--mlock", lock_memory,
               "lock the process's memory (mlockall) so acquisition never waits on paging; warns if not permitted");

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

  probe_options probe;
  auto* probe_cmd = app.add_subcommand("probe", "Talk to an ADS1299 board (or the emulator): ID, registers, frames");
  probe_cmd->add_flag("--emulator", probe.emulator, "use the built-in emulator instead of hardware");
  probe_cmd->add_option("--spi-device", probe.spi_device, "spidev device")->default_str("/dev/spidev0.0");
  probe_cmd->add_option("--spi-hz", probe.spi_hz, "SPI clock")->check(CLI::Range(100'000u, 20'000'000u))
      ->default_str("4000000");
  probe_cmd->add_option("--gpio-chip", probe.gpio_chip, "GPIO chip name, path, label or number")
      ->default_str("pinctrl-rp1");
  probe_cmd->add_option("--drdy-gpio", probe.drdy_gpio, "DRDY line")->default_str("25");
  probe_cmd->add_option("--start-gpio", probe.start_gpio, "START line (-1: not wired)")->default_str("23");
  probe_cmd->add_option("--reset-gpio", probe.reset_gpio, "RESET line (-1: not wired)")->default_str("24");
  probe_cmd->add_option("--pwdn-gpio", probe.pwdn_gpio, "PWDN line (-1: not wired)")->default_str("-1");
  probe_cmd->add_option("--rate", probe.rate, "samples per second (250 .. 16000)")->default_str("250");
  probe_cmd->add_option("--daisy", probe.daisy, "daisy-chained chips")->check(CLI::Range(1, 4))->default_str("1");
  probe_cmd->add_option("--gain", probe.gain, "PGA gain for every channel")->default_str("24");
  probe_cmd->add_option("--input", probe.input, "what the channels measure")
      ->check(CLI::IsMember({"normal", "shorted", "test_signal", "temperature", "supply"}))
      ->default_str("normal");
  probe_cmd->add_flag("--lead-off", probe.lead_off, "turn on lead-off detection and report it");
  probe_cmd->add_option("--seconds", probe.seconds, "how long to read")->check(CLI::Range(0.01, 60.0))
      ->default_str("1");
  probe_cmd->add_option("--frames", probe.show_frames, "frames to print")->check(CLI::Range(0, 1000))
      ->default_str("5");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  spdlog::set_level(spdlog::level::from_str(log_level));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  if (lock_memory) {
    // Real-time hygiene is an option that degrades, never a reason not to record.
    if (eegd::status s = eegd::core::lock_memory(); !s)
      spdlog::warn("{}; running without locked memory", s.err().message);
    else
      spdlog::info("memory locked (mlockall): {} KiB so far", eegd::core::locked_bytes() / 1024);
  }

  try {
    if (*run_cmd) return run_command(run);
    if (*serve_cmd || app.get_subcommands().empty()) return eegd::daemon::serve(serve);
    if (*check_cmd) return check_command(check_file);
    if (*stages_cmd) return stages_command(stages_json, stages_markdown);
    if (*probe_cmd) return probe_command(probe);
  } catch (const std::exception& e) {
    std::cerr << "eegd: " << e.what() << "\n";
    return exit_failed;
  }
  return exit_usage;
}
