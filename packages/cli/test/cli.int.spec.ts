// ghx as a child process against the embedded exchange (in-process, free port, temp data dir):
// exit codes and --json output through keygen → register → deposit → place → orders → cancel.
// HOME points at a temp dir so ~/.ghx is the test's own.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Exchange, startExchange } from "@ghx/exchange";
// The SDK's test support: market-data's real feed driven by the real core.
import { type ServedCoreFeed, serveCoreFeed } from "@ghx/sdk/testing";
import { freePort } from "@ghx/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "..", "bin", "ghx.js");
const symbol = "H100.WUHU.2027M01";
let exchange: Exchange;
let home: string;
let dataDir: string;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly json: unknown;
}

function ghx(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...process.env, HOME: home, GHX_URL: exchange.url, GHX_DATA_DIR: dataDir };
    execFile(process.execPath, [bin, ...args], { env, cwd: home }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "ghx-cli-home-"));
  dataDir = mkdtempSync(join(tmpdir(), "ghx-cli-data-"));
  exchange = await startExchange({ dataDir, port: await freePort() });
});

afterAll(async () => {
  await exchange?.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe("ghx against the embedded exchange", () => {
  it("keygen → register → deposit → place → orders → cancel, with --json and exit codes", async () => {
    // Operator commands sign with the exchange's operator key from GHX_DATA_DIR by default.
    expect((await ghx("--json", "products", "add", symbol, "--reference-price", "20.00")).code).toBe(0);
    expect((await ghx("--json", "accounts", "create", "alice")).json).toMatchObject({ accountId: "alice" });

    const keygen = await ghx("--json", "keygen", "--key-id", "alice-1");
    expect(keygen.code).toBe(0);
    const keyPath = join(home, ".ghx", "key.json");
    expect(keygen.json).toEqual({ keyId: "alice-1", publicKey: expect.any(String), file: keyPath });
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(keyPath, "utf8")).publicKey).toBe(
      (keygen.json as { publicKey: string }).publicKey,
    );
    expect((await ghx("keygen")).code).toBe(2);

    const register = await ghx("--json", "keys", "register", "--account", "alice", "--from", keyPath);
    expect(register.json).toMatchObject({ accountId: "alice", keyId: "alice-1", scopes: ["trade", "read"] });
    expect((await ghx("--json", "deposit", "alice", "100000.00")).code).toBe(0);

    const alice = ["--json", "--key", keyPath];
    const placed = await ghx(...alice, "place", symbol, "buy", "2", "--price", "19.50");
    expect(placed.code).toBe(0);
    expect(placed.json).toMatchObject({ symbol, status: "new", remainingLots: 2 });
    const orderId = (placed.json as { orderId: string }).orderId;

    const replaced = await ghx(...alice, "replace", symbol, orderId, "3", "--price", "19.40");
    expect(replaced.code).toBe(0);
    expect(replaced.json).toMatchObject({ orderId });
    const orders = await ghx(...alice, "orders");
    expect(orders.json).toEqual([expect.objectContaining({ orderId, price: "19.40", quantityLots: 3 })]);
    const balances = await ghx(...alice, "balances");
    expect(balances.json).toEqual([expect.objectContaining({ currency: "CNY" })]);

    const rejected = await ghx(...alice, "place", symbol, "buy", "1", "--price", "99.00");
    expect(rejected.code).toBe(1);
    expect(rejected.json).toEqual({
      error: expect.objectContaining({ status: 422, code: "PRICE_OUT_OF_BAND", field: "price" }),
    });

    expect((await ghx(...alice, "cancel", orderId)).code).toBe(0);
    expect((await ghx(...alice, "orders")).json).toEqual([]);
    const again = await ghx("--key", keyPath, "cancel", orderId);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/ORDER_NOT_FOUND \(HTTP 404\) field=orderId/);
  });

  it("accounts and keys [accountId] list accounts and keys, as tables or --json", async () => {
    expect((await ghx("accounts", "create", "bea", "--owner", "b-corp")).code).toBe(0);
    const keyPath = join(home, "bea.json");
    const keygen = await ghx("--json", "keygen", "--out", keyPath, "--key-id", "bea-1");
    await ghx("keys", "register", "--account", "bea", "--from", keyPath, "--scopes", "read");

    const accounts = await ghx("--json", "accounts");
    expect(accounts.code).toBe(0);
    expect((accounts.json as { accountId: string }[])[0]).toMatchObject({ accountId: "operator" });
    expect((accounts.json as unknown[]).at(-1)).toEqual({
      accountId: "bea",
      owner: "b-corp",
      capabilities: ["trade", "read"],
      blocked: false,
      stpGroup: expect.any(Number),
      apiKeyCount: 1,
    });
    const page = await ghx("--json", "accounts", "--after", "operator", "--limit", "1");
    expect(page.json).toEqual([(accounts.json as unknown[])[1]]);
    expect((await ghx("accounts")).stdout).toMatch(/^account +owner +capabilities +blocked +keys\n/);

    const keys = await ghx("--json", "keys", "bea");
    expect(keys.json).toEqual([
      {
        keyId: "bea-1",
        accountId: "bea",
        publicKey: (keygen.json as { publicKey: string }).publicKey,
        scopes: ["read"],
      },
    ]);
    expect((await ghx("--json", "--key", keyPath, "keys")).json).toEqual(keys.json);
    expect((await ghx("keys", "bea")).stdout).toMatch(
      /^key +account +scopes +public key\nbea-1 +bea +read +/,
    );

    const refused = await ghx("--json", "--key", keyPath, "accounts");
    expect(refused).toMatchObject({ code: 1, json: { error: { status: 403, code: "SCOPE_MISSING" } } });
    const unknown = await ghx("--json", "keys", "nobody");
    expect(unknown).toMatchObject({ code: 1, json: { error: { status: 404, code: "UNKNOWN_ACCOUNT" } } });
  });

  it("usage mistakes exit 2 before anything is sent", async () => {
    expect((await ghx("place", symbol, "buy", "0", "--price", "1")).code).toBe(2);
    expect((await ghx("place", symbol, "hold", "1", "--price", "1")).code).toBe(2);
    expect((await ghx("place", symbol, "buy", "1", "--type", "limit")).code).toBe(2);
    expect((await ghx("no-such-command")).code).toBe(2);
    const noKey = await ghx("--json", "--key", "missing.json", "balances");
    expect(noKey).toMatchObject({ code: 2, json: { error: { code: "USAGE" } } });
  });

  it("an unreachable exchange exits 3", async () => {
    const port = await freePort();
    const run = await ghx("--json", "--url", `http://127.0.0.1:${port}`, "products");
    expect(run.code).toBe(3);
    expect(run.json).toEqual({
      error: { code: "CONNECTION", detail: expect.stringContaining("ECONNREFUSED") },
    });
  });
});

describe("ghx watch", () => {
  let served: ServedCoreFeed;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    served = await serveCoreFeed();
    served.core.placeLimit("buy", 1_990, 3);
  });

  afterAll(() => {
    child?.kill("SIGKILL");
    served.close();
  });

  it("prints the verified book as JSON lines and exits 0 on Ctrl-C", async () => {
    child = spawn(process.execPath, [bin, "--json", "--url", served.url, "watch", symbol], {
      env: { ...process.env, HOME: home },
    });
    let stdout = "";
    child.stdout?.on("data", (chunk) => {
      stdout += String(chunk);
    });
    const deadline = Date.now() + 20_000;
    while (!stdout.includes("\n") && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const first = JSON.parse(stdout.split("\n")[0] as string);
    expect(first).toEqual({
      type: "book",
      symbol,
      seq: expect.any(Number),
      bids: [["19.90", 3, 1]],
      asks: [],
    });
    child.kill("SIGINT");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });
});
