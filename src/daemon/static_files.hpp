#pragma once

// Serves the browser UI (web/dist) at /. Files whose names carry a content
// hash (assets/*-HASH.js) are cached for a year; index.html is never cached, so
// a new build is picked up on reload.

#include <optional>
#include <string>

#include "daemon/net.hpp"

namespace eegd::daemon {

class static_files {
 public:
  // `root` may be empty or missing: then nothing is served from disk.
  explicit static_files(std::string root);
  // A response for GET/HEAD of `path`, or nullopt when there is no such file.
  std::optional<response> serve(const request& req, const std::string& path) const;
  const std::string& root() const { return root_; }

  static std::string content_type(const std::string& path);

 private:
  std::string root_;
};

// Where the UI is: $EEGD_WEB_ROOT, web/dist next to a build tree, or
// /usr/share/eegd/web. Empty when none exists.
std::string find_web_root();

}  // namespace eegd::daemon
