// Recording and replay through the real eegd binary (`eegd run`), checked with
// MNE-Python: what the sinks write MNE reads back with the right values,
// labels, rate and annotations; replayed files come out equal to the originals.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "formats/edf_reader.hpp"
#include "formats/edf_writer.hpp"
#include "formats/openbci_reader.hpp"
#include "formats/test_support.hpp"
#include "support/process.hpp"

namespace eegd::testing {
namespace {

using formats::testing::mne_file;
using formats::testing::read_with_mne;
using formats::testing::shared_data;

// Runs `eegd run` on `yaml` saved as pipeline.yaml in `dir` (so relative paths land there).
void run_pipeline(const temp_dir& dir, const std::string& yaml, std::vector<std::string> extra = {}) {
  dir.write("pipeline.yaml", yaml);
  std::vector<std::string> argv = {eegd_binary(), "run", dir.file("pipeline.yaml")};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const auto r = run(argv, std::chrono::seconds(120));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
}

// Columns of a CSV written by csv_sink, by header name.
std::map<std::string, std::vector<double>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> names;
  std::stringstream header(line);
  for (std::string n; std::getline(header, n, ',');) names.push_back(n);
  std::map<std::string, std::vector<double>> cols;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::size_t i = 0;
    for (std::string v; std::getline(row, v, ',') && i < names.size(); ++i) cols[names[i]].push_back(std::atof(v.c_str()));
  }
  return cols;
}

double lsb_of(const std::string& path, std::size_t signal) {
  auto r = formats::edf_reader::open(path);
  EXPECT_TRUE(r) << r.err().message;
  return r ? (*r)->header().signals[signal].gain() : 0.0;
}

TEST(Recording, SinksWriteWhatMneReadsBack) {
  temp_dir dir;
  run_pipeline(dir,
               "stages:\n"
               "  - synthetic: { channels: 4, rate: 256, batch: 16, realtime: false, sine_hz: [7, 11] }\n"
               "  - bdf_sink: { name: raw_bdf, path: raw.bdf }\n"
               "  - csv_sink: { name: raw_csv, inputs: synthetic, path: raw.csv }\n"
               "  - to_voltage: { inputs: synthetic }\n"
               "  - bdf_sink: { name: uv_bdf, path: uv.bdf }\n"
               "  - edf_sink: { name: uv_edf, inputs: to_voltage, path: uv.edf, range_uv: 1000 }\n"
               "  - csv_sink: { name: uv_csv, inputs: to_voltage, path: uv.csv, precision: 9 }\n",
               {"--duration", "4"});
  const auto raw_csv = read_csv(dir.file("raw.csv"));
  const auto uv_csv = read_csv(dir.file("uv.csv"));
  const std::vector<std::string> labels = {"Fp1", "Fp2", "C3", "C4"};
  const double uv_per_count = 4.5 / (24 * 8388608.0) * 1e6;
  struct check {
    std::string file;
    const std::map<std::string, std::vector<double>>* csv;
    std::string suffix;
    double scale;
  };
  for (const check& c : {check{"raw.bdf", &raw_csv, "", uv_per_count}, check{"uv.bdf", &uv_csv, "", 1.0},
                         check{"uv.edf", &uv_csv, "", 1.0}}) {
    SCOPED_TRACE(c.file);
    const mne_file mne = read_with_mne(dir.file(c.file));
    ASSERT_FALSE(mne.meta.is_null());
    EXPECT_EQ(mne.meta["sfreq"], 256.0);
    ASSERT_EQ(mne.meta["ch_names"].size(), 4u);
    const std::size_t frames = c.csv->at("frame").size();
    EXPECT_GE(frames, 1024u);
    EXPECT_GE(mne.n_times, frames);  // the last record is padded
    const double lsb = lsb_of(dir.file(c.file), 0);
    double worst = 0;
    for (std::size_t ch = 0; ch < 4; ++ch) {
      EXPECT_EQ(mne.meta["ch_names"][ch], labels[ch]);
      const auto& col = c.csv->at(labels[ch]);
      for (std::size_t f = 0; f < frames; ++f) worst = std::max(worst, std::fabs(mne.at(ch, f) - col[f] * c.scale));
    }
    EXPECT_LE(worst, lsb * 1.01) << "1 LSB = " << lsb << " uV";
  }
}

