#!/usr/bin/python3
"""Generate the estimator fixture datasets (CSV: x1..xk, y) with fixed seeds.

Run with Debian's /usr/bin/python3 (numpy).  Writes
  trainer/src/test/resources/fixtures/<name>.csv
  tools/estimator-fixtures/work/true_parameters.json  (data-generating parameters)

Each dataset has its own numpy Generator (PCG64) seed.  Features are rounded
to a fixed number of decimals BEFORE y is generated, so the file holds exactly
the data the model was simulated from; every fit reads the data back from the
CSV, so Java, statsmodels and R all see the same numbers.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FIX = os.path.join(ROOT, "trainer", "src", "test", "resources", "fixtures")
WORK = os.path.join(HERE, "work")


def F_cloglog(eta):
    return -np.expm1(-np.exp(eta))


def F_logit(eta):
    return 1.0 / (1.0 + np.exp(-eta))


LINKS = {"cloglog": F_cloglog, "logit": F_logit}


def fmt_col(values, decimals):
    if decimals == 0:
        return ["%d" % int(v) for v in values]
    out = []
    for v in values:
        if v == 0.0:
            out.append("0")
            continue
        s = "%.*f" % (decimals, v)
        if s.startswith("-") and float(s) == 0.0:
            s = s[1:]
        out.append(s)
    return out


def write_csv(name, X, y, xdec, ydec):
    """X columns already rounded to xdec[j] decimals; y rounded to ydec."""
    n, k = X.shape
    cols = [fmt_col(X[:, j], xdec[j]) for j in range(k)] + [fmt_col(y, ydec)]
    header = ",".join(["x%d" % (j + 1) for j in range(k)] + ["y"])
    path = os.path.join(FIX, name + ".csv")
    with open(path, "w", newline="\n") as fh:
        fh.write(header + "\n")
        for i in range(n):
            fh.write(",".join(c[i] for c in cols) + "\n")
    return path


def rnd(a, d):
    return np.round(a, d)


# --------------------------------------------------------------------------
# feature designs
# --------------------------------------------------------------------------

def design_small(rng, n, k=3):
    X = rnd(rng.standard_normal((n, k)), 4)
    return X, [4] * k


def design_medium(rng, n, k):
    """Mixed, mildly correlated features of unit-ish scale (k = 6 or 8)."""
    z = rng.standard_normal((n, 8))
    cols = [
        z[:, 0],                                   # N(0,1)
        0.6 * z[:, 0] + 0.8 * z[:, 1],             # correlated with x1 (rho 0.6)
        rng.uniform(-2.0, 2.0, n),                 # uniform
        (rng.uniform(size=n) < 0.35).astype(float),  # 0/1 indicator
        rng.poisson(2.0, n) - 2.0,                 # centred count
        np.exp(0.5 * z[:, 2]) - 1.0,               # skewed
        z[:, 3],                                   # N(0,1)
        0.5 * z[:, 4] - 0.3 * z[:, 0],             # correlated with x1
    ][:k]
    dec = [3, 3, 3, 0, 0, 3, 3, 3][:k]
    X = np.column_stack([rnd(c, d) for c, d in zip(cols, dec)])
    return X, dec


def design_illcond(rng, n):
    """Six features of wildly different scales (SEK-like).

    x1 ~ 1e-3 (a ratio), x2 ~ 1, x3 ~ 1e6 (SEK, positive, lognormal),
    x4 = x3^2 ~ 1e12 (exact integer square), x5 0/1 indicator, x6 ~ 1e4.
    """
    x1 = rnd(1e-3 * rng.standard_normal(n), 7)
    x2 = rnd(rng.standard_normal(n), 4)
    x3 = np.round(1e6 * np.exp(0.5 * rng.standard_normal(n)))
    x4 = x3 * x3                         # exact: < 2^53
    assert np.all(x4 < 2.0 ** 53)
    x5 = (rng.uniform(size=n) < 0.4).astype(float)
    x6 = np.round(1e4 * rng.standard_normal(n))
    X = np.column_stack([x1, x2, x3, x4, x5, x6])
    return X, [7, 4, 0, 0, 0, 0]


# --------------------------------------------------------------------------
# responses
# --------------------------------------------------------------------------

def binary(rng, X, b0, b, link):
    p = LINKS[link](b0 + X @ np.asarray(b))
    return (rng.uniform(size=X.shape[0]) < p).astype(float)


def ordinal3(rng, X, i1, i2, b):
    xb = X @ np.asarray(b)
    P1 = F_cloglog(i1 + xb)
    P2 = np.maximum(P1, F_cloglog(i2 + xb))
    u = rng.uniform(size=X.shape[0])
    return np.where(u < P1, -1.0, np.where(u < P2, 0.0, 1.0))


def logistic(rng, n):
    u = rng.uniform(size=n)
    return np.log(u) - np.log1p(-u)


def tobit(rng, X, b0, b, scale, ydec):
    lat = b0 + X @ np.asarray(b) + scale * logistic(rng, X.shape[0])
    y = rnd(np.maximum(0.0, lat), ydec)
    return np.where(y > 0, y, 0.0)




def main():
    os.makedirs(FIX, exist_ok=True)
    os.makedirs(WORK, exist_ok=True)
    truth = {}

    def rec(name, family, link, seed, X, y, xdec, ydec, params, note):
        write_csv(name, X, y, xdec, ydec)
        t = {"family": family, "seed": seed, "n": int(X.shape[0]),
             "features": ["x%d" % (j + 1) for j in range(X.shape[1])],
             "featureDecimals": xdec, "yDecimals": ydec, "note": note}
        if link:
            t["link"] = link
        t.update(params)
        if family == "binary":
            t["shareY1"] = float(np.mean(y))
        elif family == "ordinal3":
            t["shares"] = {str(int(v)): float(np.mean(y == v)) for v in (-1, 0, 1)}
        elif family == "tobit":
            t["shareCensored"] = float(np.mean(y <= 0))
        truth[name] = t
        print("%-24s n=%6d k=%d  %s" % (name, X.shape[0], X.shape[1],
              {k: v for k, v in t.items() if k.startswith("share")}))

    # ---- a/b/c/d binary --------------------------------------------------
    for name, link, seed, n, b0, b in [
        ("binary_logit_small", "logit", 101, 500, -0.5, [1.0, -0.7, 0.4]),
        ("binary_cloglog_small", "cloglog", 102, 500, -0.8, [0.9, -0.6, 0.35]),
    ]:
        rng = np.random.default_rng(seed)
        X, dec = design_small(rng, n)
        y = binary(rng, X, b0, b, link)
        rec(name, "binary", link, seed, X, y, dec, 0,
            {"intercept": b0, "coefficients": b}, "iid N(0,1) features")

    for name, link, seed, b0, b in [
        ("binary_logit_medium", "logit", 201, 0.3,
         [0.8, -0.5, 0.3, 0.6, -0.25, 0.4, 0.05, -0.7]),
        ("binary_cloglog_medium", "cloglog", 202, -0.6,
         [0.6, -0.4, 0.25, 0.5, -0.2, 0.35, 0.05, -0.5]),
    ]:
        rng = np.random.default_rng(seed)
        X, dec = design_medium(rng, 20000, 8)
        y = binary(rng, X, b0, b, link)
        rec(name, "binary", link, seed, X, y, dec, 0,
            {"intercept": b0, "coefficients": b},
            "mixed features: x1 N(0,1); x2 corr. with x1; x3 U(-2,2); x4 0/1; "
            "x5 centred Poisson(2); x6 exp(0.5 N)-1; x7 N(0,1); x8 corr. with x1")

    # ill-conditioned: coefficient ~ 1/scale so that each term matters
    ill_b = [300.0, 0.6, 1.2e-6, -1.0e-13, 0.8, 4.0e-5]
    ill_note = ("x1 ~ 1e-3 N(0,1); x2 N(0,1); x3 = SEK ~ 1e6*exp(0.5 N) (integer); "
                "x4 = x3^2 (~1e12, exact integer); x5 0/1; x6 ~ 1e4 N(0,1) (integer)")
    for name, link, seed, b0 in [
        ("binary_cloglog_illcond", "cloglog", 301, -1.6),
        ("binary_logit_illcond", "logit", 302, -1.0),
    ]:
        rng = np.random.default_rng(seed)
        X, dec = design_illcond(rng, 5000)
        y = binary(rng, X, b0, ill_b, link)
        rec(name, "binary", link, seed, X, y, dec, 0,
            {"intercept": b0, "coefficients": ill_b}, ill_note)

    # ---- e ordinal3 -------------------------------------------------------
    rng = np.random.default_rng(401)
    X, dec = design_small(rng, 1000)
    i1, i2, b = -1.2, 0.4, [0.8, -0.5, 0.3]
    y = ordinal3(rng, X, i1, i2, b)
    rec("ordinal3_small", "ordinal3", "cloglog", 401, X, y, dec, 0,
        {"intercepts": [i1, i2], "coefficients": b}, "iid N(0,1) features")

    rng = np.random.default_rng(402)
    X, dec = design_medium(rng, 20000, 6)
    i1, i2, b = -1.0, 0.5, [0.5, -0.3, 0.25, 0.4, -0.15, 0.3]
    y = ordinal3(rng, X, i1, i2, b)
    rec("ordinal3_medium", "ordinal3", "cloglog", 402, X, y, dec, 0,
        {"intercepts": [i1, i2], "coefficients": b},
        "mixed features x1..x6 as in the medium design (see README)")

    rng = np.random.default_rng(403)
    X, dec = design_illcond(rng, 5000)
    i1, i2 = -2.2, -0.6
    b = [250.0, 0.5, 1.0e-6, -8.0e-14, 0.6, 3.0e-5]
    y = ordinal3(rng, X, i1, i2, b)
    rec("ordinal3_illcond", "ordinal3", "cloglog", 403, X, y, dec, 0,
        {"intercepts": [i1, i2], "coefficients": b}, ill_note)

    # ---- f tobit ----------------------------------------------------------
    rng = np.random.default_rng(501)
    X, dec = design_small(rng, 1000)
    b0, b, s = 0.5, [1.0, -0.8, 0.5], 1.0
    y = tobit(rng, X, b0, b, s, 4)
    rec("tobit_small", "tobit", None, 501, X, y, dec, 4,
        {"intercept": b0, "coefficients": b, "scale": s},
        "iid N(0,1) features; y = max(0, latent) rounded to 4 decimals; y == 0 is censored")

    rng = np.random.default_rng(502)
    X, dec = design_medium(rng, 20000, 6)
    b0, b, s = 0.2, [1.0, -0.6, 0.5, 0.8, -0.3, 0.6], 0.8
    y = tobit(rng, X, b0, b, s, 3)
    rec("tobit_medium", "tobit", None, 502, X, y, dec, 3,
        {"intercept": b0, "coefficients": b, "scale": s},
        "mixed features; y rounded to 3 decimals; y == 0 is censored")

    rng = np.random.default_rng(503)
    X, dec = design_illcond(rng, 5000)
    b0, s = -1.5e6, 1.0e6
    b = [5.0e8, 8.0e5, 2.5, -1.5e-7, 1.0e6, 60.0]
    y = tobit(rng, X, b0, b, s, 2)
    rec("tobit_illcond", "tobit", None, 503, X, y, dec, 2,
        {"intercept": b0, "coefficients": b, "scale": s},
        ill_note + "; y in SEK rounded to 0.01; y == 0 is censored")

    # ---- g/h huber --------------------------------------------------------
    rng = np.random.default_rng(601)
    X, dec = design_small(rng, 500)
    b0, b = 1.0, [2.0, -1.0, 0.5]
    e = 0.5 * rng.standard_t(2, 500)
    y = rnd(b0 + X @ np.asarray(b) + e, 4)
    rec("huber_small", "huber", None, 601, X, y, dec, 4,
        {"intercept": b0, "coefficients": b, "errors": "0.5 * t(2)"},
        "iid N(0,1) features; errors 0.5 * Student t with 2 df")

    rng = np.random.default_rng(602)
    X, dec = design_medium(rng, 20000, 6)
    b0, b = 0.5, [1.0, -0.5, 0.8, 1.5, -0.3, 0.7]
    n = 20000
    e = np.where(rng.uniform(size=n) < 0.1, 10.0 * rng.standard_normal(n),
                 rng.standard_normal(n))
    y = rnd(b0 + X @ np.asarray(b) + e, 3)
    rec("huber_medium", "huber", None, 602, X, y, dec, 3,
        {"intercept": b0, "coefficients": b,
         "errors": "0.9 N(0,1) + 0.1 N(0,10^2) contamination"},
        "mixed features; 10% contaminated normal errors")

    rng = np.random.default_rng(603)
    X, dec = design_illcond(rng, 5000)
    b0 = 2.0e5
    b = [5.0e7, 1.0e5, 0.8, -2.0e-8, 3.0e5, 10.0]
    e = 5.0e4 * rng.standard_t(3, 5000)
    y = rnd(b0 + X @ np.asarray(b) + e, 2)
    rec("huber_illcond", "huber", None, 603, X, y, dec, 2,
        {"intercept": b0, "coefficients": b, "errors": "5e4 * t(3)"},
        ill_note + "; y in SEK rounded to 0.01")

    rng = np.random.default_rng(604)
    n = 2000
    X = rng.standard_normal((n, 3))
    nlev = 40                                   # 2% high-leverage rows
    lev = np.sort(rng.choice(n, nlev, replace=False))
    direction = np.array([8.0, 6.0, -7.0])
    X[lev] = direction + rng.standard_normal((nlev, 3))
    X = rnd(X, 4)
    b0, b = 1.0, [2.0, -1.0, 0.5]
    e = 0.5 * rng.standard_t(2, n)
    bad = lev[::2]                              # half of them: bad leverage
    e[bad] += -25.0 + 2.0 * rng.standard_normal(bad.size)
    y = rnd(b0 + X @ np.asarray(b) + e, 4)
    rec("huber_leverage", "huber", None, 604, X, y, [4, 4, 4], 4,
        {"intercept": b0, "coefficients": b, "errors": "0.5 * t(2)",
         "leverageRows0Based": [int(i) for i in lev],
         "badLeverageRows0Based": [int(i) for i in bad]},
        "x iid N(0,1) except 40 rows (2%) at x ~ (8, 6, -7) + N(0,1); half of those "
        "(every other one, 'bad leverage') have y shifted by -25 + 2 N(0,1); "
        "errors 0.5 * t(2)")

    with open(os.path.join(WORK, "true_parameters.json"), "w") as fh:
        json.dump(truth, fh, indent=1, sort_keys=True)
        fh.write("\n")


if __name__ == "__main__":
    main()
