// Errors the store raises for bad input or configuration (user errors), as opposed to driver
// failures, which pass through unchanged (they carry the driver's own code, e.g. SQLITE_BUSY).

export type StoreErrorCode = 'AIRLOCK_STORE_BAD_URL' | 'AIRLOCK_STORE_BAD_INPUT';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}
