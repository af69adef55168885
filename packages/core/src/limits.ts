// Every bound of the core in one place (TigerBeetle style). Relations are asserted below.

/** Command ids remembered for idempotent retries (FIFO eviction; persisted in snapshots). */
export const dedupeWindowMax = 200_000;
/** Open orders one account may have across all products. */
export const openOrdersPerAccountMax = 10_000;
/** Closed orders and fills kept per account for the history queries. */
export const historyPerAccountMax = 200;
export const fillsPerAccountMax = 200;
export const apiKeysPerAccountMax = 16;
export const capacityDeclarationsPerAccountMax = 1_000;
/** Longest physical delivery period in hours (a daily block is 24; a month is 744). */
export const physicalPeriodHoursMax = 744;
/** Longest capacity declaration in hours (about 13 months). */
export const capacityPeriodHoursMax = 24 * 400;

export const hourMs = 3_600_000;

// A dedupe window smaller than a busy second of orders would make retries unsafe.
if (dedupeWindowMax < 100_000) throw new Error("limits: dedupeWindowMax must cover a busy second");
if (historyPerAccountMax < 1 || fillsPerAccountMax < 1) throw new Error("limits: history bounds must be ≥ 1");
