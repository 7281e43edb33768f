"""Trains the committed parity corpus with the real CatBoost and writes it as gzip fixtures.

Usage (from the repo root):
  .venv/bin/python packages/catboost/scripts/make_corpus.py [--out packages/catboost/test/fixtures/corpus] [--only NAME ...]

Every case is deterministic (seeded), trained with thread_count=1. See oracle.py for the format.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle import make_case, make_columns, write_fixture  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "test", "fixtures", "corpus")

# Column sets -------------------------------------------------------------------------------

FLOATS = [
    {"nan": 0.1}, {"nan": 0.0, "inf": 0.02}, {"kind": "int"}, {"kind": "uniform", "nan": 0.05}, {"scale": 1e-3}, {},
]
MIXED_FLOATS = [{"nan": 0.1}, {"inf": 0.02}, {"kind": "int", "nan": 0.05}, {}]
MIXED_CATS = [
    {"kind": "low", "card": 5},
    {"kind": "high", "card": 300},
    {"kind": "numeric_str", "card": 20},
    {"kind": "int", "card": 12},
    {"kind": "empty", "card": 6},
    {"kind": "unicode", "card": 10},
    {"kind": "long", "card": 10},
    {"kind": "bool"},
]
SMALL_CATS = [{"kind": "low", "card": 3}, {"kind": "low", "card": 4}, {"kind": "int", "card": 5}, {"kind": "unicode", "card": 6}, {"kind": "empty", "card": 8}]
SMALL_FLOATS = [{"nan": 0.1}, {"kind": "uniform"}]

BINARY = {"kind": "binary"}
CASES: list[dict] = []


def case(name, description, params, floats, cats, task, **kw):
    CASES.append({"name": name, "description": description, "params": params, "floats": floats, "cats": cats, "task": task, **kw})


# Depth 0..10, symmetric trees --------------------------------------------------------------
for depth in range(0, 11):
    iters = {0: 3, 1: 60, 2: 50, 3: 40, 4: 30, 5: 25, 6: 20, 7: 12, 8: 8, 9: 5, 10: 4}[depth]
    cats = MIXED_CATS if depth % 2 else SMALL_CATS
    floats = MIXED_FLOATS if depth % 2 else SMALL_FLOATS
    case(f"logloss_depth{depth}", f"Logloss, symmetric depth {depth}", {"iterations": iters, "depth": depth, "loss_function": "Logloss"},
         floats, cats, BINARY, n_train=800 if depth >= 8 else 600)

# Losses ------------------------------------------------------------------------------------
case("crossentropy", "CrossEntropy on probabilistic targets", {"iterations": 30, "depth": 4, "loss_function": "CrossEntropy"},
     MIXED_FLOATS, MIXED_CATS, {"kind": "probability"})
case("multiclass3_strings", "MultiClass, 3 string labels", {"iterations": 25, "depth": 5, "loss_function": "MultiClass"},
     MIXED_FLOATS, MIXED_CATS, {"kind": "multiclass", "classes": 3, "labels": ["Good", "Poor", "Standard"]})
case("multiclass5_ints", "MultiClass, 5 non-contiguous integer labels", {"iterations": 20, "depth": 4, "loss_function": "MultiClass"},
     SMALL_FLOATS, SMALL_CATS, {"kind": "multiclass", "classes": 5, "labels": [2, 4, 6, 8, 10]})
case("multiclass_widened", "MultiClass with a declared class absent from the data: CatBoost widens raw with -inf",
     {"iterations": 15, "depth": 4, "loss_function": "MultiClass", "class_names": ["a", "b", "c", "d"]},
     SMALL_FLOATS, SMALL_CATS, {"kind": "multiclass", "classes": 3, "labels": ["a", "c", "d"]})
case("multiclass_onevsall", "MultiClassOneVsAll, 4 classes", {"iterations": 20, "depth": 4, "loss_function": "MultiClassOneVsAll"},
     MIXED_FLOATS, MIXED_CATS, {"kind": "multiclass", "classes": 4})
# Multi-target losses get one CTR target classifier per dimension, which the JSON export cannot
# tell apart (see UNSUPPORTED below): these use target-independent Counter CTRs.
case("multilogloss", "MultiLogloss (multi-label), 3 labels, Counter CTRs: raw and probability",
     {"iterations": 20, "depth": 4, "loss_function": "MultiLogloss", "simple_ctr": ["Counter"], "combinations_ctr": ["Counter"]},
     MIXED_FLOATS, SMALL_CATS, {"kind": "multilabel", "dims": 3})
case("bool_labels", "Logloss with boolean labels", {"iterations": 20, "depth": 3}, SMALL_FLOATS, SMALL_CATS, {"kind": "binary", "labels": [False, True]})
case("float_labels", "Logloss with float labels", {"iterations": 20, "depth": 3}, SMALL_FLOATS, SMALL_CATS, {"kind": "binary", "labels": [0.5, 1.5]})
case("string_labels_threshold", "Logloss with string labels and binclass_probability_threshold 0.3",
     {"iterations": 25, "depth": 4}, MIXED_FLOATS, MIXED_CATS, {"kind": "binary", "labels": ["no", "yes"]},
     after_fit="threshold")
for loss, task in [
    ("RMSE", {"kind": "regression", "offset": 3.0}),
    ("MAE", {"kind": "regression"}),
    ("Quantile:alpha=0.8", {"kind": "regression"}),
    ("Expectile:alpha=0.3", {"kind": "regression"}),
    ("Huber:delta=0.5", {"kind": "regression"}),
    ("LogCosh", {"kind": "regression"}),
    ("MAPE", {"kind": "regression", "positive": True}),
    ("Poisson", {"kind": "regression", "counts": True}),
    ("Tweedie:variance_power=1.5", {"kind": "regression", "positive": True}),
    ("LogLinQuantile:alpha=0.4", {"kind": "regression", "positive": True}),
    ("RMSEWithUncertainty", {"kind": "regression"}),
    ("MultiRMSE", {"kind": "multiregression", "dims": 3, "offset": 1.0}),
]:
    slug = loss.split(":")[0].lower()
    ctr = {"simple_ctr": ["Counter"], "combinations_ctr": ["Counter"]} if loss == "MultiRMSE" else {}
    case(f"regression_{slug}", f"{loss} regression" + (", Counter CTRs" if ctr else ""), {"iterations": 25, "depth": 4, "loss_function": loss, **ctr},
         MIXED_FLOATS, MIXED_CATS if slug in ("rmse", "quantile", "multirmse") else SMALL_CATS, task)

# Non-symmetric trees -----------------------------------------------------------------------
case("depthwise_logloss", "Depthwise, depth 6, CTRs and one-hot", {"iterations": 20, "depth": 6, "grow_policy": "Depthwise", "one_hot_max_size": 4},
     MIXED_FLOATS, MIXED_CATS, BINARY)
case("lossguide_logloss", "Lossguide, 31 leaves", {"iterations": 20, "grow_policy": "Lossguide", "max_leaves": 31, "depth": 8},
     MIXED_FLOATS, MIXED_CATS, BINARY)
case("depthwise_multiclass", "Depthwise MultiClass", {"iterations": 15, "depth": 5, "grow_policy": "Depthwise", "loss_function": "MultiClass"},
     SMALL_FLOATS, SMALL_CATS, {"kind": "multiclass", "classes": 3, "labels": ["x", "y", "z"]})
case("lossguide_rmse", "Lossguide RMSE", {"iterations": 20, "grow_policy": "Lossguide", "max_leaves": 16, "loss_function": "RMSE"},
     MIXED_FLOATS, MIXED_CATS, {"kind": "regression"})
case("depthwise_depth10", "Depthwise depth 10", {"iterations": 4, "depth": 10, "grow_policy": "Depthwise", "min_data_in_leaf": 3},
     MIXED_FLOATS, SMALL_CATS, BINARY, n_train=1500)

# One-hot sizes -------------------------------------------------------------------------------
for size in (2, 4, 10, 255):
    case(f"onehot_max{size}", f"one_hot_max_size={size}", {"iterations": 25, "depth": 5, "one_hot_max_size": size},
         SMALL_FLOATS, SMALL_CATS + [{"kind": "numeric_str", "card": 12}], BINARY)

# CTR complexity and types --------------------------------------------------------------------
for cx in (1, 2, 3, 4):
    case(f"ctr_complexity{cx}", f"max_ctr_complexity={cx}", {"iterations": 30, "depth": 6, "max_ctr_complexity": cx, "one_hot_max_size": 3},
         SMALL_FLOATS, SMALL_CATS, BINARY)
for ctr in ("Borders", "Buckets", "BinarizedTargetMeanValue", "Counter"):
    case(f"simple_ctr_{ctr.lower()}", f"simple_ctr={ctr} only", {"iterations": 25, "depth": 5, "simple_ctr": [ctr], "combinations_ctr": [ctr], "max_ctr_complexity": 1},
         SMALL_FLOATS, MIXED_CATS, BINARY)
    case(f"combinations_ctr_{ctr.lower()}", f"combinations_ctr={ctr}, simple Counter", {"iterations": 25, "depth": 6, "simple_ctr": ["Counter"], "combinations_ctr": [ctr], "max_ctr_complexity": 4, "one_hot_max_size": 3},
         SMALL_FLOATS, SMALL_CATS, BINARY)
case("ctr_priors_regression", "RMSE with Borders over 3 target borders and several priors",
     {"iterations": 25, "depth": 5, "loss_function": "RMSE",
      "simple_ctr": ["Borders:TargetBorderCount=3:Prior=0/1:Prior=0.5/1:Prior=1.75/1", "Counter:Prior=0.3/1"],
      "combinations_ctr": ["Borders:TargetBorderCount=2:Prior=0.25/1", "BinarizedTargetMeanValue:TargetBorderCount=4"]},
     MIXED_FLOATS, SMALL_CATS, {"kind": "regression"})
case("ctr_multiclass", "MultiClass with Buckets and Borders CTRs (multi-class tables)",
     {"iterations": 20, "depth": 5, "loss_function": "MultiClass", "simple_ctr": ["Buckets", "Borders", "Counter"], "combinations_ctr": ["Buckets", "Borders"]},
     SMALL_FLOATS, SMALL_CATS, {"kind": "multiclass", "classes": 4, "labels": ["A", "B", "C", "D"]})
case("counter_full", "Counter with counter_calc_method=Full", {"iterations": 20, "depth": 4, "simple_ctr": ["Counter:CtrBorderCount=30"], "counter_calc_method": "Full"},
     SMALL_FLOATS, MIXED_CATS, BINARY)
case("high_cardinality", "3000-category feature and 400-category feature", {"iterations": 25, "depth": 6},
     SMALL_FLOATS, [{"kind": "high", "card": 3000}, {"kind": "int", "card": 400}, {"kind": "long", "card": 50}], BINARY, n_train=1500)

# NaN modes, borders, scale/bias, misc -----------------------------------------------------
case("nan_mode_min", "nan_mode=Min", {"iterations": 25, "depth": 4, "nan_mode": "Min"}, [{"nan": 0.2}, {"nan": 0.1, "inf": 0.03}, {}], SMALL_CATS, BINARY)
case("nan_mode_max", "nan_mode=Max", {"iterations": 25, "depth": 4, "nan_mode": "Max"}, [{"nan": 0.2}, {"nan": 0.1, "inf": 0.03}, {}], SMALL_CATS, BINARY)
case("nan_mode_forbidden", "nan_mode=Forbidden (no NaN in training; NaN at prediction time)", {"iterations": 25, "depth": 4, "nan_mode": "Forbidden"},
     [{"inf": 0.03}, {}, {"kind": "int"}], SMALL_CATS, BINARY, test_nan=True)
case("border_count_1024", "border_count=1024 floats", {"iterations": 30, "depth": 6, "border_count": 1024}, FLOATS, [], BINARY, n_train=2000)
case("scale_and_bias_multiclass", "set_scale_and_bias(0.7, [0.1, -0.2, 0.3]) on MultiClass", {"iterations": 15, "depth": 4, "loss_function": "MultiClass"},
     SMALL_FLOATS, SMALL_CATS, {"kind": "multiclass", "classes": 3}, after_fit="scale_bias_multi")
case("scale_and_bias_regression", "set_scale_and_bias(0.5, [2.25]) on RMSE", {"iterations": 15, "depth": 4, "loss_function": "RMSE"},
     SMALL_FLOATS, SMALL_CATS, {"kind": "regression"}, after_fit="scale_bias_single")
case("ignored_features", "ignored_features leave unused slots in the flat order", {"iterations": 20, "depth": 4, "ignored_features": [1, 5]},
     MIXED_FLOATS, SMALL_CATS, BINARY)
case("floats_only", "float features only, many NaN/Inf", {"iterations": 40, "depth": 6}, FLOATS, [], BINARY)
case("cats_only", "categorical features only", {"iterations": 30, "depth": 6}, [], MIXED_CATS, BINARY)

# Models the JSON export cannot describe exactly: loadModel must refuse them (test/unsupported.test.ts).
UNSUPPORTED: list[dict] = []
for name, description, params, task in [
    ("multirmse_borders_ctr", "MultiRMSE with default (Borders) CTRs: one target classifier per dimension",
     {"iterations": 10, "depth": 4, "loss_function": "MultiRMSE"}, {"kind": "multiregression", "dims": 3}),
    ("multilogloss_borders_ctr", "MultiLogloss with default (Borders) CTRs",
     {"iterations": 10, "depth": 4, "loss_function": "MultiLogloss"}, {"kind": "multilabel", "dims": 2}),
    ("two_target_binarizations", "two Borders descriptions with different target binarizations",
     {"iterations": 15, "depth": 4, "loss_function": "RMSE", "simple_ctr": ["Borders:TargetBorderCount=2", "Borders:TargetBorderCount=4:TargetBorderType=Uniform"]},
     {"kind": "regression"}),
]:
    UNSUPPORTED.append({"name": name, "description": description, "params": params, "floats": SMALL_FLOATS, "cats": SMALL_CATS, "task": task})

AFTER_FIT = {
    "threshold": lambda m: m.set_probability_threshold(0.3),
    "scale_bias_multi": lambda m: m.set_scale_and_bias(0.7, [0.1, -0.2, 0.3]),
    "scale_bias_single": lambda m: m.set_scale_and_bias(0.5, [2.25]),
}


def build(spec: dict, seed: int, n_test: int = 200) -> dict:
    rng = np.random.default_rng(seed + 7919)
    floats = [dict(f) for f in spec["floats"]]
    if spec.get("test_nan"):
        for f in floats:
            f["nan"], f["test_nan"] = 0.0, 0.15
    cols = make_columns(rng, floats, spec["cats"])
    case_ = make_case(spec["name"], spec["description"], spec["params"], cols, spec["task"], seed,
                      n_train=spec.get("n_train", 600), n_test=n_test, n_border=40 if n_test >= 200 else 0,
                      after_fit=AFTER_FIT.get(spec.get("after_fit")))
    return case_


def write_hash_vectors(path: str) -> int:
    """CatBoost's own category hashes (cat_features_hash of a model saved with pool=) for awkward strings."""
    import pandas as pd
    from catboost import CatBoostClassifier, Pool

    rng = np.random.default_rng(2026)
    alphabets = ["abcdefghijklmnopqrstuvwxyz0123456789", "Ωé日本語😀ß ", "0123456789-.e"]
    values = ["", " ", "0", "-0", "5", "-5", "007", "1.5", "1e3", "NaN", "None", "True", "Female", "Male", "a", "3", "alpha", "hello",
              "Moscow", "hello world", "x" * 64, "x" * 65, "y" * 128, "z" * 129]
    for length in list(range(0, 80)) + [95, 96, 97, 127, 128, 129, 191, 192, 193, 255, 256, 257, 300, 1000]:
        for alphabet in alphabets:
            chars = rng.choice(list(alphabet), size=length)
            s = "".join(chars)
            while len(s.encode("utf-8")) > length and len(s) > 0:
                s = s[:-1]
            values.append(s)
    values = list(dict.fromkeys(values))
    ints = [0, 1, -1, 7, 42, -42, 65535, 2**31 - 1, -(2**31), 2**40, -(2**40)]
    n = max(len(values), len(ints))
    X = pd.DataFrame({"s": [values[i % len(values)] for i in range(n)], "i": pd.Series([ints[i % len(ints)] for i in range(n)], dtype="int64"), "f": rng.normal(size=n)})
    y = (np.arange(n) % 2).astype(int)
    model = CatBoostClassifier(iterations=1, depth=1, thread_count=1, verbose=0, allow_writing_files=False)
    model.fit(X, y, cat_features=["s", "i"])
    import json, tempfile
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "m.json")
        model.save_model(p, format="json", pool=Pool(X, y, cat_features=["s", "i"]))
        with open(p, encoding="utf-8") as f:
            hashes = json.load(f)["features_info"]["cat_features_hash"]
    doc = {"source": "cat_features_hash of a CatBoost %s model saved with save_model(format='json', pool=...)" % __import__("catboost").__version__,
           "vectors": hashes}
    data = json.dumps(doc, ensure_ascii=False, indent=0).encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)
    return len(hashes)


