#!/usr/bin/env python3
"""Optuna's TPE on a bench objective, for bench:optimize: reads a JSON job as the first line of
stdin and prints one JSON line per seed: {"seed", "best_params", "best_value"}.

- {function, seeds, trials}: a test function, evaluated here (the same formulas as
  @saber/optimize's test functions).
- {objective, space, direction, seeds, trials}: an objective the bench evaluates (the XRM cell
  detection), so Optuna scores exactly what SABER's samplers score: for every trial this prints
  {"evaluate": params} and reads the value back from stdin as one JSON line {"value": v}.
  `space` is the bench's search space (@saber/optimize dimensions: int, float, log float)."""
import json
import math
import sys

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def branin(p):
    x1, x2 = p["x1"], p["x2"]
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991], [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
ALPHA = [1.0, 1.2, 3.0, 3.2]


def hartmann6(p):
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (p[f"x{j + 1}"] - P[i][j] * 1e-4) ** 2 for j in range(6))) for i in range(4))


def noisy4d_exact(p):
    return 4 * (p["x"] - 0.3) ** 2 + (math.log10(p["lr"]) + 2) ** 2 / 4 + ((p["n"] - 7) / 10) ** 2 + {"a": 0.3, "b": 0.0, "c": 0.6}[p["mode"]]


def suggest(trial, name):
    if name == "branin":
        return {"x1": trial.suggest_float("x1", -5, 10), "x2": trial.suggest_float("x2", 0, 15)}
    if name == "hartmann6":
        return {f"x{i}": trial.suggest_float(f"x{i}", 0, 1) for i in range(1, 7)}
    return {
        "x": trial.suggest_float("x", 0, 1),
        "lr": trial.suggest_float("lr", 1e-4, 1, log=True),
        "n": trial.suggest_int("n", 1, 20),
        "mode": trial.suggest_categorical("mode", ["a", "b", "c"]),
    }


def suggest_space(trial, space):
    params = {}
    for d in space:
        if d["kind"] == "int":
            params[d["name"]] = trial.suggest_int(d["name"], d["low"], d["high"], step=d.get("step", 1))
        elif d["kind"] == "float":
            params[d["name"]] = trial.suggest_float(d["name"], d["low"], d["high"], log=d.get("log", False))
        else:
            raise ValueError(f"optuna-tpe.py: unsupported dimension kind {d['kind']!r} ({d['name']})")
    return params


def evaluate_remote(params):
    """Asks the bench (our parent) to evaluate params; its answer is the next line of stdin."""
    print(json.dumps({"evaluate": params}), flush=True)
    line = sys.stdin.readline()
    if not line:
        raise RuntimeError("optuna-tpe.py: the bench closed stdin before answering an evaluation")
    return json.loads(line)["value"]


def main_remote(job):
    for seed in job["seeds"]:
        study = optuna.create_study(direction=job["direction"], sampler=optuna.samplers.TPESampler(seed=seed))
        study.optimize(lambda trial: evaluate_remote(suggest_space(trial, job["space"])), n_trials=job["trials"])
        print(json.dumps({"seed": seed, "best_params": study.best_params, "best_value": study.best_value}), flush=True)


def main():
    job = json.loads(sys.stdin.readline())
    if "space" in job:
        return main_remote(job)
    name = job["function"]
    for seed in job["seeds"]:
        noise = __import__("random").Random(seed)

        def objective(trial):
            p = suggest(trial, name)
            if name == "branin":
                return branin(p)
            if name == "hartmann6":
                return hartmann6(p)
            return noisy4d_exact(p) + 0.1 * noise.gauss(0, 1)

        study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed))
        study.optimize(objective, n_trials=job["trials"])
        print(json.dumps({"seed": seed, "best_params": study.best_params, "best_value": study.best_value}), flush=True)


if __name__ == "__main__":
    main()
