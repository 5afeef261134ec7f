import type { AlertRule, InstrumentDefinition } from './definition-schema';

export interface Alert {
  kind: 'below' | 'drop';
  scale: string;
  message: string;
  rule: AlertRule;
}

export interface AlertOptions {
  /** Replaces the definition's cut-off (a study's analysis plan may set its own). */
  cutoff?: number;
  inequality?: '<' | '<=';
  minDrop?: number;
}

/**
 * Applies an instrument's alert rules (for the SRS: total below the cut-off, or a drop from the last session) to
 * one administration's scale scores and, when there is one, the previous administration's. A missing score
 * raises no alert: no data is flagged elsewhere, as missing.
 */
export function evaluateAlerts(
  def: InstrumentDefinition,
  form: string,
  current: Record<string, number | null | undefined>,
  previous?: Record<string, number | null | undefined>,
  opts: AlertOptions = {},
): Alert[] {
  const out: Alert[] = [];
  for (const rule of def.alerts) {
    if (rule.forms && !rule.forms.includes(form as never)) continue;
    const now = current[rule.scale];
    if (now === null || now === undefined) continue;
    if (rule.kind === 'below') {
      const cutoff = opts.cutoff ?? rule.cutoff;
      const inequality = opts.inequality ?? rule.inequality;
      if (inequality === '<' ? now < cutoff : now <= cutoff)
        out.push({
          kind: 'below',
          scale: rule.scale,
          rule,
          message: `${rule.scale} ${now} is ${inequality} the cut-off ${cutoff}`,
        });
    } else {
      const before = previous?.[rule.scale];
      if (before === null || before === undefined) continue;
      const minDrop = opts.minDrop ?? rule.minDrop;
      // Scores carry binary noise (31.4 − 30.4 is not exactly 1), so the comparison allows for it.
      if (before - now >= minDrop - 1e-9)
        out.push({
          kind: 'drop',
          scale: rule.scale,
          rule,
          message: `${rule.scale} fell from ${before} to ${now} (a drop of at least ${minDrop})`,
        });
    }
  }
  return out;
}
