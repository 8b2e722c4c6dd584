// Redraw benchmark: the live view on 32 channels at 4000 S/s. Reports how
// soon the first traces appear, frames per second drawn, the page's main-thread busy fraction (Chromium's
// Performance.getMetrics TaskDuration over wall time) and frames missed.
// Usage: node tests/bench.mjs path/to/eegd [seconds]
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { Eegd, waitFor } from "./eegd_process.mjs";

const here = dirname(fileURLToPath(import.meta.url));
process.env.EEGD_WEB_ROOT = join(here, "..", "dist");
const seconds = Number(process.argv[3] ?? 5);

const eegd = new Eegd(process.argv[2] ?? join(here, "..", "..", "build", "release", "eegd"), `name: bench_ui
stages:
  - synthetic: { channels: 32, rate: 4000, batch: 32 }
  - to_voltage: {}
  - websocket_sink: { name: eeg_out, topic: eeg }
`);
await eegd.start();
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const opened = performance.now();
  await page.goto(eegd.url + "/");
  const frames = () => page.$eval("canvas.traces", (c) => Number(c.dataset.frames));
  await waitFor("the first traces", async () => (await frames()) > 0, 20000);
  console.log(`first traces ${Math.round(performance.now() - opened)} ms after opening the page`);
  // Where that time went, on the page's own clock (ms since navigation start).
  const steps = await page.evaluate(() => {
    const at = (e) => (e ? Math.round(e.responseEnd ?? e.startTime) : -1);
    const res = (part) => performance.getEntriesByType("resource").find((e) => e.name.includes(part));
    const mark = (name) => performance.getEntriesByName(name)[0];
    return {
      html: at(performance.getEntriesByType("navigation")[0]),
      "app.js": at(res("/app")),
      "/api/topics": at(res("/api/topics")),
      subscribe: at(mark("eegd:subscribe")),
      "topic meta": at(mark("eegd:topic-meta")),
      "first trace": at(mark("eegd:first-trace")),
    };
  });
  console.log(`  page clock (ms): ${Object.entries(steps).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  const metric = async (name) => (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === name).value;
  for (const window of ["5", "30"]) {
    await page.selectOption("select.window", window);
    // Measure once the window is full, so every redraw decimates all of it.
    await waitFor("a full window", () => page.evaluate(() => window.eegd.live.series(0).every(Number.isFinite)), 60000);
    const f0 = await frames();
    const busy0 = await metric("TaskDuration");
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const f1 = await frames();
    const busy1 = await metric("TaskDuration");
    const wall = (performance.now() - t0) / 1000;
    const drops = await page.$eval("canvas.traces", (c) => c.dataset.drops);
    console.log(
      `32 ch x 4000 S/s, ${window} s window, 1920x1080: ${((f1 - f0) / wall).toFixed(1)} redraws/s, ` +
        `main thread busy ${((100 * (busy1 - busy0)) / wall).toFixed(1)} %, frames missed ${drops}`,
    );
  }
} finally {
  await browser.close();
  await eegd.stop();
  eegd.cleanup();
}
