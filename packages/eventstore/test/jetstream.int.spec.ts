// The conformance suite against the jetstream adapter: a single nats-server, and a 3-node
// cluster with R3 streams. Each test gets its own JetStream stream and subject prefix.
import { type NatsServers, natsAvailable, startNatsCluster, startNatsServer } from "@ghx/testkit";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe } from "vitest";
import { openJetStreamEventStore } from "../src/index.ts";
import { type ConformanceTarget, describeEventStoreConformance } from "./conformance.ts";

let opened = 0;

function conformanceOnServers(name: string, start: () => Promise<NatsServers>, replicas: number): void {
  describe.skipIf(!natsAvailable())(name, () => {
    let servers: NatsServers;
    let admin: NatsConnection;
    beforeAll(async () => {
      servers = await start();
      admin = await connect({ servers: servers.servers });
    });
    afterAll(async () => {
      await admin?.close();
      await servers?.stop();
    });

    describeEventStoreConformance(name, async (): Promise<ConformanceTarget> => {
      opened += 1;
      const options = {
        servers: servers.servers,
        streamName: `GHX_CONFORMANCE_${opened}`,
        subjectPrefix: `conformance.${opened}`,
        replicas,
      };
      return {
        store: await openJetStreamEventStore(options),
        reopen: () => openJetStreamEventStore(options),
        async cleanup() {
          const jsm = await jetstreamManager(admin);
          await jsm.streams.delete(options.streamName);
        },
      };
    });
  });
}

conformanceOnServers("jetstream single node", startNatsServer, 1);
conformanceOnServers("jetstream 3-node cluster R3", () => startNatsCluster(3), 3);
