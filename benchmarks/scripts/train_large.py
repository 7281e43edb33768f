"""Train the large synthetic benchmark model with the real CatBoost and export it.

Writes into OUT_DIR (default benchmarks/.cache/large):
  model.json.gz   save_model(format="json"), gzipped: what our evaluator loads
  model.cbm       the same model in CatBoost's own format: what the C++ timing loads
  rows.json       {"features": [...], "cat_features": [...], "rows": [[...], ...]} held-out rows,
                  varied (NaNs as null, unseen categories), in model feature order
  expected.json   {"raw": [[3]...], "probability": [[3]...]} CatBoost's predictions for rows.json
  manifest.json   script sha256, versions, params, sizes, timings

Deterministic: fixed seeds and thread_count=2. Usage:
  .venv/bin/python benchmarks/scripts/train_large.py [OUT_DIR] [--rows N]
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import platform
import sys
import time

import catboost
import numpy as np
from catboost import CatBoostClassifier, Pool

SEED = 20261203
TRAIN_ROWS = 20_000
EVAL_ROWS = 100_000
CLASSES = ["Low", "Medium", "High"]
NUMERIC = [f"num_{i:02d}" for i in range(14)]
CATEGORICAL = {
    # name: (cardinality, zipf exponent); values are strings like "region_17"
    "region": (60, 1.1),
    "device": (6, 0.8),
    "channel": (12, 1.0),
    "merchant": (800, 1.2),
    "product": (150, 1.1),
    "weekday": (7, 0.0),
}
PARAMS = dict(
    iterations=1000,
    depth=8,
    learning_rate=0.08,
    loss_function="MultiClass",
    random_seed=SEED,
    thread_count=2,
    max_ctr_complexity=2,
    one_hot_max_size=4,
    border_count=128,
    allow_writing_files=False,
    verbose=0,
)


def cat_values(rng: np.random.Generator, name: str, n: int, unseen_share: float) -> np.ndarray:
    card, expo = CATEGORICAL[name]
    weights = 1.0 / np.arange(1, card + 1) ** expo
    idx = rng.choice(card, size=n, p=weights / weights.sum())
    out = np.array([f"{name}_{i}" for i in idx], dtype=object)
    if unseen_share > 0:
        # categories the model never saw at training time (CTR tables miss them)
        mask = rng.random(n) < unseen_share
        out[mask] = [f"{name}_new_{k}" for k in rng.integers(0, 1000, mask.sum())]
    return out


def make_rows(rng: np.random.Generator, n: int, unseen_share: float):
    cov = np.full((len(NUMERIC), len(NUMERIC)), 0.25) + np.eye(len(NUMERIC)) * 0.75
    x = rng.multivariate_normal(np.zeros(len(NUMERIC)), cov, size=n)
    x[:, 3] = np.exp(x[:, 3]) * 1000.0  # skewed, like an income
    x[:, 7] = np.round(np.abs(x[:, 7]) * 5)  # a small count
    x[:, 11] = np.clip(x[:, 11] * 15 + 40, 18, 90).round()  # an age
    cats = {name: cat_values(rng, name, n, unseen_share) for name in CATEGORICAL}

    # hidden effects per category, and a pairwise interaction that only CTR combinations capture
    eff = np.random.default_rng(SEED + 1)
    effects = {name: eff.normal(0, 1.0, size=CATEGORICAL[name][0]) for name in CATEGORICAL}
    inter = eff.normal(0, 1.5, size=(CATEGORICAL["region"][0], CATEGORICAL["channel"][0]))

    def code(name: str) -> np.ndarray:
        vals = cats[name]
        res = np.zeros(n, dtype=int) - 1
        for i, v in enumerate(vals):
            tail = v.rsplit("_", 1)[1]
            if "_new_" not in v:
                res[i] = int(tail)
        return res

    codes = {name: code(name) for name in CATEGORICAL}

    def eff_of(name: str) -> np.ndarray:
        c = codes[name]
        return np.where(c >= 0, effects[name][np.maximum(c, 0)], 0.0)

    rc, cc = codes["region"], codes["channel"]
    pair = np.where((rc >= 0) & (cc >= 0), inter[np.maximum(rc, 0), np.maximum(cc, 0)], 0.0)
    score = (
        0.9 * x[:, 0]
        - 0.7 * x[:, 1] * (x[:, 2] > 0)
        + 0.4 * np.log1p(x[:, 3]) / 3
        + 0.3 * np.sin(3 * x[:, 4])
        + 0.2 * x[:, 7]
        - 0.02 * (x[:, 11] - 40)
        + eff_of("merchant")
        + 0.6 * eff_of("region")
        + 0.5 * eff_of("product")
        + pair
        + 0.3 * (cats["device"] == "device_0")
        + rng.normal(0, 0.8, n)
    )
    y = np.digitize(score, np.quantile(score, [0.35, 0.7]))

    # missing values in a few numeric columns (CatBoost nan_mode=Min)
    for j, share in ((1, 0.05), (5, 0.15), (9, 0.02)):
        x[rng.random(n) < share, j] = np.nan
    columns = [x[:, j] for j in range(len(NUMERIC))] + [cats[name] for name in CATEGORICAL]
    return columns, y


def to_pool(columns, y=None) -> Pool:
    import pandas as pd

    frame = pd.DataFrame({name: col for name, col in zip(NUMERIC + list(CATEGORICAL), columns)})
    return Pool(frame, label=y, cat_features=list(CATEGORICAL))


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out_dir = args[0] if args else os.path.join(os.path.dirname(__file__), "..", ".cache", "large")
    eval_rows = EVAL_ROWS
    if "--rows" in sys.argv:
        eval_rows = int(sys.argv[sys.argv.index("--rows") + 1])
    os.makedirs(out_dir, exist_ok=True)

    t0 = time.time()
    rng = np.random.default_rng(SEED)
    train_cols, train_y = make_rows(rng, TRAIN_ROWS, unseen_share=0.0)
    eval_cols, _ = make_rows(np.random.default_rng(SEED + 2), eval_rows, unseen_share=0.01)

    model = CatBoostClassifier(**PARAMS, class_names=CLASSES)
    model.fit(to_pool(train_cols, [CLASSES[k] for k in train_y]))
    train_seconds = time.time() - t0

    cbm_path = os.path.join(out_dir, "model.cbm")
    json_path = os.path.join(out_dir, "model.json")
    model.save_model(cbm_path)
    model.save_model(json_path, format="json")
    # mtime=0 and no file name in the header: the same model gives the same bytes
    with open(json_path, "rb") as src, open(json_path + ".gz", "wb") as raw_out, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw_out, compresslevel=6, mtime=0) as dst:
        dst.write(src.read())
    os.remove(json_path)

    pool = to_pool(eval_cols)
    raw = model.predict(pool, prediction_type="RawFormulaVal", thread_count=2)
    prob = model.predict(pool, prediction_type="Probability", thread_count=2)

    ctrs = model.get_params().get("max_ctr_complexity")
    info = json.loads(gzip.open(json_path + ".gz").read())
    projections = set()
    for ctr in info["features_info"].get("ctrs", []):
        projections.add(len(ctr["elements"]))

    def cell(v):
        if isinstance(v, float):
            return None if np.isnan(v) else float(v)
        return v

    features = NUMERIC + list(CATEGORICAL)
    rows = [[cell(col[i]) for col in eval_cols] for i in range(eval_rows)]
    with open(os.path.join(out_dir, "rows.json"), "w") as fh:
        json.dump({"features": features, "cat_features": list(CATEGORICAL), "rows": rows}, fh,
                  separators=(",", ":"))
    with open(os.path.join(out_dir, "expected.json"), "w") as fh:
        json.dump({"class_names": CLASSES, "raw": raw.tolist(), "probability": prob.tolist()}, fh,
                  separators=(",", ":"))

    with open(__file__, "rb") as fh:
        script_sha = hashlib.sha256(fh.read()).hexdigest()
    manifest = {
        "script_sha256": script_sha,
        "catboost": catboost.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "params": PARAMS,
        "train_rows": TRAIN_ROWS,
        "eval_rows": eval_rows,
        "tree_count": model.tree_count_,
        "ctr_projection_sizes": sorted(projections),
        "ctr_count": len(info["features_info"].get("ctrs", [])),
        "max_ctr_complexity": ctrs,
        "model_json_gz_bytes": os.path.getsize(json_path + ".gz"),
        "model_cbm_bytes": os.path.getsize(cbm_path),
        "train_seconds": round(train_seconds, 2),
        "total_seconds": round(time.time() - t0, 2),
    }
    with open(os.path.join(out_dir, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=2)
    print(json.dumps(manifest))


if __name__ == "__main__":
    main()
