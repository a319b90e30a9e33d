#!/usr/bin/python3
"""Binary (logit / cloglog) reference fits with statsmodels, plus cross-checks.

Run with Debian's /usr/bin/python3 AFTER fit_r.R (it reads work/glm_crosscheck.json
written by fit_r.R, and adds a statsmodels-RLM cross-check to the huber_* references
that fit_r.R wrote).

Binary fits:
  sm.GLM(y, sm.add_constant(Z), family=Binomial(link)) on internally standardised
  features Z = (X - mean) / sd, fit(method="IRLS", tol=1e-14, maxiter=200), then Newton
  steps with GLM.score / GLM.hessian(observed=True) until the step is < 1e-15 (relative).
  The MLE and both covariance matrices are mapped back to the original feature scale
  with the exact linear map (b_j = g_j / sd_j, b0 = g0 - sum g_j mean_j / sd_j).
  Standard errors: inverse of the OBSERVED information (negative Hessian of the
  log-likelihood at the MLE), verified against finite differences of GLM.score and of
  GLM.loglike; the expected-information SEs are recorded as standardErrorsExpected.
"""
import json
import os

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from statsmodels.genmod.families import links

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FIX = os.path.join(ROOT, "trainer", "src", "test", "resources", "fixtures")
WORK = os.path.join(HERE, "work")

with open(os.path.join(WORK, "true_parameters.json")) as fh:
    TRUTH = json.load(fh)


def load(name):
    path = os.path.join(FIX, name + ".csv")
    with open(path) as fh:
        header = fh.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    feats = header[:-1]
    X = data[:, :-1]
    y = data[:, -1]
    return feats, X, y


def standardise(X):
    m = X.mean(axis=0)
    s = X.std(axis=0, ddof=1)
    return (X - m) / s, m, s


def tmap(m, s, nint=1):
    k = m.size
    T = np.eye(nint + k)
    for r in range(nint):
        T[r, nint:] = -m / s
    T[nint:, nint:] = np.diag(1.0 / s)
    return T


