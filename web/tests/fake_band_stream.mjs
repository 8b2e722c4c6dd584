// A stand-in for eegd that publishes one band-power topic, so the brain-waves
// view can be tested in the browser before (and independently of) the
// band_power stage. It serves web/dist, the two endpoints the view reads
// (/api/status, /api/topics) and /ws/data with binary v1 packets of kind 3
// (docs/protocol.md), alpha dominant on every channel.
import crypto from "node:crypto";
import { readFile } from "node:fs/promises";
import http from "node:http";
import { extname, join } from "node:path";

const BANDS = ["delta", "theta", "alpha", "beta", "gamma"];
const ABS = [3, 4, 12, 2, 1]; // uV^2: alpha dominant
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".map": "application/json" };

export class FakeBandStream {
  constructor(webRoot, channels) {
    this.webRoot = webRoot;
    this.names = channels.flatMap((c) => ["abs", "rel"].flatMap((m) => BANDS.map((b) => `${c}.${b}.${m}`)));
    this.channels = channels;
    this.timers = new Set();
  }

  async start() {
    this.sockets = new Set();
    this.server = http.createServer((req, res) => void this.serve(req, res));
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    this.server.on("upgrade", (req, socket) => this.stream(req, socket));
    await new Promise((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${this.server.address().port}`;
  }

  async stop() {
    for (const t of this.timers) clearInterval(t);
    const closed = new Promise((resolve) => this.server.close(resolve));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  async serve(req, res) {
    const path = new URL(req.url, this.url).pathname;
    const json = (body) => res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    if (path === "/api/status")
      return json({ version: "fake", uptime_s: 1, pipeline: { state: "running", failure: "", name: "bands" }, demand: "full",
        clients: 1, drops: { queues: 0, clients: 0 }, process: { cpu_s: 0, rss_bytes: 0, threads: 1 } });
    if (path === "/api/topics")
      return json([{ topic: "bands", stage: "bands_out", active: true, kind: "float32_features", rate_hz: 5, channels: this.names.length }]);
    if (path.startsWith("/api/") || path.includes("..")) return res.writeHead(404).end("{}");
    try {
      const body = await readFile(join(this.webRoot, path === "/" ? "index.html" : path));
      res.writeHead(200, { "Content-Type": TYPES[extname(path) || ".html"] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  }

  // RFC 6455 handshake, then a topic description and a packet every 200 ms.
  stream(req, socket) {
    const accept = crypto.createHash("sha1").update(`${req.headers["sec-websocket-key"]}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.write(frame(1, Buffer.from(JSON.stringify({ type: "topic", topic: "bands", stage: "bands_out", active: true,
      sensor_id: 1, meta_rev: 1, kind: "float32_features", kind_code: 3, rate_hz: 5, channels: this.names,
      units: this.names.map((n) => (n.endsWith(".abs") ? "uV^2" : "")), max_frames: 1 }))));
    let n = 0;
    const timer = setInterval(() => socket.write(frame(2, this.packet(n++))), 200);
    this.timers.add(timer);
    const end = () => {
      clearInterval(timer);
      this.timers.delete(timer);
    };
    socket.on("close", end);
    socket.on("error", end);
  }

  packet(firstFrame) {
    const b = Buffer.alloc(48 + this.names.length * 4);
    b.write("EEG1", 0);
    b.writeUInt16LE(48, 4);
    b.writeUInt8(3, 6); // float32 features
    b.writeUInt32LE(1, 8);
    b.writeUInt32LE(1, 12);
    b.writeBigUInt64LE(BigInt(firstFrame), 16);
    b.writeBigInt64LE(BigInt(Date.now()) * 1000000n, 24);
    b.writeDoubleLE(5, 32);
    b.writeUInt16LE(this.names.length, 40);
    b.writeUInt32LE(1, 44);
    const total = ABS.reduce((s, v) => s + v);
    const values = this.channels.flatMap(() => [...ABS, ...ABS.map((v) => v / total)]);
    values.forEach((v, i) => b.writeFloatLE(v, 48 + 4 * i));
    return b;
  }
}

// One unmasked server frame (opcode 1 text, 2 binary).
function frame(opcode, payload) {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | opcode, n]) : Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff]);
  return Buffer.concat([head, payload]);
}
