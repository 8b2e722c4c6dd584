#pragma once

#include <string>

namespace eegd::cli {

struct run_options {
  std::string pipeline;
  double duration_s = -1;  // < 0: until the sources end or a signal
  bool fast = false;       // sources run as fast as possible
  std::string stats_json;  // write statistics here when set
  bool quiet = false;
};

// Exit codes shared by the eegd and eegctl commands (documented in docs/cli.md).
enum exit_code : int {
  exit_ok = 0,
  exit_failed = 1,        // the pipeline ran and failed
  exit_bad_config = 2,    // the pipeline file was rejected
  exit_no_daemon = 3,     // eegctl: no eegd is running (or it does not answer)
  exit_usage = 64,
};

struct probe_options {
  bool emulator = false;
  std::string spi_device = "/dev/spidev0.0";
  unsigned spi_hz = 4'000'000;
  std::string gpio_chip = "pinctrl-rp1";
  int drdy_gpio = 25, start_gpio = 23, reset_gpio = 24, pwdn_gpio = -1;
  double rate = 250;
  int daisy = 1;
  int gain = 24;
  std::string input = "normal";
  bool lead_off = false;
  double seconds = 1.0;
  int show_frames = 5;
};

int run_command(const run_options& options);
int probe_command(const probe_options& options);
int check_command(const std::string& pipeline);
int stages_command(bool json, bool markdown);

}  // namespace eegd::cli
