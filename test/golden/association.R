# Regenerates test/golden/association.json: golden values for the association, repeated-measures and
# mixed-model statistics (packages/core/src/stats/{correlation,rmcorr,within-between,lmm,trajectories}), on
# seeded simulated data and on the demo study in datasets/demo (rerun when `npm run demo-data` changes it).
#
#   Rscript test/golden/association.R            (from the repository root)
#
# Needs Debian's r-base-core, r-cran-lme4, r-cran-lmertest (and jsonlite, which they pull in).
# Data are simulated here with a fixed seed and written into the JSON beside the values, so the TypeScript
# tests read exactly the numbers R fitted. Data values are rounded to 2-3 decimals so the JSON holds them
# exactly.
#
# Where R has no function for a value, it is computed here from its definition, and said so:
#   - rmcorr: the rmcorr package is not in Debian; r_rm is computed as rmcorr::rmcorr does, from the
#     ANCOVA lm(y ~ factor(subject) + x): r = sign(b_x) sqrt(SS_x / (SS_x + SS_res)), df = residual df,
#     p = the ANCOVA F test of x, CI = tanh(atanh(r) +- qnorm(.975) / sqrt(df - 1)).
#   - Spearman CI: cor.test gives none; Fisher z with the Bonett-Wright SE sqrt((1 + rho^2/2)/(n - 3)).
#   - within-client correlation: cor() of client-mean-centred values, t test on N - k - 1 df.
# Mixed models: lmerTest::lmer (lme4::lmer underneath) with REML unless stated; Satterthwaite df from
# lmerTest's summary. Fits use a tight optimiser tolerance so the goldens are the optimum itself, not
# wherever bobyqa's default tolerance stopped; `default_fit` records what lmer() with default control
# prints, to show the agreement users will see.

suppressPackageStartupMessages({
  library(lme4)
  library(lmerTest)
  library(jsonlite)
})

tight <- lmerControl(optimizer = "nloptwrap",
                     optCtrl = list(xtol_abs = 1e-12, ftol_abs = 1e-14, xtol_rel = 0, ftol_rel = 0, maxeval = 1e5),
                     check.conv.singular = "ignore")

# ---- correlations ---------------------------------------------------------------------------------------
set.seed(20240504)
k <- 30
sessions <- sample(3:10, k, replace = TRUE)
subject <- rep(sprintf("c%02d", seq_len(k)), sessions)
between_x <- rnorm(k, 0, 1)
bx <- rep(between_x, sessions)
wx <- rnorm(length(subject), 0, 0.8)
x <- round(50 + 5 * bx + 3 * wx, 2)
y <- round(4 - 0.5 * bx + 0.45 * wx + rnorm(length(subject), 0, 0.5), 1)  # 1 decimal: ties for Spearman
cd <- data.frame(subject, x, y, stringsAsFactors = FALSE)

pe <- cor.test(cd$x, cd$y, method = "pearson")
sp <- suppressWarnings(cor.test(cd$x, cd$y, method = "spearman", exact = FALSE))
n <- nrow(cd)
rho <- unname(sp$estimate)
sp_se <- sqrt((1 + rho^2 / 2) / (n - 3))
sp_ci <- tanh(atanh(rho) + c(-1, 1) * qnorm(0.975) * sp_se)

anc <- lm(y ~ factor(subject) + x, data = cd)
a <- anova(anc)
ss_x <- a["x", "Sum Sq"]
ss_res <- a["Residuals", "Sum Sq"]
rm_r <- unname(sign(coef(anc)["x"]) * sqrt(ss_x / (ss_x + ss_res)))
rm_df <- a["Residuals", "Df"]
rm_p <- a["x", "Pr(>F)"]
rm_ci <- tanh(atanh(rm_r) + c(-1, 1) * qnorm(0.975) / sqrt(rm_df - 1))

mx <- tapply(cd$x, cd$subject, mean)
my <- tapply(cd$y, cd$subject, mean)
bt <- cor.test(mx, my)
cx <- cd$x - mx[cd$subject]
cy <- cd$y - my[cd$subject]
w_r <- cor(cx, cy)
w_df <- n - k - 1
w_t <- w_r * sqrt(w_df / (1 - w_r^2))
w_p <- 2 * pt(-abs(w_t), w_df)
w_ci <- tanh(atanh(w_r) + c(-1, 1) * qnorm(0.975) / sqrt(w_df - 1))

correlation <- list(
  data = as.list(cd),
  pearson = list(r = unname(pe$estimate), t = unname(pe$statistic), df = unname(pe$parameter), p = pe$p.value, ci95 = as.numeric(pe$conf.int)),
  spearman = list(r = rho, t = rho * sqrt((n - 2) / (1 - rho^2)), df = n - 2, p = sp$p.value, ci95 = sp_ci),
  rmcorr = list(r = rm_r, df = rm_df, p = rm_p, ci95 = rm_ci, n = n, subjects = k),
  between = list(r = unname(bt$estimate), t = unname(bt$statistic), df = unname(bt$parameter), p = bt$p.value, ci95 = as.numeric(bt$conf.int), n = k),
  within = list(r = w_r, t = w_t, df = w_df, p = w_p, ci95 = w_ci, n = n)
)

