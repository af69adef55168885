// A column of numbers in typed arrays: one slot per commit, where an object per commit cost ten
// times the memory and outlived every young-generation GC. It grows in chunks of 65,536 values
// (the first by doubling from 64, for the many small streams), so growing never copies more than
// one chunk: doubling one array would stall the store for hundreds of ms once the log is long.
// A column that only ever grows at its end can also let go of its oldest chunks (release).

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
    // Released chunks all lie below the one being filled, so undefined here means a new chunk.
    if (values === undefined) {
      values = this.make(chunkSize);
      this.chunks.push(values);
    } else if (slot === values.length) {
      const grown = this.make(values.length * 2);
      grown.set(values);
      this.chunks[chunk] = values = grown;
    }
    values[slot] = value;
    this.length++;
  }

  at(index: number): number {
    return this.chunks[index >>> chunkBits]![index & chunkMask]!;
  }

  last(): number {
    return this.at(this.length - 1);
  }

  /** Lets go of every whole chunk below `index`: reading a value there afterwards is a bug. */
  release(index: number): void {
    for (let chunk = (index >>> chunkBits) - 1; chunk >= 0 && this.chunks[chunk]; chunk--)
      this.chunks[chunk] = undefined;
  }
}

export const float64Column = () => new NumberColumn((capacity) => new Float64Array(capacity));
export const uint32Column = () => new NumberColumn((capacity) => new Uint32Array(capacity));
export const uint16Column = () => new NumberColumn((capacity) => new Uint16Array(capacity));