// The annotations MNE read, without the one eegd adds itself when it pads the
// last record ("end of data: ...").
nlohmann::json file_annotations(const mne_file& f) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : f.meta["annotations"])
    if (a["description"].get<std::string>().rfind("end of data", 0) != 0) out.push_back(a);
  return out;
}

// Same descriptions and durations, onsets equal to EDF+'s written precision.
void expect_annotations_equal(const nlohmann::json& expected, const nlohmann::json& actual) {
  ASSERT_EQ(actual.size(), expected.size()) << "expected " << expected.dump() << "\nread " << actual.dump();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE("annotation " + std::to_string(i) + ": " + expected[i].dump());
    EXPECT_EQ(actual[i]["description"], expected[i]["description"]);
    EXPECT_NEAR(actual[i]["onset"].get<double>(), expected[i]["onset"].get<double>(), 1e-6);
    EXPECT_NEAR(actual[i]["duration"].get<double>(), expected[i]["duration"].get<double>(), 1e-6);
  }
}

// A replayed file written back out equals the original, as MNE reads both:
// values within one LSB, and every annotation at its onset.
void expect_replay_equal(const std::string& original, const std::string& sink, const std::string& out_name) {
  temp_dir dir;
  run_pipeline(dir, "stages:\n  - file: { path: " + original + ", realtime: false }\n  - " + sink + ": { path: " + out_name + " }\n");
  const mne_file a = read_with_mne(original);
  const mne_file b = read_with_mne(dir.file(out_name));
  ASSERT_FALSE(a.meta.is_null());
  ASSERT_FALSE(b.meta.is_null());
  EXPECT_EQ(a.meta["sfreq"], b.meta["sfreq"]);
  EXPECT_EQ(a.meta["ch_names"], b.meta["ch_names"]);
  expect_annotations_equal(a.meta["annotations"], file_annotations(b));
  ASSERT_GE(b.n_times, a.n_times);
  const double lsb = lsb_of(dir.file(out_name), 0);
  const std::size_t channels = a.values.size() / a.n_times;
  double worst = 0;
  for (std::size_t c = 0; c < channels; ++c)
    for (std::size_t i = 0; i < a.n_times; ++i) worst = std::max(worst, std::fabs(a.at(c, i) - b.at(c, i)));
  EXPECT_LE(worst, lsb * 1.01) << "1 LSB = " << lsb << " uV";
}

TEST(Recording, ReplayedEdfEqualsTheOriginal) {
  expect_replay_equal(shared_data("eegmmidb_S001R01.edf"), "edf_sink", "replay.edf");
}

TEST(Recording, ReplayedBdfEqualsTheOriginal) {
  expect_replay_equal(shared_data("mne_test.bdf"), "bdf_sink", "replay.bdf");
}

TEST(Recording, TheEdfFromPhysionetKeepsItsAnnotation) {
  // The replay test above is only as strong as the original's annotations:
  // make sure there is one to keep.
  const mne_file a = read_with_mne(shared_data("eegmmidb_S001R01.edf"));
  ASSERT_EQ(a.meta["annotations"].size(), 1u);
  EXPECT_EQ(a.meta["annotations"][0]["description"], "T0");
}

// Writes a 2 s BDF+ at 256 Hz with markers at onsets that fall inside records
// and packets, one with a duration and one on the very last sample.
std::string write_annotated_bdf(const temp_dir& dir) {
  formats::edf_writer_options o;
  o.kind = formats::edf_kind::bdf;
  o.rate_hz = 256;
  for (const char* label : {"Cz", "Pz"}) o.channels.push_back({label, "uV", "", "", -1000, 1000, 0, 0});
  const std::string path = dir.file("annotated.bdf");
  auto w = formats::edf_writer::create(path, o);
  EXPECT_TRUE(w) << w.err().message;
  std::vector<float> frames(512 * 2);
  for (std::size_t f = 0; f < 512; ++f)
    for (std::size_t c = 0; c < 2; ++c)
      frames[f * 2 + c] = static_cast<float>(100 * std::sin(2 * M_PI * 10 * static_cast<double>(f) / 256 + static_cast<double>(c)));
  (*w)->annotate(0.0, -1, "start");
  (*w)->annotate(0.3, 0.5, "stimulus A");
  (*w)->annotate(1.37109375, -1, "stimulus B");
  (*w)->annotate(511.0 / 256, -1, "last sample");
  EXPECT_TRUE((*w)->write_physical(frames, 512));
  EXPECT_TRUE((*w)->close());
  return path;
}

