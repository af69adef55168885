#!/usr/bin/env node
// Keeps package-lock.json valid for `npm ci` on every platform.
//
// The registry these machines reach serves only the linux-x64 builds of packages that ship
// per-platform binaries (biome, esbuild, rollup): the other platforms' optional packages answer
// 404, so npm leaves them out of the lock, and npm 11's `npm ci` then refuses the lock as out of
// sync ("Missing: @biomejs/cli-darwin-arm64@ from lock file"). This adds an `optional` entry for
// every such missing package, which is what npm writes when it can see them; `npm ci` skips
// optional packages it cannot install on this platform. Runs as the root `postinstall`, so the
// lock is completed again after every `npm install`; a complete lock is left untouched.
import { readFileSync, writeFileSync } from "node:fs";

const lockPath = new URL("../../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const packages = lock.packages;

/** Where npm would find `dep` for the package at `path`: its own node_modules, then each ancestor's. */
function resolves(path, dep) {
  let dir = path;
  for (;;) {
    if (packages[`${dir ? `${dir}/` : ""}node_modules/${dep}`]) return true;
    if (!dir) return false;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut < 0 ? "" : dir.slice(0, cut);
  }
}

let added = 0;
for (const [path, meta] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    if (resolves(path, dep)) continue;
    const top = `node_modules/${dep}`;
    const at = packages[top] ? `${path}/node_modules/${dep}` : top;
    packages[at] = { version, ...(meta.dev ? { dev: true } : {}), optional: true };
    added++;
  }
}

if (added > 0) {
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`complete-lock: added ${added} optional platform packages to package-lock.json`);
}
