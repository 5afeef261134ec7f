# Regenerates test/golden/reliability.json: reference values for the reliability statistics, from
# psych::ICC and psych::cohen.kappa (Debian r-cran-psych, r-cran-lme4) and, where no Debian package has the
# statistic, from plain-R implementations written from the published formulas (marked "plain R" below).
#
#   Rscript test/golden/reliability.R            (from the repository root)
#
# The data are drawn here with fixed seeds and written into the JSON beside the results, so the TypeScript
# tests read the exact inputs R saw.

suppressPackageStartupMessages({
  library(psych)
  library(lme4)
  library(jsonlite)
})

out <- list(
  generated_by = "test/golden/reliability.R",
  r_version = R.version.string,
  psych_version = as.character(packageVersion("psych")),
  lme4_version = as.character(packageVersion("lme4"))
)

# ---------------------------------------------------------------------------------------------------------
# ICC

icc_rows <- function(res) {
  r <- res$results
  forms <- c("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")
  setNames(lapply(seq_along(forms), function(i) list(
    icc = r[i, "ICC"], f = r[i, "F"], df1 = r[i, "df1"], df2 = r[i, "df2"], p = r[i, "p"],
    ci95 = c(r[i, "lower bound"], r[i, "upper bound"])
  )), forms)
}

as_rows <- function(x) lapply(seq_len(nrow(x)), function(i) unname(as.numeric(x[i, ])))

icc_complete <- function(name, x) {
  res <- ICC(x, lmer = FALSE)
  list(name = name, data = as_rows(x), forms = icc_rows(res),
       ms = list(BMS = res$stats["MS", 1], JMS = res$stats["MS", 2], EMS = res$stats["MS", 3], WMS = res$MSW))
}

set.seed(20260401)
n <- 20; k <- 4
a <- round(5 + rep(rnorm(n, 0, 1.2), k) + rep(rnorm(k, 0, 0.5), each = n) + rnorm(n * k, 0, 0.8), 2)
icc_a <- matrix(a, n, k)

set.seed(20260402)
n <- 12; k <- 6
b <- pmin(7, pmax(1, round(4 + rep(rnorm(n, 0, 1.3), k) + rep(rnorm(k, 0, 0.4), each = n) + rnorm(n * k, 0, 0.9))))
icc_b <- matrix(b, n, k)

# Raters with near-identical means: the ANOVA estimate of the rater variance is negative (JMS < EMS).
set.seed(20260403)
n <- 15; k <- 3
s <- rnorm(n, 10, 2)
icc_c <- cbind(s + rnorm(n, 0, 1), s + rnorm(n, 0, 1), s + rnorm(n, 0, 1))
icc_c <- round(sweep(icc_c, 2, colMeans(icc_c) - mean(icc_c)), 3)
stopifnot(ICC(icc_c, lmer = FALSE)$stats["MS", 2] < ICC(icc_c, lmer = FALSE)$stats["MS", 3])

# Incomplete design: 30 subjects x 4 raters, some cells missing, one subject rated once.
set.seed(20260404)
n <- 30; k <- 4
d <- matrix(round(20 + rep(rnorm(n, 0, 3), k) + rep(c(-1, 0.5, 1.5, 0), each = n) + rnorm(n * k, 0, 2), 1), n, k)
miss <- matrix(runif(n * k) < 0.15, n, k)
miss[rowSums(!miss) == 0, 1] <- FALSE
miss[7, ] <- c(FALSE, TRUE, TRUE, TRUE)
d[miss] <- NA
complete <- d[complete.cases(d), ]
drop_res <- ICC(complete, lmer = FALSE)
model_res <- suppressMessages(suppressWarnings(ICC(d, lmer = TRUE)))
# psych fits lmer with its default optimiser tolerance; the same model refitted to a tight tolerance gives
# the REML optimum itself, which is what the TypeScript REML is checked against at 1e-6.
long <- data.frame(values = as.vector(d), items = factor(rep(seq_len(k), each = n)), id = factor(rep(seq_len(n), k)))
tight <- lmer(values ~ 1 + (1 | id) + (1 | items), data = long, na.action = na.omit, REML = TRUE,
              control = lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 1e-2, rhoend = 1e-12, maxfun = 1e5)))