def write_scaler_oracle(path: str) -> int:
    """scikit-learn RobustScaler outputs for scaler.json columns, including the edge cases."""
    import json

    import sklearn
    from sklearn.preprocessing import RobustScaler

    rng = np.random.default_rng(7)
    n = 500
    train = {
        "normal": rng.normal(30, 12, size=n),
        "skewed": np.exp(rng.normal(8, 1.5, size=n)),
        "integers": rng.integers(0, 10, size=n).astype(float),
        "constant": np.full(n, 4.25),
        "with_nan": np.where(rng.random(n) < 0.2, np.nan, rng.normal(size=n)),
        "no_centering": rng.normal(5, 2, size=n),
        "no_scaling": rng.normal(-3, 2, size=n),
        "quantile_10_90": rng.normal(0, 1, size=n),
    }
    options = {"no_centering": {"with_centering": False}, "no_scaling": {"with_scaling": False}, "quantile_10_90": {"quantile_range": (10.0, 90.0)}}
    probe = [0.0, 1.0, -1.0, 4.25, 30.0, 1e-300, 1e300, -7.5, 123456.789, 0.1, -0.0, float("nan")]
    columns, expected = {}, {}
    for name, x in train.items():
        sc = RobustScaler(**options.get(name, {})).fit(x.reshape(-1, 1))
        columns[name] = {
            "center": None if sc.center_ is None else float(sc.center_[0]),
            "scale": None if sc.scale_ is None else float(sc.scale_[0]),
            "with_centering": sc.with_centering, "with_scaling": sc.with_scaling, "quantile_range": list(sc.quantile_range),
        }
        xs = probe + [float(v) for v in rng.choice(x[~np.isnan(x)], size=20)]
        ys = sc.transform(np.array(xs).reshape(-1, 1))[:, 0]
        enc = lambda v: "NaN" if np.isnan(v) else float(v)
        expected[name] = [[enc(a), enc(b)] for a, b in zip(xs, ys)]
    try:
        RobustScaler().fit(np.arange(5.0).reshape(-1, 1)).transform(np.array([[np.inf]]))
        rejects_infinity = False
    except ValueError:
        rejects_infinity = True
    doc = {"scaler": {"type": "RobustScaler", "sklearn_version": sklearn.__version__, "columns": columns}, "expected": expected,
           "rejects_infinity": rejects_infinity}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
    return len(columns)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    total = 0
    for out, specs, n_test in ((args.out, CASES, 200), (os.path.join(args.out, "..", "unsupported"), UNSUPPORTED, 20)):
        os.makedirs(out, exist_ok=True)
        for spec in specs:
            if args.only and spec["name"] not in args.only:
                continue
            t = time.time()
            fixture = build(spec, seed=zlib.crc32(spec["name"].encode()) % 100_000, n_test=n_test)
            size = write_fixture(fixture, os.path.join(out, f"{spec['name']}.json.gz"))
            total += size
            print(f"{spec['name']:42s} {len(fixture['rows']):4d} rows {size / 1024:7.1f} KiB {time.time() - t:5.1f}s", flush=True)
    print(f"{len(CASES)} cases + {len(UNSUPPORTED)} unsupported, {total / 1024 / 1024:.2f} MiB")
    if not args.only:
        fixtures = os.path.join(args.out, "..")
        print("cat_features_hash vectors:", write_hash_vectors(os.path.join(fixtures, "cat-features-hash.json")))
        print("scaler columns:", write_scaler_oracle(os.path.join(fixtures, "robust-scaler.json")))


if __name__ == "__main__":
    main()
