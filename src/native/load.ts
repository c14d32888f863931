// Loads the optional native trigger pass (native/build/Release/airlock_scan.node, built by
// scripts/build-native.mjs) and hands it to the inspection engine. Entry points (CLI, gateway,
// its inspection worker, benchmarks) call loadNative() once; without the addon, or with
// AIRLOCK_NATIVE=0, the engine keeps its JavaScript prefilter and finds exactly the same.
import { createRequire } from 'node:module';
import { nativeAvailable, useNativeAddon } from '../core/detect/native.ts';

let tried = false;

/** True when the native pass is in use. Never throws. */
export function loadNative(): boolean {
  if (!tried) {
    tried = true;
    if (process.env['AIRLOCK_NATIVE'] !== '0') {
      try {
        useNativeAddon(createRequire(import.meta.url)('../../native/build/Release/airlock_scan.node'));
      } catch {
        useNativeAddon(null);
      }
    }
  }
  return nativeAvailable();
}
