// Global positions of the jetstream adapter: the JetStream stream sequence of the message that
// holds the event, times 2^16, plus the event's index inside that message. One append is one
// message, so positions are totally ordered, increase with the log, and leave room for
// eventsPerAppendMax events per append.

const indexBits = 16n;
const indexMask = (1n << indexBits) - 1n;

/** Events one append (one message) may hold: the index must fit in the low 16 bits. */
export const eventsPerAppendMax = 1 << Number(indexBits);

export function positionOf(sequence: number, index: number): bigint {
  return (BigInt(sequence) << indexBits) | BigInt(index);
}

export function sequenceOf(position: bigint): number {
  return Number(position >> indexBits);
}

export function indexOf(position: bigint): number {
  return Number(position & indexMask);
}