TEST(Recording, ALoopingReplayRepeatsTheAnnotationsOfEveryPass) {
  temp_dir dir;
  const std::string original = write_annotated_bdf(dir);
  const mne_file a = read_with_mne(original);
  ASSERT_EQ(a.meta["annotations"].size(), 4u) << a.meta.dump();
  // batch 7: packet edges fall between annotation onsets and record edges.
  run_pipeline(dir, "stages:\n  - file: { path: annotated.bdf, realtime: false, loop: true, batch: 7 }\n"
                    "  - bdf_sink: { path: looped.bdf }\n"
                    "  - csv_sink: { inputs: file, path: looped.csv, markers: true }\n",
               {"--duration", "5"});
  const mne_file b = read_with_mne(dir.file("looped.bdf"));
  ASSERT_FALSE(b.meta.is_null());
  // 5 s of data: two whole passes, each marker shifted by the passes before
  // it, then the third pass's markers up to 5 s (4.0 and 4.3 s; the next is at 5.37 s).
  ASSERT_GE(b.n_times, 5u * 256);
  nlohmann::json expected = nlohmann::json::array();
  for (int pass = 0; pass < 3; ++pass)
    for (const auto& ann : a.meta["annotations"]) {
      nlohmann::json shifted = ann;
      shifted["onset"] = ann["onset"].get<double>() + 2.0 * pass;
      if (shifted["onset"].get<double>() < 5.0) expected.push_back(shifted);
    }
  ASSERT_EQ(expected.size(), 10u);
  expect_annotations_equal(expected, file_annotations(b));

  // The CSV's marker column has each on the frame whose period holds its onset.
  std::map<std::uint64_t, std::string> csv_markers;
  std::ifstream csv(dir.file("looped.csv"));
  std::string line;
  std::getline(csv, line);
  while (std::getline(csv, line)) {
    const std::string marker = line.substr(line.rfind(',') + 1);
    if (!marker.empty()) csv_markers[std::stoull(line.substr(0, line.find(',')))] = marker;
  }
  std::map<std::uint64_t, std::string> expected_csv;
  for (const auto& e : expected)
    expected_csv[static_cast<std::uint64_t>(std::floor(e["onset"].get<double>() * 256))] = e["description"];
  EXPECT_EQ(csv_markers, expected_csv);
}

TEST(Recording, OpenbciTextReplaysWithItsValuesAndRate) {
  const std::string txt = shared_data("OpenBCI_GUI-v6-blinks-jawClench-alpha.txt");
  temp_dir dir;
  run_pipeline(dir, "stages:\n  - file: { path: " + txt + ", realtime: false, batch: 50 }\n  - bdf_sink: { path: obci.bdf }\n");
  auto original = formats::read_openbci_text(txt);
  ASSERT_TRUE(original);
  const mne_file mne = read_with_mne(dir.file("obci.bdf"));
  ASSERT_FALSE(mne.meta.is_null());
  EXPECT_EQ(mne.meta["sfreq"], 250.0);
  EXPECT_EQ(mne.meta["ch_names"][0], "EXG Channel 0");
  ASSERT_GE(mne.n_times, original->frames);
  const double lsb = lsb_of(dir.file("obci.bdf"), 0);
  double worst = 0;
  for (std::size_t c = 0; c < 8; ++c)
    for (std::size_t f = 0; f < original->frames; ++f)
      worst = std::max(worst, std::fabs(mne.at(c, f) - original->values[f * 8 + c]));
  EXPECT_LE(worst, lsb * 1.01) << "1 LSB = " << lsb << " uV";
}

TEST(Recording, AMalformedFileIsAClearBuildError) {
  temp_dir dir;
  dir.write("bad.edf", std::string(300, 'x'));
  dir.write("pipeline.yaml", "stages:\n  - file: { path: bad.edf }\n  - null_sink: {}\n");
  const auto r = run({eegd_binary(), "run", dir.file("pipeline.yaml")}, std::chrono::seconds(30));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("bad.edf"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'version' at byte 0"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace eegd::testing
