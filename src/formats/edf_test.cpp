// The EDF/BDF header, writer and reader against known answers.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "formats/edf_reader.hpp"
#include "formats/edf_writer.hpp"
#include "formats/tal.hpp"
#include "formats/test_support.hpp"

namespace eegd::formats {
namespace {

using testing::scratch_dir;
using testing::shared_data;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

edf_writer_options four_channels(edf_kind kind) {
  edf_writer_options o;
  o.kind = kind;
  o.rate_hz = 256;
  o.start_unix_ns = 1'700'000'000'250'000'000;  // 2023-11-14 22:13:20.25 UTC
  for (const char* name : {"Fp1", "Fp2", "C3", "C4"})
    o.channels.push_back({name, "uV", "AgAgCl electrode", "HP:1Hz LP:40Hz", -500, 500});
  return o;
}

std::vector<float> sine_frames(std::size_t frames, std::size_t channels, double rate) {
  std::vector<float> v(frames * channels);
  for (std::size_t f = 0; f < frames; ++f)
    for (std::size_t c = 0; c < channels; ++c)
      v[f * channels + c] = static_cast<float>(100.0 * std::sin(2 * M_PI * (5.0 + static_cast<double>(c)) * static_cast<double>(f) / rate));
  return v;
}

TEST(EdfHeader, EncodesAndParsesBack) {
  edf_header h;
  h.kind = edf_kind::bdf;
  h.patient = "P01 X X X";
  h.recording = "Startdate 14-NOV-2023 X X eegd";
  h.start = {2023, 11, 14, 22, 13, 20};
  h.reserved = "BDF+C";
  h.records = -1;
  h.record_seconds = 0.25;
  h.signals.push_back({"Fp1", "AgAgCl", "uV", -187500.03125, 187500, -8388608, 8388607, "HP:1Hz", 64, ""});
  auto bytes = encode_header(h);
  ASSERT_TRUE(bytes) << bytes.err().message;
  ASSERT_EQ(bytes->size(), 512u);
  auto back = parse_header(*bytes);
  ASSERT_TRUE(back) << back.err().message;
  EXPECT_EQ(back->kind, edf_kind::bdf);
  EXPECT_EQ(back->records, -1);
  EXPECT_EQ(back->record_seconds, 0.25);
  EXPECT_EQ(back->start.year, 2023);
  EXPECT_EQ(back->signals[0].label, "Fp1");
  EXPECT_EQ(back->signals[0].prefilter, "HP:1Hz");
  EXPECT_NEAR(back->signals[0].physical_min, -187500.03125, 0.05);  // rounded to fit 8 characters
  EXPECT_EQ(back->signals[0].digital_max, 8388607);
}

TEST(EdfHeader, NumbersFitTheirFields) {
  EXPECT_EQ(format_field_number(-8388608).value(), "-8388608");
  EXPECT_EQ(format_field_number(0.25).value(), "0.25");
  EXPECT_EQ(format_field_number(-262144.03125).value(), "-262144");
  EXPECT_EQ(format_field_number(3.0517578125).value(), "3.051758");
  EXPECT_FALSE(format_field_number(1e12));
}

TEST(EdfHeader, ErrorsNameTheFieldAndOffset) {
  std::string bytes = slurp(shared_data("eegmmidb_S001R01.edf")).substr(0, 16896);
  ASSERT_TRUE(parse_header(bytes));
  std::string bad = bytes;
  bad.replace(252, 4, "6x  ");
  auto e = parse_header(bad);
  ASSERT_FALSE(e);
  EXPECT_NE(e.err().message.find("'number of signals' at byte 252"), std::string::npos) << e.err().message;
  bad = bytes;
  // Digital minimum of signal 3: 256 + 120 * 65 + 2 * 8.
  bad.replace(256 + 120 * 65 + 16, 8, "abc     ");
  e = parse_header(bad);
  ASSERT_FALSE(e);
  EXPECT_NE(e.err().message.find("'digital minimum' at byte 8072"), std::string::npos) << e.err().message;
  bad = bytes;
  bad.replace(184, 8, "256     ");
  e = parse_header(bad);
  ASSERT_FALSE(e);
  EXPECT_NE(e.err().message.find("at byte 184"), std::string::npos) << e.err().message;
  EXPECT_FALSE(parse_header(bytes.substr(0, 300)));
}

TEST(EdfReader, ReadsTheEegmmidbHeaderAndAnnotations) {
  auto r = edf_reader::open(shared_data("eegmmidb_S001R01.edf"));
  ASSERT_TRUE(r) << r.err().message;
  const edf_header& h = (*r)->header();
  EXPECT_EQ(h.kind, edf_kind::edf);
  EXPECT_TRUE(h.plus());
  EXPECT_EQ(h.signals.size(), 65u);
  EXPECT_EQ((*r)->records(), 61);
  EXPECT_EQ(h.signals[0].label, "Fc5.");
  EXPECT_EQ(h.signals[0].samples_per_record, 160);
  EXPECT_EQ(h.annotation_index(), 64u);
  EXPECT_EQ(h.start.year, 2009);
  auto ann = (*r)->read_annotations();
  ASSERT_TRUE(ann) << ann.err().message;
  ASSERT_EQ(ann->size(), 1u);
  EXPECT_EQ((*ann)[0].text, "T0");
  EXPECT_EQ((*ann)[0].onset_s, 0.0);
}

TEST(EdfReader, TruncatedFileIsAClearError) {
  std::string bytes = slurp(shared_data("mne_test.bdf"));
  auto whole = edf_reader::from_bytes(bytes, "test.bdf");
  ASSERT_TRUE(whole) << whole.err().message;
  EXPECT_EQ((*whole)->records(), 1);
  auto cut = edf_reader::from_bytes(bytes.substr(0, bytes.size() - 100), "test.bdf");
  ASSERT_FALSE(cut);
  EXPECT_NE(cut.err().message.find("'number of data records' at byte 236"), std::string::npos) << cut.err().message;
  EXPECT_NE(cut.err().message.find("truncated"), std::string::npos);
}

TEST(Tal, RoundTripsAndRejectsGarbage) {
  std::string bytes;
  append_timekeeping_tal(bytes, 12.25);
  append_tal(bytes, {12.5, 0.1, "eyes\x14" "closed"});
  append_tal(bytes, {13, -1, "stim"});
  bytes.append(10, '\0');
  auto r = parse_tals(bytes);
  ASSERT_TRUE(r) << r.err().message;
  EXPECT_EQ(r->record_onset_s, 12.25);
  ASSERT_EQ(r->annotations.size(), 2u);
  EXPECT_EQ(r->annotations[0].text, "eyes closed");  // a separator byte in text cannot break the list
  EXPECT_DOUBLE_EQ(r->annotations[0].duration_s, 0.1);
  EXPECT_EQ(r->annotations[1].onset_s, 13.0);
  EXPECT_LT(r->annotations[1].duration_s, 0);
  auto bad = parse_tals(std::string("+1\x14\x14\0x1\x14t\x14\0", 12));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.err().message.find("offset 5"), std::string::npos) << bad.err().message;
}

TEST(EdfWriter, RoundTripsValuesMarkersAndCount) {
  for (edf_kind kind : {edf_kind::bdf, edf_kind::edf}) {
    scratch_dir dir;
    const std::string path = dir.file(kind == edf_kind::bdf ? "a.bdf" : "a.edf");
    auto w = edf_writer::create(path, four_channels(kind));
    ASSERT_TRUE(w) << w.err().message;
    EXPECT_EQ((*w)->record_seconds(), 0.25);  // 64 samples at 256 Hz
    const auto values = sine_frames(1000, 4, 256);
    ASSERT_TRUE((*w)->write_physical(values, 500));
    (*w)->annotate((*w)->seconds_written(), -1, "stimulus A");
    ASSERT_TRUE((*w)->write_physical(std::span(values).subspan(500 * 4), 500));
    ASSERT_TRUE((*w)->close());
    EXPECT_EQ((*w)->records(), 16u);  // 1000 frames = 15.6 records, padded

    auto r = edf_reader::open(path);
    ASSERT_TRUE(r) << r.err().message;
    EXPECT_EQ((*r)->header().records, 16);
    EXPECT_EQ((*r)->header().reserved, kind == edf_kind::bdf ? "BDF+C" : "EDF+C");
    EXPECT_EQ((*r)->header().signals[2].label, "C3");
    EXPECT_EQ((*r)->header().signals[2].prefilter, "HP:1Hz LP:40Hz");
    const edf_signal& s = (*r)->header().signals[1];
    std::vector<std::vector<std::int32_t>> rec;
    double worst = 0;
    for (std::int64_t k = 0; k < 15; ++k) {
      ASSERT_TRUE((*r)->read_record(k, rec));
      for (std::size_t i = 0; i < 64; ++i)
        worst = std::max(worst, std::fabs(s.to_physical(rec[1][i]) - values[(k * 64 + i) * 4 + 1]));
    }
    EXPECT_LE(worst, s.gain() / 2 + 1e-9);
    auto ann = (*r)->read_annotations();
    ASSERT_TRUE(ann) << ann.err().message;
    ASSERT_EQ(ann->size(), 2u);
    EXPECT_EQ((*ann)[0].text, "stimulus A");
    EXPECT_NEAR((*ann)[0].onset_s, 500.0 / 256, 1e-6);
    EXPECT_NE((*ann)[1].text.find("end of data: 24 frames of padding"), std::string::npos);
  }
}

TEST(EdfWriter, ClipsAndCountsOutOfRange) {
  scratch_dir dir;
  auto w = edf_writer::create(dir.file("c.edf"), four_channels(edf_kind::edf));
  ASSERT_TRUE(w);
  std::vector<float> frame = {1000, -1000, 0, NAN};
  ASSERT_TRUE((*w)->write_physical(frame, 1));
  EXPECT_EQ((*w)->clipped(), 3u);
}

TEST(EdfWriter, GapsAreFilledAndAnnotated) {
  scratch_dir dir;
  auto w = edf_writer::create(dir.file("g.bdf"), four_channels(edf_kind::bdf));
  ASSERT_TRUE(w);
  const auto values = sine_frames(128, 4, 256);
  ASSERT_TRUE((*w)->write_physical(values, 64));
  ASSERT_TRUE((*w)->write_gap(32));
  ASSERT_TRUE((*w)->write_physical(std::span(values).subspan(64 * 4), 32));
  EXPECT_EQ((*w)->frames(), 128u);
  ASSERT_TRUE((*w)->close());
  auto r = edf_reader::open(dir.file("g.bdf"));
  ASSERT_TRUE(r);
  auto ann = (*r)->read_annotations();
  ASSERT_TRUE(ann);
  ASSERT_GE(ann->size(), 1u);
  EXPECT_EQ((*ann)[0].text, "gap: 32 frames lost");
  EXPECT_NEAR((*ann)[0].onset_s, 0.25, 1e-6);
  EXPECT_NEAR((*ann)[0].duration_s, 0.125, 1e-6);
}

// A process that dies without closing (kill -9, power cut after the kernel
// wrote the pages) leaves the header's count at -1 and maybe half a record.
TEST(EdfWriter, AFileNeverClosedStillReads) {
  scratch_dir dir;
  const std::string path = dir.file("crash.bdf");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto w = edf_writer::create(path, four_channels(edf_kind::bdf));
    if (!w) ::_exit(2);
    const auto values = sine_frames(10 * 64 + 10, 4, 256);
    if (!(*w)->write_physical(values, 10 * 64 + 10)) ::_exit(3);
    ::_exit(0);  // no destructor, no close: as if killed
  }
  int st = 0;
  ::waitpid(child, &st, 0);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  auto r = edf_reader::open(path);
  ASSERT_TRUE(r) << r.err().message;
  EXPECT_EQ((*r)->header().records, -1);
  EXPECT_EQ((*r)->records(), 10);
  EXPECT_EQ((*r)->trailing_bytes(), 0u);  // the 10 frames of record 11 never left the process
}

