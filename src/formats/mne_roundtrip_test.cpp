// MNE-Python (Debian's python3-mne) as the reference reader: what eegd writes
// MNE reads back, and what eegd reads equals what MNE reads.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>

#include "formats/edf_reader.hpp"
#include "formats/edf_writer.hpp"
#include "formats/test_support.hpp"

namespace eegd::formats {
namespace {

using testing::read_with_mne;
using testing::scratch_dir;
using testing::shared_data;

edf_writer_options eight_channels(edf_kind kind) {
  edf_writer_options o;
  o.kind = kind;
  o.rate_hz = 250;
  o.start_unix_ns = 1'700'000'000'000'000'000;
  for (const char* name : {"Fp1", "Fp2", "C3", "C4", "P7", "P8", "O1", "O2"})
    o.channels.push_back({name, "uV", "", "HP:1Hz LP:40Hz N:50Hz", -1000, 1000});
  return o;
}

std::vector<float> signal(std::size_t frames, std::size_t channels) {
  std::vector<float> v(frames * channels);
  for (std::size_t f = 0; f < frames; ++f)
    for (std::size_t c = 0; c < channels; ++c)
      v[f * channels + c] = static_cast<float>(300.0 * std::sin(0.05 * static_cast<double>(f * (c + 1))) + 7.0 * static_cast<double>(c));
  return v;
}

TEST(MneRoundTrip, WrittenFilesReadBackInMne) {
  for (edf_kind kind : {edf_kind::bdf, edf_kind::edf}) {
    SCOPED_TRACE(kind == edf_kind::bdf ? "bdf" : "edf");
    scratch_dir dir;
    const std::string path = dir.file(kind == edf_kind::bdf ? "r.bdf" : "r.edf");
    auto w = edf_writer::create(path, eight_channels(kind));
    ASSERT_TRUE(w) << w.err().message;
    const std::size_t frames = 2500;  // 10 s, 20 records of 0.5 s
    const auto values = signal(frames, 8);
    ASSERT_TRUE((*w)->write_physical(values, 1000));
    (*w)->annotate((*w)->seconds_written(), -1, "eyes closed");
    (*w)->annotate(6.5, 1.0, "blink");
    ASSERT_TRUE((*w)->write_physical(std::span(values).subspan(1000 * 8), frames - 1000));
    ASSERT_TRUE((*w)->close());
    const double lsb = (*w)->header().signals[0].gain();

    const auto mne = read_with_mne(path);
    ASSERT_FALSE(mne.meta.is_null());
    EXPECT_EQ(mne.meta["sfreq"], 250.0);
    EXPECT_EQ(mne.meta["n_times"], frames);
    EXPECT_EQ(mne.meta["ch_names"][0], "Fp1");
    EXPECT_EQ(mne.meta["ch_names"][7], "O2");
    EXPECT_EQ(mne.meta["ch_names"].size(), 8u);
    double worst = 0;
    for (std::size_t c = 0; c < 8; ++c)
      for (std::size_t f = 0; f < frames; ++f) worst = std::max(worst, std::fabs(mne.at(c, f) - values[f * 8 + c]));
    EXPECT_LE(worst, lsb) << "1 LSB = " << lsb << " uV";
    const auto& ann = mne.meta["annotations"];
    ASSERT_EQ(ann.size(), 2u) << ann.dump();
    EXPECT_EQ(ann[0]["description"], "eyes closed");
    EXPECT_NEAR(ann[0]["onset"].get<double>(), 4.0, 1e-6);
    EXPECT_EQ(ann[1]["description"], "blink");
    EXPECT_NEAR(ann[1]["onset"].get<double>(), 6.5, 1e-6);
    EXPECT_NEAR(ann[1]["duration"].get<double>(), 1.0, 1e-6);
  }
}

TEST(MneRoundTrip, AFileCutByACrashOpensInMne) {
  scratch_dir dir;
  const std::string path = dir.file("cut.bdf");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto w = edf_writer::create(path, eight_channels(edf_kind::bdf));
    const auto values = signal(1300, 8);
    if (!w || !(*w)->write_physical(values, 1300)) ::_exit(3);
    ::_exit(0);  // 10 whole records of 125 frames, 50 frames never written
  }
  int st = 0;
  ::waitpid(child, &st, 0);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  const auto mne = read_with_mne(path);
  ASSERT_FALSE(mne.meta.is_null());
  EXPECT_EQ(mne.meta["n_times"], 1250u);
}

// eegd's reader against MNE's on files other programs wrote.
void expect_reader_matches_mne(const std::string& path) {
  auto r = edf_reader::open(path);
  ASSERT_TRUE(r) << r.err().message;
  const auto mne = read_with_mne(path);
  ASSERT_FALSE(mne.meta.is_null());
  const edf_header& h = (*r)->header();
  std::vector<std::size_t> compared;  // our signal index for each MNE non-stim channel
  for (std::size_t i = 0, m = 0; i < h.signals.size(); ++i) {
    if (h.signals[i].is_annotation()) continue;
    ASSERT_LT(m, mne.meta["ch_names"].size());
    EXPECT_EQ(mne.meta["ch_names"][m], h.signals[i].label);
    if (mne.meta["ch_types"][m] != "stim") compared.push_back(i);
    ++m;
  }
  const std::size_t spr = static_cast<std::size_t>(h.signals[compared[0]].samples_per_record);
  EXPECT_EQ(mne.meta["sfreq"].get<double>(), static_cast<double>(spr) / h.record_seconds);
  ASSERT_EQ(mne.n_times, static_cast<std::size_t>((*r)->records()) * spr);
  std::vector<std::vector<std::int32_t>> rec;
  double worst = 0;
  for (std::int64_t k = 0; k < (*r)->records(); ++k) {
    ASSERT_TRUE((*r)->read_record(k, rec));
    for (std::size_t j = 0; j < compared.size(); ++j) {
      const edf_signal& s = h.signals[compared[j]];
      for (std::size_t i = 0; i < spr; ++i) {
        const double ours = s.to_physical(rec[compared[j]][i]) * (s.physical_dimension == "mV" ? 1e3 : 1.0);
        worst = std::max(worst, std::fabs(ours - mne.at(j, static_cast<std::size_t>(k) * spr + i)) / s.gain());
      }
    }
  }
  EXPECT_LT(worst, 1e-3) << "largest difference, in LSB";
  auto ann = (*r)->read_annotations();
  ASSERT_TRUE(ann) << ann.err().message;
  ASSERT_EQ(ann->size(), mne.meta["annotations"].size());
  for (std::size_t i = 0; i < ann->size(); ++i) {
    EXPECT_EQ((*ann)[i].text, mne.meta["annotations"][i]["description"]);
    EXPECT_NEAR((*ann)[i].onset_s, mne.meta["annotations"][i]["onset"].get<double>(), 1e-6);
  }
}

TEST(MneRoundTrip, ReaderMatchesMneOnEegmmidb) { expect_reader_matches_mne(shared_data("eegmmidb_S001R01.edf")); }
TEST(MneRoundTrip, ReaderMatchesMneOnBiosemiBdf) { expect_reader_matches_mne(shared_data("mne_test.bdf")); }

}  // namespace
}  // namespace eegd::formats
