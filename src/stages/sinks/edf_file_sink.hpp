#pragma once

#include <string>

#include "eegd/stage.hpp"
#include "stages/sinks/edf_stream_writer.hpp"

namespace eegd::stages {

// Records its input to one BDF+ (24-bit) or EDF+ (16-bit) file from the
// moment the pipeline starts until it stops. The file is valid at every
// moment (see formats/edf_writer.hpp); docs/recording.md has the layout.
template <formats::edf_kind Kind>
struct edf_file_sink final : eegd::sink<edf_file_sink<Kind>> {
  std::string path_;
  double record_seconds_ = 0.0;
  double fsync_seconds_ = 1.0;
  double range_uv_ = 0.0;
  std::string transducer_ = "EEG electrode";
  std::string participant_ = "X";

  static constexpr auto params = eegd::param_list(
      eegd::param<&edf_file_sink::path_>("path").required().doc("output file (relative to the pipeline file)"),
      eegd::param<&edf_file_sink::record_seconds_>("record_seconds").unit("s").range(0, 60)
          .doc("data record duration; 0: the shortest of 0.25, 0.5, 1 s holding whole samples"),
      eegd::param<&edf_file_sink::fsync_seconds_>("fsync_seconds").unit("s").range(-1, 3600)
          .doc("fsync the file at most this often; 0: every record; -1: never (the OS decides)"),
      eegd::param<&edf_file_sink::range_uv_>("range_uv").unit("uV").range(0, 1e9)
          .doc("physical range +-range_uv for voltage input; 0: the sensor's full scale"),
      eegd::param<&edf_file_sink::transducer_>("transducer").doc("transducer type written for every channel"),
      eegd::param<&edf_file_sink::participant_>("participant").doc("EDF+ patient code"));

  eegd::status build(eegd::build_context& ctx) {
    auto plan = edf_plan_for(ctx.input(), {Kind, record_seconds_, fsync_seconds_, range_uv_, transducer_});
    if (!plan) return plan.err();
    if (ctx.dry_run()) return eegd::ok();
    return writer_.open(ctx.resolve_path(path_), *plan, participant_ + " X X X");
  }
  eegd::flow process(const eegd::packet_ref& in) {
    if (status s = writer_.write(*in); !s) {
      error_ = s.err().message;
      return eegd::flow::error;
    }
    return eegd::flow::ok;
  }
  void finish() { (void)writer_.close(); }
  std::string_view last_error() const { return error_; }
  void report_status(eegd::status_writer& out) const {
    const recording_figures f = writer_.figures();
    out.number("recorded_s", f.seconds, "s");
    out.number("records", static_cast<double>(f.records));
    out.number("bytes_written", static_cast<double>(f.bytes), "bytes");
    out.number("clipped_samples", static_cast<double>(f.clipped));
    out.number("gap_frames", static_cast<double>(f.gap_frames));
  }

 private:
  edf_stream_writer writer_;
  std::string error_;
};

using bdf_sink = edf_file_sink<formats::edf_kind::bdf>;
using edf_sink = edf_file_sink<formats::edf_kind::edf>;

}  // namespace eegd::stages
