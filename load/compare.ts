// `npm run compare -- <revision> [--only apply|saturated|open|replay] [--pairs N] [core bench options]`:
// this checkout's core against <revision>'s, in interleaved pairs of one core bench phase. On a
// shared box one run of each proves little (runs move 10-15 % from one to the next), so the
// pairs alternate which side goes first and the summary counts the pairs this checkout won.
// <revision> is checked out in a temporary git worktree that borrows this checkout's
// node_modules (its own @ghx packages linked to its own sources), and both sides run this
// checkout's bench code, so only the code under test differs (for `replay`, each side writes the
// journal with its own encoders, so a change of journal format is measured whole). Metric: µs per
// command for `apply`, commands/s for `saturated` and `replay`, ack p99 for `open`.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const benchDir = "services/core/bench";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    only: { type: "string", default: "apply" },
    pairs: { type: "string", default: "6" },
    seconds: { type: "string" },
    rate: { type: "string" },
    accounts: { type: "string" },
    products: { type: "string" },
    commands: { type: "string" },
  },
});

const metrics = {
  apply: { field: "us_per_cmd", lowerIsBetter: true },
  saturated: { field: "ops_per_s", lowerIsBetter: false },
  open: { field: "p99_us", lowerIsBetter: true },
  replay: { field: "ops_per_s", lowerIsBetter: false },
} as const;

const revision = positionals[0];
const phase = values.only as keyof typeof metrics;
const pairs = Number(values.pairs);
if (!revision || !(phase in metrics) || !(Number.isInteger(pairs) && pairs > 0)) {
  console.error(
    "usage: npm run compare -- <revision> [--only apply|saturated|open|replay] [--pairs N] [--seconds s] [--rate n] [--accounts n] [--products n] [--commands n]",
  );
  process.exit(2);
}
const { field, lowerIsBetter } = metrics[phase];
const passThrough = (["seconds", "rate", "accounts", "products", "commands"] as const).flatMap((name) =>
  values[name] === undefined ? [] : [`--${name}`, values[name]],
);

function git(...args: string[]): string {
  const result = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/**
 * The worktree's node_modules: this checkout's packages, except that the workspace links
 * (`@ghx/*`, relative links into packages/ and services/) resolve inside the worktree.
 */
function borrowNodeModules(worktree: string): void {
  const modules = join(root, "node_modules");
  mkdirSync(join(worktree, "node_modules", "@ghx"), { recursive: true });
  for (const name of readdirSync(modules)) {
    if (name !== "@ghx") symlinkSync(join(modules, name), join(worktree, "node_modules", name));
  }
  for (const name of readdirSync(join(modules, "@ghx"))) {
    const target = readlinkSync(join(modules, "@ghx", name));
    symlinkSync(target, join(worktree, "node_modules", "@ghx", name));
  }
}

/** One run of the phase in `cwd`: the metric from the bench's last JSON line. */
function runPhase(cwd: string): number {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--expose-gc", join(benchDir, "core.bench.ts"), "--only", phase, ...passThrough],
    { cwd, encoding: "utf8", env: process.env },
  );
  const last = result.stdout.trim().split("\n").at(-1) ?? "";
  if (result.status !== 0 || !last.startsWith("{")) {
    throw new Error(`the bench failed in ${cwd}: ${result.stderr.trim() || last}`);
  }
  const value = (JSON.parse(last) as Record<string, unknown>)[field];
  if (typeof value !== "number") throw new Error(`the bench in ${cwd} printed no ${field}: ${last}`);
  return value;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const value = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.round(value * 1000) / 1000;
};

const commit = git("rev-parse", "--verify", `${revision}^{commit}`);
const worktree = mkdtempSync(join(tmpdir(), "ghx-compare-"));
git("worktree", "add", "--detach", worktree, commit);
try {
  borrowNodeModules(worktree);
  cpSync(join(root, benchDir), join(worktree, benchDir), { recursive: true });
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    // Alternate who goes first: the box drifts within a pair too.
    if (pair % 2 === 0) {
      theirs.push(runPhase(worktree));
      ours.push(runPhase(root));
    } else {
      ours.push(runPhase(root));
      theirs.push(runPhase(worktree));
    }
    console.log(`pair ${pair + 1}: ${field} ${ours[pair]} here, ${theirs[pair]} at ${revision}`);
  }
  const wins = ours.filter((value, i) => (lowerIsBetter ? value < theirs[i]! : value > theirs[i]!)).length;
  console.log(
    JSON.stringify({
      compare: `core-${phase}`,
      against: revision,
      commit: commit.slice(0, 12),
      metric: field,
      pairs,
      wins,
      median_here: median(ours),
      median_against: median(theirs),
    }),
  );
} finally {
  git("worktree", "remove", "--force", worktree);
}
