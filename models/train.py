#!/usr/bin/env python3
"""Train the credit-score classifier from the raw Kaggle rows and export one model version.

Writes models/credit_score_classifier/<version>/{model.json.gz, scaler.json, metadata.json, golden.jsonl}
as docs/contracts.md describes. Every step is deterministic for a given seed; see models/README.md.

    .venv/bin/python models/train.py                       # new version, named after the UTC time
    .venv/bin/python models/train.py --check-reproducible models/credit_score_classifier/<version>
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import catboost
import numpy as np
import pandas as pd
import sklearn
from catboost import CatBoostClassifier, Pool
from sklearn.metrics import accuracy_score, f1_score, log_loss
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.preprocessing import RobustScaler

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT / ".." / "shared" / "data" / "credit-score" / "kaggle-subset-ArkadiyShuvaev" / "credit_score_truncated_raw.csv"
DEFAULT_OUT = REPO_ROOT / "models" / "credit_score_classifier"
MODEL_NAME = "credit_score_classifier"
CREATION_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
CREATION_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")

TARGET = "Credit_Score"
CLASS_NAMES = ["Good", "Poor", "Standard"]
ID_FIELD = "customer_id"
# Identifiers and the constant month: never features.
DROPPED_COLUMNS = ["ID", "Customer_ID", "Name", "SSN", "Month"]

# The 22 model features in the course's API order: (API name, raw CSV column, kind, API dtype).
FEATURES: list[tuple[str, str, str, str]] = [
    ("age", "Age", "numeric", "int"),
    ("occupation", "Occupation", "categorical", "str"),
    ("annual_income", "Annual_Income", "numeric", "float"),
    ("monthly_inhand_salary", "Monthly_Inhand_Salary", "numeric", "float"),
    ("num_bank_accounts", "Num_Bank_Accounts", "numeric", "float"),
    ("num_credit_card", "Num_Credit_Card", "numeric", "float"),
    ("interest_rate", "Interest_Rate", "numeric", "float"),
    ("num_of_loan", "Num_of_Loan", "numeric", "int"),
    ("type_of_loan", "Type_of_Loan", "categorical", "str"),
    ("delay_from_due_date", "Delay_from_due_date", "numeric", "float"),
    ("num_of_delayed_payment", "Num_of_Delayed_Payment", "numeric", "float"),
    ("changed_credit_limit", "Changed_Credit_Limit", "numeric", "float"),
    ("num_credit_inquiries", "Num_Credit_Inquiries", "numeric", "float"),
    ("credit_mix", "Credit_Mix", "categorical", "str"),
    ("outstanding_debt", "Outstanding_Debt", "numeric", "float"),
    ("credit_utilization_ratio", "Credit_Utilization_Ratio", "numeric", "float"),
    ("credit_history_age", "Credit_History_Age", "numeric", "float"),
    ("payment_of_min_amount", "Payment_of_Min_Amount", "categorical", "str"),
    ("total_emi_per_month", "Total_EMI_per_month", "numeric", "float"),
    ("amount_invested_monthly", "Amount_invested_monthly", "numeric", "float"),
    ("payment_behaviour", "Payment_Behaviour", "categorical", "str"),
    ("monthly_balance", "Monthly_Balance", "numeric", "float"),
]
FEATURE_NAMES = [f[0] for f in FEATURES]
CATEGORICAL = [f[0] for f in FEATURES if f[2] == "categorical"]
NUMERIC = [f[0] for f in FEATURES if f[2] == "numeric"]
DTYPE = {f[0]: f[3] for f in FEATURES}

# Step 2: values that mean "unknown" in the raw file (whole cell, after trimming spaces).
PLACEHOLDERS = {"", "_", "_______", "!@9#%8"}
# What CatBoost sees for a missing category (CatBoost refuses NaN in categorical features).
CATEGORICAL_MISSING_VALUE = "__missing__"
# Step 5: plausible ranges (inclusive); anything outside becomes missing. Each bound sits in the
# empty gap between the bulk of the data and Kaggle's injected garbage (see models/README.md).
VALID_RANGES: dict[str, tuple[float, float]] = {
    "age": (1, 100),  # real ages 14..56; garbage -500 and 100s..8678
    "annual_income": (0, 250_000),  # real values end at 179,987; garbage 344,983..23.8M
    "num_bank_accounts": (0, 20),  # real 0..11; garbage -1 and 26..1756
    "num_credit_card": (0, 20),  # real 0..11; garbage 21..1499
    "interest_rate": (0, 50),  # real 1..34 (%); garbage 99..5789
    "num_of_loan": (0, 15),  # real 0..9; garbage -100 and 18..1495
    "num_of_delayed_payment": (0, 40),  # real 0..28; garbage -3..-1 and 47..4293
    "num_credit_inquiries": (0, 20),  # real 0..17; garbage 26..2554
    "credit_history_age": (1, 1200),  # months; real 8..404
    "total_emi_per_month": (0, 5_000),  # bulk ends below 2,000 (max 4,760); 396 rows hold 5,000..82,000
    "amount_invested_monthly": (0, 9_999.99),  # "__10000__" is Kaggle's sentinel (558 rows); real end < 2,000
    "monthly_balance": (-1_000_000, 1_000_000),  # sentinel "__-333333333333333333333333333__"
}

# Tuning grid, searched by cross-validation on the training part only (never the holdout).
GRID = {
    "loss_function": ["MultiClass", "MultiClassOneVsAll"],
    "depth": [4, 6],
    "l2_leaf_reg": [3, 10],
}
CV_FOLDS = 3
FIXED_PARAMS = {
    "learning_rate": 0.08,
    "max_ctr_complexity": 2,  # keeps the CTR tables (and the JSON) small; 1..2 scored alike in a trial
    "one_hot_max_size": 4,  # credit_mix / payment_of_min_amount as one-hot, the rest as CTRs
    "border_count": 254,
}
MAX_ITERATIONS = 3000
EARLY_STOPPING_ROUNDS = 100
THREAD_COUNT = 2  # fixed: CatBoost is deterministic for a given seed and thread count
# Keys of CatBoost's JSON export that change on every run although the model is the same.
VOLATILE_MODEL_INFO_KEYS = ["model_guid", "train_finish_time"]


def log(msg: str) -> None:
    print(f"[train] {msg}", file=sys.stderr, flush=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- cleaning


def parse_number(cell: str) -> float:
    """Steps 1-2: placeholders -> NaN; strip stray underscores ("31_", "__10000__") and parse."""
    s = cell.strip()
    if s in PLACEHOLDERS:
        return math.nan
    s = s.replace("_", "")
    if s in PLACEHOLDERS or s in {"-", "+", "."}:
        return math.nan
    try:
        return float(s)
    except ValueError:
        return math.nan


CREDIT_HISTORY_RE = re.compile(r"^\s*(\d+)\s+Years?\s+and\s+(\d+)\s+Months?\s*$")


def parse_credit_history_age(cell: str) -> float:
    """Step 3: "22 Years and 1 Months" -> 265 (months); anything else -> NaN."""
    m = CREDIT_HISTORY_RE.match(cell)
    if not m:
        return math.nan
    return float(int(m.group(1)) * 12 + int(m.group(2)))


def parse_category(cell: str) -> str | None:
    """Step 2 for categoricals: placeholders (and an empty Type_of_Loan) -> missing."""
    s = cell.strip()
    return None if s in PLACEHOLDERS else s


def clean(raw: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Turns the raw string frame into API-shaped columns: customer_id, 22 features, label.

    Numeric columns are float64 with NaN for missing; categorical columns are object with None for missing.
    """
    report: dict = {"rows_in": int(len(raw)), "missing_after_cleaning": {}, "out_of_range_to_missing": {}}
    out = pd.DataFrame(index=raw.index)
    out[ID_FIELD] = raw["Customer_ID"].map(lambda s: int(s.strip().removeprefix("CUS_0x"), 16))
    for name, col, kind, _dtype in FEATURES:
        cells = raw[col].astype(str)
        if kind == "categorical":
            out[name] = cells.map(parse_category).astype(object)
        elif name == "credit_history_age":
            out[name] = cells.map(parse_credit_history_age).astype("float64")
        else:
            out[name] = cells.map(parse_number).astype("float64")
        if name in VALID_RANGES:
            lo, hi = VALID_RANGES[name]
            bad = out[name].notna() & ((out[name] < lo) | (out[name] > hi))
            report["out_of_range_to_missing"][name] = int(bad.sum())
            out.loc[bad, name] = np.nan
        if DTYPE[name] == "int":
            # Integer API fields: a non-integral value is not a valid count/age either.
            frac = out[name].notna() & (out[name] != np.floor(out[name]))
            out.loc[frac, name] = np.nan
        report["missing_after_cleaning"][name] = int(out[name].isna().sum())
    label = raw[TARGET].str.strip()
    unknown = sorted(set(label) - set(CLASS_NAMES))
    if unknown:
        raise SystemExit(f"unexpected labels in {TARGET}: {unknown}")
    out["label"] = label
    report["rows_out"] = int(len(out))
    report["label_counts"] = {k: int(v) for k, v in label.value_counts().sort_index().items()}
    return out, report


