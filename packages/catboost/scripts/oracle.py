"""Shared helpers for the CatBoost oracle scripts (make_corpus.py, live_check.py).

Generates tabular data with awkward float and categorical values, trains real CatBoost models,
and writes fixtures: the exported JSON model, test rows in the model's flat feature order, and
CatBoost's own RawFormulaVal / Probability / Class for them.

Fixture format (one JSON object, usually gzip-compressed):
  {"name", "description", "catboost_version", "params", "model": <save_model(format="json")>,
   "columns": [...], "rows": [[...]], "raw": [[...]], "probability": [[...]] | null,
   "class": [...] | null, "tree_ranges": [{"start", "end", "raw", "probability", "class"}]}
Row values: numbers, or "NaN" / "Infinity" / "-Infinity" for non-finite floats; categorical
values are strings, ints or booleans exactly as given to CatBoost. Non-finite outputs are written
as the same strings.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import tempfile

import catboost
import numpy as np
import pandas as pd
from catboost import CatBoostClassifier, CatBoostRegressor

UNICODE_WORDS = ["Ω", "café", "日本語", "naïve", "Zürich", "😀", "ß", "Привет", "مرحبا", "e\u0301", "한국어", "x\u00a0y"]

# --------------------------------------------------------------------------------------------
# Data


def _vocabulary(rng: np.random.Generator, kind: str, card: int, salt: str = "") -> list:
    """`card` distinct values of one categorical kind; `salt` makes disjoint (unseen) vocabularies."""
    if kind == "low" or kind == "high":
        return [f"{salt}v{i}" for i in range(card)]
    if kind == "numeric_str":
        # Numeric-looking strings: ints, zero-padded, negative, decimals, exponents.
        forms = []
        for i in range(card):
            k = i % 5
            base = i + (1000 if salt else 0)
            forms.append([str(base), f"{base:04d}", str(-base), f"{base}.5", f"{base}e3"][k])
        return forms
    if kind == "int":
        return [int(x) for x in (np.arange(card) * 7 - 20 + (100000 if salt else 0))]
    if kind == "empty":
        return ([""] if not salt else []) + [f"{salt}e{i}" for i in range(card - (0 if salt else 1))] + ([" "] if not salt else [])
    if kind == "unicode":
        out = []
        for i in range(card):
            w = UNICODE_WORDS[i % len(UNICODE_WORDS)]
            out.append(f"{salt}{w}{i // len(UNICODE_WORDS) or ''}")
        return out
    if kind == "long":
        out = []
        for i in range(card):
            n = [65, 70, 100, 128, 129, 200, 64, 63, 250, 1000][i % 10]
            stem = f"{salt}long-{i}-"
            filler = "".join("ab😀cd"[(i + j) % 5] for j in range(n))
            out.append((stem + filler)[: max(n, len(stem) + 1)])
        return out
    if kind == "bool":
        return [False, True] if not salt else []
    raise ValueError(kind)


def make_columns(rng: np.random.Generator, floats: list[dict], cats: list[dict]) -> list[dict]:
    """Column descriptors with their vocabularies and effects on the target."""
    cols = []
    for i, f in enumerate(floats):
        cols.append({"name": f.get("name", f"num_{i}"), "type": "float", **f, "w": rng.normal(), "w2": rng.normal()})
    for i, c in enumerate(cats):
        vocab = _vocabulary(rng, c["kind"], c.get("card", 6))
        unseen = _vocabulary(rng, c["kind"], max(3, c.get("card", 6) // 3), salt="unseen_")
        cols.append({
            "name": c.get("name", f"cat_{c['kind']}_{i}"), "type": "cat", **c, "vocab": vocab, "unseen": unseen,
            "effect": {repr(v): rng.normal() for v in vocab},
            "p": rng.dirichlet(np.ones(len(vocab)) * 0.7),
        })
    return cols


def make_frame(rng: np.random.Generator, cols: list[dict], n: int, test: bool = False) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows (as a DataFrame) and a latent score matrix (n x 4) the targets are derived from."""
    data = {}
    score = rng.normal(scale=0.3, size=(n, 4))
    for c in cols:
        if c["type"] == "float":
            if c.get("kind") == "int":
                x = rng.integers(-5, 6, size=n).astype(float)
            elif c.get("kind") == "uniform":
                x = rng.uniform(-3, 3, size=n)
            else:
                x = rng.normal(size=n) * c.get("scale", 1.0)
            contrib = np.sin(np.nan_to_num(x, posinf=3, neginf=-3))
            score[:, 0] += c["w"] * contrib
            score[:, 1] += c["w2"] * np.nan_to_num(x, posinf=3, neginf=-3)
            score[:, 2] += c["w"] * (np.nan_to_num(x) > 0)
            score[:, 3] -= c["w2"] * np.cos(np.nan_to_num(x))
            nan = c.get("test_nan", c.get("nan", 0.0) * 1.5) if test else c.get("nan", 0.0)
            if nan:
                mask = rng.random(n) < nan
                x[mask] = np.nan
                score[mask, 0] += 1.0 if c.get("nan_effect", True) else 0.0
            # Infinities only at prediction time by default: when training data holds ±Inf, CatBoost may
            # quantize with an infinite border, and then save_model(format="json") fails
            # ("JSON writer: invalid float value: -inf").
            inf = c.get("inf", 0.0) * 2 if test else c.get("train_inf", 0.0)
            if inf:
                m1 = rng.random(n) < inf
                x[m1] = np.inf
                m2 = rng.random(n) < inf
                x[m2] = -np.inf
            data[c["name"]] = x
        else:
            idx = rng.choice(len(c["vocab"]), size=n, p=c["p"])
            vals = [c["vocab"][i] for i in idx]
            for k, i in enumerate(idx):
                e = c["effect"][repr(c["vocab"][i])]
                score[k, 0] += e
                score[k, 1] -= e * 0.5
                score[k, 2] += e * e
                score[k, 3] += e if i % 2 else -e
            if test and c["unseen"]:
                mask = rng.random(n) < 0.15
                for k in np.nonzero(mask)[0]:
                    vals[k] = c["unseen"][rng.integers(len(c["unseen"]))]
            if c["kind"] == "int":
                data[c["name"]] = pd.Series(vals, dtype="int64")
            elif c["kind"] == "bool":
                data[c["name"]] = pd.Series(vals, dtype="bool")
            else:
                data[c["name"]] = pd.Series(vals, dtype="object")
    return pd.DataFrame(data), score


