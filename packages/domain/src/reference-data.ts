import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Decimal } from "decimal.js";
import { z } from "zod";
import { DomainError } from "./errors.ts";
import { feeBpsMax, feeBpsMin, lotsMax } from "./limits.ts";
import { unsignedDecimalPattern } from "./price.ts";
import { currencySchema as currencyCodeSchema } from "./schemas/core-common.ts";
import { type ProductKind, productKindSchema } from "./schemas/core-products.ts";
import { issuePath } from "./schemas/problem.ts";

// Reference data is versioned JSON in packages/domain/data (not code). It is validated here, once,
// at start; a bad file stops the start with the file and the field in the message.

/** Product kinds, as the core lists them: hourly spot, daily block, monthly future. */
export const productKinds: readonly ProductKind[] = productKindSchema.options;

/** Codes appear inside symbols, so they share the symbol grammar: upper-case letters and digits. */
const codeSchema = z.string().regex(/^[A-Z0-9]{1,16}$/, "must be 1-16 upper-case letters or digits");
const versionSchema = z.int().min(1);
const decimalString = z.string().regex(unsignedDecimalPattern, "must be a plain decimal string");
const nullableFigure = z.number().positive().nullable();

const acceleratorClassSchema = z.strictObject({
  code: codeSchema,
  vendor: z.string().min(1),
  name: z.string().min(1),
  memoryGb: nullableFigure,
  fp8TflopsDense: nullableFigure,
  fp16TflopsDense: nullableFigure,
  int8TopsDense: nullableFigure.optional(),
  notes: z.string().optional(),
});

const timeZoneSchema = z.string().refine(isIanaTimeZone, "must be an IANA time zone");

const deliveryZoneSchema = z.strictObject({
  code: codeSchema,
  name: z.string().min(1),
  country: z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code"),
  timeZone: timeZoneSchema,
  currency: currencyCodeSchema,
});

const currencyEntrySchema = z.strictObject({
  code: currencyCodeSchema,
  name: z.string().min(1),
  decimals: z.int().min(0).max(8),
});

const priceBandDataSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("percent"), value: decimalString }),
  z.strictObject({ kind: z.literal("ticks"), value: z.int().min(1) }),
]);

const kindSpecFields = {
  tick: decimalString.refine((tick) => !new Decimal(tick).isZero(), "must be above zero"),
  minLots: z.int().min(1).max(lotsMax),
  maxLots: z.int().min(1).max(lotsMax),
  priceBand: priceBandDataSchema,
  makerFeeBps: z.int().min(feeBpsMin).max(feeBpsMax),
  takerFeeBps: z.int().min(feeBpsMin).max(feeBpsMax),
  tradingEndLeadMinutes: z
    .int()
    .min(0)
    .max(24 * 60),
};

const physicalSpecSchema = (unit: "hour" | "day") =>
  z.strictObject({
    ...kindSpecFields,
    listingLead: z.strictObject({ unit: z.literal(unit), count: z.int().min(1).max(1000) }),
    penaltyRate: decimalString,
  });

const futureSpecSchema = z.strictObject({
  ...kindSpecFields,
  listingLead: z.strictObject({ unit: z.literal("month"), count: z.int().min(1).max(120) }),
  initialMarginRate: decimalString,
});

const files = {
  acceleratorClasses: {
    file: "accelerator-classes.json",
    schema: z.strictObject({
      version: versionSchema,
      computeFigures: z.string(),
      classes: z.array(acceleratorClassSchema).min(1),
    }),
  },
  deliveryZones: {
    file: "delivery-zones.json",
    schema: z.strictObject({ version: versionSchema, zones: z.array(deliveryZoneSchema).min(1) }),
  },
  currencies: {
    file: "currencies.json",
    schema: z.strictObject({ version: versionSchema, currencies: z.array(currencyEntrySchema).min(1) }),
  },
  productSpecs: {
    file: "product-specs.json",
    schema: z.strictObject({
      version: versionSchema,
      kinds: z.strictObject({
        hourly: physicalSpecSchema("hour"),
        daily: physicalSpecSchema("day"),
        future: futureSpecSchema,
      }),
    }),
  },
} as const;

type FileKey = keyof typeof files;
type FileContent<K extends FileKey> = z.infer<(typeof files)[K]["schema"]>;