# ---------------------------------------------------------------- model inputs


def fit_scalers(train: pd.DataFrame) -> dict[str, RobustScaler]:
    """One RobustScaler per numeric column, fitted on the training split only (NaN ignored)."""
    return {name: RobustScaler().fit(train[[name]].to_numpy(dtype="float64")) for name in NUMERIC}


def model_frame(frame: pd.DataFrame, scalers: dict[str, RobustScaler]) -> pd.DataFrame:
    """The frame CatBoost sees: scaled numerics (NaN kept), categoricals with the missing string."""
    x = pd.DataFrame(index=frame.index)
    for name in FEATURE_NAMES:
        if name in scalers:
            x[name] = scalers[name].transform(frame[[name]].to_numpy(dtype="float64"))[:, 0]
        else:
            x[name] = frame[name].map(lambda v: CATEGORICAL_MISSING_VALUE if v is None else str(v)).astype(object)
    return x


def pool(x: pd.DataFrame, y: pd.Series | None = None) -> Pool:
    return Pool(x, label=None if y is None else y.to_numpy(), cat_features=CATEGORICAL)


def classifier(**params) -> CatBoostClassifier:
    return CatBoostClassifier(
        **params,
        class_names=CLASS_NAMES,
        thread_count=THREAD_COUNT,
        allow_writing_files=False,
        verbose=0,
    )