vc <- VarCorr(tight)
vs <- vc$id[1, 1]; vr <- vc$items[1, 1]; ve <- attr(vc, "sc")^2
ms_tight <- list(BMS = k * vs + ve, JMS = n * vr + ve, EMS = ve, WMS = ve + vr)
psych_forms <- function(ms, n, k, alpha = 0.05) {
  MSB <- ms$BMS; MSJ <- ms$JMS; MSE <- ms$EMS; MSW <- ms$WMS
  ICC1 <- (MSB - MSW) / (MSB + (k - 1) * MSW)
  ICC2 <- (MSB - MSE) / (MSB + (k - 1) * MSE + k * (MSJ - MSE) / n)
  ICC3 <- (MSB - MSE) / (MSB + (k - 1) * MSE)
  F11 <- MSB / MSW; F21 <- MSB / MSE
  d11 <- c(n - 1, n * (k - 1)); d21 <- c(n - 1, (n - 1) * (k - 1))
  F1L <- F11 / qf(1 - alpha / 2, d11[1], d11[2]); F1U <- F11 * qf(1 - alpha / 2, d11[2], d11[1])
  F3L <- F21 / qf(1 - alpha / 2, d21[1], d21[2]); F3U <- F21 * qf(1 - alpha / 2, d21[2], d21[1])
  Fj <- MSJ / MSE
  vn <- (k - 1) * (n - 1) * ((k * ICC2 * Fj + n * (1 + (k - 1) * ICC2) - k * ICC2))^2
  vd <- (n - 1) * k^2 * ICC2^2 * Fj^2 + (n * (1 + (k - 1) * ICC2) - k * ICC2)^2
  v <- vn / vd
  G3U <- qf(1 - alpha / 2, n - 1, v); G3L <- qf(1 - alpha / 2, v, n - 1)
  L3 <- n * (MSB - G3U * MSE) / (G3U * (k * MSJ + (k * n - k - n) * MSE) + n * MSB)
  U3 <- n * (G3L * MSB - MSE) / (k * MSJ + (k * n - k - n) * MSE + n * G3L * MSB)
  p11 <- pf(F11, d11[1], d11[2], lower.tail = FALSE); p21 <- pf(F21, d21[1], d21[2], lower.tail = FALSE)
  f <- function(icc, F, d, p, lo, hi) list(icc = icc, f = F, df1 = d[1], df2 = d[2], p = p, ci95 = c(lo, hi))
  list(
    ICC1 = f(ICC1, F11, d11, p11, (F1L - 1) / (F1L + k - 1), (F1U - 1) / (F1U + k - 1)),
    ICC2 = f(ICC2, F21, d21, p21, L3, U3),
    ICC3 = f(ICC3, F21, d21, p21, (F3L - 1) / (F3L + k - 1), (F3U - 1) / (F3U + k - 1)),
    ICC1k = f((MSB - MSW) / MSB, F11, d11, p11, 1 - 1 / F1L, 1 - 1 / F1U),
    ICC2k = f((MSB - MSE) / (MSB + (MSJ - MSE) / n), F21, d21, p21, L3 * k / (1 + L3 * (k - 1)), U3 * k / (1 + U3 * (k - 1))),
    ICC3k = f((MSB - MSE) / MSB, F21, d21, p21, 1 - 1 / F3L, 1 - 1 / F3U)
  )
}
# The hand-written psych formulas above must reproduce psych itself on a complete matrix.
chk <- icc_rows(ICC(icc_a, lmer = FALSE))
mine <- psych_forms(list(BMS = ICC(icc_a, lmer = FALSE)$stats["MS", 1], JMS = ICC(icc_a, lmer = FALSE)$stats["MS", 2],
                         EMS = ICC(icc_a, lmer = FALSE)$stats["MS", 3], WMS = ICC(icc_a, lmer = FALSE)$MSW), nrow(icc_a), ncol(icc_a))
stopifnot(all(abs(unlist(chk) - unlist(mine)) < 1e-12))

out$icc <- list(
  complete = list(icc_complete("a: 20 x 4 continuous", icc_a), icc_complete("b: 12 x 6 Likert 1-7", icc_b),
                  icc_complete("c: 15 x 3, negative rater variance estimate", icc_c)),
  incomplete = list(
    data = lapply(seq_len(nrow(d)), function(i) { r <- d[i, ]; lapply(r, function(v) if (is.na(v)) NULL else v) }),
    drop = list(dropped = sum(!complete.cases(d)), n = nrow(complete), forms = icc_rows(drop_res)),
    model_psych = list(n = n, k = k, forms = icc_rows(model_res),
                       variance = list(subject = model_res$lme["ID", "variance"], rater = model_res$lme["Items", "variance"],
                                       residual = model_res$lme["Residual", "variance"])),
    model_tight = list(n = n, k = k, forms = psych_forms(ms_tight, n, k),
                       variance = list(subject = vs, rater = vr, residual = ve), reml_criterion = REMLcrit(tight))
  )
)

# ---------------------------------------------------------------------------------------------------------
# Cohen's kappa (psych::cohen.kappa) and the Fleiss-Cohen-Everitt (1969) variances (plain R)