def make_target(rng: np.random.Generator, task: dict, score: np.ndarray):
    kind = task["kind"]
    s0 = score[:, 0]
    if kind == "binary":
        y = (s0 > np.median(s0)).astype(int)
        labels = task.get("labels")
        return np.array([labels[v] for v in y], dtype=object if isinstance(labels[0], str) else None) if labels else y
    if kind == "probability":
        return 1 / (1 + np.exp(-(s0 - np.median(s0))))
    if kind == "multiclass":
        k = task["classes"]
        # Balanced classes: quantile bins of a random direction of the latent scores.
        z = score[:, :4] @ rng.normal(size=4) + rng.normal(scale=0.2, size=len(score))
        y = np.searchsorted(np.quantile(z, np.linspace(0, 1, k + 1)[1:-1]), z)
        labels = task.get("labels")
        if labels:
            return np.array([labels[v] for v in y], dtype=object if isinstance(labels[0], str) else None)
        return y
    if kind == "multilabel":
        return np.stack([(score[:, j] > np.median(score[:, j])).astype(int) for j in range(task["dims"])], axis=1)
    if kind == "regression":
        y = s0 * 2 + rng.normal(scale=0.1, size=len(s0)) + task.get("offset", 0.0)
        if task.get("positive"):
            y = np.exp(y / 3)
        if task.get("counts"):
            y = rng.poisson(np.exp(np.clip(s0 / 2, -3, 3))).astype(float)
        return y
    if kind == "multiregression":
        return np.stack([score[:, j] + task.get("offset", 0.0) for j in range(task["dims"])], axis=1)
    raise ValueError(kind)


# --------------------------------------------------------------------------------------------
# Fixtures


def _enc(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if math.isnan(f):
            return "NaN"
        if math.isinf(f):
            return "Infinity" if f > 0 else "-Infinity"
        return f
    if isinstance(v, str):
        return v
    raise TypeError(f"cannot encode {v!r} ({type(v)})")


def _matrix(a) -> list:
    a = np.asarray(a)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    return [[_enc(x) for x in row] for row in a.tolist()]


def _classes(a) -> list:
    a = np.asarray(a)
    if a.ndim == 2:
        a = a[:, 0]
    return [_enc(x) for x in a.tolist()]


def export_json(model) -> dict:
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "model.json")
        model.save_model(p, format="json")
        with open(p, encoding="utf-8") as f:
            return json.load(f)