def probabilities(model: CatBoostClassifier, p: Pool) -> np.ndarray:
    return np.asarray(model.predict(p, prediction_type="Probability"), dtype="float64")


def metrics(y_true: pd.Series, y_pred: np.ndarray, proba: np.ndarray) -> dict:
    # MultiClassOneVsAll probabilities are per-class sigmoids; log loss uses them normalised to 1.
    proba = proba / proba.sum(axis=1, keepdims=True)
    f1s = f1_score(y_true, y_pred, labels=CLASS_NAMES, average=None, zero_division=0)
    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 6),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=CLASS_NAMES, average="macro", zero_division=0)), 6),
        "f1_per_class": {c: round(float(v), 6) for c, v in zip(CLASS_NAMES, f1s)},
        "log_loss": round(float(log_loss(y_true, proba, labels=CLASS_NAMES)), 6),
    }


# ---------------------------------------------------------------- training


def tune(train: pd.DataFrame, seed: int) -> tuple[dict, list[dict], int]:
    """Grid search by stratified 3-fold CV on the training part only; picks the best mean macro-F1.

    Each fold fits its own scalers on its training folds and stops early on its validation fold;
    the final iteration count is the mean of the folds' best iteration counts.
    """
    folds = []
    for fit_idx, val_idx in StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=seed).split(train, train["label"]):
        fit, val = train.iloc[fit_idx], train.iloc[val_idx]
        scalers = fit_scalers(fit)
        folds.append((pool(model_frame(fit, scalers), fit["label"]), pool(model_frame(val, scalers), val["label"]), val["label"]))
    results = []
    for loss in GRID["loss_function"]:
        for depth in GRID["depth"]:
            for l2 in GRID["l2_leaf_reg"]:
                params = {"loss_function": loss, "depth": depth, "l2_leaf_reg": l2, **FIXED_PARAMS}
                t0 = time.monotonic()
                scores, iters = [], []
                for p_fit, p_val, y_val in folds:
                    m = classifier(**params, iterations=MAX_ITERATIONS, random_seed=seed, od_type="Iter",
                                   od_wait=EARLY_STOPPING_ROUNDS, use_best_model=True)
                    m.fit(p_fit, eval_set=p_val)
                    pred = np.asarray(m.predict(p_val)).ravel()
                    scores.append(metrics(y_val, pred, probabilities(m, p_val)))
                    iters.append(int(m.get_best_iteration()) + 1)
                row = {**params, "iterations_per_fold": iters,
                       **{k: round(float(np.mean([s[k] for s in scores])), 6) for k in ("accuracy", "macro_f1", "log_loss")}}
                results.append(row)
                log(f"tune {loss:<19} depth={depth} l2={l2:<3} it={iters} acc={row['accuracy']:.4f} "
                    f"macroF1={row['macro_f1']:.4f} logloss={row['log_loss']:.4f} ({time.monotonic() - t0:.1f}s)")
    best = max(results, key=lambda r: (r["macro_f1"], -r["log_loss"]))
    params = {k: best[k] for k in ("loss_function", "depth", "l2_leaf_reg")} | FIXED_PARAMS
    return params, results, int(round(float(np.mean(best["iterations_per_fold"]))))