def maxrel(a, b):
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def fd_hess_score(model, p, h=1e-5):
    k = p.size
    H = np.empty((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = h * max(1.0, abs(p[j]))
        H[:, j] = (model.score(p + e) - model.score(p - e)) / (2 * e[j])
    return 0.5 * (H + H.T)


def fd_hess_loglike(model, p, h=1e-4):
    k = p.size
    H = np.empty((k, k))
    f0 = model.loglike(p)
    for i in range(k):
        ei = np.zeros(k)
        ei[i] = h
        H[i, i] = (model.loglike(p + ei) - 2 * f0 + model.loglike(p - ei)) / h ** 2
        for j in range(i + 1, k):
            ej = np.zeros(k)
            ej[j] = h
            H[i, j] = H[j, i] = (model.loglike(p + ei + ej) - model.loglike(p + ei - ej)
                                 - model.loglike(p - ei + ej) + model.loglike(p - ei - ej)) / (4 * h * h)
    return H


def fit_binary(name, link, glmref):
    feats, X, y = load(name)
    Z, m, s = standardise(X)
    lk = {"logit": links.Logit(), "cloglog": links.CLogLog()}[link]
    model = sm.GLM(y, sm.add_constant(Z, has_constant="add"), family=sm.families.Binomial(link=lk))
    res = model.fit(method="IRLS", tol=1e-14, maxiter=200)
    p = np.asarray(res.params, float).copy()
    irls_iter = int(res.fit_history["iteration"])
    newton_iter = 0
    for newton_iter in range(1, 51):
        g = model.score(p)
        H = model.hessian(p, observed=True)
        step = -np.linalg.solve(H, g)
        t = 1.0
        ll0 = model.loglike(p)
        while model.loglike(p + t * step) < ll0 - 1e-12 * abs(ll0) and t > 1e-10:
            t /= 2
        p = p + t * step
        if np.max(np.abs(t * step) / np.maximum(1.0, np.abs(p))) < 1e-15:
            break
    grad = model.score(p)
    Hobs = model.hessian(p, observed=True)
    Hexp = model.hessian(p, observed=False)
    Hfd_s = fd_hess_score(model, p)
    Hfd_l = fd_hess_loglike(model, p)
    scale_h = np.max(np.abs(Hobs))
    T = tmap(m, s)
    theta = T @ p
    Vobs = T @ np.linalg.inv(-Hobs) @ T.T
    Vexp = T @ np.linalg.inv(-Hexp) @ T.T
    se = np.sqrt(np.diag(Vobs))
    se_exp = np.sqrt(np.diag(Vexp))
    ll = float(model.loglike(p))
    # log-likelihood recomputed on the original scale, by hand
    eta = theta[0] + X @ theta[1:]
    if link == "logit":
        logp1 = -np.logaddexp(0.0, -eta)
        logp0 = -np.logaddexp(0.0, eta)
    else:
        logp1 = np.log(-np.expm1(-np.exp(eta)))
        logp0 = -np.exp(eta)
    ll_orig = float(np.sum(np.where(y == 1, logp1, logp0)))

    gr = glmref[name]
    r_theta = np.concatenate([[gr["intercept"]], gr["coefficients"]])
    cross = {
        "against": gr["tool"],
        "glmConverged": gr["converged"], "glmIterations": gr["iterations"],
        "glmContinuedIterations": gr["continuedIterations"],
        "maxRelDiffParameters": maxrel(r_theta, theta),
        "glmFirstFitMaxRelDiffParameters": maxrel(np.concatenate([[gr["firstFit"]["intercept"]],
                                                                  gr["firstFit"]["coefficients"]]), theta),
        "maxDiffInSE": float(np.max(np.abs(r_theta - theta) / se)),
        "logLikelihoodDiff": gr["logLikelihood"] - ll,
        "maxRelDiffExpectedSE": maxrel(gr["standardErrorsExpected"], se_exp),
    }
    if "intercept" in gr.get("rawFit", {}):
        rr = np.concatenate([[gr["rawFit"]["intercept"]], gr["rawFit"]["coefficients"]])
        cross["rawScaleGlmMaxRelDiffParameters"] = maxrel(rr, theta)
        cross["rawScaleGlmConverged"] = gr["rawFit"]["converged"]
    else:
        cross["rawScaleGlm"] = gr.get("rawFit", {}).get("note", "not available")

    tr = TRUTH[name]
    k = len(feats)
    out = {
        "dataset": name, "family": "binary", "link": link, "features": feats, "n": int(y.size),
        "nY1": int(np.sum(y == 1)),
        "intercept": float(theta[0]), "coefficients": [float(v) for v in theta[1:]],
        "standardErrors": {"intercept": float(se[0]), "coefficients": [float(v) for v in se[1:]]},
        "standardErrorsExpected": {"intercept": float(se_exp[0]),
                                   "coefficients": [float(v) for v in se_exp[1:]]},
        "logLikelihood": ll,
        "converged": bool(res.converged) and float(np.max(np.abs(grad))) < 1e-6,
        "tool": ("statsmodels %s GLM(y, add_constant(Z), family=Binomial(link=%s())) fit(method='IRLS', tol=1e-14, "
                 "maxiter=200) on internally standardised features Z, then Newton steps with GLM.score / "
                 "GLM.hessian(observed=True); mapped back to the original scale (numpy %s, scipy %s)")
                % (statsmodels.__version__, type(lk).__name__, np.__version__, scipy.__version__),
        "seCovariance": "observed",
        "seNote": ("standardErrors: inverse of the negative Hessian of the log-likelihood at the MLE (observed "
                   "information), mapped by the exact linear map to the original scale; standardErrorsExpected: "
                   "inverse Fisher (expected) information X'WX" +
                   (" (identical to the observed one for the canonical logit link)" if link == "logit" else
                    " (differs from the observed one for cloglog)")),
        "iterations": {"irls": irls_iter, "newtonPolish": newton_iter},
        "gradientMaxAbsAtReference": float(np.max(np.abs(grad))),
        "hessianCheck": {
            "maxRelDiffObservedVsFiniteDiffOfScore": float(np.max(np.abs(Hobs - Hfd_s)) / scale_h),
            "maxRelDiffObservedVsFiniteDiffOfLoglike": float(np.max(np.abs(Hobs - Hfd_l)) / scale_h),
            "maxRelDiffObservedVsExpected": float(np.max(np.abs(Hobs - Hexp)) / scale_h),
            "note": "max |H_a - H_b| / max |H_a| on the standardised parametrisation",
        },
        "crossCheck": cross,
        "logLikelihoodOriginalScaleRecomputed": ll_orig,
        "trueParameters": {"intercept": tr["intercept"], "coefficients": tr["coefficients"], "seed": tr["seed"]},
    }
    path = os.path.join(FIX, name + ".reference.json")
    with open(path, "w") as fh:
        json.dump(out, fh, indent=2)
        fh.write("\n")
    print("%-24s ll=%.10f glm rel=%.2e (%.2e SE) dll=%.1e seExp rel=%.1e Hfd(score)=%.1e Hfd(ll)=%.1e obs/exp=%.1e grad=%.1e"
          % (name, ll, cross["maxRelDiffParameters"], cross["maxDiffInSE"], cross["logLikelihoodDiff"],
             cross["maxRelDiffExpectedSE"], out["hessianCheck"]["maxRelDiffObservedVsFiniteDiffOfScore"],
             out["hessianCheck"]["maxRelDiffObservedVsFiniteDiffOfLoglike"],
             out["hessianCheck"]["maxRelDiffObservedVsExpected"], out["gradientMaxAbsAtReference"]))


class RLMrlm(sm.RLM):
    """statsmodels RLM with MASS::rlm's MAD constant (median(|r|) / 0.6745, not / Phi^-1(3/4))."""

    def _estimate_scale(self, resid):
        return np.median(np.abs(resid)) / 0.6745


def crosscheck_huber(name):
    feats, X, y = load(name)
    Z, m, s = standardise(X)
    c0 = 10.0 ** round(np.log10(np.std(y, ddof=1)))     # internal y unit (equivariant)
    model = RLMrlm(y / c0, sm.add_constant(Z, has_constant="add"), M=sm.robust.norms.HuberT(t=1.345))
    res = model.fit(maxiter=500, tol=1e-15, scale_est="mad", cov="H1", conv="coefs")
    T = tmap(m, s)
    theta = c0 * (T @ res.params)
    se = c0 * np.sqrt(np.diag(T @ res.cov_params() @ T.T))
    path = os.path.join(FIX, name + ".reference.json")
    with open(path) as fh:
        ref = json.load(fh)
    rt = np.concatenate([[ref["intercept"]], ref["coefficients"]])
    rse = np.concatenate([[ref["standardErrors"]["intercept"]], ref["standardErrors"]["coefficients"]])
    cc = {
        "against": ("statsmodels %s RLM(HuberT(t=1.345)), scale = median(|r|)/0.6745 (rlm's constant), "
                    "fit(conv='coefs', tol=1e-15, cov='H1') on standardised features and y / 10^round(log10(sd(y)))" % statsmodels.__version__),
        "iterations": int(res.fit_history["iteration"]),
        "maxRelDiffParameters": maxrel(theta, rt),
        "maxDiffInSE": float(np.max(np.abs(theta - rt) / rse)),
        "relDiffScale": abs(c0 * float(res.scale) - ref["scale"]) / ref["scale"],
        "maxRelDiffSE": maxrel(se, rse),
        "seNote": "statsmodels 'H1' uses var(psi') with denominator n, rlm with n - 1 (tiny difference)",
    }
    # add (or replace) the cross-check in the R-written JSON; Python's float repr round-trips exactly
    ref["crossCheck"] = cc
    with open(path, "w") as fh:
        json.dump(ref, fh, indent=2)
        fh.write("\n")
    print("%-24s statsmodels RLM rel=%.2e (%.2e SE) scale rel=%.1e SE rel=%.1e iters=%d"
          % (name, cc["maxRelDiffParameters"], cc["maxDiffInSE"], cc["relDiffScale"], cc["maxRelDiffSE"],
             cc["iterations"]))


def main():
    with open(os.path.join(WORK, "glm_crosscheck.json")) as fh:
        glmref = json.load(fh)
    for name in sorted(TRUTH):
        if TRUTH[name]["family"] == "binary":
            fit_binary(name, TRUTH[name]["link"], glmref)
    for name in sorted(TRUTH):
        if TRUTH[name]["family"] == "huber":
            crosscheck_huber(name)


if __name__ == "__main__":
    main()
