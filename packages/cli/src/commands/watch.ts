// ghx watch <symbol>: the live book and the latest trades, from the feed's verified local book.
// On a terminal the screen is redrawn in place (at most every redrawIntervalMs); piped, each
// change is a line; with --json each change is one JSON object per line. Ctrl-C exits cleanly.
import type { FeedTrade, LocalBook, MarketFeedClient } from "@ghx/sdk";
import type { Command } from "commander";
import { positiveInteger } from "../args.ts";
import type { Context } from "../context.ts";
import type { Kit } from "../kit.ts";
import { table } from "../output.ts";

const redrawIntervalMs = 100;
const tradesShownMax = 10;
/** The feed's checksum covers 10 levels, so the subscription asks for at least that many. */
const subscribeDepthMin = 10;

export interface WatchState {
  readonly symbol: string;
  readonly depth: number;
  book: LocalBook | undefined;
  trades: FeedTrade[];
  resyncs: number;
  connected: boolean;
}

export function renderWatch(state: WatchState): string[] {
  const { book } = state;
  const status = !state.connected ? "reconnecting" : book?.synced ? `seq ${book.seq}` : "syncing";
  const header = `${state.symbol}  ${status}  resyncs ${state.resyncs}   (Ctrl-C to quit)`;
  const asks = book ? book.asks(state.depth).reverse() : [];
  const bids = book ? book.bids(state.depth) : [];
  const ladder = table(
    ["side", "price", "lots", "orders"],
    [...asks.map((l) => ["ask", ...l] as const), ...bids.map((l) => ["bid", ...l] as const)],
  );
  const tape = table(
    ["time", "side", "price", "lots"],
    state.trades.map((t) => [new Date(t.ts).toISOString().slice(11, 19), t.side, t.price, t.qty]),
  );
  return [header, "", ladder, "", "last trades", tape];
}

export function watchCommand(program: Command, kit: Kit): void {
  program
    .command("watch <symbol>")
    .description("live order book and trades of a product (Ctrl-C to quit)")
    .option("--depth <n>", "levels per side", positiveInteger, 10)
    .action(
      kit.action(async (ctx, symbol: string, options: { depth: number }) => {
        // Listen for Ctrl-C first: it may come while connecting or before the first snapshot.
        const stop = interrupted();
        const feed = ctx.publicClient().marketFeed();
        await ctx.output.progress("connecting to the market-data feed", feed.connect());
        const state: WatchState = {
          symbol,
          depth: options.depth,
          book: undefined,
          trades: [],
          resyncs: 0,
          connected: true,
        };
        const screen = createScreen(ctx, kit, state);
        follow(feed, state, screen);
        try {
          await feed.subscribe("book", [symbol], { depth: Math.max(options.depth, subscribeDepthMin) });
          await feed.subscribe("trades", [symbol]);
          await stop;
        } finally {
          feed.close();
          screen.close();
        }
      }),
    );
}

interface Screen {
  book(book: LocalBook): void;
  trades(trades: readonly FeedTrade[]): void;
  changed(event: Record<string, unknown>): void;
  close(): void;
}

function follow(feed: MarketFeedClient, state: WatchState, screen: Screen): void {
  feed.on("book", (book) => {
    if (book.symbol !== state.symbol) return;
    state.book = book;
    screen.book(book);
  });
  feed.on("trades", (message) => {
    if (message.symbol !== state.symbol) return;
    state.trades = [...[...message.trades].reverse(), ...state.trades].slice(0, tradesShownMax);
    screen.trades(message.trades);
  });
  feed.on("resync", (event) => {
    state.resyncs++;
    screen.changed({ type: "resync", ...event });
  });
  feed.on("disconnected", (event) => {
    state.connected = false;
    screen.changed({ type: "disconnected", ...event });
  });
  feed.on("connected", () => {
    state.connected = true;
    screen.changed({ type: "connected" });
  });
}

function createScreen(ctx: Context, kit: Kit, state: WatchState): Screen {
  const out = kit.streams.stdout;
  const print = (value: unknown) => out.write(`${JSON.stringify(value)}\n`);
  if (ctx.output.json) {
    return {
      book: (book) =>
        print({
          type: "book",
          symbol: book.symbol,
          seq: book.seq,
          bids: book.bids(state.depth),
          asks: book.asks(state.depth),
        }),
      trades: (trades) => print({ type: "trades", symbol: state.symbol, trades }),
      changed: print,
      close() {},
    };
  }
  if (!out.isTTY) {
    const touch = (book: LocalBook) => {
      const [bid, ask] = [book.bestBid(), book.bestAsk()];
      return `seq ${book.seq}  bid ${bid ? `${bid[0]} x ${bid[1]}` : "-"}  ask ${ask ? `${ask[0]} x ${ask[1]}` : "-"}`;
    };
    return {
      book: (book) => out.write(`${touch(book)}\n`),
      trades: (trades) => {
        for (const t of trades) out.write(`trade ${t.side} ${t.qty} @ ${t.price}\n`);
      },
      changed: (event) => out.write(`${Object.values(event).join(" ")}\n`),
      close() {},
    };
  }
  return redrawingScreen(out, state);
}

/** Redraws the whole view in place, throttled; hides the cursor while it runs. */
function redrawingScreen(out: NodeJS.WriteStream, state: WatchState): Screen {
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    timer = undefined;
    out.write(`\x1b[H${renderWatch(state).join("\x1b[K\n")}\x1b[K\n\x1b[J`);
  };
  const schedule = () => {
    timer ??= setTimeout(draw, redrawIntervalMs);
  };
  out.write("\x1b[?25l\x1b[2J");
  draw();
  return {
    book: schedule,
    trades: schedule,
    changed: schedule,
    close() {
      clearTimeout(timer);
      draw();
      out.write("\x1b[?25h");
    },
  };
}

/** Resolves on Ctrl-C (SIGINT) or SIGTERM, so the command can close the feed and exit 0. */
function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}
