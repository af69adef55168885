import { readFileSync } from "node:fs";
import { createServer } from "node:net";

// Ports come from below the kernel's ephemeral range: a port the OS hands out for `listen(0)` is
// also what it hands out as the local port of outgoing connections, so between our probe and the
// server's bind (or while a crash test has a node down) any client socket could take it.
const lowestPort = 10_000;
const probeAttempts = 50;
const handedOut = new Set<number>();

function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/);
    const port = Number(low);
    return Number.isInteger(port) && port > lowestPort ? port : 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(null));
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : null;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, outside the ephemeral range where possible,
 * and not handed out before by this process.
 */
export async function freePort(): Promise<number> {
  const high = ephemeralRangeStart();
  for (let attempt = 0; attempt < probeAttempts; attempt++) {
    const port = lowestPort + Math.floor(Math.random() * (high - lowestPort));
    if (handedOut.has(port)) continue;
    if ((await canListen(port)) === port) {
      handedOut.add(port);
      return port;
    }
  }
  const port = await canListen(0);
  if (port === null) throw new Error("no free TCP port on 127.0.0.1");
  handedOut.add(port);
  return port;
}
