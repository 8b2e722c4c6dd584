#include "config/yaml_reader.hpp"

#include <gtest/gtest.h>

#include "config/did_you_mean.hpp"
#include "config/pipeline_builder.hpp"
#include "stages/builtin_stages.hpp"

namespace eegd::config {
namespace {

const core::stage_registry& registry() {
  static const core::stage_registry r = [] {
    core::stage_registry reg;
    stages::register_builtin_stages(reg);
    return reg;
  }();
  return r;
}

// Reads and (dry-)builds; returns every error, reading errors first.
config_errors problems(const std::string& yaml) {
  auto read = read_pipeline_yaml(yaml, "p.yaml", "/tmp", registry());
  if (!read.doc) return read.errors;
  core::sensor_store sensors;
  core::build_env env;
  env.sensors = &sensors;
  env.dry_run = true;
  return build_pipeline(*read.doc, registry(), env).errors;
}

struct bad_pipeline {
  const char* what;
  std::string yaml;
  int line, col;
  const char* message;  // must appear in the error text
};

std::string deep_nesting(int levels) {
  std::string s = "stages:\n  - synthetic: { channel_names: ";
  for (int i = 0; i < levels; ++i) s += "[";
  for (int i = 0; i < levels; ++i) s += "]";
  return s + " }\n";
}

void PrintTo(const bad_pipeline& c, std::ostream* os) { *os << c.what; }

class InvalidPipeline : public ::testing::TestWithParam<bad_pipeline> {};

TEST_P(InvalidPipeline, IsRejectedWithPositionAndMessage) {
  const bad_pipeline& c = GetParam();
  const auto errors = problems(c.yaml);
  ASSERT_FALSE(errors.empty()) << c.what << " was accepted";
  const config_error& e = errors.front();
  EXPECT_EQ(e.where.file, "p.yaml");
  EXPECT_EQ(e.where.line, c.line) << e.to_string();
  EXPECT_EQ(e.where.col, c.col) << e.to_string();
  EXPECT_NE(e.message.find(c.message), std::string::npos) << e.to_string();
}

// Columns count from 1; "  - synthetic: { " is 17 characters.
INSTANTIATE_TEST_SUITE_P(
    Table, InvalidPipeline,
    ::testing::Values(
        bad_pipeline{"typo in a key", "stages:\n  - synthetic: { chanels: 8 }\n", 2, 18,
                     "unknown key 'chanels' for stage type 'synthetic' (did you mean 'channels'?)"},
        bad_pipeline{"unknown stage type", "stages:\n  - synthetic: {}\n  - to_voltag: {}\n", 3, 5,
                     "unknown stage type 'to_voltag' (did you mean 'to_voltage'?)"},
        bad_pipeline{"wrong value type", "stages:\n  - synthetic: { rate: fast }\n", 2, 24,
                     "'rate' of 'synthetic' expects a number (Hz), got 'fast'"},
        bad_pipeline{"quoted number", "stages:\n  - synthetic: { channels: \"8\" }\n", 2, 28,
                     "expects an integer"},
        bad_pipeline{"value out of range", "stages:\n  - synthetic: { rate: 1e9 }\n", 2, 24,
                     "out of range: 1000000000, allowed 1..64000 Hz"},
        bad_pipeline{"integer expected", "stages:\n  - synthetic: { channels: 2.5 }\n", 2, 28, "expects an integer"},
        bad_pipeline{"build-time check", "stages:\n  - synthetic: { gain: 3 }\n", 2, 24,
                     "must be one of 1, 2, 4, 6, 8, 12, 24"},
        bad_pipeline{"build-time check against another value",
                     "stages:\n  - synthetic: { rate: 100, sine_hz: [10, 60] }\n", 2, 38,
                     "stage 'synthetic': must be below Nyquist (50 Hz), got 60"},
        bad_pipeline{"duplicate name",
                     "stages:\n  - synthetic: { name: a }\n  - to_voltage: { name: a }\n", 3, 25,
                     "duplicate stage name 'a' (first used at 2:24)"},
        bad_pipeline{"dangling input",
                     "stages:\n  - synthetic: {}\n  - to_voltage: { inputs: [synthetc] }\n", 3, 28,
                     "input 'synthetc' is not the name of any stage (did you mean 'synthetic'?)"},
        bad_pipeline{"cycle",
                     "stages:\n  - synthetic: {}\n  - passthrough: { name: a, inputs: [b] }\n"
                     "  - passthrough: { name: b, inputs: [a] }\n",
                     3, 5, "stages form a cycle: a -> b -> a"},
        bad_pipeline{"input from a sink",
                     "stages:\n  - synthetic: {}\n  - null_sink: {}\n  - to_voltage: { inputs: null_sink }\n", 4, 27,
                     "input 'null_sink' is a sink, which has no output"},
        bad_pipeline{"source given inputs", "stages:\n  - synthetic: {}\n  - synthetic: { name: b, inputs: [synthetic] }\n",
                     3, 36, "is a source and takes no inputs"},
        bad_pipeline{"missing required parameter", "stages:\n  - synthetic: {}\n  - csv_sink: {}\n", 3, 5,
                     "needs 'path'"},
        bad_pipeline{"first stage has no input", "stages:\n  - to_voltage: {}\n", 2, 5, "has no input"},
        bad_pipeline{"wrong input kind", "stages:\n  - synthetic: {}\n  - to_voltage: {}\n  - to_voltage: { name: x }\n",
                     4, 5, "needs raw counts as input"},
        bad_pipeline{"stages not a list", "stages: { synthetic: {} }\n", 1, 9, "'stages' must be a list"},
        bad_pipeline{"stage written wrong", "stages:\n  - synthetic: {}\n    to_voltage: {}\n", 2, 5,
                     "each stage is written '- type: { parameters }'"},
        bad_pipeline{"unknown top-level key", "stage:\n  - synthetic: {}\n", 1, 1,
                     "unknown key 'stage' (did you mean 'stages'?)"},
        bad_pipeline{"no stages at all", "name: empty\n", 1, 1, "missing 'stages'"},
        bad_pipeline{"bad overflow policy",
                     "stages:\n  - synthetic: {}\n  - null_sink: { queue: { overflow: drop_old } }\n", 3, 37,
                     "(did you mean 'drop_oldest'?)"},
        bad_pipeline{"bad error policy", "stages:\n  - synthetic: {}\n  - null_sink: { on_error: ignore }\n", 3, 28,
                     "'on_error' must be one of fatal, drain_then_stop, skip_packet"},
        bad_pipeline{"bad group settings", "groups:\n  dsp: { threads: 0 }\nstages:\n  - synthetic: {}\n", 2, 19,
                     "'threads' must be an integer in 1..64"},
        bad_pipeline{"YAML syntax error", "stages:\n  - synthetic: { channels: 8\n", 3, 1, "invalid YAML"},
        bad_pipeline{"too deeply nested", deep_nesting(40), 2, 61, "nesting deeper than 32 levels"},
        bad_pipeline{"too big", std::string(2 << 20, '#'), 0, 0, "the limit is 1048576"}),
    [](const ::testing::TestParamInfo<bad_pipeline>& test) {
      std::string name = test.param.what;
      for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return name;
    });

TEST(ValidPipeline, EveryErrorIsReportedNotJustTheFirst) {
  const auto errors = problems("stages:\n  - synthetic: { chanels: 8, rte: 2 }\n  - nope: {}\n");
  EXPECT_EQ(errors.size(), 3u);
}

TEST(ValidPipeline, NamesDefaultToTypeAndInputsToTheNearestProducer) {
  auto read = read_pipeline_yaml(
      "stages:\n"
      "  - synthetic\n"
      "  - passthrough:\n"
      "  - null_sink: {}\n"
      "  - passthrough: { group: sinks, queue: { capacity: 16, overflow: drop_oldest, block_timeout_ms: 5 } }\n"
      "  - csv_sink: { path: out.csv, on_error: drain_then_stop }\n",
      "p.yaml", "/data", registry());
  ASSERT_TRUE(read.doc) << (read.errors.empty() ? "" : read.errors[0].to_string());
  const auto& s = read.doc->stages;
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[1].name, "passthrough");
  EXPECT_EQ(s[3].name, "passthrough_2");
  EXPECT_EQ(s[2].inputs, std::vector<std::string>{"passthrough"});
  EXPECT_EQ(s[3].inputs, std::vector<std::string>{"passthrough"}) << "a sink in between is skipped";
  EXPECT_EQ(s[4].inputs, std::vector<std::string>{"passthrough_2"});
  EXPECT_EQ(s[3].group, "sinks");
  EXPECT_EQ(s[3].queue.capacity.value_or(0), 16u);
  EXPECT_EQ(s[3].queue.overflow.value_or(core::overflow_policy::block), core::overflow_policy::drop_oldest);
  EXPECT_EQ(s[4].on_error.value_or(core::error_policy::fatal), core::error_policy::drain_then_stop);
  EXPECT_EQ(read.doc->base_dir, "/data");
}

TEST(ValidPipeline, ParametersKeepTheirPositionsAndTypes) {
  auto read = read_pipeline_yaml("stages:\n  - synthetic: { channels: 4, rate: 500.5, sine_hz: 7, realtime: no }\n",
                                 "p.yaml", "/", registry());
  ASSERT_TRUE(read.doc);
  const stage_doc& s = read.doc->stages[0];
  const param_entry* rate = s.find_param("rate");
  ASSERT_TRUE(rate);
  EXPECT_EQ(std::get<double>(rate->value), 500.5);
  EXPECT_EQ(rate->value_at.line, 2);
  EXPECT_EQ(rate->value_at.col, 37);
  EXPECT_EQ(std::get<std::int64_t>(s.find_param("channels")->value), 4);
  EXPECT_EQ(std::get<std::vector<double>>(s.find_param("sine_hz")->value), std::vector<double>{7});
  EXPECT_EQ(std::get<bool>(s.find_param("realtime")->value), false);
}

TEST(DidYouMean, SuggestsOnlyPlausibleTypos) {
  const std::vector<std::string> words = {"channels", "rate", "batch", "bandpass", "bandstop"};
  EXPECT_EQ(closest_match("chanels", words).value_or(""), "channels");
  EXPECT_EQ(closest_match("rtae", words).value_or(""), "rate");
  EXPECT_EQ(closest_match("bandpas", words).value_or(""), "bandpass");
  EXPECT_FALSE(closest_match("frequency", words).has_value());
  EXPECT_EQ(edit_distance("abc", "abc"), 0u);
  EXPECT_EQ(edit_distance("ab", "ba"), 1u);
}

}  // namespace
}  // namespace eegd::config
