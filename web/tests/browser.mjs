// Browser tests: the UI served by a real eegd, driven in Debian's Chromium by
// playwright-core. Usage: node tests/browser.mjs path/to/eegd
// Exits 77 (skipped, for CTest) when /usr/bin/chromium is missing.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Eegd, waitFor } from "./eegd_process.mjs";
import { FakeBandStream } from "./fake_band_stream.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (!existsSync(CHROMIUM)) {
  console.log(`browser tests skipped: ${CHROMIUM} is not installed (scripts/deps.sh installs it)`);
  process.exit(77);
}
const here = dirname(fileURLToPath(import.meta.url));
const webRoot = join(here, "..", "dist");
const binary = process.argv[2] ?? join(here, "..", "..", "build", "release", "eegd");
assert.ok(existsSync(join(webRoot, "index.html")), `${webRoot} is not built: run make build (or npm run build in web/)`);
assert.ok(existsSync(binary), `no eegd at ${binary}`);
process.env.EEGD_WEB_ROOT = webRoot;

const { chromium } = await import("playwright-core");

const CHANNELS = ["Fp1", "Fp2", "C3", "C4", "P3", "P4", "O1", "O2"];
const PIPELINE = `name: browser_test
stages:
  - synthetic: { channels: 8, rate: 250, batch: 8, sine_hz: [10], sine_uv: [100], noise_uv: 0, line_uv: 0,
                 channel_names: ${JSON.stringify(CHANNELS)} }
  - to_voltage: {}
  - notch: { hz: 50 }
  - websocket_sink: { name: eeg_out, topic: eeg }
`;
const TIMEOUT = 20000;


// Frames the live view has drawn (a canvas attribute the page keeps).
const framesDrawn = (page) => page.$eval("canvas.traces", (c) => Number(c.dataset.frames));
async function waitForMoreFrames(page, than, count = 5) {
  await waitFor(`${count} more frames than ${than}`, async () => (await framesDrawn(page)) >= than + count, TIMEOUT);
}

// Upward crossings of the upper third of the range, re-armed below the lower
// third: one per period of a clean sine.
function countPeaks(series) {
  const lo = Math.min(...series);
  const hi = Math.max(...series);
  const up = lo + (2 * (hi - lo)) / 3;
  const down = lo + (hi - lo) / 3;
  let armed = false;
  let peaks = 0;
  for (const v of series) {
    if (v < down) armed = true;
    else if (v > up && armed) {
      ++peaks;
      armed = false;
    }
  }
  return peaks;
}

