// Types for the parts of oxc-parser's raw-transfer machinery that raw-parse.ts uses. They are
// subpath exports of the pinned oxc-parser version (see its package.json "exports") that ship
// without declarations; only what is called is declared.

declare module 'oxc-parser/src-js/bindings' {
  import type { ParserOptions } from 'oxc-parser';
  /** Offset from the start of `buffer` to the first byte aligned for an allocator block. */
  export function getBufferOffset(buffer: Uint8Array): number;
  /** Parse the UTF-8 source at [sourceStart, sourceStart + sourceLen) of `block`, writing the AST into `block`. */
  export function parseRawSync(filename: string, block: Uint8Array, sourceStart: number, sourceLen: number, options: ParserOptions): void;
  /** Whether the platform is 64-bit little-endian (what the raw layout assumes). */
  export function rawTransferSupported(): boolean;
}

declare module 'oxc-parser/src-js/generated/constants' {
  export const BLOCK_SIZE: number;
  export const BLOCK_ALIGN: number;
  export const BUFFER_SIZE: number;
  export const ACTIVE_SIZE: number;
  export const IS_TS_FLAG_POS: number;
}

/** The transfer buffer as the generated deserializers expect it: a byte view with two typed views attached. */
interface OxcRawBuffer extends Uint8Array {
  int32: Int32Array;
  float64: Float64Array;
}

interface OxcRawResult {
  program: unknown;
  errors: Array<{ severity: string; message: string }>;
}

declare module 'oxc-parser/src-js/generated/deserialize/js' {
  export function deserialize(buffer: OxcRawBuffer, sourceText: string, sourceStart: number, sourceByteLen: number): OxcRawResult;
}

declare module 'oxc-parser/src-js/generated/deserialize/ts' {
  export function deserialize(buffer: OxcRawBuffer, sourceText: string, sourceStart: number, sourceByteLen: number): OxcRawResult;
}
