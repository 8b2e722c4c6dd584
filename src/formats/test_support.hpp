#pragma once

// Helpers shared by the format tests: temporary files and MNE as the reference reader.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace eegd::formats::testing {

// A fresh directory under $TMPDIR, removed with everything in it.
class scratch_dir {
 public:
  scratch_dir();
  ~scratch_dir();
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct mne_file {
  nlohmann::json meta;         // what tests/golden/mne_read.py prints
  std::vector<double> values;  // non-stim channels in uV, channel after channel
  std::size_t n_times = 0;
  double at(std::size_t channel, std::size_t sample) const { return values[channel * n_times + sample]; }
};

// Reads `path` with MNE through /usr/bin/python3. Fails the test (and returns
// an empty meta) when MNE cannot read it.
mne_file read_with_mne(const std::string& path);

std::string shared_data(const std::string& name);

}  // namespace eegd::formats::testing
