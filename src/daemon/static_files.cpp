#include "daemon/static_files.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemon/http_util.hpp"

namespace eegd::daemon {
namespace fs = std::filesystem;

static_files::static_files(std::string root) : root_(std::move(root)) {}

std::string static_files::content_type(const std::string& path) {
  static const std::pair<const char*, const char*> types[] = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
      {".ico", "image/x-icon"}, {".woff2", "font/woff2"}, {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"}, {".webmanifest", "application/manifest+json"}};
  const std::string ext = fs::path(path).extension().string();
  for (const auto& [e, t] : types)
    if (ext == e) return t;
  return "application/octet-stream";
}

std::optional<response> static_files::serve(const request& req, const std::string& path) const {
  if (root_.empty() || path.empty() || path[0] != '/') return std::nullopt;
  // Only plain relative names below the root: no "..", no hidden files.
  const fs::path rel = fs::path(path == "/" ? "/index.html" : path).relative_path();
  for (const auto& part : rel)
    if (part.string().empty() || part.string()[0] == '.') return std::nullopt;
  const fs::path file = fs::path(root_) / rel;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  response res = text_response(req, http::status::ok, body.str(), content_type(file.string()));
  const bool hashed = rel.begin() != rel.end() && rel.begin()->string() == "assets";
  res.set(http::field::cache_control, hashed ? "public, max-age=31536000, immutable" : "no-cache");
  res.set("X-Content-Type-Options", "nosniff");
  if (req.method() == http::verb::head) res.body().clear();
  return res;
}

std::string find_web_root() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("EEGD_WEB_ROOT"); env && *env) candidates.emplace_back(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path() / "../../web/dist");      // build/<preset>/eegd
    candidates.push_back(exe.parent_path() / "../share/eegd/web");   // <prefix>/bin/eegd
  }
  candidates.emplace_back("/usr/share/eegd/web");
  for (const auto& dir : candidates)
    if (fs::exists(dir / "index.html", ec)) return fs::weakly_canonical(dir, ec).string();
  return {};
}

}  // namespace eegd::daemon
