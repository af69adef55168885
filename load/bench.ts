// `npm run bench -- <name>`: runs the benchmark registered under <name>. Each benchmark is a
// script that prints one JSON line {"bench":...,"ops_per_s":...,"p50_us":...,"p99_us":...} last.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const benches: Record<string, string> = {
  engine: "packages/engine/bench/engine.bench.ts",
  bus: "packages/bus/bench/bus.bench.ts",
  eventstore: "packages/eventstore/bench/eventstore.bench.ts",
  "eventstore-log": "packages/eventstore/bench/file-log.bench.ts",
  core: "services/core/bench/core.bench.ts",
  gateway: "services/gateway/bench/gateway.bench.ts",
  feed: "services/market-data/bench/feed.bench.ts",
};

const name = process.argv[2];
const script = name ? benches[name] : undefined;
if (!script || !existsSync(join(root, script))) {
  const available = Object.entries(benches)
    .filter(([, file]) => existsSync(join(root, file)))
    .map(([bench]) => bench);
  console.error(`usage: npm run bench -- <name>; available: ${available.join(", ")}`);
  process.exit(2);
}
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--expose-gc", join(root, script), ...process.argv.slice(3)],
  { stdio: "inherit", cwd: root },
);
process.exit(result.status ?? 1);
