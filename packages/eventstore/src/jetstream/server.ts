// Connecting to JetStream: the server version check and the JetStream stream that holds every
// event-store stream. What this adapter needs exists from nats-server 2.9.4 (consumers API,
// next-by-subject message get); options that need a later server are refused up front rather
// than failing obscurely at the first append.
import { JetStreamApiError, type JetStreamManager, StoreCompression } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";

export const serverVersionMin = "2.9.4";
const compressionVersionMin = "2.10.0";
const nanosPerMs = 1_000_000;
// JetStream API error "stream name already in use with a different configuration".
const streamNameInUseCode = 10058;

export interface JetStreamStreamOptions {
  /** JetStream stream holding all events. Default "GHX_EVENTS". */
  readonly streamName: string;
  /** Subject prefix; each event-store stream is one subject under it. Default "ghx.es". */
  readonly subjectPrefix: string;
  /** Replicas of the JetStream stream: 1 single node, 3 in a cluster. Default 1. */
  readonly replicas: number;
  /** How long JetStream remembers a commit id for dedupe. Default 2 minutes. */
  readonly duplicateWindowMs: number;
  /** S2 compression of the store (nats-server >= 2.10). Default false. */
  readonly compression: boolean;
}

export class UnsupportedServer extends Error {
  override readonly name = "UnsupportedServer";
}

function versionParts(version: string): number[] {
  return version.split("-")[0]!.split(".").map(Number);
}

/** True when `version` >= `minimum` (both "major.minor.patch"). */
export function versionAtLeast(version: string, minimum: string): boolean {
  const have = versionParts(version);
  const need = versionParts(minimum);
  for (let i = 0; i < need.length; i++) {
    const difference = (have[i] ?? 0) - (need[i] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}

export function checkServer(nc: NatsConnection, options: JetStreamStreamOptions): string {
  const version = nc.info?.version ?? "0.0.0";
  if (!versionAtLeast(version, serverVersionMin)) {
    throw new UnsupportedServer(
      `the jetstream event store needs nats-server >= ${serverVersionMin}, got ${version}`,
    );
  }
  if (options.compression && !versionAtLeast(version, compressionVersionMin)) {
    throw new UnsupportedServer(
      `compression needs nats-server >= ${compressionVersionMin}, got ${version}: drop the option or upgrade`,
    );
  }
  return version;
}

/** Create the JetStream stream, or check that the existing one stores our subjects. */
export async function ensureStream(jsm: JetStreamManager, options: JetStreamStreamOptions): Promise<void> {
  const subject = `${options.subjectPrefix}.>`;
  try {
    await jsm.streams.add({
      name: options.streamName,
      subjects: [subject],
      num_replicas: options.replicas,
      duplicate_window: options.duplicateWindowMs * nanosPerMs,
      // Events are immutable: no message delete or purge through the API.
      deny_delete: true,
      deny_purge: true,
      ...(options.compression ? { compression: StoreCompression.S2 } : {}),
    });
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== streamNameInUseCode) throw error;
    const existing = await jsm.streams.info(options.streamName);
    if (!existing.config.subjects?.includes(subject)) {
      throw new Error(`JetStream stream ${options.streamName} exists without subject ${subject}`);
    }
  }
}
