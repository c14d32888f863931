// oxc's raw transfer on Node 20. The default parseSync hands the AST over as a JSON string that is
// then JSON.parse'd: for a 3 MB piece of a bundle that is ~1 s, most of a piece's parse cost. Raw
// transfer lets Rust write the AST into a buffer shared with JS and a generated deserializer build
// the same ESTree objects from it, 3-5 times faster, with identical trees.
//
// oxc enables raw transfer only from Node 22 because its buffer is a 2 GiB block aligned on 4 GiB,
// carved out of a 6 GiB ArrayBuffer, and Node 20 cannot make a typed-array view longer than 4 GiB.
// It can allocate the ArrayBuffer and make views at any offset, though; the only full-length view
// oxc takes is the one to find the aligned offset, and that needs the address alone. So the
// block is set up here with short views, and the rest is oxc's own binding and deserializers.
// Whenever any of this is unavailable (32-bit, a runtime that refuses the allocation) the caller
// falls back to the JSON path.
import type { ParserOptions } from 'oxc-parser';
import { getBufferOffset, parseRawSync, rawTransferSupported } from 'oxc-parser/src-js/bindings';
import { ACTIVE_SIZE, BLOCK_ALIGN, BLOCK_SIZE, BUFFER_SIZE, IS_TS_FLAG_POS } from 'oxc-parser/src-js/generated/constants';
import { deserialize as deserializeJs } from 'oxc-parser/src-js/generated/deserialize/js';
import { deserialize as deserializeTs } from 'oxc-parser/src-js/generated/deserialize/ts';

export interface RawParse {
  program: unknown;
  errors: Array<{ severity: string; message: string }>;
}

/**
 * Largest source (UTF-16 units) parsed this way. The block holds the source (up to 3 bytes per
 * unit reserved) and the AST arena, measured at ~21 bytes per source byte for a minified bundle;
 * 16 M units leaves several times that in 2 GiB. Larger files take the JSON path.
 */
export const RAW_MAX_CHARS = 16 * 1024 * 1024;

interface Block { arrayBuffer: ArrayBuffer; offset: number; view: OxcRawBuffer; block: Uint8Array }

// One block per thread, made on first use and reused: parsing is synchronous, and a fresh 6 GiB
// reservation per piece would cost page faults on every parse. null: raw transfer is unavailable.
let cached: Block | null | undefined;

function block(): Block | null {
  if (cached !== undefined) return cached;
  cached = null;
  try {
    if (!rawTransferSupported()) return null;
    const arrayBuffer = new ArrayBuffer(BLOCK_SIZE + BLOCK_ALIGN);
    // A prefix view has the same start address; its length stays under Node 20's 4 GiB view limit.
    const offset = getBufferOffset(new Uint8Array(arrayBuffer, 0, BLOCK_ALIGN - 1));
    const view = new Uint8Array(arrayBuffer, offset, BUFFER_SIZE) as OxcRawBuffer;
    view.int32 = new Int32Array(arrayBuffer, offset, BUFFER_SIZE / 4);
    view.float64 = new Float64Array(arrayBuffer, offset, BUFFER_SIZE / 8);
    cached = { arrayBuffer, offset, view, block: new Uint8Array(arrayBuffer, offset, BLOCK_SIZE) };
  } catch {
    cached = null;
  }
  return cached;
}

/**
 * Make the block now. Its 6 GiB reservation counts as external memory and sets off a full garbage
 * collection; a worker does this while it waits for its first piece, off the scan's critical path.
 */
export function prepareRawTransfer(): void {
  block();
}

const encoder = new TextEncoder();

/** Parse with raw transfer, or null when it is unavailable here or the text is too large for it. */
export function parseRaw(file: string, text: string, options: ParserOptions): RawParse | null {
  if (text.length > RAW_MAX_CHARS) return null;
  const b = block();
  if (!b) return null;
  // The source goes at the end of the active region, the arena grows down towards the start.
  const reserve = text.length * 3;
  const sourceStart = ACTIVE_SIZE - reserve;
  const { read, written } = encoder.encodeInto(text, new Uint8Array(b.arrayBuffer, b.offset + sourceStart, reserve));
  if (read !== text.length) return null;
  parseRawSync(file, b.block, sourceStart, written, options);
  const isTs = b.view[IS_TS_FLAG_POS] !== 0;
  return (isTs ? deserializeTs : deserializeJs)(b.view, text, sourceStart, written);
}
