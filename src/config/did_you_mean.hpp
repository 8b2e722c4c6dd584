#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eegd::config {

// Edit distance counting insertions, deletions, substitutions and swaps of
// neighbours ("chanels" -> "channels" is 1, "rtae" -> "rate" is 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate when it is close enough to be a plausible typo.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace eegd::config
