"""Time CatBoost's own C++ evaluator (through its Python package) on the benchmark rows.

Usage:
  .venv/bin/python benchmarks/scripts/catboost_timing.py '<json options>'
Options (the TS harness passes the same timing scheme it gives tinybench):
  {"model": "large" | "credit", "dir": "<folder>", "batch_sizes": [100, 10000, 100000],
   "scheme": {"warmup_ms": 250, "time_ms": 1000,
              "cases": {"single": {"warmup": 16, "min": 1000}, "100": {"warmup": 16, "min": 64}, ...}},
   "thread_counts": [1, 2], "single_rows": 2000, "dump_rows": "<path, optional>"}

- large: <dir>/model.cbm, rows.json, expected.json (written by train_large.py).
- credit: <dir>/golden.jsonl, metadata.json, scaler.json and model.cbm if present, else
  model.json.gz loaded with load_model(format="json"). The API inputs are turned into model
  inputs here, independently of the TS code: numeric null -> NaN, categorical null ->
  metadata.categorical_missing_value, scaled columns (x - center) / scale in float64.

dump_rows: write the model inputs built here ({"features": [...], "rows": [[...]]}, NaN as null)
so the TS side can check its scaler against them.

Before timing, every case's output is compared with the expected probabilities (CatBoost's
predictions stored with the rows); a case that does not match is reported and not timed.
Prints one JSON object on stdout; progress goes to stderr.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import platform
import shutil
import sys
import tempfile
import time

import catboost
import numpy as np
import pandas as pd
from catboost import CatBoostClassifier, Pool

ATOL = 1e-9


def log(msg: str) -> None:
    print(f"  [catboost] {msg}", file=sys.stderr, flush=True)


def load_large(folder: str):
    model = CatBoostClassifier()
    model.load_model(os.path.join(folder, "model.cbm"))
    with open(os.path.join(folder, "rows.json")) as fh:
        spec = json.load(fh)
    with open(os.path.join(folder, "expected.json")) as fh:
        expected = np.asarray(json.load(fh)["probability"], dtype=np.float64)
    rows = [[math.nan if v is None else v for v in row] for row in spec["rows"]]
    return model, spec["features"], spec["cat_features"], rows, expected, "model.cbm"


def load_credit(folder: str):
    with open(os.path.join(folder, "metadata.json")) as fh:
        meta = json.load(fh)
    with open(os.path.join(folder, "scaler.json")) as fh:
        scaler = json.load(fh)["columns"]
    model = CatBoostClassifier()
    cbm = os.path.join(folder, "model.cbm")
    if os.path.exists(cbm):
        model.load_model(cbm)
        source = "model.cbm"
    else:
        src = os.path.join(folder, "model.json.gz")
        tmp = tempfile.mkdtemp(prefix="catserve-bench-")
        try:
            if os.path.exists(src):
                with gzip.open(src, "rb") as fin, open(os.path.join(tmp, "m.json"), "wb") as fout:
                    shutil.copyfileobj(fin, fout)
                source = "model.json.gz"
            else:
                shutil.copy(os.path.join(folder, "model.json"), os.path.join(tmp, "m.json"))
                source = "model.json"
            model.load_model(os.path.join(tmp, "m.json"), format="json")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    features = [f["name"] for f in meta["features"]]
    cats = [f["name"] for f in meta["features"] if f["kind"] == "categorical"]
    missing_cat = meta["categorical_missing_value"]
    rows, expected = [], []
    with open(os.path.join(folder, "golden.jsonl")) as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            inp = rec["input"]
            row = []
            for f in meta["features"]:
                v = inp.get(f["name"])
                if f["kind"] == "categorical":
                    row.append(missing_cat if v is None else str(v))
                else:
                    x = math.nan if v is None else float(v)
                    col = scaler.get(f["name"])
                    if f.get("scaled") and col is not None and not math.isnan(x):
                        if col.get("with_centering", True):
                            x = x - col["center"]
                        if col.get("with_scaling", True):
                            x = x / col["scale"]
                    row.append(x)
            rows.append(row)
            expected.append(rec["probability"])
    return model, features, cats, rows, np.asarray(expected, dtype=np.float64), source


def tile(rows, expected, n):
    reps = -(-n // len(rows))
    return (rows * reps)[:n], np.tile(expected, (reps, 1))[:n]


def make_pool(rows, features, cats) -> Pool:
    frame = pd.DataFrame(rows, columns=features)
    for c in cats:
        frame[c] = frame[c].astype(str)
    return Pool(frame, cat_features=cats)


def time_case(fn, warmup_ms, warmup_iterations, time_ms, min_iterations):
    """Same scheme as the TS side (tinybench): the output check already ran the case once; then
    warm-up (>= warmup_ms and >= warmup_iterations calls; none when warmup_iterations is 0),
    then measured calls until both time_ms and min_iterations are reached."""
    start, n = time.perf_counter(), 0
    while warmup_iterations > 0 and (n < warmup_iterations or (time.perf_counter() - start) * 1000 < warmup_ms):
        fn()
        n += 1
    samples = []
    start = time.perf_counter()
    while len(samples) < min_iterations or (time.perf_counter() - start) * 1000 < time_ms:
        t0 = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - t0)
    arr = np.asarray(samples, dtype=np.float64) / 1000.0  # µs
    return {
        "samples": len(samples),
        "mean_us": float(arr.mean()),
        "p50_us": float(np.percentile(arr, 50)),
        "p99_us": float(np.percentile(arr, 99)),
        "min_us": float(arr.min()),
        "max_us": float(arr.max()),
    }


def summarize(name, rows_per_call, stats, check, thread_count):
    out = {"name": name, "rows_per_call": rows_per_call, "thread_count": thread_count, "check": check}
    if stats is not None:
        out.update(stats)
        out["us_per_row"] = stats["mean_us"] / rows_per_call
        out["rows_per_s"] = rows_per_call / (stats["mean_us"] / 1e6)
    return out


def compare(got, want):
    got = np.asarray(got, dtype=np.float64).reshape(want.shape)
    diff = float(np.max(np.abs(got - want))) if want.size else 0.0
    return {"rows": int(want.shape[0]), "worst_abs_diff": diff, "atol": ATOL, "ok": bool(diff <= ATOL)}


def main() -> None:
    opts = json.loads(sys.argv[1])
    scheme = opts["scheme"]
    budgets = scheme["cases"]
    kind, folder = opts["model"], opts["dir"]
    model, features, cats, rows, expected, source = (load_large if kind == "large" else load_credit)(folder)
    log(f"{kind}: {len(rows)} distinct rows, {model.tree_count_} trees, loaded from {source}")
    if opts.get("dump_rows"):
        with open(opts["dump_rows"], "w") as fh:
            json.dump({"features": features,
                       "rows": [[None if isinstance(v, float) and math.isnan(v) else v for v in r] for r in rows]}, fh)

    cap_ms = opts.get("call_cap_ms", math.inf)

    def run(name, rows_per_call, fn, check, thread_count, budget_key, check_ms=0.0):
        if not check["ok"]:
            log(f"{name}: output differs from the expected probabilities (worst {check['worst_abs_diff']:.3g}); not timed")
            return summarize(name, rows_per_call, None, check, thread_count)
        if rows_per_call > 1 and check_ms > cap_ms:
            # same rule as the TS side: one call is over the mode's cap, the checked call is the only sample
            us = check_ms * 1000
            stats = {"samples": 1, "mean_us": us, "p50_us": us, "p99_us": us, "min_us": us, "max_us": us}
            out = summarize(name, rows_per_call, stats, check, thread_count)
            out["note"] = f"one call took {check_ms / 1000:.1f} s: timed from the checked (cold) call only"
            log(f"{name}: {us / rows_per_call:.3f} µs/row from the checked call only (over the {cap_ms} ms cap)")
            return out
        budget = budgets.get(budget_key, {"warmup": 1, "min": 3})
        stats = time_case(fn, scheme["warmup_ms"], budget["warmup"], scheme["time_ms"], budget["min"])
        log(f"{name}: {stats['mean_us'] / rows_per_call:.3f} µs/row (mean of {stats['samples']} calls)")
        return summarize(name, rows_per_call, stats, check, thread_count)

    cases = []
    # single rows: varied call to call, a plain Python list per call (what a service does)
    n_single = min(opts.get("single_rows", 2000), len(rows))
    singles, single_expected = tile(rows, expected, n_single)
    got = [model.predict(r, prediction_type="Probability", thread_count=1) for r in singles]
    state = {"i": 0}

    def single_list():
        i = state["i"]
        state["i"] = i + 1 if i + 1 < n_single else 0
        model.predict(singles[i], prediction_type="Probability", thread_count=1)

    cases.append(run("single row (list -> predict)", 1, single_list, compare(got, single_expected), 1, "single"))

    # single rows through prepared one-row Pools: the C++ cost without Python-side conversion
    pools = [make_pool([r], features, cats) for r in singles]
    got = [model.predict(p, prediction_type="Probability", thread_count=1)[0] for p in pools]
    state["i"] = 0

    def single_pool():
        i = state["i"]
        state["i"] = i + 1 if i + 1 < n_single else 0
        model.predict(pools[i], prediction_type="Probability", thread_count=1)

    cases.append(run("single row (prepared 1-row Pool)", 1, single_pool, compare(got, single_expected), 1, "single"))
    del pools

    for size in opts["batch_sizes"]:
        batch, batch_expected = tile(rows, expected, size)
        pool = make_pool(batch, features, cats)
        for tc in opts.get("thread_counts", [1]):
            t0 = time.perf_counter()
            got = model.predict(pool, prediction_type="Probability", thread_count=tc)
            check_ms = (time.perf_counter() - t0) * 1000
            fn = lambda pool=pool, tc=tc: model.predict(pool, prediction_type="Probability", thread_count=tc)  # noqa: E731
            cases.append(run(f"batch {size} (prepared Pool, {tc} thread{'s' if tc > 1 else ''})", size, fn,
                             compare(got, batch_expected), tc, str(size), check_ms))
        del pool

    print(json.dumps({
        "model": kind,
        "source": source,
        "catboost": catboost.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "distinct_rows": len(rows),
        "tree_count": int(model.tree_count_),
        "cases": cases,
    }))


if __name__ == "__main__":
    main()