def json_number(v: float, dtype: str):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return int(v) if dtype == "int" else float(v)


def api_input(row: pd.Series) -> dict:
    """A cleaned row as the API receives it: raw (unscaled) values, null where missing."""
    out: dict = {ID_FIELD: int(row[ID_FIELD])}
    for name in FEATURE_NAMES:
        v = row[name]
        if name in CATEGORICAL:
            out[name] = None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
        else:
            out[name] = json_number(float(v), DTYPE[name])
    return out


def is_valid_api_input(inp: dict) -> bool:
    """The course's API rules (api/src/schemas.py): age > 0, credit_history_age > 0,
    credit_mix in Good/Bad/Standard, payment_of_min_amount in NM/Yes/No."""
    return (
        inp["age"] is not None and inp["age"] > 0
        and (inp["credit_history_age"] is None or inp["credit_history_age"] > 0)
        and inp["credit_mix"] in ("Good", "Bad", "Standard")
        and (inp["payment_of_min_amount"] is None or inp["payment_of_min_amount"] in ("NM", "Yes", "No"))
    )


def frame_from_inputs(inputs: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(index=range(len(inputs)))
    for name in FEATURE_NAMES:
        vals = [inp[name] for inp in inputs]
        if name in CATEGORICAL:
            frame[name] = pd.Series(vals, dtype=object)
        else:
            frame[name] = np.array([np.nan if v is None else float(v) for v in vals], dtype="float64")
    return frame


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")


def export_model(model: CatBoostClassifier, dest: Path, work: Path) -> None:
    tmp = work / "model.json"
    model.save_model(str(tmp), format="json")
    doc = json.loads(tmp.read_text(encoding="utf-8"))
    for key in VOLATILE_MODEL_INFO_KEYS:
        doc.get("model_info", {}).pop(key, None)
    # Same float text as CatBoost wrote (Python's repr round-trips doubles exactly).
    data = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    if json.loads(data) != doc:
        raise SystemExit("model JSON did not round-trip")
    dest.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))


