#pragma once

// What flows on an edge, decided once when the pipeline is built: each stage
// sees the stream_info of its inputs and declares the one of its output.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "eegd/events.hpp"
#include "eegd/packet.hpp"

namespace eegd {

// Settings of one acquisition device. Shared between the pipeline runs that use
// the device and kept across daemon restarts; any change bumps meta_rev, which
// every packet carries in its header.
struct sensor_meta {
  std::uint32_t sensor_id = 0;
  std::uint32_t meta_rev = 0;
  std::string device;  // e.g. "synthetic", "ads1299", "file"
  double rate_hz = 0.0;
  std::vector<std::string> channel_names;
  std::vector<double> gain;          // amplifier gain per channel (1 where not applicable)
  double vref_v = 0.0;               // ADC reference voltage (0 where not applicable)
  std::vector<double> uv_per_count;  // microvolts per ADC count, per channel
  int resolution_bits = 0;           // ADC resolution (24 for ADS1299)

  // Same settings (ignoring sensor_id and meta_rev)?
  bool same_settings(const sensor_meta& o) const {
    return device == o.device && rate_hz == o.rate_hz && channel_names == o.channel_names &&
           gain == o.gain && vref_v == o.vref_v && uv_per_count == o.uv_per_count &&
           resolution_bits == o.resolution_bits;
  }
};

// Hands out stable sensor ids and the current meta_rev for each device. Sources
// publish their settings here when they are built.
class sensor_registry {
 public:
  // `key` identifies the physical or virtual device across runs (e.g. the SPI
  // device path, or "synthetic:<stage name>"). Returns the stored meta with
  // sensor_id and meta_rev filled in; meta_rev increments when settings changed.
  virtual std::shared_ptr<const sensor_meta> publish(const std::string& key, sensor_meta meta) = 0;
  // Latest published meta for a sensor id, or null.
  virtual std::shared_ptr<const sensor_meta> find(std::uint32_t sensor_id) const = 0;

 protected:
  ~sensor_registry() = default;
};

struct stream_info {
  packet_kind kind = packet_kind::voltage;
  double rate_hz = 0.0;
  std::uint32_t channels = 0;
  std::vector<std::string> channel_names;  // one per channel (features for derived streams)
  std::vector<std::string> units;          // one per channel: "uV", "counts", "uV^2", "ratio"...
  std::uint32_t max_frames = 0;            // largest packet this stream carries
  std::vector<double> uv_per_count;        // per channel, for streams that carry counts
  std::shared_ptr<const sensor_meta> sensor;  // the device this stream comes from
  // Filters applied so far, human-readable, e.g. "HP:1Hz LP:40Hz N:60Hz"
  // (recorders copy it into EDF/BDF prefilter fields).
  std::string prefilter;
  // Annotations that come with the data (events.hpp); null when the source has none.
  std::shared_ptr<event_track> events;

  // Sets channels, names and one unit for all of them.
  void set_channels(std::vector<std::string> names, const std::string& unit) {
    channels = static_cast<std::uint32_t>(names.size());
    channel_names = std::move(names);
    units.assign(channels, unit);
  }
};

}  // namespace eegd
