#include "formats/edf_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "eegd/clock.hpp"

namespace eegd::formats {
namespace {

constexpr const char* months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) {
      errno = EIO;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// The value as the header will store it, so the writer scales exactly as a
// reader of the header will.
result<double> as_stored(double v) {
  auto text = format_field_number(v);
  if (!text) return text.err();
  return std::strtod(text->c_str(), nullptr);
}

void put_sample(char* out, std::int32_t v, std::size_t bytes) {
  const auto u = static_cast<std::uint32_t>(v);
  out[0] = static_cast<char>(u & 0xFF);
  out[1] = static_cast<char>((u >> 8) & 0xFF);
  if (bytes == 3) out[2] = static_cast<char>((u >> 16) & 0xFF);
}

}  // namespace

result<double> choose_record_seconds(double rate_hz, double wanted) {
  auto whole = [&](double s) {
    const double n = rate_hz * s;
    return n >= 1 && std::fabs(n - std::round(n)) < 1e-6;
  };
  if (wanted > 0) {
    if (!whole(wanted))
      return error{"a record of " + std::to_string(wanted) + " s does not hold a whole number of samples at " +
                   std::to_string(rate_hz) + " Hz", "record_seconds"};
    return wanted;
  }
  for (double s : {0.25, 0.5, 1.0})
    if (whole(s)) return s;
  return error{"no record duration of 0.25, 0.5 or 1 s holds a whole number of samples at " + std::to_string(rate_hz) +
               " Hz; set record_seconds", "record_seconds"};
}

result<std::unique_ptr<edf_writer>> edf_writer::create(const std::string& path, edf_writer_options o) {
  if (!(o.rate_hz > 0)) return error{"the sample rate must be above 0", {}};
  if (o.channels.empty() || o.channels.size() > 4000) return error{"a recording needs 1..4000 channels", {}};
  auto seconds = choose_record_seconds(o.rate_hz, o.record_seconds);
  if (!seconds) return seconds.err();
  o.record_seconds = *seconds;

  std::unique_ptr<edf_writer> w(new edf_writer());
  const bool bdf = o.kind == edf_kind::bdf;
  const std::int32_t full_min = bdf ? -8388608 : -32768, full_max = bdf ? 8388607 : 32767;
  edf_header& h = w->header_;
  h.kind = o.kind;
  h.reserved = bdf ? "BDF+C" : "EDF+C";
  h.records = -1;
  h.record_seconds = o.record_seconds;
  h.patient = o.patient;

  w->o_.recording = o.recording;
  w->apply_start_time(o.start_unix_ns);
  const double spr = std::round(o.rate_hz * o.record_seconds);
  w->samples_per_record_ = static_cast<std::size_t>(spr);
  w->channels_ = o.channels.size();
  for (const auto& c : o.channels) {
    edf_signal s;
    s.label = c.label;
    s.transducer = c.transducer;
    s.physical_dimension = c.unit;
    s.prefilter = c.prefilter;
    s.digital_min = c.digital_min == 0 && c.digital_max == 0 ? full_min : c.digital_min;
    s.digital_max = c.digital_min == 0 && c.digital_max == 0 ? full_max : c.digital_max;
    if (s.digital_min < full_min || s.digital_max > full_max || s.digital_min >= s.digital_max)
      return error{"channel '" + c.label + "': digital range outside what the format holds", {}};
    auto pmin = as_stored(c.physical_min);
    auto pmax = as_stored(c.physical_max);
    if (!pmin || !pmax || !(*pmin < *pmax))
      return error{"channel '" + c.label + "': physical range " + std::to_string(c.physical_min) + ".." +
                   std::to_string(c.physical_max) + " is empty or does not fit the header", {}};
    s.physical_min = *pmin;
    s.physical_max = *pmax;
    s.samples_per_record = static_cast<std::int32_t>(spr);
    const double gain = s.gain();
    w->gain_.push_back(gain);
    w->offset_.push_back(s.physical_min - s.digital_min * gain);
    w->dmin_.push_back(s.digital_min);
    w->dmax_.push_back(s.digital_max);
    const double zero = std::round(-w->offset_.back() / gain);
    w->zero_.push_back(static_cast<std::int32_t>(std::clamp(zero, double(s.digital_min), double(s.digital_max))));
    h.signals.push_back(std::move(s));
  }
  edf_signal ann;
  ann.label = bdf ? "BDF Annotations" : "EDF Annotations";
  ann.digital_min = full_min;
  ann.digital_max = full_max;
  ann.physical_min = -1;
  ann.physical_max = 1;
  ann.samples_per_record = static_cast<std::int32_t>((std::max<std::size_t>(o.annotation_bytes, 128) + h.bytes_per_sample() - 1) /
                                                     h.bytes_per_sample());
  h.signals.push_back(ann);

  auto header = encode_header(h);
  if (!header) return header.err();
  w->o_ = std::move(o);
  w->path_ = path;
  w->fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (w->fd_ < 0) return error{"cannot create '" + path + "': " + std::strerror(errno), {}};
  if (!write_all(w->fd_, header->data(), header->size())) {
    const int err = errno;
    ::close(w->fd_);
    w->fd_ = -1;
    ::unlink(path.c_str());
    return error{"cannot write the header of '" + path + "': " + std::strerror(err), {}};
  }
  w->bytes_ = header->size();
  w->record_.assign(w->channels_ * w->samples_per_record_, 0);
  w->frame_.resize(w->channels_);
  w->bytes_buf_.resize(h.record_bytes());
  w->last_sync_ns_ = monotonic_ns();
  return w;
}

void edf_writer::apply_start_time(std::int64_t unix_ns) {
  const std::int64_t start_s = unix_ns >= 0 ? unix_ns / 1'000'000'000 : (unix_ns - 999'999'999) / 1'000'000'000;
  onset_offset_s_ = static_cast<double>(unix_ns - start_s * 1'000'000'000) * 1e-9;
  const auto t = static_cast<std::time_t>(start_s);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  header_.start = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
  if (o_.recording.empty()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "Startdate %02d-%s-%04d X X eegd", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
    header_.recording = buf;
  } else {
    header_.recording = o_.recording;
  }
}

status edf_writer::set_start_time(std::int64_t unix_ns) {
  if (records_ > 0 || fd_ < 0) return error{"the start time is fixed once a record is written", {}};
  const double old_offset = onset_offset_s_;
  apply_start_time(unix_ns);
  for (auto& a : pending_) a.onset_s += onset_offset_s_ - old_offset;
  auto header = encode_header(header_);
  if (!header) return header.err();
  if (::pwrite(fd_, header->data(), header->size(), 0) != static_cast<ssize_t>(header->size()))
    return fail("rewriting the header of", errno);
  return ok();
}

edf_writer::~edf_writer() { (void)close(); }

status edf_writer::fail(const std::string& what, int err) {
  failure_ = what + " '" + path_ + "': " + std::strerror(err);
  // Cut a half-written record off, so the file ends on a record boundary and
  // its count is the truth. Shrinking needs no free space.
  const auto valid = static_cast<off_t>(header_.header_bytes() + records_ * header_.record_bytes());
  if (::ftruncate(fd_, valid) == 0) bytes_ = static_cast<std::uint64_t>(valid);
  (void)write_records_field(static_cast<std::int64_t>(records_));
  return error{failure_, {}};
}

status edf_writer::write_records_field(std::int64_t count) {
  char field[9];
  std::snprintf(field, sizeof field, "%-8lld", static_cast<long long>(count));
  if (::pwrite(fd_, field, 8, records_field_offset) != 8) return error{std::string("cannot update the record count: ") + std::strerror(errno), {}};
  return ok();
}

status edf_writer::complete_record() {
  const std::size_t bps = header_.bytes_per_sample();
  char* out = bytes_buf_.data();
  for (std::size_t c = 0; c < channels_; ++c) {
    const std::int32_t* src = record_.data() + c * samples_per_record_;
    for (std::size_t s = 0; s < samples_per_record_; ++s, out += bps) put_sample(out, src[s], bps);
  }
  // The annotation signal: time keeping, then as many waiting markers as fit.
  const std::size_t room = static_cast<std::size_t>(header_.signals.back().samples_per_record) * bps;
  tal_buf_.clear();
  append_timekeeping_tal(tal_buf_, onset_offset_s_ + static_cast<double>(records_) * o_.record_seconds);
  while (!pending_.empty() && tal_buf_.size() + tal_size(pending_.front()) <= room) {
    append_tal(tal_buf_, pending_.front());
    pending_.pop_front();
  }
  std::memcpy(out, tal_buf_.data(), tal_buf_.size());
  std::memset(out + tal_buf_.size(), 0, room - tal_buf_.size());

  if (!write_all(fd_, bytes_buf_.data(), bytes_buf_.size())) return fail("writing a data record to", errno);
  ++records_;
  bytes_ += bytes_buf_.size();
  filled_ = 0;
  if (o_.fsync_seconds >= 0) {
    const std::int64_t now = monotonic_ns();
    if (now - last_sync_ns_ >= static_cast<std::int64_t>(o_.fsync_seconds * 1e9)) {
      if (::fdatasync(fd_) != 0) return fail("syncing", errno);
      last_sync_ns_ = now;
    }
  }
  return ok();
}

status edf_writer::put_frame_digital(const std::int32_t* frame) {
  for (std::size_t c = 0; c < channels_; ++c) record_[c * samples_per_record_ + filled_] = frame[c];
  if (++filled_ == samples_per_record_) return complete_record();
  return ok();
}

status edf_writer::write_physical(std::span<const float> values, std::size_t frames) {
  if (!failure_.empty() || fd_ < 0) return error{failure_.empty() ? "the file is closed" : failure_, {}};
  for (std::size_t f = 0; f < frames; ++f) {
    const float* in = values.data() + f * channels_;
    for (std::size_t c = 0; c < channels_; ++c) {
      const double d = std::round((static_cast<double>(in[c]) - offset_[c]) / gain_[c]);
      if (!(d >= dmin_[c] && d <= dmax_[c])) {  // also NaN
        ++clipped_;
        frame_[c] = std::isnan(d) ? zero_[c] : (d < dmin_[c] ? dmin_[c] : dmax_[c]);
      } else {
        frame_[c] = static_cast<std::int32_t>(d);
      }
    }
    ++frames_;
    if (status s = put_frame_digital(frame_.data()); !s) return s;
  }
  return ok();
}

status edf_writer::write_digital(std::span<const std::int32_t> values, std::size_t frames) {
  if (!failure_.empty() || fd_ < 0) return error{failure_.empty() ? "the file is closed" : failure_, {}};
  for (std::size_t f = 0; f < frames; ++f) {
    const std::int32_t* in = values.data() + f * channels_;
    for (std::size_t c = 0; c < channels_; ++c) {
      std::int32_t v = in[c];
      if (v < dmin_[c] || v > dmax_[c]) {
        ++clipped_;
        v = v < dmin_[c] ? dmin_[c] : dmax_[c];
      }
      frame_[c] = v;
    }
    ++frames_;
    if (status s = put_frame_digital(frame_.data()); !s) return s;
  }
  return ok();
}

status edf_writer::write_gap(std::uint64_t frames) {
  if (!failure_.empty() || fd_ < 0) return error{failure_.empty() ? "the file is closed" : failure_, {}};
  if (frames == 0) return ok();
  const auto limit = static_cast<std::uint64_t>(o_.max_gap_fill_seconds * o_.rate_hz);
  const std::uint64_t fill = std::min(frames, limit);
  std::string text = "gap: " + std::to_string(frames) + " frames lost";
  if (fill < frames)
    text += " (" + std::to_string(fill) + " zero-filled; later data is " +
            std::to_string(static_cast<double>(frames - fill) / o_.rate_hz) + " s early)";
  annotate(seconds_written(), static_cast<double>(fill) / o_.rate_hz, std::move(text));
  gap_frames_ += frames;
  for (std::uint64_t i = 0; i < fill; ++i) {
    ++frames_;
    if (status s = put_frame_digital(zero_.data()); !s) return s;
  }
  return ok();
}

void edf_writer::annotate(double onset_s, double duration_s, std::string text) {
  // A marker must fit one record next to the time-keeping TAL (about 40 bytes
  // of onsets and separators).
  const std::size_t room = static_cast<std::size_t>(header_.signals.back().samples_per_record) * header_.bytes_per_sample();
  if (text.size() + 64 > room) text.resize(room - 64);
  pending_.push_back({onset_offset_s_ + onset_s, duration_s, std::move(text)});
}

status edf_writer::close() {
  if (fd_ < 0) return failure_.empty() ? ok() : status(error{failure_, {}});
  status result;
  if (failure_.empty()) {
    if (filled_ > 0) {
      const std::size_t pad = samples_per_record_ - filled_;
      annotate(seconds_written(), static_cast<double>(pad) / o_.rate_hz,
               "end of data: " + std::to_string(pad) + " frames of padding");
      while (filled_ > 0 && result) result = put_frame_digital(zero_.data());
    }
    // Markers still waiting get records of their own (zero data). Every
    // marker fits one record (annotate() shortens it), so this ends.
    while (!pending_.empty() && result)
      for (std::size_t i = 0; i < samples_per_record_ && result; ++i) result = put_frame_digital(zero_.data());
    if (result) result = write_records_field(static_cast<std::int64_t>(records_));
    if (result && ::fdatasync(fd_) != 0) result = error{std::string("syncing '") + path_ + "': " + std::strerror(errno), {}};
  } else {
    result = error{failure_, {}};
  }
  ::close(fd_);
  fd_ = -1;
  return result;
}

}  // namespace eegd::formats
