#include "formats/openbci_reader.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace eegd::formats {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    out.push_back(trim(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

bool to_number(std::string_view s, double& out) {
  if (s.empty() || s.size() > 40) return false;
  char buf[48];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  char* end = nullptr;
  out = std::strtod(buf, &end);
  return end == buf + s.size() && std::isfinite(out);
}

// "%Sample Rate = 250 Hz" -> "250 Hz"
std::string_view header_value(std::string_view line, std::string_view key) {
  if (!line.starts_with(key)) return {};
  const auto eq = line.find('=');
  return eq == std::string_view::npos ? std::string_view{} : trim(line.substr(eq + 1));
}

}  // namespace

result<openbci_recording> parse_openbci_text(std::string_view text, const std::string& name) {
  openbci_recording rec;
  std::size_t line_no = 0, pos = 0;
  std::vector<std::size_t> exg_columns;
  std::size_t counter_column = std::string_view::npos, timestamp_column = std::string_view::npos, columns = 0;
  std::int64_t declared_channels = -1;
  bool have_columns = false;
  int last_counter = -1;
  auto fail = [&](const std::string& what) { return error{name + ":" + std::to_string(line_no) + ": " + what, {}}; };
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::string_view line = trim(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (line.empty()) continue;
    if (line.front() == '%') {
      const std::string_view body = trim(line.substr(1));
      if (auto v = header_value(body, "Sample Rate"); !v.empty()) {
        double hz = 0;
        const std::string_view number = v.substr(0, v.find(' '));
        if (!to_number(number, hz) || !(hz > 0) || hz > 1e6) return fail("'Sample Rate' is not a rate: '" + std::string(v) + "'");
        rec.rate_hz = hz;
      } else if (auto n = header_value(body, "Number of channels"); !n.empty()) {
        double c = 0;
        if (!to_number(n, c) || c < 1 || c > 1024 || c != std::floor(c)) return fail("'Number of channels' is not a count: '" + std::string(n) + "'");
        declared_channels = static_cast<std::int64_t>(c);
      } else if (auto b = header_value(body, "Board"); !b.empty()) {
        rec.board = std::string(b);
      }
      continue;
    }
    const auto fields = split(line);
    if (!have_columns) {
      if (rec.rate_hz <= 0) return fail("no '%Sample Rate = N Hz' line before the column names");
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].starts_with("EXG Channel")) {
          exg_columns.push_back(i);
          rec.channel_names.emplace_back(fields[i]);
        } else if (fields[i] == "Sample Index") {
          counter_column = i;
        } else if (fields[i] == "Timestamp") {
          timestamp_column = i;
        }
      }
      if (exg_columns.empty()) return fail("the column names have no 'EXG Channel N' column: is this an OpenBCI GUI file?");
      if (declared_channels > 0 && static_cast<std::size_t>(declared_channels) != exg_columns.size())
        return fail("the header says " + std::to_string(declared_channels) + " channels but there are " +
                    std::to_string(exg_columns.size()) + " 'EXG Channel' columns");
      columns = fields.size();
      have_columns = true;
      continue;
    }
    if (fields.size() != columns)
      return fail("expected " + std::to_string(columns) + " columns, found " + std::to_string(fields.size()));
    for (std::size_t c = 0; c < exg_columns.size(); ++c) {
      double v = 0;
      if (!to_number(fields[exg_columns[c]], v))
        return fail("column '" + rec.channel_names[c] + "': not a number: '" + std::string(fields[exg_columns[c]]) + "'");
      rec.values.push_back(static_cast<float>(v));
    }
    if (counter_column != std::string_view::npos) {
      double v = 0;
      if (!to_number(fields[counter_column], v)) return fail("column 'Sample Index': not a number");
      const int counter = static_cast<int>(v);
      if (last_counter >= 0 && counter != (last_counter + 1) % 256) ++rec.counter_gaps;
      last_counter = counter;
    }
    if (rec.frames == 0 && timestamp_column != std::string_view::npos) {
      double ms = 0;
      if (to_number(fields[timestamp_column], ms)) rec.first_timestamp_ms = static_cast<std::int64_t>(ms);
    }
    ++rec.frames;
  }
  if (!have_columns) return error{name + ": no column names: not an OpenBCI GUI text file", {}};
  if (rec.frames == 0) return error{name + ": no data rows", {}};
  return rec;
}

result<openbci_recording> read_openbci_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return error{"cannot open '" + path + "': " + std::strerror(errno), {}};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_openbci_text(text.str(), path);
}

}  // namespace eegd::formats
