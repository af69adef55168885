// Event-store stream names <-> NATS subjects. A stream name is split on "." into subject tokens
// (so a prefix that ends at a "." maps to a server-side wildcard), and each token is
// percent-escaped so that any string yields valid tokens and decodes back exactly: characters
// outside [A-Za-z0-9_-] become %XX of their UTF-8 bytes, and an empty segment becomes "%"
// (a lone "%" never occurs otherwise because "%" itself is escaped as %25).

const safeChar = /^[A-Za-z0-9_-]$/;
const utf8 = new TextEncoder();
const emptySegmentToken = "%";
// With the u flag this matches only unpaired surrogates, which UTF-8 cannot carry.
const loneSurrogate = /[\uD800-\uDFFF]/u;

export class InvalidStreamName extends Error {
  override readonly name = "InvalidStreamName";
  constructor(readonly stream: string) {
    super(`invalid stream name ${JSON.stringify(stream)}: it must be a non-empty, well-formed string`);
  }
}

function escapeSegment(segment: string): string {
  if (segment === "") return emptySegmentToken;
  let token = "";
  for (const char of segment) {
    if (safeChar.test(char)) {
      token += char;
      continue;
    }
    for (const byte of utf8.encode(char)) token += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return token;
}

function unescapeToken(token: string): string {
  return token === emptySegmentToken ? "" : decodeURIComponent(token);
}

/** The subject tokens of a stream name (without the subject prefix). */
export function streamTokens(stream: string): string {
  if (stream.length === 0 || loneSurrogate.test(stream)) throw new InvalidStreamName(stream);
  return stream.split(".").map(escapeSegment).join(".");
}

/** The subject of a stream under `subjectPrefix` (e.g. "ghx.es"). */
export function streamSubject(subjectPrefix: string, stream: string): string {
  return `${subjectPrefix}.${streamTokens(stream)}`;
}

/** The stream name of a subject under `subjectPrefix`; inverse of streamSubject. */
export function subjectStream(subjectPrefix: string, subject: string): string {
  const tokens = subject.slice(subjectPrefix.length + 1);
  return tokens.split(".").map(unescapeToken).join(".");
}

/**
 * The narrowest single filter subject that covers every stream starting with one of `prefixes`:
 * the complete "."-segments the prefixes share, then ">". One filter subject because
 * nats-server < 2.10 allows only one per consumer. Callers still filter client-side by prefix,
 * since a partial last segment (e.g. "order-") cannot be expressed as a subject wildcard.
 */
export function prefixFilterSubject(subjectPrefix: string, prefixes: readonly string[] | undefined): string {
  if (!prefixes || prefixes.length === 0 || prefixes.includes("")) return `${subjectPrefix}.>`;
  const segmentLists = prefixes.map((prefix) => prefix.split(".").slice(0, -1));
  const shared: string[] = [];
  for (let i = 0; segmentLists.every((segments) => i < segments.length); i++) {
    const segment = segmentLists[0]?.[i] as string;
    if (!segmentLists.every((segments) => segments[i] === segment)) break;
    shared.push(escapeSegment(segment));
  }
  return [subjectPrefix, ...shared, ">"].join(".");
}
