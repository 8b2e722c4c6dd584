#include "formats/test_support.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace eegd::formats::testing {

scratch_dir::scratch_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "eegd-formats-XXXXXX").string();
  path_ = ::mkdtemp(tmpl.data());
}

scratch_dir::~scratch_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string shared_data(const std::string& name) { return std::string(EEGD_SOURCE_DIR) + "/../shared/data/" + name; }

mne_file read_with_mne(const std::string& path) {
  mne_file out;
  const std::string values = path + ".mne-values";
  const std::string cmd = "/usr/bin/python3 " + std::string(EEGD_SOURCE_DIR) + "/tests/golden/mne_read.py '" + path +
                          "' '" + values + "' 2>&1";
  std::string text;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
    const int rc = ::pclose(p);
    EXPECT_EQ(WEXITSTATUS(rc), 0) << "MNE could not read " << path << ":\n" << text;
    if (WEXITSTATUS(rc) != 0) return out;
  }
  out.meta = nlohmann::json::parse(text, nullptr, false);
  EXPECT_FALSE(out.meta.is_discarded()) << text;
  if (out.meta.is_discarded()) return out;
  out.n_times = out.meta["n_times"].get<std::size_t>();
  std::ifstream in(values, std::ios::binary | std::ios::ate);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  out.values.resize(bytes / sizeof(double));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(out.values.data()), static_cast<std::streamsize>(bytes));
  std::filesystem::remove(values);
  return out;
}

}  // namespace eegd::formats::testing
