#pragma once

// The two WebSocket endpoints. An HTTP session reads the upgrade request and
// hands its stream over: /ws/data streams topics from the broker, /ws/control
// carries the pipeline view and patches. Each lives in its own file (they are
// the heaviest Beast instantiations) and is compiled once per stream type.

#include <string>
#include <vector>

#include "daemon/http_api.hpp"
#include "daemon/net.hpp"
#include "daemon/sessions.hpp"

namespace eegd::daemon {

template <class Stream>
void start_data_session(Stream&& stream, request req, daemon_context& ctx, session_registry& sessions,
                        std::vector<std::string> topics);
template <class Stream>
void start_control_session(Stream&& stream, request req, daemon_context& ctx, session_registry& sessions);

extern template void start_data_session<tcp_stream>(tcp_stream&&, request, daemon_context&, session_registry&,
                                                    std::vector<std::string>);
extern template void start_data_session<unix_stream>(unix_stream&&, request, daemon_context&, session_registry&,
                                                     std::vector<std::string>);
extern template void start_control_session<tcp_stream>(tcp_stream&&, request, daemon_context&, session_registry&);
extern template void start_control_session<unix_stream>(unix_stream&&, request, daemon_context&, session_registry&);

}  // namespace eegd::daemon
