// Takes the screenshots in docs/ (the live view and the kiosk view) from a
// real eegd running a synthetic pipeline. Usage: node tests/screenshots.mjs path/to/eegd
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { Eegd, waitFor } from "./eegd_process.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const docs = join(here, "..", "..", "docs");
process.env.EEGD_WEB_ROOT = join(here, "..", "dist");

const eegd = new Eegd(process.argv[2] ?? join(here, "..", "..", "build", "release", "eegd"), `name: screenshot
stages:
  - synthetic: { channels: 8, rate: 500, batch: 10, sine_hz: [10, 6, 11, 3, 20, 9, 10, 2], sine_uv: [30, 20, 25, 40, 10, 30, 35, 50],
                 noise_uv: 8, line_uv: 2 }
  - to_voltage: {}
  - websocket_sink: { name: eeg_out, topic: eeg }
`);
await eegd.start();
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
try {
  for (const [name, path, viewport] of [
    ["ui-live.png", "/", { width: 1280, height: 760 }],
    ["ui-kiosk.png", "/?kiosk=1", { width: 800, height: 480 }],
  ]) {
    const page = await browser.newPage({ viewport });
    await page.goto(eegd.url + path);
    // A full 5 s window of traces.
    await waitFor("a full window", () => page.evaluate(() => window.eegd.live.series(0).every(Number.isFinite) && window.eegd.live.series(0).length > 0), 20000);
    await page.screenshot({ path: join(docs, name) });
    await page.close();
  }
} finally {
  await browser.close();
  await eegd.stop();
  eegd.cleanup();
}
