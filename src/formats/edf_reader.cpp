#include "formats/edf_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace eegd::formats {
namespace {

std::int32_t get_sample(const char* p, std::size_t bytes) {
  const auto b0 = static_cast<std::uint32_t>(static_cast<unsigned char>(p[0]));
  const auto b1 = static_cast<std::uint32_t>(static_cast<unsigned char>(p[1]));
  if (bytes == 2) return static_cast<std::int16_t>(static_cast<std::uint16_t>(b0 | (b1 << 8)));
  const auto b2 = static_cast<std::uint32_t>(static_cast<unsigned char>(p[2]));
  std::uint32_t u = b0 | (b1 << 8) | (b2 << 16);
  if (u & 0x800000u) u |= 0xFF000000u;  // sign-extend 24 bits
  return static_cast<std::int32_t>(u);
}

}  // namespace

edf_reader::~edf_reader() {
  if (fd_ >= 0) ::close(fd_);
}

error edf_reader::fail_at(std::uint64_t offset, const std::string& what) const {
  return error{name_ + ": byte " + std::to_string(offset) + ": " + what, {}};
}

status edf_reader::read_at(std::uint64_t offset, std::size_t size, char* out) {
  if (offset + size > size_) return fail_at(offset, "the file ends before " + std::to_string(size) + " more bytes");
  if (in_memory_) {
    std::memcpy(out, memory_.data() + offset, size);
    return ok();
  }
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd_, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail_at(offset + done, n == 0 ? "unexpected end of file" : std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  return ok();
}

result<std::unique_ptr<edf_reader>> edf_reader::open(const std::string& path) {
  std::unique_ptr<edf_reader> r(new edf_reader());
  r->name_ = path;
  r->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (r->fd_ < 0) return error{"cannot open '" + path + "': " + std::strerror(errno), {}};
  struct stat st {};
  if (::fstat(r->fd_, &st) != 0) return error{"cannot stat '" + path + "': " + std::strerror(errno), {}};
  r->size_ = static_cast<std::uint64_t>(st.st_size);
  std::string head(std::min<std::uint64_t>(r->size_, 256), '\0');
  if (status s = r->read_at(0, head.size(), head.data()); !s) return s.err();
  auto hsize = header_size(head);
  if (!hsize) return error{path + ": " + hsize.err().message, hsize.err().param};
  std::string whole(std::min<std::uint64_t>(r->size_, *hsize), '\0');
  if (status s = r->read_at(0, whole.size(), whole.data()); !s) return s.err();
  if (status s = r->init(whole); !s) return s.err();
  return r;
}

result<std::unique_ptr<edf_reader>> edf_reader::from_bytes(std::string bytes, std::string name) {
  std::unique_ptr<edf_reader> r(new edf_reader());
  r->name_ = std::move(name);
  r->in_memory_ = true;
  r->memory_ = std::move(bytes);
  r->size_ = r->memory_.size();
  if (status st = r->init(r->memory_); !st) return st.err();
  return r;
}

status edf_reader::init(std::span<const char> header_bytes) {
  auto h = parse_header(header_bytes);
  if (!h) return error{name_ + ": " + h.err().message, h.err().param};
  header_ = std::move(*h);
  const std::uint64_t data = size_ - header_.header_bytes();
  const std::uint64_t rb = header_.record_bytes();
  const auto complete = static_cast<std::int64_t>(data / rb);
  if (header_.records > complete)
    return error{name_ + ": header field 'number of data records' at byte 236 says " + std::to_string(header_.records) +
                     " but the file holds " + std::to_string(complete) + " complete records (truncated?)",
                 "number of data records"};
  records_ = header_.records < 0 ? complete : header_.records;
  trailing_ = data - static_cast<std::uint64_t>(records_) * rb;
  return ok();
}

status edf_reader::read_record(std::int64_t index, std::vector<std::vector<std::int32_t>>& out) {
  if (index < 0 || index >= records_) return error{name_ + ": no record " + std::to_string(index), {}};
  const std::uint64_t rb = header_.record_bytes();
  const std::uint64_t offset = header_.header_bytes() + static_cast<std::uint64_t>(index) * rb;
  // Sized on first use: only a file that holds a record gets a record's buffer.
  record_buf_.resize(rb);
  if (status s = read_at(offset, rb, record_buf_.data()); !s) return s;
  const std::size_t bps = header_.bytes_per_sample();
  out.resize(header_.signals.size());
  annotation_bytes_.clear();
  const char* p = record_buf_.data();
  for (std::size_t i = 0; i < header_.signals.size(); ++i) {
    const auto n = static_cast<std::size_t>(header_.signals[i].samples_per_record);
    if (header_.signals[i].is_annotation() && annotation_bytes_.empty()) annotation_bytes_.assign(p, n * bps);
    auto& v = out[i];
    v.resize(n);
    for (std::size_t s = 0; s < n; ++s, p += bps) v[s] = get_sample(p, bps);
  }
  return ok();
}

result<std::vector<annotation>> edf_reader::read_annotations() {
  std::vector<annotation> all;
  if (header_.annotation_index() == header_.signals.size()) return all;
  std::vector<std::vector<std::int32_t>> scratch;
  double first_onset = 0;
  const std::uint64_t rb = header_.record_bytes();
  for (std::int64_t k = 0; k < records_; ++k) {
    if (status s = read_record(k, scratch); !s) return s.err();
    auto tals = parse_tals(annotation_bytes_);
    if (!tals)
      return fail_at(header_.header_bytes() + static_cast<std::uint64_t>(k) * rb,
                     "record " + std::to_string(k) + ": " + tals.err().message);
    if (k == 0) first_onset = tals->record_onset_s;
    for (auto& a : tals->annotations) {
      a.onset_s -= first_onset;
      all.push_back(std::move(a));
    }
  }
  return all;
}

}  // namespace eegd::formats
