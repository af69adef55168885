// The journal's packed commands: every valid command comes back as it was submitted (absent
// optional fields as undefined), with its sequence number and time; journals written in format 1
// (JSON) still read; damaged bytes fail loudly instead of decoding into other commands.
import { applyCommand, initialState, stateHash } from "@ghx/core";
import { type CoreCommand, type CoreEvent, coreCommandSchema } from "@ghx/domain";
import { createMemoryEventStore } from "@ghx/eventstore";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CoreRuntime, eventsStream, journalStream, recover, verifyJournal } from "../src/index.ts";
import { CommandPacker, CommandReader } from "../src/journal-codec.ts";
import {
  encodeEventsRecord,
  eventsRecordType,
  type JournalRecord,
  journalCommandCount,
  journalRecord,
  journalRecordType,
  sequencedCommands,
} from "../src/records.ts";
import { marketSetup, order, symbol } from "./fixtures.ts";

/** What decoding gives for a command: its defined fields (toEqual would pass over a stray key). */
const definedFields = (command: object) => Object.entries(command).filter(([, v]) => v !== undefined);

const through = (record: JournalRecord): JournalRecord => JSON.parse(JSON.stringify(record)) as JournalRecord;

const idArb = fc.stringMatching(/^[A-Za-z0-9_.:@-]{1,64}$/);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const uintArb = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const lotsArb = fc.integer({ min: 1, max: 1_000_000 });