# Large-sample variance of (weighted) kappa, Fleiss, Cohen & Everitt (1969), as SAS PROC FREQ's ASE, and the
# variance under kappa = 0 (the one irr's z uses). p: table of proportions; w: agreement weights.
fce <- function(p, w, N) {
  pr <- rowSums(p); pc <- colSums(p)
  po <- sum(w * p); pe <- sum(w * outer(pr, pc))
  wr <- as.vector(w %*% pc)       # w_i. = sum_j w_ij p_.j
  wc <- as.vector(t(w) %*% pr)    # w_.j = sum_i w_ij p_i.
  k <- (po - pe) / (1 - pe)
  v <- (sum(p * (w * (1 - pe) - outer(wr, wc, "+") * (1 - po))^2) - (po * pe - 2 * pe + po)^2) / (N * (1 - pe)^4)
  v0 <- (sum(outer(pr, pc) * (w - outer(wr, wc, "+"))^2) - pe^2) / (N * (1 - pe)^2)
  list(kappa = k, var = v, var0 = v0, po = po, pe = pe)
}

kappa_case <- function(name, r1, r2) {
  x <- data.frame(r1, r2)
  lev <- sort(unique(c(r1, r2)))
  q <- length(lev)
  tab <- table(factor(r1, levels = lev), factor(r2, levels = lev))
  N <- sum(tab); p <- tab / N
  pos <- outer(seq_len(q), seq_len(q), "-")
  res <- list(name = name, rater1 = r1, rater2 = r2, categories = lev)
  ck <- cohen.kappa(x)  # default weights: quadratic in the positions of the observed levels
  res$psych_unweighted <- list(kappa = ck$kappa, var = ck$var.kappa)
  res$psych_quadratic_levels <- list(kappa = ck$weighted.kappa, var_psych = ck$var.weighted)
  wl <- 1 - abs(pos) / (q - 1)
  ckl <- cohen.kappa(x, w = wl)
  res$psych_linear_levels <- list(kappa = ckl$weighted.kappa, var_psych = ckl$var.weighted)
  if (is.numeric(lev)) {
    dv <- outer(lev, lev, "-")
    wq <- 1 - dv^2 / (max(lev) - min(lev))^2
    wlv <- 1 - abs(dv) / (max(lev) - min(lev))
    res$psych_quadratic_values <- list(kappa = cohen.kappa(x, w = wq)$weighted.kappa)
    res$psych_linear_values <- list(kappa = cohen.kappa(x, w = wlv)$weighted.kappa)
    res$fce_quadratic_values <- fce(p, wq, N)
    res$fce_linear_values <- fce(p, wlv, N)
  }
  res$fce_unweighted <- fce(p, diag(q), N)
  res$fce_quadratic_levels <- fce(p, 1 - pos^2 / (q - 1)^2, N)
  res$fce_linear_levels <- fce(p, wl, N)
  res
}

set.seed(20260405)
t1 <- sample(1:5, 60, replace = TRUE, prob = c(.1, .2, .3, .25, .15))
t2 <- pmin(5, pmax(1, t1 + sample(-1:1, 60, replace = TRUE, prob = c(.2, .6, .2))))
set.seed(20260406)
u1 <- sample(c(1, 2, 3, 5, 6, 7), 40, replace = TRUE)   # 4 is on the scale but never used
u2 <- ifelse(runif(40) < 0.6, u1, sample(c(1, 2, 3, 5, 6, 7), 40, replace = TRUE))
set.seed(20260407)
v1 <- sample(c("low", "mid", "high"), 50, replace = TRUE)
v2 <- ifelse(runif(50) < 0.7, v1, sample(c("low", "mid", "high"), 50, replace = TRUE))
out$kappa <- list(
  kappa_case("a: 60 subjects, 5 ordered categories", t1, t2),
  kappa_case("b: 40 subjects, scale 1-7 with 4 unused", u1, u2),
  kappa_case("c: 50 subjects, nominal labels", v1, v2)
)

# ---------------------------------------------------------------------------------------------------------
# Krippendorff's alpha (plain R, from the coincidence matrix as in Krippendorff 2011, "Computing
# Krippendorff's alpha-reliability"): units x coders, NA missing.

kripp_alpha <- function(x, metric) {
  vals <- sort(unique(na.omit(as.vector(x))))
  V <- length(vals)
  o <- matrix(0, V, V)
  for (u in seq_len(nrow(x))) {
    v <- na.omit(x[u, ]); m <- length(v)
    if (m < 2) next
    idx <- match(v, vals)
    for (i in seq_len(m)) for (j in seq_len(m)) if (i != j) o[idx[i], idx[j]] <- o[idx[i], idx[j]] + 1 / (m - 1)
  }
  nc <- rowSums(o); nn <- sum(nc)
  d2 <- switch(metric,
    nominal = 1 - diag(V),
    interval = outer(vals, vals, "-")^2,
    ratio = (outer(vals, vals, "-") / outer(vals, vals, "+"))^2,
    ordinal = {
      cs <- cumsum(nc)
      mid <- cs - nc / 2
      outer(mid, mid, "-")^2
    })
  1 - (nn - 1) * sum(o * d2) / sum(outer(nc, nc) * d2)
}

