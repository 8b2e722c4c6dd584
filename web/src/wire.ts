// Decoder for eegd's binary WebSocket format v1 (docs/protocol.md): a 48-byte
// little-endian header followed by n_frames x n_channels values, frame-major.

export const HEADER_BYTES = 48;

export const enum Kind {
  Int32Counts = 1,
  Float32Series = 2,
  Float32Features = 3,
}

export interface Packet {
  kind: Kind;
  gap: boolean; // frames are missing between this packet and the previous one
  sensorId: number;
  metaRev: number;
  firstFrame: number; // exact up to 2^53 frames: centuries at 20 kS/s
  t0Ns: bigint;
  rateHz: number;
  channels: number;
  frames: number;
  // Sample of channel c in frame f: values[f * channels + c]. A view into the
  // message buffer (no copy); int32 counts stay integers.
  values: Float32Array | Int32Array;
}

export class WireError extends Error {}

export function decodePacket(buf: ArrayBuffer): Packet {
  if (buf.byteLength < HEADER_BYTES) throw new WireError(`message of ${buf.byteLength} bytes is shorter than a header`);
  const v = new DataView(buf);
  if (v.getUint32(0, false) !== 0x45454731) throw new WireError("not an EEG1 message");
  const headerBytes = v.getUint16(4, true);
  const kind = v.getUint8(6) as Kind;
  const channels = v.getUint16(40, true);
  const frames = v.getUint32(44, true);
  const count = channels * frames;
  if (headerBytes < HEADER_BYTES || headerBytes % 4 !== 0) throw new WireError(`bad header size ${headerBytes}`);
  if (buf.byteLength !== headerBytes + count * 4)
    throw new WireError(`message of ${buf.byteLength} bytes does not hold ${frames} x ${channels} values`);
  if (kind !== Kind.Int32Counts && kind !== Kind.Float32Series && kind !== Kind.Float32Features)
    throw new WireError(`unknown kind ${kind}`);
  return {
    kind,
    gap: (v.getUint8(7) & 1) !== 0,
    sensorId: v.getUint32(8, true),
    metaRev: v.getUint32(12, true),
    firstFrame: Number(v.getBigUint64(16, true)),
    t0Ns: v.getBigInt64(24, true),
    rateHz: v.getFloat64(32, true),
    channels,
    frames,
    values: kind === Kind.Int32Counts ? new Int32Array(buf, headerBytes, count) : new Float32Array(buf, headerBytes, count),
  };
}

// The JSON description the daemon sends before a topic's first packet.
export interface TopicMeta {
  type: "topic";
  topic: string;
  stage: string;
  active: boolean;
  sensor_id: number;
  meta_rev: number;
  kind: string;
  kind_code: number;
  rate_hz: number;
  channels: string[];
  units: string[];
  max_frames: number;
}