describe("eegd browser UI", () => {
  let eegd;
  let browser;
  let page;

  before(async () => {
    eegd = new Eegd(binary, PIPELINE);
    await eegd.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on("pageerror", (e) => console.error("page error:", e));
    await page.goto(eegd.url + "/");
  });

  after(async () => {
    await browser?.close();
    await eegd?.stop();
    eegd?.cleanup();
  });

  it("draws live traces with the pipeline's channel names and no drops", async () => {
    await waitForMoreFrames(page, 0);
    const names = await page.$eval("canvas.traces", (c) => c.dataset.channels.split(","));
    const view = (await eegd.api("/api/pipeline")).body;
    assert.deepEqual(names, view.stages.synthetic.channel_names);
    assert.deepEqual(names, CHANNELS);
    assert.equal(await page.$eval("canvas.traces", (c) => c.dataset.drops), "0");
    assert.match(await page.textContent('[data-key="own-drops"] .v'), /^0 frames, 0 gaps$/);
  });

  it("plots a 10 Hz sine as 10 peaks per second", async () => {
    await page.selectOption("select.window", "2");
    // Wait until the 2 s window is full (no empty columns at its start).
    const series = await waitFor("a full 2 s window", async () => {
      const s = await page.evaluate(() => window.eegd.live.series(0));
      return s.length > 100 && s.every((v) => Number.isFinite(v)) ? s : null;
    }, TIMEOUT);
    const peaks = countPeaks(series);
    assert.ok(peaks >= 19 && peaks <= 21, `expected ~20 peaks in 2 s, got ${peaks}`);
  });

  it("applies a live parameter from the form and shows it in /api/pipeline", async () => {
    const field = '.stage[data-stage="synthetic"] .field[data-param="sine_hz"]';
    await page.fill(`${field} input`, "12");
    await page.press(`${field} input`, "Enter");
    await page.waitForSelector(`${field} .msg.ok`, { timeout: TIMEOUT });
    const view = (await eegd.api("/api/pipeline")).body;
    assert.deepEqual(view.stages.synthetic.sine_hz, [12]);
  });

  it("changes the notch frequency from the form and GET /api/pipeline shows it", async () => {
    // Stages other than the source start folded: unfold the notch as a user would.
    await page.click('.stage[data-stage="notch"] > summary');
    const field = '.stage[data-stage="notch"] .field[data-param="hz"]';
    assert.equal(await page.inputValue(`${field} input`), "50");
    await page.fill(`${field} input`, "60");
    await page.press(`${field} input`, "Enter");
    await page.waitForSelector(`${field} .msg.ok`, { timeout: TIMEOUT });
    const view = (await eegd.api("/api/pipeline")).body;
    assert.equal(view.stages.notch.hz, 60);
    assert.equal(view.overrides.notch.hz, 60);  // a live override of the YAML, kept on restart
  });

  it("offers a restart for a parameter that is not live, and applies it with one", async () => {
    const field = '.stage[data-stage="synthetic"] .field[data-param="batch"]';
    await page.fill(`${field} input`, "16");
    await page.press(`${field} input`, "Enter");
    await page.click(`${field} button.restart-apply`, { timeout: TIMEOUT });
    await page.waitForSelector(`${field} .msg.ok`, { timeout: TIMEOUT });
    assert.equal((await eegd.api("/api/pipeline")).body.stages.synthetic.batch, 16);
    const before = await framesDrawn(page);
    await waitForMoreFrames(page, before);
  });

  it("shows an out-of-range value's error next to the field", async () => {
    const field = '.stage[data-stage="synthetic"] .field[data-param="line_hz"]';
    await page.fill(`${field} input`, "5000");
    await page.press(`${field} input`, "Enter");
    const msg = await page.waitForSelector(`${field} .msg.error`, { timeout: TIMEOUT });
    assert.ok((await msg.textContent()).length > 0);
    const view = (await eegd.api("/api/pipeline")).body;
    assert.equal(view.stages.synthetic.line_hz, 50);
  });

  it("highlights the line of a YAML error and keeps the running pipeline", async () => {
    await page.click(".yaml-details > summary");
    await page.fill("textarea.yaml", "name: broken\nstages:\n  - synthetic: { chanels: 8 }\n");
    await page.click("button.apply-yaml");
    await page.waitForSelector('.yaml-editor[data-error-line="3"] .yaml-lines mark', { timeout: TIMEOUT });
    assert.match(await page.textContent(".yaml-msg.error"), /^line 3/);
    assert.equal((await eegd.api("/api/pipeline")).body.name, "browser_test");
  });

  it("writes the running pipeline as YAML that eegd accepts back", async () => {
    await page.click("button.load-yaml");
    assert.match(await page.inputValue("textarea.yaml"), /sine_hz: \[12\]/);
    await page.click("button.apply-yaml");
    await page.waitForSelector(".yaml-msg.ok", { timeout: TIMEOUT });
    const view = (await eegd.api("/api/pipeline")).body;
    assert.equal(view.name, "browser_test");
    assert.deepEqual(view.stages.synthetic.sine_hz, [12]);
    assert.deepEqual(view.stages.synthetic.channel_names, CHANNELS);
  });

  it("loads a preset", async () => {
    await page.selectOption("select.preset", "default");
    await page.click("button.load-preset");
    await waitFor("the default preset to run", async () => (await eegd.api("/api/pipeline")).body.name === "default", TIMEOUT);
    await page.waitForSelector('.stage[data-stage="raw_out"]', { timeout: TIMEOUT });
    const before = await framesDrawn(page);
    await waitForMoreFrames(page, before);
  });

  it("says when recording is not possible", async () => {
    // The test pipeline has no recorder (the default preset loaded above has one).
    const res = await fetch(`${eegd.url}/api/pipeline/start`, { method: "POST", body: PIPELINE });
    assert.equal(res.status, 200, await res.text());
    await page.click("button.start-session");
    const msg = await page.waitForSelector(".session-msg.error", { timeout: TIMEOUT });
    assert.match(await msg.textContent(), /Not possible now: the running pipeline has no recorder/);
  });

  it("shows a banner while eegd is down and recovers when it is back", async () => {
    await eegd.stop();
    await page.waitForSelector('#banner[data-state="unreachable"]', { state: "visible", timeout: TIMEOUT });
    const before = await framesDrawn(page);
    await eegd.start();
    await page.waitForSelector("#banner", { state: "hidden", timeout: TIMEOUT });
    await waitForMoreFrames(page, before);
  });

  it("counts and marks frames the source lost", async () => {
    const lossy = PIPELINE.replace("line_uv: 0,", "line_uv: 0, drop_every: 5,");
    const res = await fetch(`${eegd.url}/api/pipeline/start`, { method: "POST", body: lossy });
    assert.equal(res.status, 200, await res.text());
    await waitFor("dropped frames counted", () => page.$eval("canvas.traces", (c) => Number(c.dataset.drops) > 0), TIMEOUT);
    assert.ok(Number(await page.$eval("canvas.traces", (c) => c.dataset.gaps)) > 0);
    await waitFor("the status bar to say so", async () => !/^0 frames/.test(await page.textContent('[data-key="own-drops"] .v')), TIMEOUT);
  });

  it("renders the kiosk view without controls", async () => {
    const kiosk = await browser.newPage({ viewport: { width: 800, height: 480 } });
    await kiosk.goto(eegd.url + "/?kiosk=1");
    await waitForMoreFrames(kiosk, 0);
    assert.equal(await kiosk.$eval("body", (b) => b.classList.contains("kiosk")), true);
    assert.equal(await kiosk.isVisible("#side"), false);
    assert.equal(await kiosk.$$eval(".controls", (c) => c.length), 0);
    await kiosk.close();
  });
});