# ---- mixed models ---------------------------------------------------------------------------------------
# Longitudinal alliance-like data: a score around 45 (WAI-SR total scale), rising over sessions, with client
# (and therapist) intercepts and client slopes; some sessions missing.
simulate <- function(seed, n_therapists, clients_per, n_sessions, sd_t, sd_c, sd_s, rho, sigma, beta, drop) {
  set.seed(seed)
  rows <- list()
  cid <- 0
  for (t in seq_len(n_therapists)) {
    ut <- rnorm(1, 0, sd_t)
    for (c in seq_len(clients_per[t])) {
      cid <- cid + 1
      z1 <- rnorm(1); z2 <- rnorm(1)
      b0 <- sd_c * z1
      b1 <- sd_s * (rho * z1 + sqrt(1 - rho^2) * z2)
      s <- 1:n_sessions
      xcov <- round(rnorm(n_sessions, 0, 1), 3)
      grp <- if (cid %% 2 == 0) "treatment" else "control"
      yv <- beta[1] + ut + b0 + (beta[2] + b1) * s + beta[3] * xcov + beta[4] * (grp == "treatment") * s + rnorm(n_sessions, 0, sigma)
      rows[[cid]] <- data.frame(therapist = sprintf("t%02d", t), client = sprintf("c%03d", cid), session = s,
                                x = xcov, group = grp, y = round(yv, 3), stringsAsFactors = FALSE)
    }
  }
  d <- do.call(rbind, rows)
  keep <- runif(nrow(d)) > drop
  d[keep, , drop = FALSE]
}

fit_one <- function(name, formula, d, reml = TRUE) {
  f <- as.formula(formula)
  m <- lmerTest::lmer(f, data = d, REML = reml, control = tight)
  m_default <- lme4::lmer(f, data = d, REML = reml)
  cf <- summary(m)$coefficients
  vc <- as.data.frame(VarCorr(m), order = "lower.tri")
  groups <- names(VarCorr(m))
  random <- lapply(groups, function(g) {
    s <- attr(VarCorr(m)[[g]], "stddev")
    cr <- attr(VarCorr(m)[[g]], "correlation")
    list(group = sub("\\.[0-9]+$", "", g), effects = names(s), sd = unname(s),
         corr = if (length(s) > 1) unname(cr) else NULL)
  })
  re <- ranef(m)
  ranef_out <- lapply(names(re), function(g) {
    list(group = g, effects = colnames(re[[g]]), levels = rownames(re[[g]]), values = unname(as.matrix(re[[g]])))
  })
  crit <- if (reml) unname(getME(m, "devcomp")$cmp["REML"]) else deviance(m)
  cf_default <- summary(m_default)$coefficients
  list(
    name = name, formula = formula, reml = reml, n = nobs(m),
    data = as.list(d),
    fixed = lapply(seq_len(nrow(cf)), function(i) list(
      term = rownames(cf)[i], estimate = cf[i, "Estimate"], se = cf[i, "Std. Error"], df = cf[i, "df"],
      t = cf[i, "t value"], p = cf[i, "Pr(>|t|)"])),
    random = random,
    sigma = sigma(m),
    criterion = crit,
    logLik = as.numeric(logLik(m)),
    theta = unname(getME(m, "theta")),
    ranef = ranef_out,
    default_fit = list(
      estimate = unname(cf_default[, "Estimate"]), se = unname(cf_default[, "Std. Error"]),
      sd = as.data.frame(VarCorr(m_default), order = "lower.tri")$sdcor,
      criterion = if (reml) unname(getME(m_default, "devcomp")$cmp["REML"]) else deviance(m_default)
    )
  )
}

d_ri <- simulate(101, 1, 40, 8, 0, 4, 0, 0, 3, c(44, 0.4, 1.2, 0), 0.15)
d_rs <- simulate(202, 1, 60, 10, 0, 5, 0.6, -0.3, 2.5, c(42, 0.5, 0, 0), 0.10)
d_nest <- simulate(303, 12, sample(3:6, 12, replace = TRUE), 6, 2.5, 3.5, 0.4, 0.2, 2.8, c(45, 0.3, 0, 0), 0.12)
d_fac <- simulate(404, 1, 50, 8, 0, 4, 0.5, 0, 2.5, c(43, 0.3, 0, 0.4), 0.1)

