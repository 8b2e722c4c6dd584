#pragma once

// Who may talk to the daemon. HTTP requests must name the daemon in their Host
// header (defeats DNS rebinding); WebSocket upgrades that carry an Origin must
// come from a page the daemon served (defeats cross-site WebSocket hijacking);
// programs that send no Origin are allowed. When the daemon listens beyond
// loopback, a token is required as well (Bearer header or the eegd_token cookie
// that visiting /?token=... sets), except for reads under --public-read and for
// the browser UI's static files (GET outside /api/, /ws/ and /metrics).

#include <optional>
#include <string>
#include <vector>

#include "daemon/net.hpp"

namespace eegd::daemon {

struct access_policy {
  std::string bound_host;  // as given to --http, e.g. "127.0.0.1" or "0.0.0.0"
  unsigned port = 0;       // actual port
  std::vector<std::string> extra_hosts;  // --allow-host names (a reverse proxy, a kiosk hostname)
  std::string token;         // required when not empty
  bool public_read = false;  // GET/HEAD and /ws/data without the token

  // The names a Host header may use: the bound address, loopback names when
  // bound to loopback or any address, and the extra hosts; each with the port.
  bool host_allowed(std::string_view host_header) const;
  // An Origin is allowed when its host:port is one the Host check allows.
  bool origin_allowed(std::string_view origin) const;
  bool loopback_only() const;
};

// An error response when the request may not proceed, else nullopt. A visit
// to any page with the right ?token= gets a redirect that sets the cookie and
// drops the token from the address bar.
std::optional<response> check_access(const access_policy& policy, const request& req, bool websocket_upgrade);

// Compares in time independent of where the strings differ.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace eegd::daemon
