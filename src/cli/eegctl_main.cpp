// eegctl: control a running eegd from a terminal or a script.

#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/ctl_commands.hpp"
#include "cli/version.hpp"

int main(int argc, char** argv) {
  using namespace eegd::cli;
  CLI::App app{
      "eegctl: control a running eegd.\n"
      "Finds the daemon through <runtime-dir>/eegd.json and talks to it over its Unix socket\n"
      "(or over HTTP with --url). Exit codes: 0 ok, 1 refused or failed, 2 pipeline rejected,\n"
      "3 no eegd running, 64 usage."};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", std::string("eegctl ") + eegd::version + " (" + eegd::git_describe + ")");
  ctl_target target;
  app.add_option("--runtime-dir", target.runtime_dir, "where eegd.json is (default: $EEGD_RUNTIME_DIR, else eegd's)");
  app.add_option("--url", target.url, "http://HOST:PORT of a remote eegd (default: $EEGD_URL; else the local socket)");
  app.add_option("--token", target.token, "access token for --url (default: $EEGD_TOKEN)");

  bool json = false;
  auto* status_cmd = app.add_subcommand("status", "The daemon, its pipeline, stages, drops and latency");
  status_cmd->add_flag("--json", json, "the raw /api/status answer");
  auto* topics_cmd = app.add_subcommand("topics", "Topics clients can subscribe to");
  topics_cmd->add_flag("--json", json, "the raw /api/topics answer");

  std::string file, preset;
  auto* start_cmd = app.add_subcommand(
      "start", "Load a pipeline file or a preset; with neither, restart the current pipeline");
  start_cmd->add_option("pipeline", file, "pipeline YAML to load")->check(CLI::ExistingFile);
  start_cmd->add_option("--preset", preset, "a ready-made pipeline (see GET /api/presets)")->excludes("pipeline");
  auto* stop_cmd = app.add_subcommand("stop", "Stop the pipeline (drain and join); the daemon keeps serving");

  std::string stage_param, value;
  bool restart = false;
  auto* set_cmd = app.add_subcommand("set", "Change a parameter: live when it is live-settable");
  set_cmd->add_option("stage.param", stage_param, "e.g. notch.hz")->required();
  set_cmd->add_option("value", value, "a JSON value (60, true, [1,2]) or a word")->required();
  set_cmd->add_flag("--restart", restart, "apply a change that needs a restart by restarting the pipeline");

  std::string path;
  auto* get_cmd = app.add_subcommand("get", "Read the running pipeline: all of it, a stage, or STAGE.PARAM");
  get_cmd->add_option("path", path, "STAGE, STAGE.PARAM or a JSON Pointer (/stages/notch/hz)");

  watch_options watch;
  auto* watch_cmd = app.add_subcommand("watch", "Subscribe to topics and print rate, gaps and latency every second");
  watch_cmd->add_option("topics", watch.topics, "topic names")->required();
  watch_cmd->add_option("--seconds", watch.seconds, "stop after this long")->check(CLI::PositiveNumber);
  watch_cmd->add_flag("--json", watch.json, "one JSON object per line");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_ok : exit_usage;
  }

  try {
    ctl_client client(target);
    if (*status_cmd) return ctl_status(client, json);
    if (*topics_cmd) return ctl_topics(client, json);
    if (*start_cmd) return ctl_start(client, file, preset);
    if (*stop_cmd) return ctl_stop(client);
    if (*set_cmd) return ctl_set(client, stage_param, value, restart);
    if (*get_cmd) return ctl_get(client, path);
    if (*watch_cmd) return ctl_watch(client, watch);
  } catch (const no_daemon& e) {
    std::cerr << "eegctl: " << e.what() << "\n";
    return exit_no_daemon;
  } catch (const std::invalid_argument& e) {
    std::cerr << "eegctl: " << e.what() << "\n";
    return exit_usage;
  } catch (const std::exception& e) {
    std::cerr << "eegctl: " << e.what() << "\n";
    return exit_failed;
  }
  return exit_usage;
}
