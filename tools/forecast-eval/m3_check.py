#!/usr/bin/python3
"""Independent (pure Python) check of firmsim's forecast evaluation on M3.

Written separately from the Java code, from the definitions in the data README and the M4
competition's R benchmark code (SeasonalityTest, decompose(type="multiplicative"), naive):

  m3_check.py DATA_DIR                     full-M3 figures (NAIVE2, THETA, our Naive2)
  m3_check.py DATA_DIR --subset N OUT_DIR [ID...]
      the first N series of each frequency, and the series ID..., written to OUT_DIR in file
      order (train, test, info, NAIVE2, THETA), and the expected figures of that subset to
      OUT_DIR/expected.csv

It reads only the files it is given; the Java tests read only the subset it writes.
"""
import csv
import math
import os
import sys

FREQS = [("Yearly", 1), ("Quarterly", 4), ("Monthly", 12), ("Other", 1)]


def read_m4(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    out = []
    for r in rows[1:]:
        vals = [float(c) for c in r[1:] if c != ""]
        out.append((r[0], vals))
    return rows[0], rows[1:], out


def acf(x, k):
    n = len(x)
    mu = sum(x) / n
    den = sum((v - mu) ** 2 for v in x)
    return sum((x[t] - mu) * (x[t + k] - mu) for t in range(n - k)) / den


def seasonal(x, m):
    if m <= 1 or len(x) < 3 * m:
        return False
    r = [acf(x, k) for k in range(1, m + 1)]
    lim = 1.645 / math.sqrt(len(x)) * math.sqrt(1 + 2 * sum(v * v for v in r[: m - 1]))
    return abs(r[m - 1]) > lim


def indices(x, m):
    """R decompose(type = "multiplicative")$figure: by position from the series' start."""
    n = len(x)
    if m % 2 == 0:
        w = [0.5 / m] + [1.0 / m] * (m - 1) + [0.5 / m]
    else:
        w = [1.0 / m] * m
    half = len(w) // 2
    ratio = [None] * n
    for t in range(half, n - half):
        trend = sum(w[j] * x[t - half + j] for j in range(len(w)))
        ratio[t] = x[t] / trend
    fig = []
    for i in range(m):
        v = [ratio[t] for t in range(i, n, m) if ratio[t] is not None]
        fig.append(sum(v) / len(v))
    mean = sum(fig) / m
    return [v / mean for v in fig]


def naive2(x, m, h):
    if seasonal(x, m):
        s = indices(x, m)
        n = len(x)
        last = x[-1] / s[(n - 1) % m]
        return [last * s[(n + i) % m] for i in range(h)]
    return [x[-1]] * h


def smape_m4(y, f):
    return 200.0 / len(y) * sum(
        0.0 if abs(a) + abs(b) == 0 else abs(a - b) / (abs(a) + abs(b)) for a, b in zip(y, f))


def smape_m3(y, f):
    return 200.0 / len(y) * sum(abs(a - b) / (a + b) for a, b in zip(y, f))


def mase(x, m, y, f):
    scale = sum(abs(x[t] - x[t - m]) for t in range(m, len(x))) / (len(x) - m)
    return sum(abs(a - b) for a, b in zip(y, f)) / len(y) / scale


def main():
    data = sys.argv[1]
    subset = None
    if len(sys.argv) > 2:
        subset, outdir, extra = int(sys.argv[3]), sys.argv[4], set(sys.argv[5:])
        os.makedirs(outdir, exist_ok=True)
    ref = os.path.join(data, "M3-reference-forecasts")
    sub = {}
    for name in ("NAIVE2", "THETA"):
        header, raw, series = read_m4(os.path.join(ref, "M3-%s.csv" % name))
        sub[name] = (header, {r[0]: r for r in raw}, dict(series))
    with open(os.path.join(data, "M3-info.csv"), newline="") as f:
        info_rows = list(csv.reader(f))
    results = []  # (method, freq, series, points, sum smape_m4 points, sum smape_m3, sum mase)
    worst = 0.0
    kept_ids = []
    for freq, m in FREQS:
        th, traw, train = read_m4(os.path.join(data, "M3-%s-train.csv" % freq))
        vh, vraw, test = read_m4(os.path.join(data, "M3-%s-test.csv" % freq))
        if subset:
            keep = [i for i in range(len(train)) if i < subset or train[i][0] in extra]
            train, test = [train[i] for i in keep], [test[i] for i in keep]
            traw, vraw = [traw[i] for i in keep], [vraw[i] for i in keep]
            kept_ids += [s for s, _ in train]
            for kind, head, raw in (("train", th, traw), ("test", vh, vraw)):
                width = max(len([c for c in r[1:] if c != ""]) for r in raw)
                with open(os.path.join(outdir, "M3-%s-%s.csv" % (freq, kind)), "w") as f:
                    f.write(",".join(head[: width + 1]) + "\n")
                    for r in raw:
                        f.write(",".join(r[: width + 1]) + "\n")
        fc = {"NAIVE2": {}, "THETA": {}, "ours": {}}
        for (sid, x), (sid2, y) in zip(train, test):
            assert sid == sid2
            h = len(y)
            for name in ("NAIVE2", "THETA"):
                fc[name][sid] = sub[name][2][sid]
            fc["ours"][sid] = naive2(x, m, h)
            for a, b in zip(fc["ours"][sid], fc["NAIVE2"][sid]):
                worst = max(worst, abs(a - b) / abs(b))
        for name in ("NAIVE2", "THETA", "ours"):
            s4 = s3 = ms = 0.0
            pts = 0
            for (sid, x), (_, y) in zip(train, test):
                f = fc[name][sid]
                s4 += smape_m4(y, f) * len(y)
                s3 += smape_m3(y, f) * len(y)
                ms += mase(x, m, y, f)
                pts += len(y)
            results.append((name, freq, len(train), pts, s4, s3, ms))
    lines = ["method,group,series,points,smape_m4,smape_m3,mase"]
    for name in ("NAIVE2", "THETA", "ours"):
        rows = [r for r in results if r[0] == name]
        for r in rows + [(name, "Average", sum(r[2] for r in rows), sum(r[3] for r in rows),
                          sum(r[4] for r in rows), sum(r[5] for r in rows),
                          sum(r[6] for r in rows))]:
            lines.append("%s,%s,%d,%d,%.12f,%.12f,%.12f" % (
                r[0], r[1], r[2], r[3], r[4] / r[3], r[5] / r[3], r[6] / r[2]))
    print("\n".join(lines))
    print("largest relative difference, our Naive2 vs the NAIVE2 submission: %.3g" % worst,
          file=sys.stderr)
    if subset:
        with open(os.path.join(outdir, "expected.csv"), "w") as f:
            f.write("\n".join(lines) + "\n")
        keep = set(kept_ids)
        with open(os.path.join(outdir, "M3-info.csv"), "w") as f:
            f.write(",".join(info_rows[0]) + "\n")
            for r in info_rows[1:]:
                if r[0] in keep:
                    f.write(",".join(r) + "\n")
        for name in ("NAIVE2", "THETA"):
            header, raw, _ = sub[name]
            with open(os.path.join(outdir, "M3-%s.csv" % name), "w") as f:
                f.write(",".join(header) + "\n")
                for sid in kept_ids:
                    f.write(",".join(raw[sid]) + "\n")


if __name__ == "__main__":
    main()