set.seed(20260408)
units <- 40; coders <- 5
truth <- sample(1:6, units, replace = TRUE)
ka <- matrix(pmin(6, pmax(1, truth + sample(-1:1, units * coders, replace = TRUE, prob = c(.15, .7, .15)))), units, coders)
ka[matrix(runif(units * coders) < 0.2, units, coders)] <- NA
out$alpha <- list(
  data = lapply(seq_len(nrow(ka)), function(i) lapply(ka[i, ], function(v) if (is.na(v)) NULL else v)),
  nominal = kripp_alpha(ka, "nominal"), ordinal = kripp_alpha(ka, "ordinal"),
  interval = kripp_alpha(ka, "interval"), ratio = kripp_alpha(ka, "ratio")
)

# ---------------------------------------------------------------------------------------------------------
# Fleiss' kappa with the SEs under kappa = 0 of Fleiss, Nee & Landis (1979), plain R following the formulas
# irr::kappam.fleiss uses (irr is not packaged for Debian); p as 2 * pnorm(-|z|), free of cancellation.

fleiss_fnl <- function(ratings) {
  ns <- nrow(ratings); nr <- ncol(ratings)
  lev <- sort(unique(as.vector(ratings)))
  ttab <- t(apply(ratings, 1, function(r) table(factor(r, levels = lev))))
  agreeP <- sum((rowSums(ttab^2) - nr) / (nr * (nr - 1))) / ns
  pj <- colSums(ttab) / (ns * nr); qj <- 1 - pj
  chanceP <- sum(pj^2)
  value <- (agreeP - chanceP) / (1 - chanceP)
  se <- sqrt(2 / (sum(pj * qj)^2 * (ns * nr * (nr - 1))) * (sum(pj * qj)^2 - sum(pj * qj * (qj - pj))))
  kj <- 1 - colSums(ttab * (nr - ttab)) / (ns * nr * (nr - 1) * pj * qj)
  zj <- kj / sqrt(2 / (ns * nr * (nr - 1)))
  list(data = lapply(seq_len(ns), function(i) ratings[i, ]), categories = lev, kappa = value, se0 = se, z = value / se,
       p = 2 * pnorm(-abs(value / se)), category_kappa = unname(kj), category_z = unname(zj))
}

set.seed(20260410)
truth <- sample(c("A", "B", "C", "D"), 25, replace = TRUE, prob = c(.4, .3, .2, .1))
fr <- t(sapply(truth, function(t) ifelse(runif(5) < 0.65, t, sample(c("A", "B", "C", "D"), 5, replace = TRUE))))
dimnames(fr) <- NULL
out$fleiss <- fleiss_fnl(fr)

# ---------------------------------------------------------------------------------------------------------
# Bland-Altman (plain R, Bland & Altman 1999): bias, SD, limits with t intervals, and lm() for proportional bias.

set.seed(20260409)
truth <- rnorm(45, 50, 10)
bx <- round(truth + rnorm(45, 0, 3), 2)
by <- round(1.5 + 0.95 * truth + rnorm(45, 0, 3), 2)
dd <- bx - by; mm <- (bx + by) / 2; nb <- length(dd)
bias <- mean(dd); sdd <- sd(dd); z <- qnorm(0.975); tq <- qt(0.975, nb - 1)
se_bias <- sdd / sqrt(nb); se_loa <- sdd * sqrt(1 / nb + z^2 / (2 * (nb - 1)))
fit <- summary(lm(dd ~ mm))
out$bland_altman <- list(
  x = bx, y = by, bias = bias, sd = sdd,
  bias_ci95 = bias + c(-1, 1) * tq * se_bias,
  loa = c(bias - z * sdd, bias + z * sdd),
  lower_ci95 = bias - z * sdd + c(-1, 1) * tq * se_loa,
  upper_ci95 = bias + z * sdd + c(-1, 1) * tq * se_loa,
  regression = list(intercept = fit$coefficients[1, 1], slope = fit$coefficients[2, 1], slope_se = fit$coefficients[2, 2],
                    t = fit$coefficients[2, 3], p = fit$coefficients[2, 4], df = fit$df[2],
                    slope_ci95 = confint(lm(dd ~ mm))[2, ])
)

here <- if (file.exists("test/golden")) "test/golden" else "."
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null", na = "null"), file.path(here, "reliability.json"))
cat("wrote", file.path(here, "reliability.json"), "\n")
