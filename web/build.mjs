// Builds the UI into dist/: app.js (the page), stream_worker.js (the decoder
// worker), index.html and app.css. `--tests` instead bundles the unit tests
// into dist-tests/ for node's test runner (and leaves dist/ alone, so the
// browser test can serve it at the same time).
import * as esbuild from "esbuild";
import { copyFile, mkdir, readdir, rm } from "node:fs/promises";

const here = new URL(".", import.meta.url).pathname;
const common = { bundle: true, format: "esm", target: ["chrome100", "firefox100", "safari15"], logLevel: "warning" };

if (process.argv.includes("--tests")) {
  const tests = (await readdir(`${here}tests/unit`)).filter((f) => f.endsWith(".test.ts"));
  await rm(`${here}dist-tests`, { recursive: true, force: true });
  await esbuild.build({
    ...common,
    platform: "node",
    target: "node18",
    entryPoints: tests.map((f) => `${here}tests/unit/${f}`),
    outdir: `${here}dist-tests`,
    outExtension: { ".js": ".mjs" },
  });
  process.exit(0);
}

await rm(`${here}dist`, { recursive: true, force: true });
await mkdir(`${here}dist`, { recursive: true });
const page = { ...common, outdir: `${here}dist`, minify: true, sourcemap: "linked" };
await esbuild.build({ ...page, entryPoints: { app: `${here}src/main.ts` } });
// A classic worker script: module workers need newer browsers than the page.
await esbuild.build({ ...page, format: "iife", entryPoints: { stream_worker: `${here}src/stream_worker.ts` } });
for (const f of ["index.html", "app.css"]) await copyFile(`${here}src/${f}`, `${here}dist/${f}`);
