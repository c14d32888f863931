// Loads the optional native addon (native/build/Release/airlock_scan.node, built by
// scripts/build-native.mjs) and hands it to the inspection engine (trigger pass) and to request
// parsing (JSON shape pass). Entry points (CLI, gateway, its inspection worker, benchmarks) call
// loadNative() once; without the addon, or with AIRLOCK_NATIVE=0, the engine keeps its JavaScript
// prefilter and the gateway parses every body in full: the same findings, more slowly.
import { createRequire } from 'node:module';
import { nativeAvailable, useNativeAddon } from '../core/detect/native.ts';
import { useShapeAddon } from '../core/exchange/elements.ts';

let tried = false;

/** True when the native pass is in use. Never throws. */
export function loadNative(): boolean {
  if (!tried) {
    tried = true;
    if (process.env['AIRLOCK_NATIVE'] !== '0') {
      try {
        const addon: unknown = createRequire(import.meta.url)('../../native/build/Release/airlock_scan.node');
        useNativeAddon(addon);
        useShapeAddon(addon);
      } catch {
        useNativeAddon(null);
        useShapeAddon(null);
      }
    }
  }
  return nativeAvailable();
}
