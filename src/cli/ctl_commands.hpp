#pragma once

// eegctl's commands. Each returns an exit code from commands.hpp and prints
// the daemon's answer for people (or as JSON with --json, for scripts).

#include <string>
#include <vector>

#include "cli/ctl_client.hpp"

namespace eegd::cli {

int ctl_status(ctl_client& client, bool json);
int ctl_topics(ctl_client& client, bool json);
// `file` is a pipeline YAML to load, `preset` a ready-made pipeline's name;
// with neither, the current pipeline restarts with its overrides.
int ctl_start(ctl_client& client, const std::string& file, const std::string& preset);
int ctl_stop(ctl_client& client);
// `stage_param` is STAGE.PARAM; `value` is JSON when it parses as JSON
// (60, true, [1,2]), a string otherwise.
int ctl_set(ctl_client& client, const std::string& stage_param, const std::string& value, bool restart);
// `path` is empty (the whole merged view), STAGE, STAGE.PARAM or a JSON Pointer.
int ctl_get(ctl_client& client, const std::string& path);

struct watch_options {
  std::vector<std::string> topics;
  double seconds = -1;  // < 0: until interrupted
  bool json = false;    // one JSON object per report line
};
// Subscribes to topics and prints, once a second, per topic: frames/s, packets,
// gaps (with the frames they lost) and latency from emission to arrival.
int ctl_watch(ctl_client& client, const watch_options& options);

}  // namespace eegd::cli