def float32_neighbours(x: float) -> list[float]:
    f = np.float32(x)
    with np.errstate(over="ignore"):
        return [float(np.nextafter(f, np.float32(-np.inf))), float(f), float(np.nextafter(f, np.float32(np.inf)))]


def border_rows(rng: np.random.Generator, model_json: dict, X: pd.DataFrame, count: int) -> pd.DataFrame:
    """Rows whose float values sit exactly on, one float32 ulp around, or a hair (below float32 resolution) above a border."""
    feats = [f for f in model_json["features_info"].get("float_features", []) if f.get("borders")]
    if not feats or count == 0:
        return X.iloc[:0]
    base = X.sample(n=count, replace=True, random_state=int(rng.integers(1 << 31))).reset_index(drop=True)
    for k in range(count):
        f = feats[rng.integers(len(feats))]
        b = f["borders"][rng.integers(len(f["borders"]))]
        col = X.columns[f["flat_feature_index"]]
        choice = rng.integers(4)
        if choice < 3:
            v = float32_neighbours(b)[choice]
        else:
            v = b + abs(b) * 1e-9 + 1e-300  # rounds back to the border in float32
        base.loc[k, col] = v
    return base


def predict_all(model, X: pd.DataFrame, start: int = 0, end: int | None = None) -> dict:
    kw = {} if end is None else {"ntree_start": start, "ntree_end": end}
    out = {"raw": _matrix(model.predict(X, prediction_type="RawFormulaVal", **kw)), "probability": None, "class": None}
    if isinstance(model, CatBoostClassifier):
        out["probability"] = _matrix(model.predict(X, prediction_type="Probability", **kw))
        loss = model.get_all_params().get("loss_function", "")
        if loss not in ("MultiLogloss", "MultiCrossEntropy"):
            out["class"] = _classes(model.predict(X, prediction_type="Class", **kw))
    return out


def make_case(name: str, description: str, params: dict, cols: list[dict], task: dict, seed: int,
              n_train: int = 600, n_test: int = 200, n_border: int = 40, after_fit=None, fit_kwargs=None) -> dict:
    """Trains one model with the real CatBoost and returns its fixture."""
    rng = np.random.default_rng(seed)
    X, score = make_frame(rng, cols, n_train)
    y = make_target(rng, task, score)
    Xt, _ = make_frame(rng, cols, n_test, test=True)
    cat_features = [c["name"] for c in cols if c["type"] == "cat"]
    is_classifier = task["kind"] in ("binary", "probability", "multiclass", "multilabel")
    cls = CatBoostClassifier if is_classifier else CatBoostRegressor
    full = {"thread_count": 1, "verbose": 0, "random_seed": seed, "allow_writing_files": False, **params}
    model = cls(**full)
    model.fit(X, y, cat_features=cat_features, **(fit_kwargs or {}))
    if after_fit:
        after_fit(model)
    model_json = export_json(model)
    Xt = pd.concat([Xt, border_rows(rng, model_json, Xt, n_border)], ignore_index=True)
    for c in cols:  # keep dtypes (concat of int/bool columns is stable, but be explicit)
        if c["type"] == "cat" and c["kind"] == "int":
            Xt[c["name"]] = Xt[c["name"]].astype("int64")
    preds = predict_all(model, Xt)
    tree_count = model.tree_count_
    ranges = []
    if tree_count >= 3:
        a, b = 1, max(2, tree_count * 2 // 3)
        ranges.append({"start": a, "end": b, **predict_all(model, Xt, a, b)})
        ranges.append({"start": 0, "end": tree_count // 2 or 1, **predict_all(model, Xt, 0, tree_count // 2 or 1)})
    return {
        "name": name,
        "description": description,
        "catboost_version": catboost.__version__,
        "params": {k: v for k, v in full.items() if k not in ("verbose", "allow_writing_files")},
        "model": model_json,
        "columns": list(X.columns),
        "rows": [[_enc(v) for v in row] for row in Xt.itertuples(index=False, name=None)],
        **preds,
        "tree_ranges": ranges,
    }


def write_fixture(case: dict, path: str) -> int:
    text = json.dumps(case, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    data = text.encode("utf-8")
    if path.endswith(".gz"):
        data = gzip.compress(data, compresslevel=9, mtime=0)
    with open(path, "wb") as f:
        f.write(data)
    return len(data)
