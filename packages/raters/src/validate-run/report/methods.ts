import type { ValidationResult } from '../run';
import { esc } from './escape';

export const CITATIONS = [
  'Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: Uses in assessing rater reliability. Psychological Bulletin, 86(2), 420–428.',
  'McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass correlation coefficients. Psychological Methods, 1(1), 30–46.',
  'Krippendorff, K. (2004). Content analysis: An introduction to its methodology (2nd ed.). Sage.',
  'Cohen, J. (1968). Weighted kappa. Psychological Bulletin, 70(4), 213–220.',
  'Bland, J. M., & Altman, D. G. (1986). Statistical methods for assessing agreement between two methods of clinical measurement. The Lancet, 327(8476), 307–310.',
  'Bakdash, J. Z., & Marusich, L. R. (2017). Repeated measures correlation. Frontiers in Psychology, 8, 456.',
  'Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects models using lme4. Journal of Statistical Software, 67(1), 1–48.',
  'Kuznetsova, A., Brockhoff, P. B., & Christensen, R. H. B. (2017). lmerTest package: Tests in linear mixed effects models. Journal of Statistical Software, 82(13), 1–26.',
  'Spearman, C. (1910). Correlation calculated from faulty data. British Journal of Psychology, 3, 271–295; Brown, W. (1910). Some experimental results in the correlation of mental abilities. British Journal of Psychology, 3, 296–322.',
  'Cohen, P., Cohen, J., Aiken, L. S., & West, S. G. (1999). The problem of units and the circumstance for POMP. Multivariate Behavioral Research, 34(3), 315–346.',
];

/** The methods paragraph a paper can start from: each statistic named exactly, the raters, the software. */
export function methodsParagraph(result: ValidationResult): string {
  const raters = result.raters
    .map(
      (r) =>
        `${r.rater} (provider ${r.provider}; model ${r.models.join(', ') || 'none'}; prompt ${r.prompts.map((p) => `${p.version}, hash ${p.hash.slice(0, 12)}`).join('; ') || 'none'})`,
    )
    .join('; ');
  const b = result.settings.bootstrap;
  const text = [
    `Automated raters were ${raters}.`,
    'Run-to-run reliability across replicates and agreement with human coders were estimated with the intraclass correlation ICC(2,1) (two-way random effects, absolute agreement, single rater; Shrout & Fleiss, 1979; McGraw & Wong, 1996) and ICC(3,1) (two-way mixed effects, consistency, single rater), with F-based 95% confidence intervals; the reliability of the mean of k runs was projected with the Spearman–Brown formula.',
    "Agreement was also estimated with Krippendorff's alpha for interval data (bootstrap 95% CI, 1000 resamples; Krippendorff, 2004), quadratic-weighted Cohen's kappa per item (Cohen, 1968), and Bland–Altman bias and 95% limits of agreement on the percent-of-maximum-possible (POMP) metric (Bland & Altman, 1986; Cohen et al., 1999).",
    `Validity against client self-report was assessed on POMP scores of matching constructs with the repeated-measures correlation (Bakdash & Marusich, 2017), the between-client correlation of client means, and a linear mixed model of self-report on rater score with random intercepts for client (and therapist when there were several), fitted by REML as lme4 does (Bates et al., 2015) with Satterthwaite degrees of freedom (Kuznetsova et al., 2017).`,
    `Confidence intervals for the correlations were also obtained from a client-level cluster bootstrap (${b.resamples} resamples of clients with replacement, seed ${b.seed}, percentile intervals).`,
    'Incremental validity was assessed against transcript-only baselines (total words, therapist words, client share of words, utterance count; words are whitespace-separated tokens) by the partial repeated-measures correlation controlling for all four.',
    ...(result.coded?.length
      ? [
          `The utterance coder's stored codes (${[...new Set(result.coded.map((c) => c.coder))].join(', ')}) of each session's current transcript were summarised as in MITI coding (reflection-to-question ratio, proportion of complex reflections, proportion of open questions, change talk over change and sustain talk) and set beside client self-report in the same way (repeated-measures and between-client correlations), sessions where a summary is undefined left out.`,
        ]
      : []),
    `Rupture episodes were identified in each series by the rule of the analysis plan (k = ${result.settings.ruptureRule.k} within-client SD, repair window ${result.settings.ruptureRule.window} sessions) and matched between rater and self-report within ±${result.settings.tolerance} session (precision, recall, F1).`,
    `Software: ${Object.entries(result.software)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  ].join(' ');
  return `<p>${esc(text)}</p><h3>References</h3><ol class="refs">${CITATIONS.map((c) => `<li>${esc(c)}</li>`).join('')}</ol>`;
}