const placeArb = fc.record(
  {
    type: fc.constant("PlaceOrder" as const),
    commandId: idArb,
    accountId: idArb,
    clientOrderId: idArb,
    // Symbols are any text of 3-40 characters: non-ASCII ones take the UTF-8 path.
    symbol: fc.string({ minLength: 3, maxLength: 40, unit: "grapheme" }),
    side: fc.constantFrom("buy" as const, "sell" as const),
    orderType: fc.constantFrom("limit" as const, "market" as const),
    price: maybe(fc.integer({ min: 1, max: 1_000_000_000 })),
    qty: lotsArb,
    tif: fc.constantFrom("GTC" as const, "GTD" as const, "IOC" as const, "FOK" as const),
    expiry: maybe(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
    postOnly: maybe(fc.boolean()),
    stpMode: maybe(
      fc.constantFrom("cancel_newest", "cancel_oldest", "cancel_both", "decrement") as fc.Arbitrary<
        "cancel_newest" | "cancel_oldest" | "cancel_both" | "decrement"
      >,
    ),
  },
  {
    requiredKeys: [
      "type",
      "commandId",
      "accountId",
      "clientOrderId",
      "symbol",
      "side",
      "orderType",
      "qty",
      "tif",
    ],
  },
);

const refArb = fc.record(
  {
    commandId: idArb,
    accountId: idArb,
    orderId: maybe(uintArb),
    clientOrderId: maybe(idArb),
  },
  { requiredKeys: ["commandId", "accountId"] },
);

const commandArb: fc.Arbitrary<CoreCommand> = fc
  .oneof(
    { weight: 4, arbitrary: placeArb },
    { weight: 2, arbitrary: refArb.map((ref) => ({ type: "CancelOrder" as const, ...ref })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(refArb, lotsArb)
        .map(([ref, qty]) => ({ type: "AmendOrder" as const, ...ref, qty })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(refArb, fc.integer({ min: 1, max: 1_000_000_000 }), lotsArb)
        .map(([ref, price, qty]) => ({ type: "ReplaceOrder" as const, ...ref, price, qty })),
    },
    { weight: 1, arbitrary: fc.constantFrom(...marketSetup()) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(idArb, idArb, maybe(fc.constantFrom("buy" as const, "sell" as const)))
        .map(([commandId, accountId, side]) => ({ type: "MassCancel" as const, commandId, accountId, side })),
    },
  )
  .filter((command) => coreCommandSchema.safeParse(command).success) as fc.Arbitrary<CoreCommand>;

/** A command as cores before the packed format journaled it (format 1): order commands as tuples. */
const asFormatOne = (c: CoreCommand) =>
  c.type === "PlaceOrder"
    ? [
        0,
        c.commandId,
        c.accountId,
        c.clientOrderId,
        c.symbol,
        c.side,
        c.orderType,
        c.price ?? null,
        c.qty,
        c.tif,
        c.expiry ?? null,
        c.postOnly ?? null,
        c.stpMode ?? null,
      ]
    : c.type === "CancelOrder"
      ? [1, c.commandId, c.accountId, c.orderId ?? null, c.clientOrderId ?? null, null, null]
      : c;

describe("journal codec", () => {
  it("gives back every command as submitted, with its sequence number and time, after JSON", () => {
    fc.assert(
      fc.property(
        fc.array(commandArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 2 ** 45 }),
        fc.array(fc.integer({ min: -5_000, max: 100_000 }), { minLength: 40, maxLength: 40 }),
        (commands, first, start, steps) => {
          // Times go up through a live core, but the codec does not rely on it.
          const ts = commands.map((_, i) => start + steps.slice(0, i + 1).reduce((a, b) => a + b, 0));
          const record = through(journalRecord(first, ts, commands));
          expect(journalCommandCount(record)).toBe(commands.length);
          const decoded = [...sequencedCommands(record)];
          expect(decoded.map((s) => s.seq)).toEqual(commands.map((_, i) => first + i));
          expect(decoded.map((s) => s.ts)).toEqual(ts);
          expect(decoded.map((s) => definedFields(s.command))).toEqual(commands.map(definedFields));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses a sequencer time it could not give back exactly", () => {
    const command = order("o1", "b", "buy", 500, 1);
    expect(() => journalRecord(1, [2 ** 52 + 2], [command])).toThrow(/time step .* out of range/);
  });

  it("reuses its buffer from batch to batch without carrying anything over", () => {
    const packer = new CommandPacker();
    const big = Array.from({ length: 3_000 }, (_, i) =>
      order(`o${i}`, `acct${i % 7}`, "buy", 500 + (i % 9), 1),
    );
    const small = [order("p1", "acct3", "sell", 501, 2)];
    packer.pack(
      big.map(() => 1),
      big,
    );
    const record = through(journalRecord(9, [5], small, packer));
    expect([...sequencedCommands(record)].map((s) => definedFields(s.command))).toEqual(
      small.map(definedFields),
    );
  });

  it("packs the bench's kind of batch into well under half of format 1's JSON", () => {
    const commands = Array.from({ length: 1_000 }, (_, i) =>
      order(`x${i}`, `acct${i % 100}`, i % 2 ? "buy" : "sell", 1_900 + (i % 100), 1 + (i % 10)),
    );
    const ts = commands.map((_, i) => 1_765_000_000_000 + i);
    const packed = JSON.stringify(journalRecord(1, ts, commands)).length;
    const formatOne = JSON.stringify({
      first: 1,
      ts,
      commands: commands.map(asFormatOne),
    }).length;
    expect(packed).toBeLessThan(formatOne / 2);
  });

  it("still reads records of format 1, written before the packed format", () => {
    const stored = JSON.parse(
      JSON.stringify({
        first: 7,
        ts: [100, 101, 101, 102, 102],
        commands: [
          [0, "c1", "b", "o1", symbol, "buy", "limit", 500, 1, "GTC", null, null, null],
          [0, "c2", "b", "o2", symbol, "sell", "market", null, 2, "GTD", 9e12, true, "decrement"],
          [1, "c3", "b", 7, null, null, null],
          [3, "c4", "b", null, "o1", 505, 3],
          { type: "Deposit", commandId: "c5", accountId: "b", currency: "CNY", amount: 10 },
        ],
      }),
    ) as JournalRecord;
    expect(journalCommandCount(stored)).toBe(5);
    const decoded = [...sequencedCommands(stored)];
    expect(decoded.map((s) => [s.seq, s.ts])).toEqual([
      [7, 100],
      [8, 101],
      [9, 101],
      [10, 102],
      [11, 102],
    ]);
    expect(decoded.map((s) => definedFields(s.command))).toEqual(
      [
        { ...order("o1", "b", "buy", 500, 1), commandId: "c1" },
        {
          type: "PlaceOrder",
          commandId: "c2",
          accountId: "b",
          clientOrderId: "o2",
          symbol,
          side: "sell",
          orderType: "market",
          qty: 2,
          tif: "GTD",
          expiry: 9e12,
          postOnly: true,
          stpMode: "decrement",
        },
        { type: "CancelOrder", commandId: "c3", accountId: "b", orderId: 7 },
        { type: "ReplaceOrder", commandId: "c4", accountId: "b", clientOrderId: "o1", price: 505, qty: 3 },
        { type: "Deposit", commandId: "c5", accountId: "b", currency: "CNY", amount: 10 },
      ].map(definedFields),
    );
  });

  it("fails on damaged bytes instead of reading other commands", () => {
    const commands = [order("o1", "b", "buy", 500, 1), order("o2", "b", "sell", 501, 1)];
    const good = journalRecord(1, [1, 2], commands);
    const bytes = Buffer.from(good.packed, "base64");

    const unknownTag = Buffer.from(bytes);
    unknownTag[1] = 9;
    expect(() => [...sequencedCommands({ ...good, packed: unknownTag.toString("base64") })]).toThrow(
      /unknown command tag 9/,
    );
    const truncated = bytes.subarray(0, bytes.length - 6).toString("base64");
    expect(() => [...sequencedCommands({ ...good, packed: truncated })]).toThrow(/past the record's end/);
    expect(() => [...sequencedCommands({ ...good, count: 1 })]).toThrow(/more after its 1 commands/);
    expect(() => new CommandReader(good.packed).next(1)).not.toThrow();

    const [deposit] = marketSetup().filter((c) => c.type === "Deposit");
    const withOther = journalRecord(1, [1, 2], [commands[0]!, deposit!]);
    expect(withOther.others).toEqual([deposit]);
    expect(() => [...sequencedCommands({ ...withOther, others: [] })]).toThrow(
      /missing from the record's others/,
    );
    expect(() => [...sequencedCommands({ ...withOther, others: [deposit!, deposit!] })]).toThrow(
      /more after its 2 commands/,
    );
  });

  it("takes over a journal written in format 1: recovers it, appends format 2 after it, and verifies both", async () => {
    const batches: CoreCommand[][] = [
      marketSetup(),
      [order("o1", "b", "buy", 500, 2), order("o2", "p", "sell", 500, 1), order("o3", "b", "buy", 499, 1)],
      [
        { type: "CancelOrder", commandId: "c1", accountId: "b", clientOrderId: "o3" },
        order("o4", "p", "sell", 501, 3),
      ],
    ];
    const store = createMemoryEventStore();
    const reference = initialState();
    for (const [revision, commands] of batches.entries()) {
      const first = reference.lastSeq + 1;
      const ts = commands.map((_, i) => 1_700_000_000_000 + first + i);
      const events: CoreEvent[][] = commands.map(
        (command, i) => applyCommand(reference, { seq: first + i, ts: ts[i]!, command }).events,
      );
      const expectedRevision = revision === 0 ? ("no_stream" as const) : BigInt(revision - 1);
      const record = { first, ts, commands: commands.map(asFormatOne) };
      await store.append(journalStream, [{ type: journalRecordType, data: record }], {
        expectedRevision,
        commitId: `j${revision}`,
      });
      const [stored] = encodeEventsRecord({ first, ts, events }, Number.POSITIVE_INFINITY)!;
      await store.append(eventsStream, [{ type: eventsRecordType, data: stored! }], {
        expectedRevision,
        commitId: `e${revision}`,
      });
    }

    const recovered = await recover(store, undefined);
    expect(recovered.replayedCommands).toBe(reference.lastSeq);
    expect(stateHash(recovered.state)).toBe(stateHash(reference));

    const core = new CoreRuntime(recovered, {
      store,
      snapshotEveryCommands: 1e9,
      snapshotEveryMs: 1e12,
      invariantCheckEveryCommands: 0,
      clock: () => 1_800_000_000_000,
    });
    const filled = await core.submitValid(order("o5", "b", "buy", 501, 3));
    expect(filled.events.map((e) => e.type)).toContain("TradeExecuted");
    await core.submitValid({ type: "CancelOrder", commandId: "c2", accountId: "b", clientOrderId: "o1" });
    await core.close({ snapshot: false });
    const journal = await store.readStream(journalStream);
    expect(journal.map((r) => "packed" in (r.data as JournalRecord))).toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);

    const again = await recover(store, undefined);
    expect(stateHash(again.state)).toBe(stateHash(core.state));
    const verified = await verifyJournal(store);
    expect(verified.commands).toBe(core.state.lastSeq);
    expect(verified.eventsRecordsCompared).toBe(journal.length);
  });
});
