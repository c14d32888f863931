// Every detector the engine knows, in the order findings are reported.
import type { Detector } from './types.ts';

export const DETECTORS: Detector[] = [];
