// The L2 projection built from the core's events agrees with the engine's own book, level for
// level, throughout a seeded random run (and after a checkpoint round trip).
import { describe, expect, it } from "vitest";
import { bookChecksum, checksumText, MarketProjection } from "../src/index.ts";
import { prng, RandomMarket } from "./support/random-market.ts";

const symbols = ["H100.WUHU.2027M01", "H200.WUHU.2027M01"];

function engineDepth(market: RandomMarket, symbol: string) {
  const book = market.state.products.get(symbol)!.book;
  const levels = (side: "buy" | "sell") =>
    book.depth(side, 10_000).map((l) => ({ price: l.price, qty: l.qty, count: l.count }));
  return { bids: levels("buy"), asks: levels("sell") };
}

describe("L2 book projection", () => {
  it("matches the engine's book level for level throughout a random run and across a checkpoint", () => {
    const seed = Number(process.env.SEED ?? 7);
    let projection = new MarketProjection();
    const market = new RandomMarket(symbols, 12, (batch) => projection.apply(batch));
    const random = prng(seed);
    for (let i = 0; i < 20_000; i++) {
      market.step(random);
      if (i % 97 === 0 || i > 19_900) {
        for (const symbol of symbols) {
          expect(projection.product(symbol)!.book.depth(10_000), `seed ${seed} step ${i}`).toEqual(
            engineDepth(market, symbol),
          );
        }
      }
      if (i === 10_000)
        projection = MarketProjection.restore(JSON.parse(JSON.stringify(projection.checkpoint())));
    }
    const trades = projection.product(symbols[0]!)!;
    expect(trades.lastTradeId).toBeGreaterThan(100);
    expect(trades.candles["1m"].reduce((n, c) => n + c.trades, 0)).toBeGreaterThan(0);
  });
});

describe("book checksum", () => {
  it("is the CRC32 of the interleaved top levels, exactly as the README's example", () => {
    const snapshot = checksumText(
      [
        ["100.00", 12, 3],
        ["99.99", 4, 1],
      ],
      [["100.02", 7, 2]],
    );
    expect(snapshot).toBe("100.00:12:100.02:7:99.99:4");
    expect(
      bookChecksum(
        [
          ["100.00", 12, 3],
          ["99.99", 4, 1],
        ],
        [["100.02", 7, 2]],
      ),
    ).toBe(3523576421);
    expect(
      bookChecksum(
        [["100.00", 12, 3]],
        [
          ["100.01", 5, 1],
          ["100.02", 7, 2],
        ],
      ),
    ).toBe(1680317881);
    expect(bookChecksum([], [])).toBe(0);
  });

  it("covers only the top 10 levels of each side", () => {
    const bids = Array.from({ length: 12 }, (_, i) => [`${100 - i}.00`, 1, 1] as const);
    expect(checksumText(bids, []).split(":")).toHaveLength(20);
  });
});