def train_version(data_path: Path, out_root: Path, seed: int, version: str, creation_time: str) -> Path:
    started = time.monotonic()
    dest = out_root / version
    if dest.exists():
        raise SystemExit(f"{dest} already exists; choose another --version")
    log(f"reading {data_path}")
    raw = pd.read_csv(data_path, dtype=str, keep_default_na=False)
    missing_cols = sorted(({c for _, c, _, _ in FEATURES} | set(DROPPED_COLUMNS) | {TARGET}) - set(raw.columns))
    if missing_cols:
        raise SystemExit(f"data lacks columns: {missing_cols}")
    cleaned, cleaning_report = clean(raw)

    train, holdout = train_test_split(cleaned, test_size=0.2, random_state=seed, stratify=cleaned["label"])
    log(f"split: {len(train)} train / {len(holdout)} holdout (stratified, seed {seed})")

    params, tuning, iterations = tune(train, seed)
    log(f"chosen: {params} with {iterations} iterations")

    scalers = fit_scalers(train)
    final_params = {**params, "iterations": iterations, "random_seed": seed}
    model = classifier(**final_params)
    model.fit(pool(model_frame(train, scalers), train["label"]))

    p_hold = pool(model_frame(holdout, scalers))
    hold_pred = np.asarray(model.predict(p_hold)).ravel()
    holdout_metrics = metrics(holdout["label"], hold_pred, probabilities(model, p_hold))
    majority = train["label"].value_counts().sort_index().idxmax()
    prior = train["label"].value_counts(normalize=True).reindex(CLASS_NAMES).to_numpy(dtype="float64")
    baseline = metrics(holdout["label"], np.full(len(holdout), majority, dtype=object), np.tile(prior, (len(holdout), 1)))
    log(f"holdout {holdout_metrics}")
    log(f"baseline (always {majority!r}) {baseline}")

    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        stage = work / version
        stage.mkdir()
        export_model(model, stage / "model.json.gz", work)

        write_json(stage / "scaler.json", {
            "type": "RobustScaler",
            "sklearn_version": sklearn.__version__,
            "columns": {
                name: {
                    "center": float(s.center_[0]),
                    "scale": float(s.scale_[0]),
                    "with_centering": bool(s.with_centering),
                    "with_scaling": bool(s.with_scaling),
                    "quantile_range": [float(q) for q in s.quantile_range],
                }
                for name, s in scalers.items()
            },
        })

        # Goldens: every holdout row that is valid API input, scored by CatBoost from the JSON we write.
        inputs = [inp for inp in (api_input(r) for _, r in holdout.iterrows()) if is_valid_api_input(inp)]
        lines = [json.dumps({"input": inp}, ensure_ascii=False, allow_nan=False) for inp in inputs]
        parsed = [json.loads(line)["input"] for line in lines]
        p_gold = pool(model_frame(frame_from_inputs(parsed), scalers))
        raw_scores = np.asarray(model.predict(p_gold, prediction_type="RawFormulaVal"), dtype="float64")
        proba = probabilities(model, p_gold)
        classes = np.asarray(model.predict(p_gold, prediction_type="Class")).ravel()
        with (stage / "golden.jsonl").open("w", encoding="utf-8") as f:
            for inp, r, p, c in zip(parsed, raw_scores, proba, classes):
                f.write(json.dumps({"input": inp, "raw": [float(v) for v in r], "probability": [float(v) for v in p],
                                    "class": str(c)}, ensure_ascii=False, allow_nan=False) + "\n")
        log(f"golden: {len(parsed)} of {len(holdout)} holdout rows are valid API input")

        artifacts = {
            name: {"sha256": sha256_file(stage / name), "bytes": (stage / name).stat().st_size}
            for name in ("model.json.gz", "scaler.json", "golden.jsonl")
        }
        # Recorded relative to the repo root, so the check works from any clone beside ../shared.
        data_ref = Path(os.path.relpath(Path(data_path).resolve(), REPO_ROOT)).as_posix()
        metadata = {
            "model_name": MODEL_NAME,
            "model_version": version,
            "creation_time": creation_time,
            "params": {**final_params, "class_names": CLASS_NAMES, "cat_features": CATEGORICAL,
                       "thread_count": THREAD_COUNT},
            "metrics": {
                "holdout": holdout_metrics,
                "baseline_majority": {**baseline, "predicts": majority},
            },
            "features": [
                {"name": n, "kind": "numeric", "dtype": DTYPE[n], "scaled": True} if n in NUMERIC
                else {"name": n, "kind": "categorical"}
                for n in FEATURE_NAMES
            ],
            "id_field": ID_FIELD,
            "categorical_missing_value": CATEGORICAL_MISSING_VALUE,
            "class_names": CLASS_NAMES,
            "artifacts": artifacts,
            "training": {
                "data_path": data_ref,
                "data_sha256": sha256_file(data_path),
                "seed": seed,
                "rows": {"raw": int(len(raw)), "train": int(len(train)), "holdout": int(len(holdout)),
                         "golden": len(parsed)},
                "split": "stratified by label, test_size=0.2, sklearn train_test_split(random_state=seed)",
                "dropped_columns": DROPPED_COLUMNS,
                "cleaning": {
                    "placeholders_to_missing": sorted(PLACEHOLDERS),
                    "valid_ranges": {k: list(v) for k, v in VALID_RANGES.items()},
                    **cleaning_report,
                },
                "tuning": {
                    "method": f"stratified {CV_FOLDS}-fold CV on the training part (seed); per fold: scalers fitted "
                              "on the fitting folds, early stopping on the validation fold's loss; best mean "
                              "macro-F1 (ties: lower log loss); final model refit on the whole training part "
                              "with the mean best iteration count",
                    "grid": GRID,
                    "fixed": FIXED_PARAMS,
                    "results": tuning,
                },
                "versions": {
                    "catboost": catboost.__version__, "sklearn": sklearn.__version__, "pandas": pd.__version__,
                    "numpy": np.__version__, "python": platform.python_version(),
                },
                "removed_model_json_keys": [f"model_info.{k}" for k in VOLATILE_MODEL_INFO_KEYS],
            },
        }
        write_json(stage / "metadata.json", metadata)
        out_root.mkdir(parents=True, exist_ok=True)
        shutil.move(str(stage), str(dest))
    size = sum(p.stat().st_size for p in dest.iterdir())
    log(f"wrote {dest} ({size / 1024 / 1024:.2f} MiB) in {time.monotonic() - started:.0f}s")
    return dest