export type AcceleratorClass = z.infer<typeof acceleratorClassSchema>;
export type DeliveryZone = z.infer<typeof deliveryZoneSchema>;
export type Currency = z.infer<typeof currencyEntrySchema>;

/** Price collar around a reference price, in integer units: basis points or ticks. */
export type PriceBand =
  | { readonly kind: "bps"; readonly bps: number }
  | { readonly kind: "ticks"; readonly ticks: number };

export type ListingLead =
  | { readonly unit: "hour" | "day"; readonly count: number }
  | { readonly unit: "month"; readonly count: number };

/** The defaults of one product kind, with every rate converted to integer basis points. */
export interface KindSpec {
  readonly kind: ProductKind;
  readonly settlement: "physical" | "cash";
  readonly tick: string;
  readonly minLots: number;
  readonly maxLots: number;
  readonly priceBand: PriceBand;
  readonly makerFeeBps: number;
  readonly takerFeeBps: number;
  /** A product is listed (tradable) from periodStart minus this lead. */
  readonly listingLead: ListingLead;
  /** Trading stops this many minutes before the period starts (gate closure for physical). */
  readonly tradingEndLeadMinutes: number;
  /** Futures only: initial margin as bps of notional. */
  readonly initialMarginBps: number | null;
  /** Physical only: penalty for undelivered GPU-hours as bps of their notional. */
  readonly penaltyBps: number | null;
}

export interface ReferenceData {
  readonly versions: { readonly [K in FileKey]: number };
  readonly classes: ReadonlyMap<string, AcceleratorClass>;
  readonly zones: ReadonlyMap<string, DeliveryZone>;
  readonly currencies: ReadonlyMap<string, Currency>;
  readonly kindSpecs: { readonly [K in ProductKind]: KindSpec };
}

export const referenceDataFileNames: readonly string[] = Object.values(files).map((f) => f.file);

export const defaultDataDir = join(import.meta.dirname, "..", "data");

function invalid(file: string, field: string, message: string): DomainError {
  return new DomainError("REFERENCE_DATA_INVALID", `${file}: ${field || "(root)"}: ${message}`);
}

function parseFile<K extends FileKey>(key: K, content: unknown): FileContent<K> {
  const { file, schema } = files[key];
  const result = schema.safeParse(content);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw invalid(file, issuePath(issue.path), issue.message);
  }
  return result.data as FileContent<K>;
}

function indexByCode<T extends { code: string }>(
  file: string,
  field: string,
  rows: readonly T[],
): Map<string, T> {
  const map = new Map<string, T>();
  rows.forEach((row, i) => {
    if (map.has(row.code)) throw invalid(file, `${field}.${i}.code`, `duplicate code ${row.code}`);
    map.set(row.code, row);
  });
  return map;
}

/** "0.15" -> 1500. A rate finer than one basis point is refused rather than rounded. */
function rateToBps(file: string, field: string, rate: string): number {
  const bps = new Decimal(rate).times(10_000);
  if (!bps.isInteger()) throw invalid(file, field, `rate ${rate} is not a whole number of basis points`);
  return bps.toNumber();
}

function resolveBand(file: string, field: string, band: z.infer<typeof priceBandDataSchema>): PriceBand {
  if (band.kind === "ticks") return { kind: "ticks", ticks: band.value };
  // Percent -> bps: "10" percent = 1000 bps.
  const bps = rateToBps(file, field, new Decimal(band.value).dividedBy(100).toString());
  if (bps < 1 || bps >= 10_000)
    throw invalid(file, field, `percent ${band.value} must be above 0 and below 100`);
  return { kind: "bps", bps };
}

