import { describe, expect, it } from "vitest";
import { natsAvailable, startNatsCluster, startNatsServer } from "../src/index.ts";

describe.skipIf(!natsAvailable())("private nats-server", () => {
  it("starts a single JetStream node on a free port and stops it", async () => {
    const nats = await startNatsServer();
    try {
      expect(nats.servers).toHaveLength(1);
      expect(nats.nodes[0]!.port).not.toBe(4222);
      const jsz = await (await fetch(`http://127.0.0.1:${nats.nodes[0]!.monitorPort}/jsz`)).json();
      expect(jsz).toHaveProperty("config");
    } finally {
      await nats.stop();
    }
    await expect(fetch(`http://127.0.0.1:${nats.nodes[0]!.monitorPort}/jsz`)).rejects.toThrow();
  });

  it("starts a 3-node cluster with an elected meta leader", async () => {
    const cluster = await startNatsCluster();
    try {
      const jsz = (await (await fetch(`http://127.0.0.1:${cluster.nodes[1]!.monitorPort}/jsz`)).json()) as {
        meta_cluster: { leader: string; cluster_size: number };
      };
      expect(["c1", "c2", "c3"]).toContain(jsz.meta_cluster.leader);
    } finally {
      await cluster.stop();
    }
  });
});
