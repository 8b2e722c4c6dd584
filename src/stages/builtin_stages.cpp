#include "stages/builtin_stages.hpp"

#include "stages/dsp/align_and_zip.hpp"
#include "stages/dsp/band_power.hpp"
#include "stages/dsp/bandpass.hpp"
#include "stages/dsp/bandstop.hpp"
#include "stages/dsp/downsample.hpp"
#include "stages/dsp/highpass.hpp"
#include "stages/dsp/lowpass.hpp"
#include "stages/dsp/notch.hpp"
#include "stages/dsp/passthrough.hpp"
#include "stages/dsp/rereference.hpp"
#include "stages/dsp/select.hpp"
#include "stages/dsp/sos_stage.hpp"
#include "stages/dsp/to_voltage.hpp"
#include "stages/sinks/csv_sink.hpp"
#include "stages/sinks/edf_file_sink.hpp"
#include "stages/sinks/null_sink.hpp"
#include "stages/sinks/recorder.hpp"
#include "stages/sinks/websocket_sink.hpp"
#include "stages/sources/ads1299.hpp"
#include "stages/sources/file_source.hpp"
#include "stages/sources/synthetic.hpp"

namespace eegd::stages {

void register_builtin_stages(core::stage_registry& r) {
  // Sources
  r.add<ads1299>("ads1299", "TI ADS1299 over SPI on a Raspberry Pi 5 (1-4 daisy-chained chips), or its emulator");
  r.add<synthetic>("synthetic", "Deterministic ADS1299-like test signal: sines, mains, pink noise");
  r.add<file_source>("file", "Replays an EDF/BDF(+) or OpenBCI GUI text recording, in real time or as fast as possible");
  // Transforms
  r.add<to_voltage>("to_voltage", "ADC counts to microvolts using the sensor's gain and reference");
  r.add<notch>("notch", "IIR notch at a frequency and optionally its harmonics (scipy.signal.iirnotch)");
  r.add<highpass>("highpass", "Butterworth high-pass as second-order sections (scipy.signal.butter)");
  r.add<lowpass>("lowpass", "Butterworth low-pass as second-order sections (scipy.signal.butter)");
  r.add<bandpass>("bandpass", "Butterworth band-pass as second-order sections (scipy.signal.butter)");
  r.add<bandstop>("bandstop", "Butterworth band-stop as second-order sections (scipy.signal.butter)");
  r.add<sos>("sos", "Any IIR filter given as second-order sections [b0, b1, b2, a0, a1, a2]");
  r.add<downsample>("downsample", "Anti-alias filter and keep every n-th frame (scipy.signal.decimate, IIR, causal)");
  r.add<rereference>("rereference", "Common average reference, or subtract a named channel");
  r.add<select>("select", "Keeps channels by name or index, in the order given");
  r.add<band_power>("band_power", "Welch PSD over a sliding window: absolute and relative power per band and channel");
  r.add<align_and_zip>("align_and_zip", "Joins two streams frame by frame, aligned by timestamp (fan-in: inputs: [a, b])");
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
