// The operator's read queries over accounts and keys: plain copies in creation/registration
// order, never the core's live objects.
import { describe, expect, it } from "vitest";
import { queries, restoreState, snapshotState } from "../src/index.ts";
import { account, type Given, given, provider } from "./spec.ts";

const publicKey = (c: string) => c.repeat(43);
type Scopes = Extract<Given, { type: "RegisterApiKey" }>["scopes"];
const register = (accountId: string, keyId: string, scopes: Scopes): Given => ({
  type: "RegisterApiKey",
  accountId,
  keyId,
  publicKey: publicKey(keyId.at(-1)!),
  scopes,
});

describe("accounts", () => {
  const spec = () =>
    given(
      account("a", "o1"),
      provider("p", "o2"),
      account("a2", "o1"),
      register("a", "k1", ["trade", "read"]),
      { type: "KillSwitch", accountId: "p", block: true },
    );

  it("lists accounts in creation order with owner, capabilities, block, STP group and key count", () => {
    expect(queries.accounts(spec().state, 10)).toEqual([
      { id: "a", owner: "o1", capabilities: ["trade"], blocked: false, stpGroup: 1, apiKeyCount: 1 },
      {
        id: "p",
        owner: "o2",
        capabilities: ["trade", "provide"],
        blocked: true,
        stpGroup: 2,
        apiKeyCount: 0,
      },
      { id: "a2", owner: "o1", capabilities: ["trade"], blocked: false, stpGroup: 1, apiKeyCount: 0 },
    ]);
  });

  it("pages by limit and the last account seen; an unknown cursor is undefined", () => {
    const { state } = spec();
    expect(queries.accounts(state, 2)?.map((a) => a.id)).toEqual(["a", "p"]);
    expect(queries.accounts(state, 2, "p")?.map((a) => a.id)).toEqual(["a2"]);
    expect(queries.accounts(state, 2, "a2")).toEqual([]);
    expect(queries.accounts(state, 2, "nobody")).toBeUndefined();
  });

  it("answers one account, or undefined", () => {
    const { state } = spec();
    expect(queries.account(state, "p")).toMatchObject({ id: "p", blocked: true });
    expect(queries.account(state, "nobody")).toBeUndefined();
  });

  it("hands out copies: changing one changes nothing in the core", () => {
    const { state } = spec();
    queries.account(state, "a")!.capabilities.push("operate");
    expect(state.accounts.get("a")!.capabilities.has("operate")).toBe(false);
    expect(queries.account(state, "a")!.capabilities).toEqual(["trade"]);
  });
});

describe("apiKeys", () => {
  it("lists an account's active keys only, with public data, in registration order", () => {
    const spec = given(
      account("a"),
      account("b"),
      register("a", "k1", ["trade", "read"]),
      register("b", "k2", ["read"]),
      register("a", "k3", ["read"]),
      register("a", "k4", ["withdraw"]),
      { type: "RevokeApiKey", accountId: "a", keyId: "k3" },
    );
    expect(queries.apiKeys(spec.state, "a")).toEqual([
      { keyId: "k1", accountId: "a", publicKey: publicKey("1"), scopes: ["trade", "read"] },
      { keyId: "k4", accountId: "a", publicKey: publicKey("4"), scopes: ["withdraw"] },
    ]);
    expect(queries.apiKeys(spec.state, "b")).toEqual([
      { keyId: "k2", accountId: "b", publicKey: publicKey("2"), scopes: ["read"] },
    ]);
    queries.apiKeys(spec.state, "b")![0]!.scopes.push("operate");
    expect(queries.apiKey(spec.state, "k2")?.scopes).toEqual(["read"]);
  });

  it("keeps the same list, order included, through a snapshot and a re-registered key id", () => {
    const spec = given(
      account("a"),
      register("a", "k1", ["read"]),
      register("a", "k2", ["read"]),
      { type: "RevokeApiKey", accountId: "a", keyId: "k1" },
      register("a", "k1", ["trade"]),
    );
    const listed = queries.apiKeys(spec.state, "a")!.map((k) => [k.keyId, k.scopes]);
    expect(listed).toEqual([
      ["k2", ["read"]],
      ["k1", ["trade"]],
    ]);
    const restored = restoreState(JSON.parse(JSON.stringify(snapshotState(spec.state))));
    expect(queries.apiKeys(restored, "a")!.map((k) => [k.keyId, k.scopes])).toEqual(listed);
    expect(queries.account(restored, "a")?.apiKeyCount).toBe(2);
  });

  it("is empty for an account without keys and undefined for no account", () => {
    const spec = given(account("a"));
    expect(queries.apiKeys(spec.state, "a")).toEqual([]);
    expect(queries.apiKeys(spec.state, "nobody")).toBeUndefined();
  });
});