function resolveKindSpecs(
  content: FileContent<"productSpecs">,
  currencies: ReadonlyMap<string, Currency>,
): ReferenceData["kindSpecs"] {
  const file = files.productSpecs.file;
  const resolve = (kind: ProductKind): KindSpec => {
    const spec = content.kinds[kind];
    const at = `kinds.${kind}`;
    if (spec.minLots > spec.maxLots) throw invalid(file, `${at}.minLots`, "must not exceed maxLots");
    if (spec.makerFeeBps + spec.takerFeeBps < 0) {
      throw invalid(file, `${at}.makerFeeBps`, "a maker rebate must not exceed the taker fee");
    }
    // Notional is kept in currency minor units, so one tick must be a whole number of them.
    for (const currency of currencies.values()) {
      const minorUnitsPerTick = new Decimal(spec.tick).times(new Decimal(10).pow(currency.decimals));
      if (!minorUnitsPerTick.isInteger()) {
        throw invalid(file, `${at}.tick`, `tick ${spec.tick} is finer than the ${currency.code} minor unit`);
      }
    }
    return {
      kind,
      settlement: kind === "future" ? "cash" : "physical",
      tick: spec.tick,
      minLots: spec.minLots,
      maxLots: spec.maxLots,
      priceBand: resolveBand(file, `${at}.priceBand.value`, spec.priceBand),
      makerFeeBps: spec.makerFeeBps,
      takerFeeBps: spec.takerFeeBps,
      listingLead: spec.listingLead,
      tradingEndLeadMinutes: spec.tradingEndLeadMinutes,
      initialMarginBps:
        "initialMarginRate" in spec
          ? rateToBps(file, `${at}.initialMarginRate`, spec.initialMarginRate)
          : null,
      penaltyBps: "penaltyRate" in spec ? rateToBps(file, `${at}.penaltyRate`, spec.penaltyRate) : null,
    };
  };
  return { hourly: resolve("hourly"), daily: resolve("daily"), future: resolve("future") };
}

/**
 * Validates reference data given as parsed JSON keyed by file name (e.g. "delivery-zones.json").
 * Pure: no I/O. Throws DomainError REFERENCE_DATA_INVALID naming the file and the field.
 */
export function parseReferenceData(contents: Readonly<Record<string, unknown>>): ReferenceData {
  const read = <K extends FileKey>(key: K): FileContent<K> => {
    const { file } = files[key];
    if (!Object.hasOwn(contents, file)) throw invalid(file, "", "file is missing");
    return parseFile(key, contents[file]);
  };
  const classFile = read("acceleratorClasses");
  const zoneFile = read("deliveryZones");
  const currencyFile = read("currencies");
  const specFile = read("productSpecs");

  const classes = indexByCode(files.acceleratorClasses.file, "classes", classFile.classes);
  const zones = indexByCode(files.deliveryZones.file, "zones", zoneFile.zones);
  const currencies = indexByCode(files.currencies.file, "currencies", currencyFile.currencies);
  zoneFile.zones.forEach((zone, i) => {
    if (!currencies.has(zone.currency)) {
      throw invalid(files.deliveryZones.file, `zones.${i}.currency`, `unknown currency ${zone.currency}`);
    }
  });
  return {
    versions: {
      acceleratorClasses: classFile.version,
      deliveryZones: zoneFile.version,
      currencies: currencyFile.version,
      productSpecs: specFile.version,
    },
    classes,
    zones,
    currencies,
    kindSpecs: resolveKindSpecs(specFile, currencies),
  };
}

/** Reads and validates the reference data files of a directory (default: the packaged data). */
export function loadReferenceData(dir: string = defaultDataDir): ReferenceData {
  const contents: Record<string, unknown> = {};
  for (const name of referenceDataFileNames) {
    let text: string;
    try {
      text = readFileSync(join(dir, name), "utf8");
    } catch (error) {
      throw invalid(name, "", `cannot read ${join(dir, name)}: ${(error as Error).message}`);
    }
    try {
      contents[name] = JSON.parse(text);
    } catch (error) {
      throw invalid(name, "", `not valid JSON: ${(error as Error).message}`);
    }
  }
  return parseReferenceData(contents);
}

let packaged: ReferenceData | undefined;

/** The packaged reference data, loaded and validated on first use. */
export function defaultReferenceData(): ReferenceData {
  packaged ??= loadReferenceData();
  return packaged;
}

function isIanaTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return name.includes("/") || name === "UTC";
  } catch {
    return false;
  }
}

/** The quote currency of a zone: a zone exists only with a known currency (checked at load). */
export function zoneCurrency(ref: ReferenceData, zoneCode: string): Currency {
  const zone = ref.zones.get(zoneCode);
  const currency = zone && ref.currencies.get(zone.currency);
  if (!currency) throw new DomainError("UNKNOWN_ZONE", `unknown delivery zone ${zoneCode}`);
  return currency;
}
