import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  generateApiKeyPair,
  KeyFileError,
  newKeyFile,
  parseKeyFile,
  readKeyFile,
  writeKeyFile,
} from "../src/index.ts";

const dir = mkdtempSync(join(tmpdir(), "ghx-key-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("key files", () => {
  it("round-trips a new key through a 0600 file and refuses to overwrite it", async () => {
    const key = newKeyFile({ keyId: "alice-1", accountId: "alice" });
    const path = join(dir, "alice.json");
    writeKeyFile(path, key);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await readKeyFile(path)).toEqual(key);
    expect(() => writeKeyFile(path, newKeyFile())).toThrow(/EEXIST/);
    const other = newKeyFile({ keyId: "alice-2" });
    writeKeyFile(path, other, { overwrite: true });
    expect(parseKeyFile(readFileSync(path, "utf8"))).toEqual(other);
  });

  it.each([
    ["not JSON", "{", /not JSON/],
    ["missing fields", JSON.stringify({ keyId: "k" }), /needs keyId, publicKey and privateKey/],
    [
      "a public key of another pair",
      JSON.stringify({
        keyId: "k",
        privateKey: newKeyFile().privateKey,
        publicKey: generateApiKeyPair().publicKey,
      }),
      /does not belong/,
    ],
    [
      "a malformed private key",
      JSON.stringify({ keyId: "k", privateKey: "short", publicKey: "x" }),
      /private key/,
    ],
  ])("refuses %s with a KeyFileError naming the source", (_name, json, message) => {
    const parse = () => parseKeyFile(json, "test.json");
    expect(parse).toThrow(KeyFileError);
    expect(parse).toThrow(message);
    expect(parse).toThrow(/^test\.json: /);
  });
});
