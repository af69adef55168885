// The conformance suite against a KurrentDB server at KURRENTDB_URL (a connection string, e.g.
// "kurrentdb://localhost:2113?tls=false"). Each test gets its own stream namespace, which makes
// it an empty logical store. Without KURRENTDB_URL the suite is skipped and says why.
import { describe } from "vitest";
import { openKurrentDbEventStore } from "../src/index.ts";
import { describeEventStoreConformance } from "./conformance.ts";

const url = process.env.KURRENTDB_URL;
if (!url) console.log("kurrentdb conformance skipped: KURRENTDB_URL is not set (no KurrentDB server here)");

let opened = 0;
describe.skipIf(!url)("kurrentdb", () => {
  describeEventStoreConformance("kurrentdb", async () => {
    opened += 1;
    const options = { connectionString: url!, streamNamespace: `t${process.pid}-${Date.now()}-${opened}/` };
    return {
      store: await openKurrentDbEventStore(options),
      reopen: () => openKurrentDbEventStore(options),
      cleanup: async () => undefined,
    };
  });
});
