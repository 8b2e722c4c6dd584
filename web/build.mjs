// Builds the UI into dist/: index.html (never cached by eegd) naming
// content-hashed files under assets/ (cached for a year): the page script, its
// stylesheet and the stream decoder worker. `--tests` instead bundles the unit
// tests into dist-tests/ for node's test runner (and leaves dist/ alone, so
// the browser tests can serve it at the same time).
import * as esbuild from "esbuild";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename } from "node:path";

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
    define: { STREAM_WORKER_URL: JSON.stringify("") },
  });
  process.exit(0);
}

await rm(`${here}dist`, { recursive: true, force: true });
await mkdir(`${here}dist`, { recursive: true });
const assets = { ...common, outdir: `${here}dist/assets`, entryNames: "[name]-[hash]", minify: true, sourcemap: "linked", metafile: true };
// The name of a built entry point, relative to dist/.
const output = (result, entry) =>
  `assets/${basename(Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint?.endsWith(entry))[0])}`;

// A classic worker script: module workers need newer browsers than the page.
const worker = await esbuild.build({ ...assets, format: "iife", entryPoints: { stream_worker: `${here}src/stream_worker.ts` } });
const workerUrl = output(worker, "src/stream_worker.ts");
const app = await esbuild.build({
  ...assets,
  entryPoints: { app: `${here}src/main.ts` },
  define: { STREAM_WORKER_URL: JSON.stringify(workerUrl) },
});
const css = await esbuild.build({ ...assets, entryPoints: { app: `${here}src/app.css` } });
const html = (await readFile(`${here}src/index.html`, "utf8"))
  .replace('href="app.css"', `href="${output(css, "src/app.css")}"`)
  .replace('src="app.js"', `src="${output(app, "src/main.ts")}"`);
await writeFile(`${here}dist/index.html`, html);
