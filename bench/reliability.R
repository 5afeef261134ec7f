# The R side of bench/reliability.bench.ts: the same computations on the same data, timed in the same run.
#   Rscript bench/reliability.R DIR   (DIR holds icc.csv, alpha.csv and boot.csv written by the bench)
# ICC: psych::ICC with its default lmer = TRUE (variance components by lme4, then all six forms with their
# intervals); on complete data with positive variance components it gives the ANOVA answer, and the ANOVA path
# (lmer = FALSE, aov with a 10,000-level factor) is out of reach at this size: about 28 s already at 2,000 subjects. Krippendorff's alpha: no Debian package
# has it, so a plain-R implementation from the coincidence matrix (Krippendorff 2011), vectorised with
# crossprod, interval metric; its bootstrap resamples units as ours does.
suppressPackageStartupMessages({ library(psych); library(jsonlite) })
dir <- commandArgs(trailingOnly = TRUE)[1]

time_ms <- function(f, reps) {
  f()
  t <- numeric(reps)
  for (i in seq_len(reps)) t[i] <- system.time(f())[["elapsed"]]
  median(t) * 1000
}

alpha_interval <- function(x) {
  m <- rowSums(!is.na(x))
  x <- x[m >= 2, , drop = FALSE]
  m <- m[m >= 2]
  vals <- sort(unique(as.vector(x[!is.na(x)])))
  idx <- matrix(match(x, vals), nrow(x))
  N <- matrix(0, nrow(x), length(vals))
  for (j in seq_len(ncol(x))) {
    ok <- !is.na(idx[, j])
    cells <- cbind(which(ok), idx[ok, j])
    N[cells] <- N[cells] + 1
  }
  o <- crossprod(N, N / (m - 1)) - diag(colSums(N / (m - 1)))
  nc <- rowSums(o); n <- sum(nc)
  d2 <- outer(vals, vals, "-")^2
  1 - (n - 1) * sum(o * d2) / sum(outer(nc, nc) * d2)
}

icc <- as.matrix(read.csv(file.path(dir, "icc.csv")))
al <- as.matrix(read.csv(file.path(dir, "alpha.csv")))
bt <- as.matrix(read.csv(file.path(dir, "boot.csv")))

icc_res <- NULL
icc_ms <- time_ms(function() icc_res <<- suppressMessages(ICC(icc)), 3)
alpha_val <- NULL
alpha_ms <- time_ms(function() alpha_val <<- alpha_interval(al), 5)
set.seed(1)
boot_ci <- NULL
boot_ms <- time_ms(function() {
  keep <- bt[rowSums(!is.na(bt)) >= 2, , drop = FALSE]
  a <- replicate(1000, alpha_interval(keep[sample.int(nrow(keep), replace = TRUE), , drop = FALSE]))
  boot_ci <<- quantile(a, c(0.025, 0.975))
}, 1)

cat(toJSON(list(icc_ms = icc_ms, icc = icc_res$results$ICC, alpha_ms = alpha_ms, alpha = alpha_val, boot_ms = boot_ms,
                boot_ci = unname(boot_ci)), auto_unbox = TRUE, digits = NA))
