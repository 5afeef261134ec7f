# Regenerates test/golden/consistency.json: internal consistency (psych::alpha, psych::omega with one factor)
# and multilevel reliability (psych::multilevel.reliability, defaults) for `alliance stats consistency`.
#
#   Rscript test/golden/consistency.R            (from the repository root)
#
# The data are drawn here with fixed seeds and written into the JSON beside the results, so the TypeScript
# tests read the exact inputs R saw. Missing values are written as null; R sees complete cases (na.omit),
# which is what the command computes on.

suppressPackageStartupMessages({
  library(psych)
  library(jsonlite)
})

out <- list(
  generated_by = "test/golden/consistency.R",
  r_version = R.version.string,
  psych_version = as.character(packageVersion("psych"))
)

likert <- function(n, k, loadings, seed, levels = 5, missing = 0) {
  set.seed(seed)
  f <- rnorm(n)
  x <- sapply(seq_len(k), function(j) {
    y <- loadings[j] * f + rnorm(n, 0, sqrt(1 - loadings[j]^2))
    pmin(levels, pmax(1, round((levels + 1) / 2 + 1.2 * y)))
  })
  colnames(x) <- paste0("item", seq_len(k))
  if (missing > 0) x[sample(length(x), missing)] <- NA
  x
}

consistency <- function(name, x) {
  cc <- na.omit(as.data.frame(x))
  a <- suppressWarnings(psych::alpha(cc, warnings = FALSE))
  o <- suppressMessages(suppressWarnings(psych::omega(cc, nfactors = 1, plot = FALSE)))
  list(
    name = name,
    items = colnames(x),
    data = lapply(seq_len(nrow(x)), function(i) unname(as.list(x[i, ]))),
    n = nrow(cc), dropped = nrow(x) - nrow(cc),
    alpha = list(
      raw = a$total$raw_alpha, standardized = a$total$std.alpha,
      ci95 = as.numeric(c(a$feldt$lower.ci, a$feldt$upper.ci))
    ),
    omega = list(total = o$omega.tot),
    items_out = lapply(seq_len(ncol(x)), function(j) list(
      item = colnames(x)[j], rDrop = a$item.stats$r.drop[j], alphaIfDropped = a$alpha.drop$raw_alpha[j]
    ))
  )
}

out$consistency <- list(
  consistency("six items, 200 respondents, 25 missing values",
              likert(200, 6, c(.8, .7, .6, .65, .5, .4), 20261201, missing = 25)),
  consistency("three items, 12 respondents", likert(12, 3, c(.7, .6, .5), 20261202)),
  consistency("five items, one weak and negative", likert(80, 5, c(.75, .7, .6, -.2, .1), 20261203, levels = 7)),
  consistency("ten items of an SRS-like 0-10 scale", likert(150, 10, seq(.85, .4, length.out = 10), 20261204,
                                                           levels = 10))
)

# Multilevel: subjects at sessions, items nested in each session (wide: one row per subject x session).
ml <- function(name, P, Tn, I, seed, missing = 0) {
  set.seed(seed)
  person <- rnorm(P, 0, 1)
  rows <- expand.grid(time = seq_len(Tn), id = seq_len(P))[, c("id", "time")]
  pt <- rnorm(nrow(rows), 0, 0.6)
  item_eff <- rnorm(I, 0, 0.3)
  vals <- sapply(seq_len(I), function(i)
    round(5 + person[rows$id] + 0.1 * rows$time + pt + item_eff[i] + rnorm(nrow(rows), 0, 0.7), 1))
  colnames(vals) <- paste0("i", seq_len(I))
  x <- cbind(rows, vals)
  if (missing > 0) {
    # Remove whole sessions of some subjects, the way a client misses a session.
    x <- x[-sample(nrow(x), missing), ]
  }
  # psych assumes the balanced design: keep subjects seen at every time.
  complete <- names(which(table(x$id) == Tn))
  xb <- x[x$id %in% complete, ]
  r <- suppressWarnings(psych::multilevel.reliability(xb, grp = "id", Time = "time", items = colnames(vals),
                                                     plot = FALSE))
  comp <- r$components
  list(
    name = name,
    items = colnames(vals),
    rows = lapply(seq_len(nrow(x)), function(k) list(subject = as.character(x$id[k]), time = as.character(x$time[k]),
                                                      values = unname(as.numeric(x[k, colnames(vals)])))),
    subjects = r$n.obs, times = r$n.time, droppedSubjects = length(unique(x$id)) - length(complete),
    components = list(subject = comp["ID", 1], time = comp["Time", 1], items = comp["Items", 1],
                      subjectTime = comp["ID x time", 1], subjectItems = comp["ID x items", 1],
                      timeItems = comp["time x items", 1], residual = comp["Residual", 1]),
    RkF = r$RkF, R1R = r$R1R, RkR = r$RkR, Rc = r$Rc
  )
}

out$multilevel <- list(
  ml("12 subjects x 5 sessions x 4 items", 12, 5, 4, 20261205),
  ml("20 subjects x 6 sessions x 4 items, 7 sessions missed", 20, 6, 4, 20261206, missing = 7)
)

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = FALSE),
           "test/golden/consistency.json")
