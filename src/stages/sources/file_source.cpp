#include "stages/sources/file_source.hpp"

#include <algorithm>
#include <cmath>

namespace eegd::stages {
namespace {

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), s.end() - static_cast<std::ptrdiff_t>(suffix.size()),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

// Factor from a signal's physical dimension to microvolts; 0 when it is not a voltage.
double to_uv(std::string_view unit) {
  if (unit == "uV" || unit == "\xb5V" || unit == "\xc2\xb5V") return 1.0;
  if (unit == "mV") return 1e3;
  if (unit == "V") return 1e6;
  if (unit == "nV") return 1e-3;
  return 0.0;
}

}  // namespace

eegd::status file_source::build(eegd::build_context& ctx) {
  const std::string path = ctx.resolve_path(path_);
  // The file is read even in a dry run: its channels and rate are the output.
  if (ends_with_ci(path, ".edf") || ends_with_ci(path, ".bdf")) return build_edf(ctx, path);
  if (ends_with_ci(path, ".txt") || ends_with_ci(path, ".csv")) return build_openbci(ctx, path);
  return eegd::param_error("path", "'" + path + "': unknown file type (expected .edf, .bdf, or an OpenBCI .txt/.csv)");
}

eegd::status file_source::build_edf(eegd::build_context& ctx, const std::string& path) {
  auto reader = formats::edf_reader::open(path);
  if (!reader) return eegd::param_error("path", reader.err().message);
  const formats::edf_header& h = (*reader)->header();
  std::vector<std::string> names, units;
  sensor_meta meta;
  for (std::size_t i = 0; i < h.signals.size(); ++i) {
    const auto& s = h.signals[i];
    if (s.is_annotation()) continue;
    if (!edf_signals_.empty() && s.samples_per_record != h.signals[edf_signals_[0]].samples_per_record)
      return eegd::param_error("path", path + ": signal '" + s.label + "' has " + std::to_string(s.samples_per_record) +
                                           " samples per record but '" + h.signals[edf_signals_[0]].label + "' has " +
                                           std::to_string(h.signals[edf_signals_[0]].samples_per_record) +
                                           "; replaying signals of different rates is not supported");
    edf_signals_.push_back(i);
    const double uv = to_uv(s.physical_dimension);
    edf_scale_.push_back(uv > 0 ? uv : 1.0);
    names.push_back(s.label);
    units.push_back(uv > 0 ? "uV" : s.physical_dimension);
    meta.uv_per_count.push_back(std::fabs(s.gain()) * (uv > 0 ? uv : 1.0));
  }
  if (edf_signals_.empty()) return eegd::param_error("path", path + ": the file has no data signals, only annotations");
  per_record_ = static_cast<std::size_t>(h.signals[edf_signals_[0]].samples_per_record);
  rate_ = static_cast<double>(per_record_) / h.record_seconds;
  file_frames_ = static_cast<std::uint64_t>((*reader)->records()) * per_record_;
  if (file_frames_ == 0) return eegd::param_error("path", path + ": the file holds no data records");
  channels_ = static_cast<std::uint32_t>(edf_signals_.size());
  if (h.annotation_index() < h.signals.size()) {
    auto annotations = (*reader)->read_annotations();
    if (!annotations) return eegd::param_error("path", annotations.err().message);
    annotations_ = std::move(*annotations);
    std::stable_sort(annotations_.begin(), annotations_.end(),
                     [](const auto& a, const auto& b) { return a.onset_s < b.onset_s; });
    events_ = std::make_shared<eegd::event_track>();
  }
  edf_ = std::move(*reader);

  meta.device = "file";
  meta.rate_hz = rate_;
  meta.channel_names = names;
  meta.gain.assign(channels_, 1.0);
  meta.resolution_bits = h.kind == formats::edf_kind::bdf ? 24 : 16;
  stream_info& out = ctx.output();
  out.kind = packet_kind::voltage;
  out.rate_hz = rate_;
  out.channels = channels_;
  out.channel_names = std::move(names);
  out.units = std::move(units);
  out.max_frames = static_cast<std::uint32_t>(batch_);
  out.uv_per_count = meta.uv_per_count;
  out.prefilter = h.signals[edf_signals_[0]].prefilter;
  out.events = events_;
  out.sensor = ctx.sensors().publish("file:" + path, std::move(meta));
  record_.resize(h.signals.size());
  return eegd::ok();
}