lmm <- list(
  fit_one("random intercept", "y ~ session + x + (1 | client)", d_ri[, c("client", "session", "x", "y")]),
  fit_one("random intercept and slope", "y ~ session + (session | client)", d_rs[, c("client", "session", "y")]),
  fit_one("random intercept and slope, ML", "y ~ session + (session | client)", d_rs[, c("client", "session", "y")], reml = FALSE),
  fit_one("therapist/client intercepts", "y ~ 1 + (1 | therapist/client)", d_nest[, c("therapist", "client", "session", "y")]),
  fit_one("client slopes within therapists", "y ~ session + (session | client) + (1 | therapist)", d_nest[, c("therapist", "client", "session", "y")]),
  fit_one("factor by session, uncorrelated effects", "y ~ session * group + (session || client)", d_fac[, c("client", "session", "group", "y")])
)

# ---- trajectories ---------------------------------------------------------------------------------------
# Per-client OLS lines (lme4::lmList) and the mixed model's fitted per-client lines: coef() for the client,
# plus the therapist's random intercept where clients are nested in therapists.
ols <- coef(lmList(y ~ session | client, data = d_rs[, c("client", "session", "y")]))
m_rs <- lmer(y ~ session + (session | client), data = d_rs, control = tight)
cc_rs <- coef(m_rs)$client
m_nest <- lmer(y ~ session + (session | client) + (1 | therapist), data = d_nest, control = tight)
cc_n <- coef(m_nest)$client
th <- ranef(m_nest)$therapist
therapist_of <- tapply(d_nest$therapist, d_nest$client, function(v) v[1])
trajectories <- list(
  ols = list(client = rownames(ols), intercept = unname(ols[, "(Intercept)"]), slope = unname(ols[, "session"])),
  mixed = list(client = rownames(cc_rs), intercept = unname(cc_rs[, "(Intercept)"]), slope = unname(cc_rs[, "session"])),
  mixed_nested = list(client = rownames(cc_n),
                      intercept = unname(cc_n[, "(Intercept)"] + th[therapist_of[rownames(cc_n)], "(Intercept)"]),
                      slope = unname(cc_n[, "session"]))
)

# ---- the demo study (datasets/demo) ------------------------------------------------------------------------
# WAI-SR and SRS totals as plain item sums, NA when an item is missing (the instruments' proration is not
# applied here), therapist from ground-truth.csv. If `npm run demo-data` changes the demo, rerun this script.
demo_dir <- file.path(dirname(dirname(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))))), "datasets", "demo")
wai <- read.csv(file.path(demo_dir, "wai-sr.csv"), check.names = FALSE, colClasses = c(client = "character"))
srs <- read.csv(file.path(demo_dir, "srs.csv"), check.names = FALSE, colClasses = c(client = "character"))
gt <- read.csv(file.path(demo_dir, "ground-truth.csv"), colClasses = c(client = "character", therapist = "character"))
wai$wai <- rowSums(wai[, as.character(1:12)])
srs$srs <- rowSums(srs[, as.character(1:4)])
demo <- merge(merge(wai[, c("client", "session", "wai")], srs[, c("client", "session", "srs")], by = c("client", "session")),
              unique(gt[, c("client", "therapist")]), by = "client")
demo <- demo[order(demo$client, demo$session), ]
demo_fits <- list(
  fit_one("demo: WAI-SR growth, client slopes, therapist intercepts", "wai ~ session + (session | client) + (1 | therapist)", demo),
  fit_one("demo: WAI-SR therapist/client intercepts", "wai ~ 1 + (1 | therapist/client)", demo),
  fit_one("demo: SRS growth, client slopes", "srs ~ session + (session | client)", demo)
)
demo_fits <- lapply(demo_fits, function(f) { f$data <- NULL; f })
dc <- demo[!is.na(demo$wai) & !is.na(demo$srs), ]
anc_d <- lm(srs ~ factor(client) + wai, data = dc)
a_d <- anova(anc_d)
rd <- unname(sign(coef(anc_d)["wai"]) * sqrt(a_d["wai", "Sum Sq"] / (a_d["wai", "Sum Sq"] + a_d["Residuals", "Sum Sq"])))
bt_d <- cor.test(tapply(dc$wai, dc$client, mean), tapply(dc$srs, dc$client, mean))
demo_out <- list(
  rows = nrow(demo),
  fits = demo_fits,
  rmcorr = list(r = rd, df = a_d["Residuals", "Df"], p = a_d["wai", "Pr(>F)"], n = nrow(dc)),
  between = list(r = unname(bt_d$estimate), p = bt_d$p.value, n = length(unique(dc$client))),
  pearson = list(r = cor(dc$wai, dc$srs))
)

out <- list(
  generated_by = "test/golden/association.R",
  r_version = R.version.string,
  packages = list(lme4 = as.character(packageVersion("lme4")), lmerTest = as.character(packageVersion("lmerTest")),
                  numDeriv = as.character(packageVersion("numDeriv"))),
  correlation = correlation,
  lmm = lmm,
  trajectories = trajectories,
  demo = demo_out
)
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
dest <- file.path(dirname(normalizePath(script)), "association.json")
write_json(out, dest, digits = NA, auto_unbox = TRUE, pretty = FALSE, null = "null")
cat("wrote", dest, "\n")
