// UTC calendar arithmetic on epoch milliseconds. Every instant is an argument: nothing here reads
// the clock. `new Date(ms)` is used only as a pure calendar converter.

/** Milliseconds since 1970-01-01T00:00:00Z. The unit of every instant in GHX. */
export type EpochMs = number;

export const minuteMs = 60_000;
export const hourMs = 3_600_000;
export const dayMs = 86_400_000;

export interface UtcParts {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** 1..31 */
  readonly day: number;
  /** 0..23 */
  readonly hour: number;
}

export function utcParts(ms: EpochMs): UtcParts {
  const date = new Date(ms);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
  };
}

export function startOfHourMs(ms: EpochMs): EpochMs {
  return Math.floor(ms / hourMs) * hourMs;
}

export function startOfDayMs(ms: EpochMs): EpochMs {
  return Math.floor(ms / dayMs) * dayMs;
}

export function startOfMonthMs(ms: EpochMs): EpochMs {
  const { year, month } = utcParts(ms);
  return Date.UTC(year, month - 1, 1);
}

/** The first instant of the month `months` after (or before) the month containing `ms`. */
export function addMonthsMs(ms: EpochMs, months: number): EpochMs {
  const { year, month } = utcParts(ms);
  return Date.UTC(year, month - 1 + months, 1);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