eegd::status file_source::build_openbci(eegd::build_context& ctx, const std::string& path) {
  auto rec = formats::read_openbci_text(path);
  if (!rec) return eegd::param_error("path", rec.err().message);
  rate_ = rec->rate_hz;
  channels_ = static_cast<std::uint32_t>(rec->channel_names.size());
  file_frames_ = rec->frames;
  openbci_ = std::move(rec->values);
  // The Cyton's ADS1299 at its default gain of 24 with a 4.5 V reference.
  const double uv_per_count = 4.5 / 24.0 / 8388608.0 * 1e6;
  sensor_meta meta;
  meta.device = "file";
  meta.rate_hz = rate_;
  meta.channel_names = rec->channel_names;
  meta.gain.assign(channels_, 24.0);
  meta.vref_v = 4.5;
  meta.uv_per_count.assign(channels_, uv_per_count);
  meta.resolution_bits = 24;
  stream_info& out = ctx.output();
  out.kind = packet_kind::voltage;
  out.rate_hz = rate_;
  out.set_channels(rec->channel_names, "uV");
  out.max_frames = static_cast<std::uint32_t>(batch_);
  out.uv_per_count = meta.uv_per_count;
  out.sensor = ctx.sensors().publish("file:" + path, std::move(meta));
  return eegd::ok();
}

bool file_source::read_frames(std::uint64_t at, std::uint32_t frames, float* out) {
  if (!edf_) {
    std::copy_n(openbci_.data() + at * channels_, std::size_t{frames} * channels_, out);
    return true;
  }
  const formats::edf_header& h = edf_->header();
  for (std::uint32_t f = 0; f < frames; ++f) {
    const auto frame = at + f;
    const auto rec = static_cast<std::int64_t>(frame / per_record_);
    if (rec != loaded_record_) {
      if (status s = edf_->read_record(rec, record_); !s) {
        error_ = s.err().message;
        return false;
      }
      loaded_record_ = rec;
    }
    const std::size_t i = frame % per_record_;
    for (std::uint32_t c = 0; c < channels_; ++c) {
      const std::size_t sig = edf_signals_[c];
      out[std::size_t{f} * channels_ + c] = static_cast<float>(h.signals[sig].to_physical(record_[sig][i]) * edf_scale_[c]);
    }
  }
  return true;
}

eegd::flow file_source::produce(eegd::emitter& out, eegd::source_context& ctx) {
  if (start_mono_ns_ < 0) {
    start_mono_ns_ = eegd::monotonic_ns();
    start_real_ns_ = eegd::realtime_ns();
  }
  std::uint64_t pos = next_frame_ - loops_ * file_frames_;
  if (pos >= file_frames_) {
    if (!loop_) return eegd::flow::stop;
    ++loops_;
    pos = 0;
    next_annotation_ = 0;
  }
  const auto frames = static_cast<std::uint32_t>(std::min<std::uint64_t>(static_cast<std::uint64_t>(batch_), file_frames_ - pos));
  if (realtime_) {
    const double last_s = static_cast<double>(next_frame_ + frames - 1) / rate_;
    if (!ctx.sleep_until(start_mono_ns_ + static_cast<std::int64_t>(last_s * 1e9))) return eegd::flow::ok;
  }
  eegd::packet_builder b = out.make(frames);
  eegd::packet_header& hdr = b.header();
  hdr.first_frame = next_frame_;
  hdr.t0_ns = start_real_ns_ + static_cast<std::int64_t>(static_cast<double>(next_frame_) * 1e9 / rate_);
  if (!read_frames(pos, frames, b.values().data())) return eegd::flow::error;
  post_annotations(next_frame_ + frames);
  next_frame_ += frames;
  out.emit(std::move(b));
  return eegd::flow::ok;
}

void file_source::post_annotations(std::uint64_t until_frame) {
  if (!events_) return;
  const double pass_start_s = static_cast<double>(loops_ * file_frames_) / rate_;
  const double until_s = static_cast<double>(until_frame) / rate_;
  // An onset past the last sample still belongs to this pass: post it with its last packet.
  const bool last_packet = until_frame == (loops_ + 1) * file_frames_;
  for (; next_annotation_ < annotations_.size(); ++next_annotation_) {
    const formats::annotation& a = annotations_[next_annotation_];
    const double onset_s = pass_start_s + a.onset_s;
    if (onset_s >= until_s && !last_packet) break;
    events_->post({onset_s, a.duration_s, a.text});
  }
}

void file_source::on_resume() {
  // A replay has no clock of its own: after a pause it continues where it
  // stopped instead of racing to catch up.
  if (start_mono_ns_ >= 0)
    start_mono_ns_ = eegd::monotonic_ns() - static_cast<std::int64_t>(static_cast<double>(next_frame_) * 1e9 / rate_);
}

void file_source::report_status(eegd::status_writer& out) const {
  out.number("file_frames", static_cast<double>(file_frames_));
}

}  // namespace eegd::stages