# ---------------------------------------------------------------- CLI


def check_reproducible(version_dir: Path, data_override: Path | None) -> int:
    meta = json.loads((version_dir / "metadata.json").read_text(encoding="utf-8"))
    training = meta["training"]
    data_path = data_override or (REPO_ROOT / training["data_path"]).resolve()
    if sha256_file(data_path) != training["data_sha256"]:
        log(f"data at {data_path} differs from the data this version was trained on (sha256)")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        again = train_version(data_path, Path(tmp), training["seed"], meta["model_version"], meta["creation_time"])
        ok = True
        for name in ("model.json.gz", "scaler.json", "golden.jsonl", "metadata.json"):
            a, b = version_dir / name, again / name
            same = a.read_bytes() == b.read_bytes()
            ok &= same
            print(f"{name:<14} {'identical' if same else 'DIFFERENT'}  {sha256_file(a)[:16]}  {sha256_file(b)[:16]}")
    print("reproducible: retraining with the same seed gives byte-identical artifacts" if ok else "NOT reproducible")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="raw Kaggle CSV (default: the shared subset)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="registry folder of this model's versions")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--version", help="version folder name (default: UTC time YYYYMMDD-HHMMSS)")
    ap.add_argument("--creation-time", help="override creation_time, YYYY-MM-DDTHH:MM:SS.ffffffZ (UTC)")
    ap.add_argument("--check-reproducible", type=Path, metavar="VERSION_DIR",
                    help="retrain a version in a temp dir from its metadata and compare every artifact byte for byte")
    args = ap.parse_args(argv)

    if args.check_reproducible:
        return check_reproducible(args.check_reproducible, args.data if args.data != DEFAULT_DATA else None)

    now = datetime.now(timezone.utc)
    creation_time = args.creation_time or now.strftime(CREATION_TIME_FORMAT)
    if not CREATION_TIME_RE.match(creation_time):
        ap.error("--creation-time must look like 2026-12-03T16:15:00.123456Z")
    version = args.version or datetime.strptime(creation_time, CREATION_TIME_FORMAT).strftime("%Y%m%d-%H%M%S")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", version):
        ap.error("--version may hold letters, digits, '.', '_' and '-' only")
    train_version(args.data, args.out, args.seed, version, creation_time)
    return 0


if __name__ == "__main__":
    sys.exit(main())
