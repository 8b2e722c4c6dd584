#pragma once

#include <nlohmann/json.hpp>

#include "core/executor.hpp"

namespace eegd::observe {

// Per-stage, per-edge and per-thread counters of a pipeline run, plus derived
// figures (data seconds, speed against real time, drops, latency, overhead).
// The format is documented in docs/stats.md.
nlohmann::json stats_to_json(const core::executor& exec, const core::executor_stats& stats);

// {"p50", "p99", "max", "count", "mean"} in the histogram's unit.
nlohmann::json quantiles_json(const core::histogram::snapshot& h);

// Seconds of data the sources produced (the longest source).
double data_seconds(const core::executor& exec, const core::executor_stats& stats);

std::uint64_t total_drops(const core::executor_stats& stats);

}  // namespace eegd::observe
