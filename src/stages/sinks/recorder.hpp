#pragma once

#include <atomic>
#include <mutex>
#include <string>

#include "eegd/recording.hpp"
#include "eegd/stage.hpp"
#include "stages/sinks/edf_stream_writer.hpp"

namespace eegd::stages {

// The sink that sessions record through. It opens no file and asks for no
// data until the daemon's session manager starts a recording (see
// include/eegd/recording.hpp); while recording it is locked, so nothing
// upstream can change under it.
//
// The session manager's calls (start, stop, mark) and process() share one
// mutex. It is held for a packet's write or a file open/close, never across
// anything else, and only the rare control calls contend for it: the
// recorder runs in the sinks group, where blocking on its own I/O is allowed.
struct recorder final : eegd::sink<recorder>, eegd::recorder_handle {
  std::string format_ = "bdf";
  double record_seconds_ = 0.0;
  double fsync_seconds_ = 1.0;
  double range_uv_ = 0.0;
  std::string transducer_ = "EEG electrode";

  static constexpr std::string_view formats[] = {"bdf", "edf"};
  static constexpr auto params = eegd::param_list(
      eegd::param<&recorder::format_>("format").one_of(formats).doc("bdf: 24-bit BDF+; edf: 16-bit EDF+"),
      eegd::param<&recorder::record_seconds_>("record_seconds").unit("s").range(0, 60)
          .doc("data record duration; 0: the shortest of 0.25, 0.5, 1 s holding whole samples"),
      eegd::param<&recorder::fsync_seconds_>("fsync_seconds").unit("s").range(-1, 3600)
          .doc("fsync the file at most this often; 0: every record; -1: never (the OS decides)"),
      eegd::param<&recorder::range_uv_>("range_uv").unit("uV").range(0, 1e9)
          .doc("physical range +-range_uv for voltage input; 0: the sensor's full scale"),
      eegd::param<&recorder::transducer_>("transducer").doc("transducer type written for every channel"));

  recorder() = default;
  recorder(const recorder&) = delete;
  recorder& operator=(const recorder&) = delete;
  ~recorder();

  eegd::status build(eegd::build_context& ctx);
  eegd::flow process(const eegd::packet_ref& in);
  void finish();
  bool locked() const noexcept { return active_.load(std::memory_order_acquire); }
  void report_status(eegd::status_writer& out) const;

  // recorder_handle, for the session manager
  std::string_view format() const override { return format_; }
  eegd::status start(const eegd::recording_request& request) override;
  void stop() override;
  eegd::status mark(std::string_view text) override;
  eegd::recording_figures figures() const override;

 private:
  void stop_locked(std::string why);

  edf_plan plan_;
  eegd::demand_signal* demand_ = nullptr;
  eegd::recorder_registry* registry_ = nullptr;
  mutable std::mutex mutex_;
  edf_stream_writer writer_;
  std::string error_;  // guarded by mutex_
  std::atomic<bool> active_{false};
  std::atomic<bool> failed_{false};
};

}  // namespace eegd::stages
