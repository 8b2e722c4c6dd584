// Starts `eegd serve` for the browser tests: a pipeline in a temporary
// directory, its own runtime and state directories, port 0 at first and the
// same port after a restart (so an open page can reconnect to it). eegd asks
// for a token only beyond loopback, so token tests listen on 0.0.0.0 and
// still talk to it through 127.0.0.1.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function waitFor(what, check, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class Eegd {
  constructor(binary, pipelineYaml, extraArgs = [], host = "127.0.0.1") {
    this.binary = binary;
    this.host = host;
    this.extraArgs = extraArgs;
    this.dir = mkdtempSync(join(tmpdir(), "eegd-web-test-"));
    this.pipeline = join(this.dir, "pipeline.yaml");
    writeFileSync(this.pipeline, pipelineYaml);
    this.port = 0;
    this.output = "";
  }

  async start() {
    const args = ["serve", "--pipeline", this.pipeline, "--http", `${this.host}:${this.port}`,
      "--runtime-dir", join(this.dir, "run"), "--state-dir", join(this.dir, "state"), ...this.extraArgs];
    this.proc = spawn(this.binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.exited = new Promise((resolve) => this.proc.on("exit", resolve));
    const collect = (d) => (this.output += d.toString());
    this.proc.stdout.on("data", collect);
    this.proc.stderr.on("data", collect);
    await waitFor(`eegd to listen\n${this.output}`, () => this.output.includes("listening on http://"), 20000);
    const info = JSON.parse(readFileSync(join(this.dir, "run", "eegd.json"), "utf8"));
    this.port = Number(new URL(info.http).port);
    this.url = `http://127.0.0.1:${this.port}`;
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.output = "";
    this.proc.kill("SIGTERM");
    await this.exited;
  }

  async api(path, init = {}) {
    const res = await fetch(this.url + path, init);
    return { status: res.status, body: await res.json() };
  }

  cleanup() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