describe("eegd browser UI band powers from a band-power stream", () => {
  let fake;
  let browser;

  before(async () => {
    fake = new FakeBandStream(webRoot, ["Fp1", "Fp2", "O1", "O2"]);
    await fake.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  });

  after(async () => {
    await browser?.close();
    await fake?.stop();
  });

  it("groups channels by band and shows the dominant one, relative and absolute, in kiosk mode too", async () => {
    for (const path of ["/", "/?kiosk=1"]) {
      const page = await browser.newPage();
      await page.goto(fake.url + path);
      await waitFor("alpha dominant on 4 channels", () =>
        page.$$eval(".band-channel", (els) => els.length === 4 && els.every((e) => e.dataset.dominant === "alpha")), TIMEOUT);
      const names = await page.$$eval(".band-channel", (els) => els.map((e) => e.dataset.channel));
      assert.deepEqual(names, ["Fp1", "Fp2", "O1", "O2"]);
      if (path === "/") {
        await page.selectOption("select.band-measure", "abs");
        // Absolute bars share the largest value on screen: alpha fills its lane.
        await waitFor("absolute alpha at full height", () =>
          page.$eval('.band-channel[data-channel="O1"] .band-bar[data-band="alpha"]', (e) => e.style.height === "100%"), TIMEOUT);
      }
      await page.close();
    }
  });
});