// A disk that fills up (simulated with RLIMIT_FSIZE, which fails writes with
// EFBIG the way a full disk fails them with ENOSPC): the writer stops, cuts the
// half-written record and leaves a valid file with the true record count.
TEST(EdfWriter, AWriteFailureLeavesAValidFile) {
  scratch_dir dir;
  const std::string path = dir.file("full.bdf");
  const std::size_t header = 256 * 6, record = 4 * 64 * 3 + 86 * 3;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit lim{header + record * 5 / 2, header + record * 5 / 2};
    ::setrlimit(RLIMIT_FSIZE, &lim);
    auto w = edf_writer::create(path, four_channels(edf_kind::bdf));
    if (!w) ::_exit(2);
    const auto values = sine_frames(5 * 64, 4, 256);
    const status s = (*w)->write_physical(values, 5 * 64);
    if (s || (*w)->failure().find("File too large") == std::string::npos) ::_exit(3);
    if ((*w)->write_physical(values, 1)) ::_exit(4);  // refuses after a failure
    (void)(*w)->close();
    ::_exit(0);
  }
  int st = 0;
  ::waitpid(child, &st, 0);
  ASSERT_TRUE(WIFEXITED(st));
  ASSERT_EQ(WEXITSTATUS(st), 0);
  auto r = edf_reader::open(path);
  ASSERT_TRUE(r) << r.err().message;
  EXPECT_EQ((*r)->header().records, 2);
  EXPECT_EQ((*r)->records(), 2);
  EXPECT_EQ((*r)->trailing_bytes(), 0u);
}

TEST(EdfWriter, RejectsRecordDurationsWithoutWholeSamples) {
  EXPECT_EQ(choose_record_seconds(250, 0).value(), 0.5);
  EXPECT_EQ(choose_record_seconds(160, 0).value(), 0.25);
  EXPECT_EQ(choose_record_seconds(4000, 0).value(), 0.25);
  EXPECT_FALSE(choose_record_seconds(250, 0.1 + 0.0004));
  EXPECT_FALSE(choose_record_seconds(333.3, 0));
}

}  // namespace
}  // namespace eegd::formats
