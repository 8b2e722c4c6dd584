#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "eegd/events.hpp"
#include "eegd/stage.hpp"
#include "formats/edf_reader.hpp"
#include "formats/openbci_reader.hpp"

namespace eegd::stages {

// Replays a recording: EDF, EDF+, BDF, BDF+ (.edf, .bdf) or an OpenBCI GUI
// text file (.txt, .csv), in real time or as fast as possible, optionally
// looping. The file's channel names, rate and scale become the sensor's
// settings. EDF+/BDF+ annotations travel with the stream (eegd/events.hpp),
// each posted just before the packet holding its onset, so a recorder
// downstream writes them at the same onsets (docs/recording.md).
struct file_source final : eegd::source<file_source> {
  std::string path_;
  bool realtime_ = true;
  bool loop_ = false;
  std::int64_t batch_ = 32;

  static constexpr auto params = eegd::param_list(
      eegd::param<&file_source::path_>("path").required()
          .doc("EDF/BDF(+) or OpenBCI GUI text file (relative to the pipeline file)"),
      eegd::param<&file_source::realtime_>("realtime").doc("pace output at the file's rate (false: as fast as possible)"),
      eegd::param<&file_source::loop_>("loop").doc("start over at the end of the file (false: the source ends)"),
      eegd::param<&file_source::batch_>("batch").unit("frames").range(1, 4096).doc("frames per packet"));

  eegd::status build(eegd::build_context& ctx);
  eegd::flow produce(eegd::emitter& out, eegd::source_context& ctx);
  void on_resume();
  std::string_view last_error() const { return error_; }
  void report_status(eegd::status_writer& out) const;

 private:
  eegd::status build_edf(eegd::build_context& ctx, const std::string& path);
  eegd::status build_openbci(eegd::build_context& ctx, const std::string& path);
  // Copies `frames` frames starting at frame `at` of the file into `out`.
  bool read_frames(std::uint64_t at, std::uint32_t frames, float* out);
  // Posts the file's annotations whose onset falls before `until_frame` (run clock).
  void post_annotations(std::uint64_t until_frame);

  std::unique_ptr<formats::edf_reader> edf_;
  std::vector<std::size_t> edf_signals_;  // data signals (annotations left out)
  std::vector<double> edf_scale_;         // physical unit -> uV (1 for other units)
  std::vector<std::vector<std::int32_t>> record_;
  std::int64_t loaded_record_ = -1;
  std::size_t per_record_ = 0;
  std::vector<float> openbci_;  // whole file, interleaved uV
  std::vector<formats::annotation> annotations_;  // onsets from the file's start, in order
  std::shared_ptr<eegd::event_track> events_;
  std::size_t next_annotation_ = 0;  // within the current pass over the file
  std::uint64_t file_frames_ = 0;
  std::uint32_t channels_ = 0;
  double rate_ = 0.0;

  std::uint64_t next_frame_ = 0;
  std::int64_t start_mono_ns_ = -1;
  std::int64_t start_real_ns_ = 0;
  std::uint64_t loops_ = 0;
  std::string error_;
};

}  // namespace eegd::stages
