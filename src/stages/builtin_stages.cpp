#include "stages/builtin_stages.hpp"

#include "stages/dsp/passthrough.hpp"
#include "stages/dsp/to_voltage.hpp"
#include "stages/sinks/csv_sink.hpp"
#include "stages/sinks/edf_file_sink.hpp"
#include "stages/sinks/null_sink.hpp"
#include "stages/sinks/recorder.hpp"
#include "stages/sinks/websocket_sink.hpp"
#include "stages/sources/file_source.hpp"
#include "stages/sources/synthetic.hpp"

namespace eegd::stages {

void register_builtin_stages(core::stage_registry& r) {
  // Sources
  r.add<synthetic>("synthetic", "Deterministic ADS1299-like test signal: sines, mains, pink noise");
  r.add<file_source>("file", "Replays an EDF/BDF(+) or OpenBCI GUI text recording, in real time or as fast as possible");
  // Transforms
  r.add<to_voltage>("to_voltage", "ADC counts to microvolts using the sensor's gain and reference");
  r.add<passthrough>("passthrough", "Forwards packets untouched (framework overhead measurements)");
  // Sinks
  r.add<csv_sink>("csv_sink", "Writes frames to a CSV file with frame index and timestamp");
  r.add<bdf_sink>("bdf_sink", "Records to a BDF+ file (24-bit) that stays valid if the process dies");
  r.add<edf_sink>("edf_sink", "Records to an EDF+ file (16-bit) that stays valid if the process dies");
  r.add<recorder>("recorder", "Records sessions started through the daemon's /api/sessions to BDF+ or EDF+");
  r.add<null_sink>("null_sink", "Discards packets (benchmarks)");
  r.add<websocket_sink>("websocket_sink", "Publishes its input as a WebSocket topic of the daemon (/ws/data)");
}

}  // namespace eegd::stages
