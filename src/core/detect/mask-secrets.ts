// Free text that Airlock itself shows (scan and probe reports, configuration and policy errors)
// with every credential the secrets detector recognises replaced by its rule and a masked preview:
// reports and error output are shared and logged, and must never carry a usable secret.
import { secrets } from './detectors/secrets.ts';
import { mask } from './mask.ts';

export function maskSecrets(s: string): string {
  if (s.length < 8) return s;
  const hits = secrets.detect(s, { options: {} });
  let out = s;
  // From the last hit to the first, so earlier offsets stay valid.
  for (let i = hits.length - 1; i >= 0; i--) {
    const h = hits[i]!;
    out = out.slice(0, h.start) + `[${h.rule}: ${mask(s.slice(h.start, h.end))}]` + out.slice(h.end);
  }
  return out;
}
