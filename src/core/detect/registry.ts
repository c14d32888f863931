// Every detector the engine knows, in the order findings are reported.
import type { Detector } from './types.ts';
import { secrets } from './detectors/secrets.ts';
import { pii } from './detectors/pii.ts';
import { hiddenChars } from './detectors/hidden-chars.ts';
import { confusables } from './detectors/confusables.ts';
import { internalInfra } from './detectors/internal-infra.ts';

export const DETECTORS: Detector[] = [secrets, pii, hiddenChars, confusables, internalInfra];
