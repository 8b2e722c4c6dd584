#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "eegd/stage.hpp"

namespace eegd::stages {

// Keeps some channels, in the order given: by name (`names: [Cz, Pz]`) or by
// zero-based position (`indices: [0, 3]`), not both. A channel may be listed
// twice. Works on any stream kind and carries counts and values alike.
struct select final : eegd::transform<select> {
  std::vector<std::string> names_;
  std::vector<double> indices_;

  static constexpr auto params = eegd::param_list(
      eegd::param<&select::names_>("names").max_items(1024).doc("channels to keep, by name"),
      eegd::param<&select::indices_>("indices").range(0, 1e6).max_items(1024)
          .doc("channels to keep, by zero-based position"));

  eegd::status build(eegd::build_context& ctx);
  eegd::flow process(const eegd::packet_ref& in, eegd::emitter& out) noexcept;

 private:
  std::vector<std::size_t> pick_;
};

}  // namespace eegd::stages
