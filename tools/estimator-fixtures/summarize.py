#!/usr/bin/python3
"""Print (and write to work/summary.md) a table of the reference fits and their cross-checks."""
import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FIX = os.path.join(ROOT, "trainer", "src", "test", "resources", "fixtures")


def e(x):
    return "%.1e" % x


def main():
    rows = ["| dataset | n | cross-check | max rel. diff | max diff / SE | other checks |",
            "| --- | --- | --- | --- | --- | --- |"]
    total = 0
    for path in sorted(glob.glob(os.path.join(FIX, "*.reference.json"))):
        r = json.load(open(path))
        name = r["dataset"]
        total += os.path.getsize(path) + os.path.getsize(os.path.join(FIX, name + ".csv"))
        cc = r["crossCheck"]
        fam = r["family"]
        if fam == "binary":
            what = "R glm (+30 Fisher steps)"
            rel, sed = cc["maxRelDiffParameters"], cc["maxDiffInSE"]
            other = ("glm as stopped: %s; expected-SE rel %s; dlogL %s; H obs vs FD(score) %s, FD(loglik) %s; "
                     "obs vs exp info %s" % (e(cc["glmFirstFitMaxRelDiffParameters"]), e(cc["maxRelDiffExpectedSE"]),
                                             e(abs(cc["logLikelihoodDiff"])),
                                             e(r["hessianCheck"]["maxRelDiffObservedVsFiniteDiffOfScore"]),
                                             e(r["hessianCheck"]["maxRelDiffObservedVsFiniteDiffOfLoglike"]),
                                             e(r["hessianCheck"]["maxRelDiffObservedVsExpected"])))
        elif fam == "ordinal3":
            what = "nlminb (indep. start)"
            rel, sed = cc["maxRelDiff"], cc["maxDiffInSE"]
            a = r["accuracy"]
            other = ("polr (BFGS) vs reference: run 1 %s (%s SE), run 2 %s (%s SE); polr vcov SE rel %s; H vs FD %s"
                     % (e(a["polrFirstRunMaxRelDiff"]), e(a["polrFirstRunMaxDiffInSE"]),
                        e(a["polrSecondRunMaxRelDiff"]), e(a["polrSecondRunMaxDiffInSE"]),
                        e(r["seRelDiffPolrVcov"]), e(r["hessianCheck"]["maxRelDiffAnalyticVsFiniteDiff"])))
        elif fam == "tobit":
            what = "nlminb (naive start)"
            rel, sed = cc["maxRelDiff"], cc["maxDiffInSE"]
            a = r["accuracy"]
            other = ("AER::tobit vs reference %s; survreg vcov SE rel %s; H vs FD %s; censored %d"
                     % (e(a["survregMaxRelDiff"]), e(r["seRelDiffSurvreg"]),
                        e(r["hessianCheck"]["maxRelDiffAnalyticVsFiniteDiff"]), r["nCensored"]))
        else:
            what = "statsmodels RLM (rlm's MAD)"
            rel, sed = cc["maxRelDiffParameters"], cc["maxDiffInSE"]
            raw = r["rawScaleFit"]
            other = ("scale rel %s; SE rel %s; rlm iterations %d; raw-scale rlm %s"
                     % (e(cc["relDiffScale"]), e(cc["maxRelDiffSE"]), r["iterations"],
                        e(raw["relCoef"]) if raw.get("ok") else "failed (" + raw["error"] + ")"))
        rows.append("| %s | %d | %s | %s | %s | %s |" % (name, r["n"], what, e(rel), e(sed), other))
    rows.append("")
    rows.append("Total size of the fixtures (CSV + reference JSON): %d bytes" % total)
    text = "\n".join(rows) + "\n"
    os.makedirs(os.path.join(HERE, "work"), exist_ok=True)
    with open(os.path.join(HERE, "work", "summary.md"), "w") as fh:
        fh.write(text)
    print(text)


if __name__ == "__main__":
    main()
