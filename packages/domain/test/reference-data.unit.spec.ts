import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  DomainError,
  defaultDataDir,
  loadReferenceData,
  parseReferenceData,
  referenceDataFileNames,
} from "../src/index.ts";

type Json = Record<string, unknown>;

function packagedContents(): Record<string, Json> {
  return Object.fromEntries(
    referenceDataFileNames.map((name) => [
      name,
      JSON.parse(readFileSync(join(defaultDataDir, name), "utf8")) as Json,
    ]),
  );
}

/** The message of the DomainError the loader throws for `contents`. */
function failure(contents: Record<string, unknown>): string {
  try {
    parseReferenceData(contents);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("REFERENCE_DATA_INVALID");
    return (error as Error).message;
  }
  throw new Error("the reference data was accepted");
}

/** Packaged data with one file changed by `edit`. */
// biome-ignore lint/suspicious/noExplicitAny: the edits reach into free-form JSON fixtures by path.
function withEdit(file: string, edit: (content: any) => void): Record<string, Json> {
  const contents = packagedContents();
  edit(contents[file]);
  return contents;
}

describe("packaged reference data", () => {
  const ref = loadReferenceData();

  it("loads with the seed classes, zones and currencies", () => {
    expect([...ref.classes.keys()]).toEqual(["H100", "H200", "B200", "A100", "910B", "MLU370", "P800"]);
    expect([...ref.zones.keys()]).toEqual([
      "WUHU",
      "HEFEI",
      "ZHANGBEI",
      "GUIYANG",
      "QINGYANG",
      "HELINGER",
      "SHANGHAI",
      "USW",
      "EUC",
    ]);
    for (const zone of ref.zones.values()) expect(zone.currency).toBe(zone.country === "CN" ? "CNY" : "USD");
    expect(ref.currencies.get("CNY")?.decimals).toBe(2);
    expect(ref.versions.deliveryZones).toBe(1);
  });

  it("keeps H200 compute equal to H100 and dense FP8 at 1,979 TFLOPS", () => {
    const h100 = ref.classes.get("H100")!;
    const h200 = ref.classes.get("H200")!;
    expect(h100.fp8TflopsDense).toBe(1979);
    expect([h200.fp8TflopsDense, h200.fp16TflopsDense]).toEqual([h100.fp8TflopsDense, h100.fp16TflopsDense]);
    expect(h200.memoryGb).toBe(141);
  });

  it("converts rates to basis points", () => {
    expect(ref.kindSpecs.future.initialMarginBps).toBe(1500);
    expect(ref.kindSpecs.hourly.penaltyBps).toBe(5000);
    expect(ref.kindSpecs.hourly.priceBand).toEqual({ kind: "bps", bps: 2000 });
  });
});

describe("invalid reference data names the file and the field", () => {
  it.each([
    [
      "an unknown time zone",
      withEdit("delivery-zones.json", (c) => {
        c.zones[2].timeZone = "Asia/Atlantis";
      }),
      "delivery-zones.json: zones.2.timeZone: must be an IANA time zone",
    ],
    [
      "a zone in an unknown currency",
      withEdit("delivery-zones.json", (c) => {
        c.zones[7].currency = "EUR";
      }),
      "delivery-zones.json: zones.7.currency: unknown currency EUR",
    ],
    [
      "a lower-case class code",
      withEdit("accelerator-classes.json", (c) => {
        c.classes[0].code = "h100";
      }),
      "accelerator-classes.json: classes.0.code: must be 1-16 upper-case letters or digits",
    ],
    [
      "a duplicate class",
      withEdit("accelerator-classes.json", (c) => {
        c.classes[1].code = "H100";
      }),
      "accelerator-classes.json: classes.1.code: duplicate code H100",
    ],
    [
      "a float tick size",
      withEdit("product-specs.json", (c) => {
        c.kinds.daily.tick = 0.01;
      }),
      "product-specs.json: kinds.daily.tick:",
    ],
    [
      "a tick finer than the currency",
      withEdit("product-specs.json", (c) => {
        c.kinds.hourly.tick = "0.001";
      }),
      "product-specs.json: kinds.hourly.tick: tick 0.001 is finer than the CNY minor unit",
    ],
    [
      "a margin rate finer than a basis point",
      withEdit("product-specs.json", (c) => {
        c.kinds.future.initialMarginRate = "0.15005";
      }),
      "product-specs.json: kinds.future.initialMarginRate: rate 0.15005 is not a whole number of basis points",
    ],
    [
      "min lots above max lots",
      withEdit("product-specs.json", (c) => {
        c.kinds.hourly.minLots = 5000;
      }),
      "product-specs.json: kinds.hourly.minLots: must not exceed maxLots",
    ],
    [
      "an unexpected field",
      withEdit("currencies.json", (c) => {
        c.currencies[0].symbol = "¥";
      }),
      "currencies.json: currencies.0:",
    ],
    [
      "a missing version",
      withEdit("currencies.json", (c) => {
        delete c.version;
      }),
      "currencies.json: version:",
    ],
  ])("%s", (_name, contents, message) => {
    expect(failure(contents)).toContain(message);
  });

  it("a missing file", () => {
    const contents: Record<string, unknown> = packagedContents();
    delete contents["currencies.json"];
    expect(failure(contents)).toBe("currencies.json: (root): file is missing");
  });
});

describe("loadReferenceData from a directory", () => {
  const dir = mkdtempSync(join(tmpdir(), "ghx-refdata-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function writeFixture(overrides: Record<string, string>): void {
    for (const name of referenceDataFileNames) {
      writeFileSync(join(dir, name), overrides[name] ?? readFileSync(join(defaultDataDir, name), "utf8"));
    }
  }

  it("loads a valid directory", () => {
    writeFixture({});
    expect(loadReferenceData(dir).zones.size).toBe(9);
  });

  it("reports a bad fixture file by name and field", () => {
    const zones = JSON.parse(readFileSync(join(defaultDataDir, "delivery-zones.json"), "utf8"));
    zones.zones[0].country = "China";
    writeFixture({ "delivery-zones.json": JSON.stringify(zones) });
    expect(() => loadReferenceData(dir)).toThrow(
      "delivery-zones.json: zones.0.country: must be an ISO 3166-1 alpha-2 code",
    );
  });

  it("reports invalid JSON by file name", () => {
    writeFixture({ "product-specs.json": "{ not json" });
    expect(() => loadReferenceData(dir)).toThrow(/^product-specs\.json: \(root\): not valid JSON/);
  });
});
