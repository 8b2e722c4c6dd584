#include "stages/builtin_stages.hpp"

#include "stages/dsp/passthrough.hpp"
#include "stages/dsp/to_voltage.hpp"
#include "stages/sinks/csv_sink.hpp"
#include "stages/sinks/null_sink.hpp"
#include "stages/sinks/websocket_sink.hpp"
#include "stages/sources/ads1299.hpp"
#include "stages/sources/synthetic.hpp"

namespace eegd::stages {

void register_builtin_stages(core::stage_registry& r) {
  // Sources
  r.add<ads1299>("ads1299", "TI ADS1299 over SPI on a Raspberry Pi 5 (1-4 daisy-chained chips), or its emulator");
  r.add<synthetic>("synthetic", "Deterministic ADS1299-like test signal: sines, mains, pink noise");
  // Transforms
  r.add<to_voltage>("to_voltage", "ADC counts to microvolts using the sensor's gain and reference");
  r.add<passthrough>("passthrough", "Forwards packets untouched (framework overhead measurements)");
  // Sinks
  r.add<csv_sink>("csv_sink", "Writes frames to a CSV file with frame index and timestamp");
  r.add<null_sink>("null_sink", "Discards packets (benchmarks)");
  r.add<websocket_sink>("websocket_sink", "Publishes its input as a WebSocket topic of the daemon (/ws/data)");
}

}  // namespace eegd::stages