// The band_power stage's channels ("<channel>:<band>", then ":rel") as
// bands.ts reads them.
describe("eegd browser UI band powers", () => {
  let eegd;
  let browser;

  before(async () => {
    eegd = new Eegd(binary, `name: bands_test
stages:
  - synthetic: { channels: 4, rate: 250, batch: 8, sine_hz: [10], sine_uv: [50], noise_uv: 1, line_uv: 0 }
  - to_voltage: {}
  - websocket_sink: { name: eeg_out, topic: eeg }
  - band_power: { inputs: to_voltage }
  - websocket_sink: { name: bands_out, topic: bands }
`);
    await eegd.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  });

  after(async () => {
    await browser?.close();
    await eegd?.stop();
    eegd?.cleanup();
  });

  it("shows alpha dominant for a 10 Hz input", async () => {
    for (const path of ["/", "/?kiosk=1"]) {
      const page = await browser.newPage();
      await page.goto(eegd.url + path);
      await waitFor("band bars for 4 channels", async () => (await page.$$(".band-channel")).length === 4, TIMEOUT);
      await waitFor("alpha dominant on every channel", () =>
        page.$$eval(".band-channel", (els) => els.every((e) => e.dataset.dominant === "alpha")), TIMEOUT);
      await page.close();
    }
  });
});

// Sessions through the recording panel, against the real sessions API.
describe("eegd browser UI recording", () => {
  let eegd;
  let browser;

  before(async () => {
    eegd = new Eegd(binary, `name: recording_test
stages:
  - synthetic: { channels: 4, rate: 250, batch: 8 }
  - to_voltage: {}
  - websocket_sink: { name: eeg_out, topic: eeg }
  - recorder: { inputs: to_voltage, format: bdf }
`);
    await eegd.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  });

  after(async () => {
    await browser?.close();
    await eegd?.stop();
    eegd?.cleanup();
  });

  it("starts a session, adds a marker with the m key, stops it and lists it", async () => {
    const page = await browser.newPage();
    await page.goto(eegd.url + "/");
    await page.fill("input.participant", "p01");
    await page.click("button.start-session");
    await page.waitForSelector('.recording[data-recording="true"]', { timeout: TIMEOUT });
    await page.click("canvas.traces"); // focus off the inputs, so m is a marker
    await page.keyboard.press("m");
    await page.waitForSelector(".session-msg.ok >> text=/marker 1/", { timeout: TIMEOUT });
    await page.click("button.stop-session");
    await page.waitForSelector('.recording[data-recording="false"]', { timeout: TIMEOUT });
    const dirs = await waitFor("the session folder", () => {
      const d = join(eegd.dir, "state", "sessions");
      return existsSync(d) && readdirSync(d).filter((n) => n.endsWith("-p01")).length === 1 ? readdirSync(d) : null;
    }, TIMEOUT);
    assert.ok(dirs.length >= 1);
    await page.waitForSelector("table.sessions tbody tr", { timeout: TIMEOUT });
    await page.close();
  });
});

describe("eegd browser UI with a token", () => {
  let eegd;
  let browser;

  before(async () => {
    eegd = new Eegd(binary, PIPELINE, ["--token", "s3cret-token"], "0.0.0.0");
    await eegd.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  });

  after(async () => {
    await browser?.close();
    await eegd?.stop();
    eegd?.cleanup();
  });

  it("shows the token banner when the token is missing or wrong", async () => {
    for (const cookie of [null, "wrong"]) {
      const context = await browser.newContext();
      if (cookie) await context.addCookies([{ name: "eegd_token", value: cookie, url: eegd.url }]);
      const page = await context.newPage();
      await page.goto(eegd.url + "/");
      const banner = await page.waitForSelector('#banner[data-state="unauthorized"]', { state: "visible", timeout: TIMEOUT });
      assert.match(await banner.textContent(), /token/);
      await context.close();
    }
  });

  it("works once the page was opened with the right token", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${eegd.url}/?token=s3cret-token`);
    await waitForMoreFrames(page, 0);
    assert.equal(await page.isVisible("#banner"), false);
    await context.close();
  });
});
