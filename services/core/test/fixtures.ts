// Commands for the runtime tests: a small market of providers and buyers.
import type { CoreCommand } from "@ghx/domain";
import { EncodedJson, type EventData, type EventStore } from "@ghx/eventstore";
import { type JournalRecord, journalStream, sequencedCommands } from "../src/index.ts";

const hourMs = 3_600_000;
export const deliveryFrom = Date.UTC(2026, 10, 24, 14);
export const symbol = "H100.WUHU.20261124T14";

let counter = 0;
export const uniqueId = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

export function marketSetup(): CoreCommand[] {
  return [
    {
      type: "ListProduct",
      commandId: "list-1",
      open: true,
      product: {
        symbol,
        kind: "hourly",
        accelerator: "H100",
        zone: "WUHU",
        currency: "CNY",
        tickMinor: 1,
        hoursPerLot: 1,
        minLots: 1,
        maxLots: 1_000,
        bandLowTicks: 100,
        bandHighTicks: 100_000,
        makerFeeBps: 5,
        takerFeeBps: 10,
        marginBps: 0,
        positionLimitLots: 1_000_000,
        deliveryFrom,
        deliveryTo: deliveryFrom + hourMs,
      },
    },
    {
      type: "CreateAccount",
      commandId: "acct-p",
      accountId: "p",
      owner: "prov",
      capabilities: ["trade", "provide"],
    },
    { type: "CreateAccount", commandId: "acct-b", accountId: "b", owner: "buyer", capabilities: ["trade"] },
    {
      type: "DeclareCapacity",
      commandId: "cap-p",
      accountId: "p",
      accelerator: "H100",
      zone: "WUHU",
      gpus: 1_000_000,
      from: deliveryFrom,
      to: deliveryFrom + hourMs,
    },
    { type: "Deposit", commandId: "dep-p", accountId: "p", currency: "CNY", amount: 1_000_000_000 },
    { type: "Deposit", commandId: "dep-b", accountId: "b", currency: "CNY", amount: 1_000_000_000 },
  ];
}

export const order = (
  commandId: string,
  accountId: string,
  side: "buy" | "sell",
  price: number,
  qty: number,
): CoreCommand => ({
  type: "PlaceOrder",
  commandId,
  accountId,
  clientOrderId: commandId,
  symbol,
  side,
  orderType: "limit",
  price,
  qty,
  tif: "GTC",
});

/** The command ids in the journal, in order. */
export const journaledCommandIds = async (store: EventStore): Promise<string[]> =>
  (await store.readStream(journalStream)).flatMap((r) =>
    [...sequencedCommands(r.data as JournalRecord)].map(({ command }) => command.commandId),
  );

/** The store with its appends passed through `before` first (which may wait, record or throw). */
export function interceptAppends(
  inner: EventStore,
  before: (stream: string, data: unknown) => Promise<void> | void,
): EventStore {
  return {
    ...inner,
    readStream: inner.readStream.bind(inner),
    subscribeToAll: inner.subscribeToAll.bind(inner),
    close: inner.close.bind(inner),
    async append(stream, events: readonly EventData[], options) {
      await before(stream, events[0]!.data);
      return inner.append(stream, events, options);
    },
  };
}

/** An appended event's data as its value (the core hands the store pre-encoded JSON). */
export const appendedValue = (data: unknown): unknown =>
  data instanceof EncodedJson ? JSON.parse(data.json) : data;
