// A column of numbers in typed arrays: one slot per commit, where an object per commit cost ten
// times the memory and outlived every young-generation GC. It grows in chunks of 65,536 values
// (the first by doubling from 64, for the many small streams), so growing never copies more than
// one chunk: doubling one array would stall the store for hundreds of ms once the log is long.
// A column that only ever grows at its end can also let go of its oldest chunks (release), or
// start past values it never keeps (skip).

type NumberArray = Float64Array | Uint32Array | Uint16Array;

const chunkBits = 16;
const chunkSize = 1 << chunkBits;
const chunkMask = chunkSize - 1;

export class NumberColumn {
  /** undefined: a chunk released, its values no longer kept. */
  private readonly chunks: (NumberArray | undefined)[];
  length = 0;

  /** `make` picks the width: Float64Array for positions and offsets, narrower ones where they fit. */
  constructor(private readonly make: (capacity: number) => NumberArray) {
    this.chunks = [make(64)];
  }

  push(value: number): void {
    const chunk = this.length >>> chunkBits;
    const slot = this.length & chunkMask;
    let values = this.chunks[chunk];
    if (values === undefined || slot >= values.length) values = this.grow(chunk, slot);
    values[slot] = value;
    this.length++;
  }

  /** The chunk that takes `slot`: a new one (after released or skipped ones), or chunk 0 doubled. */
  private grow(chunk: number, slot: number): NumberArray {
    const old = this.chunks[chunk];
    let capacity = old?.length ?? (chunk === 0 ? 64 : chunkSize);
    while (capacity <= slot) capacity *= 2;
    const grown = this.make(capacity);
    if (old) grown.set(old);
    this.chunks[chunk] = grown;
    return grown;
  }

  at(index: number): number {
    return this.chunks[index >>> chunkBits]![index & chunkMask]!;
  }

  last(): number {
    return this.at(this.length - 1);
  }

  /** Lets go of every whole chunk below `index`: reading a value there afterwards is a bug. */
  release(index: number): void {
    for (let chunk = 0; chunk < index >>> chunkBits; chunk++) this.chunks[chunk] = undefined;
  }

  /** Moves past `count` values that are not kept, as if pushed and released. */
  skip(count: number): void {
    this.length += count;
    this.release(this.length);
  }
}

export const float64Column = () => new NumberColumn((capacity) => new Float64Array(capacity));
export const uint32Column = () => new NumberColumn((capacity) => new Uint32Array(capacity));
export const uint16Column = () => new NumberColumn((capacity) => new Uint16Array(capacity));
