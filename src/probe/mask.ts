// Probe reports quote what a tool sent. A credential in that text (a key the tool echoed into its
// prompt from an inherited environment) is shown masked, like everywhere else in Airlock; the
// span of the difference is moved with the text so the report still marks the right characters.
import { secrets } from '../core/detect/detectors/secrets.ts';
import { mask } from '../core/detect/mask.ts';
import type { Difference } from '../core/covert/differential.ts';

type Side = Difference['baseline'];

export function maskSide(x: Side): Side {
  const hits = x.text.length < 8 ? [] : secrets.detect(x.text, { options: {} });
  if (hits.length === 0) return x;
  let { text, start, end } = x;
  // From the last hit to the first, so earlier offsets stay valid.
  for (let i = hits.length - 1; i >= 0; i--) {
    const h = hits[i]!;
    const rep = `[${h.rule}: ${mask(x.text.slice(h.start, h.end))}]`;
    const delta = rep.length - (h.end - h.start);
    text = text.slice(0, h.start) + rep + text.slice(h.end);
    if (h.end <= start) {
      start += delta;
      end += delta;
    } else if (h.start < end) {
      // The secret overlaps the change: the marked span covers the whole placeholder.
      end = Math.max(end, h.end) + delta;
      start = Math.min(start, h.start);
    }
  }
  return { text, start, end };
}

export const maskDifference = (d: Difference): Difference => ({ ...d, baseline: maskSide(d.baseline), variant: maskSide(d.variant) });

