"""Live differential check, Python half: trains COUNT fresh random CatBoost models from SEED and
writes one fixture per model (same format as the corpus, see oracle.py) into OUT.

  .venv/bin/python packages/catboost/scripts/live_check.py --seed 123 --count 100 --out /tmp/live

The TypeScript half (scripts/live-check.ts) runs this, compares every fixture with the evaluator,
and copies any mismatching fixture to test/fixtures/regressions/. Models are small and fast:
thread_count=1, 2..12 iterations, a few hundred rows.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle import make_case, make_columns, write_fixture  # noqa: E402

CAT_KINDS = ["low", "high", "numeric_str", "int", "empty", "unicode", "long", "bool"]
CTR_TYPES = ["Borders", "Buckets", "BinarizedTargetMeanValue", "Counter"]
PRIORS = ["0/1", "0.5/1", "1/1", "0.25/1", "2/1"]


def random_ctr(rng: np.random.Generator, types: list[str]) -> str:
    t = types[rng.integers(len(types))]
    parts = [t]
    for _ in range(rng.integers(0, 3)):
        parts.append("Prior=" + PRIORS[rng.integers(len(PRIORS))])
    if rng.random() < 0.3:
        parts.append(f"CtrBorderCount={int(rng.choice([3, 15, 40]))}")
    return ":".join(parts)


def random_spec(rng: np.random.Generator, index: int) -> dict:
    floats = []
    for _ in range(rng.integers(0, 5)):
        f = {}
        if rng.random() < 0.4:
            f["nan"] = float(rng.choice([0.05, 0.2, 0.5]))
        if rng.random() < 0.2:
            f["inf"] = 0.03
        if rng.random() < 0.3:
            f["kind"] = str(rng.choice(["int", "uniform"]))
        if rng.random() < 0.1:
            f["scale"] = float(rng.choice([1e-4, 1e4]))
        floats.append(f)
    cats = [{"kind": str(k), "card": int(rng.choice([2, 3, 5, 12, 60, 400]))} for k in rng.choice(CAT_KINDS, size=rng.integers(0, 5))]
    if not floats and not cats:
        floats.append({})

    task_kind = rng.choice(["binary", "binary", "binary", "multiclass", "onevsall", "probability", "regression", "regression", "multiregression", "multilabel"])
    params: dict = {"iterations": int(rng.integers(2, 13)), "learning_rate": float(rng.choice([0.1, 0.3, 0.8]))}
    labels_choice = rng.integers(4)
    if task_kind == "binary":
        task = {"kind": "binary", "labels": [None, ["n", "y"], [False, True], [3, 7]][labels_choice]}
        if task["labels"] is None:
            del task["labels"]
        params["loss_function"] = "Logloss"
    elif task_kind in ("multiclass", "onevsall"):
        k = int(rng.integers(3, 6))
        task = {"kind": "multiclass", "classes": k}
        if labels_choice == 1:
            task["labels"] = [f"c{i}" for i in range(k)]
        params["loss_function"] = "MultiClass" if task_kind == "multiclass" else "MultiClassOneVsAll"
    elif task_kind == "probability":
        task = {"kind": "probability"}
        params["loss_function"] = "CrossEntropy"
    elif task_kind == "regression":
        loss = str(rng.choice(["RMSE", "MAE", "Quantile:alpha=0.7", "Poisson", "Huber:delta=1", "Expectile:alpha=0.6", "RMSEWithUncertainty"]))
        task = {"kind": "regression", "counts": loss == "Poisson", "offset": float(rng.normal() * 3)}
        params["loss_function"] = loss
    elif task_kind == "multiregression":
        task = {"kind": "multiregression", "dims": int(rng.integers(2, 4))}
        params["loss_function"] = "MultiRMSE"
    else:
        task = {"kind": "multilabel", "dims": int(rng.integers(2, 4))}
        params["loss_function"] = "MultiLogloss"

    policy = str(rng.choice(["SymmetricTree", "SymmetricTree", "Depthwise", "Lossguide"]))
    params["grow_policy"] = policy
    if policy == "Lossguide":
        params["max_leaves"] = int(rng.integers(2, 40))
    else:
        params["depth"] = int(rng.integers(0 if policy == "SymmetricTree" else 1, 9))
    if cats:
        params["one_hot_max_size"] = int(rng.choice([1, 2, 3, 4, 10, 255]))
        params["max_ctr_complexity"] = int(rng.integers(1, 5))
        # Multi-target losses get one CTR target classifier per dimension, which JSON cannot express.
        types = ["Counter"] if task_kind in ("multiregression", "multilabel") else CTR_TYPES
        if rng.random() < 0.7:
            params["simple_ctr"] = list(dict.fromkeys(random_ctr(rng, types) for _ in range(rng.integers(1, 3))))
        if rng.random() < 0.7:
            params["combinations_ctr"] = list(dict.fromkeys(random_ctr(rng, types) for _ in range(rng.integers(1, 3))))
        elif types == ["Counter"]:
            params["combinations_ctr"] = ["Counter"]
        if types == ["Counter"] and "simple_ctr" not in params:
            params["simple_ctr"] = ["Counter"]
        if rng.random() < 0.2:
            params["counter_calc_method"] = str(rng.choice(["Full", "SkipTest"]))
    nan_mode = str(rng.choice(["Min", "Max", "Forbidden"]))
    params["nan_mode"] = nan_mode
    if nan_mode == "Forbidden":
        for f in floats:
            f["nan"], f["test_nan"] = 0.0, 0.1
    if rng.random() < 0.3:
        params["border_count"] = int(rng.choice([4, 32, 254, 600]))
    after_fit = None
    r = rng.random()
    if task_kind == "binary" and r < 0.2:
        t = float(rng.choice([0.2, 0.35, 0.65]))
        after_fit = lambda m: m.set_probability_threshold(t)  # noqa: E731
    elif r < 0.35:
        dims = {"multiclass": task.get("classes", 1), "onevsall": task.get("classes", 1), "multiregression": task.get("dims", 1),
                "multilabel": task.get("dims", 1)}.get(task_kind, 2 if params["loss_function"] == "RMSEWithUncertainty" else 1)
        scale, bias = float(rng.choice([0.5, 1.5])), [float(x) for x in rng.normal(size=dims)]
        after_fit = lambda m: m.set_scale_and_bias(scale, bias)  # noqa: E731
    return {"name": f"live-{index}", "floats": floats, "cats": cats, "task": task, "params": params, "after_fit": after_fit,
            "n_train": int(rng.integers(120, 400))}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    started = time.time()
    written, skipped = 0, []
    for i in range(args.count):
        spec = random_spec(rng, i)
        case_seed = int(rng.integers(1 << 30))
        name = f"live-{args.seed}-{i}"
        try:
            cols = make_columns(np.random.default_rng(case_seed + 1), spec["floats"], spec["cats"])
            fixture = make_case(name, json.dumps({"seed": args.seed, "index": i}), spec["params"], cols, spec["task"], case_seed,
                                n_train=spec["n_train"], n_test=60, n_border=20, after_fit=spec["after_fit"])
        except Exception as e:  # CatBoost refused the random configuration: not a parity question.
            skipped.append({"index": i, "params": spec["params"], "error": f"{type(e).__name__}: {e}".splitlines()[0][:300]})
            continue
        write_fixture(fixture, os.path.join(args.out, f"{name}.json"))
        written += 1
    summary = {"seed": args.seed, "written": written, "skipped": skipped, "seconds": round(time.time() - started, 1)}
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps({k: v for k, v in summary.items() if k != "skipped"} | {"skipped": len(skipped)}))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:
        traceback.print_exc()
        sys.exit(1)
