"""Model selection from backtest evidence, separate from the metrics themselves.

Grain of the evidence: one row per (series_id, model_key, fold, metric). A rule
averages each metric over folds, optionally pools series per group or globally,
drops candidates that break a constraint, scores the rest (the primary metric's
loss, or a weighted sum of losses each divided by the best candidate's loss so
units cancel), breaks ties by more metrics and then by the experiments file's
order. When no candidate meets the constraints, the best on the primary metric is
chosen (reason :data:`CONSTRAINT_FALLBACK`, a warning on the run); the named
``fallback`` only serves when no candidate has a score at all.

Pooling series (level ``group`` or ``global``) follows ``aggregate``:
``volume_weighted`` (default) weighs each series and fold by its volume (sum of
absolute actuals on open days), which makes WAPE and bias exactly the pooled WAPE and
bias of the group, so a tiny or intermittent series with a 600 % bias cannot veto a
model that is right on 99 % of the sales; ``median`` takes the median series;
``mean`` the plain mean of per-series values (the behaviour before, easily hijacked).
With a ``combination_margin`` a single model must beat the best qualifying
combination by that fraction of its score to be chosen: near-equal candidates differ
by noise over a few folds, and a combination of them is the lower-variance choice.

With a ``challenger_margin`` the rule is champion-challenger instead: the incumbent
(the configured ``incumbent`` when it qualifies, else the best single candidate) is kept
unless another qualifying candidate beats it by that fraction in *every* evaluation
fold. A mean over three folds cannot tell near-equal candidates apart, and a candidate
that wins two folds of three by luck wins the mean as often as not; consistent wins in
every fold are the evidence that separates. The reason names the incumbent, the
challenger and how many folds it won.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasting.metrics import MetricSpec

__all__ = ["SelectionRule", "parse_constraint", "select_models", "LEVELS", "AGGREGATES",
           "CONSTRAINT_FALLBACK"]

LEVELS = ("series", "group", "global")
AGGREGATES = ("volume_weighted", "median", "mean")
CONSTRAINT_FALLBACK = "fallback: no candidate met the constraints"


@dataclass(frozen=True)
class SelectionRule:
    """How to choose: see the module docstring. ``fallback`` is a model_key or None."""

    primary: str
    weights: Mapping[str, float] = field(default_factory=dict)
    constraints: Sequence[str] = ()
    tie_breakers: Sequence[str] = ()
    level: str = "series"
    group_by: str | None = None
    fallback: str | None = None
    aggregate: str = "volume_weighted"
    combination_margin: float = 0.0
    incumbent: str | None = None  # a model_key; None: the best single candidate of each unit
    challenger_margin: float = 0.0  # > 0: the champion-challenger rule (see _challenge)


_COMPARE = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.Eq: operator.eq, ast.NotEq: operator.ne,
}  # fmt: skip
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv}  # fmt: skip


def parse_constraint(text: str, metrics: Sequence[str]) -> Callable[[Mapping[str, float]], bool]:
    """Compile ``"abs(bias) <= 5"``-style text into a predicate on {metric: value}.

    Only metric names, numbers, ``abs``, arithmetic, comparisons and and/or/not are
    allowed: the experiments file is configuration, not code. A NaN metric fails.
    """
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"constraint {text!r} is not a valid expression ({exc.msg})") from exc

    def build(node: ast.AST) -> Callable[[Mapping[str, float]], float | bool]:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            value = float(node.value)
            return lambda m: value
        if isinstance(node, ast.Name):
            if node.id not in metrics:
                raise ValueError(f"constraint {text!r} uses {node.id!r}, not a computed metric")
            name = node.id
            return lambda m: m.get(name, math.nan)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id == "abs" and len(node.args) == 1 and not node.keywords:
            inner = build(node.args[0])
            return lambda m: abs(inner(m))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = build(node.operand)
            return lambda m: -inner(m)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = build(node.operand)
            return lambda m: not inner(m)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            op, left, right = _BINARY[type(node.op)], build(node.left), build(node.right)
            return lambda m: op(left(m), right(m))
        if isinstance(node, ast.BoolOp):
            parts = [build(v) for v in node.values]
            if isinstance(node.op, ast.And):
                return lambda m: all(p(m) for p in parts)
            return lambda m: any(p(m) for p in parts)
        if isinstance(node, ast.Compare) and all(type(o) in _COMPARE for o in node.ops):
            items = [build(node.left), *(build(c) for c in node.comparators)]
            ops = [_COMPARE[type(o)] for o in node.ops]
            return lambda m: all(
                op(items[i](m), items[i + 1](m)) for i, op in enumerate(ops)
            )
        raise ValueError(f"constraint {text!r}: {type(node).__name__} is not allowed")

    compiled = build(tree.body)
    return lambda m: bool(compiled(m))


def _scores(table: pd.DataFrame, rule: SelectionRule, specs: Mapping[str, MetricSpec]) -> pd.Series:
    """Score per candidate row of ``table`` (columns = metrics), lower is better."""
    def loss(metric: str) -> pd.Series:
        return table[metric].map(specs[metric].loss) if metric in table else \
            pd.Series(np.nan, index=table.index)

    if not rule.weights:
        return loss(rule.primary)
    total = sum(rule.weights.values())
    score = pd.Series(0.0, index=table.index)
    for metric, weight in rule.weights.items():
        values = loss(metric)
        best = values.min()
        # Relative to the best candidate so WAPE (a fraction) and MAE (units) can mix.
        scale = best if best and np.isfinite(best) and best > 0 else 1.0
        score = score + (weight / total) * values / scale
    return score


def _pool(evidence: pd.DataFrame, means: pd.DataFrame, aggregate: str,
          volumes: pd.DataFrame | None) -> pd.DataFrame:
    """One row per (unit, model_key), a column per metric, from per-series ``means`` (with a
    ``unit`` column) or, for ``volume_weighted``, from the fold evidence itself."""
    if aggregate == "mean":
        return means.drop(columns="series_id").groupby(["unit", "model_key"], sort=True).mean(
            ).reset_index()
    if aggregate == "median":
        return means.drop(columns="series_id").groupby(["unit", "model_key"], sort=True).median(
            ).reset_index()
    if aggregate != "volume_weighted":
        raise ValueError(f"aggregate must be one of {AGGREGATES}, got {aggregate!r}")
    units = means.drop_duplicates("series_id").set_index("series_id")["unit"]
    ev = evidence.assign(unit=evidence["series_id"].map(units))
    if volumes is not None:
        ev = ev.merge(volumes[["series_id", "fold", "volume"]], on=["series_id", "fold"],
                      how="left")
        ev["volume"] = ev["volume"].fillna(0.0)
    else:
        ev["volume"] = 1.0
    ev = ev[ev["value"].notna()]
    ev = ev.assign(weighted=ev["value"] * ev["volume"])
    sums = ev.groupby(["unit", "model_key", "metric"], sort=True)[["weighted", "volume"]].sum()
    pooled = (sums["weighted"] / sums["volume"].where(sums["volume"] > 0)).unstack("metric")
    return pooled.reset_index()


def _fold_pool(evidence: pd.DataFrame, units: pd.Series, aggregate: str,
               volumes: pd.DataFrame | None) -> pd.DataFrame:
    """One row per (unit, fold, model_key), a column per metric: the folds kept apart.

    ``units`` maps series_id -> unit. Pooled like :func:`_pool` (volume-weighted, median or
    mean of the series in the unit), one fold at a time.
    """
    ev = evidence[evidence["value"].notna()].assign(unit=evidence["series_id"].map(units))
    keys = ["unit", "fold", "model_key", "metric"]
    if aggregate == "volume_weighted" and volumes is not None:
        ev = ev.merge(volumes[["series_id", "fold", "volume"]], on=["series_id", "fold"],
                      how="left")
        ev = ev.assign(weighted=ev["value"] * ev["volume"].fillna(0.0),
                       volume=ev["volume"].fillna(0.0))
        sums = ev.groupby(keys, sort=True)[["weighted", "volume"]].sum()
        pooled = sums["weighted"] / sums["volume"].where(sums["volume"] > 0)
    elif aggregate == "median":
        pooled = ev.groupby(keys, sort=True)["value"].median()
    else:
        pooled = ev.groupby(keys, sort=True)["value"].mean()
    return pooled.unstack("metric")


def _fold_scores(folds: pd.DataFrame, keys: Sequence[str], rule: SelectionRule,
                 specs: Mapping[str, MetricSpec]) -> pd.DataFrame:
    """Score per fold (rows) and candidate (columns) of one unit, among ``keys`` only, so a
    weighted score is relative to the best of the same candidates in the same fold."""
    out = {}
    for fold, table in folds.groupby(level="fold", sort=True):
        table = table.droplevel("fold")
        out[fold] = _scores(table[table.index.isin(keys)], rule, specs)
    return pd.DataFrame(out).T.reindex(columns=list(keys))


def _challenge(fold_scores: pd.DataFrame, score: pd.Series, incumbent: str, keys: Sequence[str],
               rule: SelectionRule, name: Callable[[str], str]) -> tuple[str, str]:
    """The champion-challenger rule on one unit: ``(chosen key, reason)``.

    The incumbent stays unless a challenger beats it by ``challenger_margin`` in *every*
    evaluation fold the incumbent was scored on (a candidate missing such a fold cannot
    win it). Several such challengers: the lowest mean score. Near-equal candidates, or
    one that won 2 of 3 folds by luck, never replace the incumbent.
    """
    m = rule.challenger_margin
    own = fold_scores[incumbent].dropna()
    n = len(own)
    # ``- m * |score|``: a loss may be negative (a greater-is-better custom metric).
    wins = {k: int((fold_scores.loc[own.index, k] <= own - m * own.abs()).sum())
            for k in keys if k != incumbent}
    beat = [k for k, w in wins.items() if n and w == n]
    what = "weighted score" if rule.weights else rule.primary
    if beat:
        best = min(beat, key=lambda k: (score[k], keys.index(k)))
        return best, (f"challenger {name(best)} replaced the incumbent {name(incumbent)}: better "
                      f"by >= {m:.0%} in all {n} folds ({what} {score[best]:.4g} against "
                      f"{score[incumbent]:.4g})")
    if not wins:
        return incumbent, f"incumbent {name(incumbent)} kept: no challenger qualified"
    near = min(wins, key=lambda k: (score[k], -wins[k], keys.index(k)))
    return incumbent, (f"incumbent {name(incumbent)} kept ({what} {score[incumbent]:.4g}): no "
                       f"challenger beat it by {m:.0%} in every one of {n} folds; closest "
                       f"{name(near)} ({score[near]:.4g}) did in {wins[near]} of {n}")


def _choose(table: pd.DataFrame, folds: pd.DataFrame | None, rule: SelectionRule,
            specs: Mapping[str, MetricSpec], checks: Sequence[Callable[[Mapping[str, float]], bool]],
            order: Mapping[str, int], combinations: Sequence[str],
            name: Callable[[str], str]) -> tuple[str, float, str]:
    """``(model_key, score, reason)`` of one unit from its fold-mean ``table`` (candidates x
    metrics) and, for the champion-challenger rule, its per-fold ``folds``."""
    score = _scores(table, rule, specs)
    ok = score.notna()
    for check in checks:
        ok &= pd.Series([check(row.to_dict()) for _, row in table.iterrows()], index=table.index)
    if not ok.any():
        return _unqualified(table, score, rule, specs, order)
    keys = sorted((k for k in table.index if ok[k]), key=order.__getitem__)
    ranks = [(score[k], *(specs[t].loss(table.at[k, t]) if t in table else math.inf
                          for t in rule.tie_breakers), order[k]) for k in keys]
    ranks = [tuple(math.inf if isinstance(v, float) and math.isnan(v) else v for v in r)
             for r in ranks]
    best = keys[int(min(range(len(keys)), key=lambda i: ranks[i]))]
    what = "weighted score" if rule.weights else rule.primary
    qualified = f"{len(keys)} of {len(table)} qualified"
    if rule.challenger_margin > 0 and folds is not None:
        singles = [k for k in keys if k not in combinations]
        incumbent = rule.incumbent if rule.incumbent is not None and rule.incumbent in keys \
            else min(singles or keys, key=lambda k: ranks[keys.index(k)])
        chosen, reason = _challenge(_fold_scores(folds, keys, rule, specs), score, incumbent,
                                    keys, rule, name)
        return chosen, float(score[chosen]), f"{reason}; {qualified}"
    reason = f"lowest {what} among {len(keys)} of {len(table)} qualifying candidates"
    combos = [k for k in keys if k in combinations]
    if rule.combination_margin > 0 and best not in combinations and combos:
        combo = min(combos, key=lambda k: (score[k], order[k]))
        if score[combo] <= score[best] * (1 + rule.combination_margin):
            reason = (f"combination kept: {what} {score[combo]:.4g} within "
                      f"{rule.combination_margin:.0%} of the best single candidate "
                      f"{name(best)} ({score[best]:.4g}); {qualified}")
            best = combo
    return best, float(score[best]), reason


def _unqualified(table: pd.DataFrame, score: pd.Series, rule: SelectionRule,
                 specs: Mapping[str, MetricSpec], order: Mapping[str, int]) -> tuple[str, float, str]:
    """No candidate met the constraints: the best on the primary metric (a warning on the
    run), else the named fallback, else the first candidate in the file's order."""
    if rule.primary in table and table[rule.primary].notna().any():
        # Never a fixed weak model; the engine reports it as a warning on the run.
        loss = table[rule.primary].map(specs[rule.primary].loss)
        best = min(table.index, key=lambda k: (np.nan_to_num(loss[k], nan=math.inf), order[k]))
        return best, float(score[best]), f"{CONSTRAINT_FALLBACK}; best on {rule.primary}"
    if rule.fallback is not None:
        return rule.fallback, float(score.get(rule.fallback, math.nan)), \
            "fallback: no candidate had a score"
    best = min(table.index, key=lambda k: (np.nan_to_num(score[k], nan=math.inf), order[k]))
    return best, float(score[best]), "no candidate had a score and no fallback: first candidate"


def select_models(
    evidence: pd.DataFrame,
    rule: SelectionRule,
    specs: Mapping[str, MetricSpec],
    candidate_order: Sequence[str],
    groups: pd.Series | None = None,
    volumes: pd.DataFrame | None = None,
    combinations: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per series: ``(series_id, model_key, score, reason)``.

    ``evidence`` holds the folds that count (warm-up folds excluded by the caller);
    ``groups`` maps series_id -> group value when ``rule.level == "group"``; ``volumes``
    has one row per (series_id, fold) with its ``volume`` (for ``volume_weighted``; without
    it every series and fold weighs the same).
    ``combinations`` are the keys that ``rule.combination_margin`` prefers and that are
    never the implicit incumbent; ``labels`` name the keys in the reasons.
    """
    per_series = evidence.groupby(["series_id", "model_key", "metric"], sort=True)["value"].mean()
    means = per_series.unstack("metric").reset_index()
    series_ids = np.sort(evidence["series_id"].unique())
    if rule.level == "series":
        members = pd.Series(series_ids, index=series_ids)
    elif rule.level == "group":
        if groups is None:
            raise ValueError("selection level 'group' needs a group_by column")
        members = pd.Series(groups.reindex(series_ids).to_numpy(), index=series_ids)
    else:
        members = pd.Series("all", index=series_ids)
    means["unit"] = means["series_id"].map(members)
    if rule.level != "series":
        means = _pool(evidence, means, rule.aggregate, volumes)
    folds = _fold_pool(evidence, members, "mean" if rule.level == "series" else rule.aggregate,
                       volumes) if rule.challenger_margin > 0 else None
    checks = [parse_constraint(text, list(specs)) for text in rule.constraints]
    order = {key: i for i, key in enumerate(candidate_order)}
    name = (lambda k: labels.get(k, k)) if labels else (lambda k: k)
    by_unit = {} if folds is None else {u: t.droplevel("unit")
                                        for u, t in folds.groupby(level="unit", sort=False)}
    chosen: dict[object, tuple[str, float, str]] = {}
    for unit, table in means.groupby("unit", sort=True):
        table = table.set_index("model_key").drop(columns=["unit", "series_id"], errors="ignore")
        chosen[unit] = _choose(table[table.index.isin(order)], by_unit.get(unit), rule, specs,
                               checks, order, combinations, name)
    rows = []
    for series_id, unit in members.items():
        key, value, reason = chosen.get(unit, (rule.fallback, math.nan, "fallback: no evidence"))
        rows.append((series_id, key, value, reason))
    return pd.DataFrame(rows, columns=["series_id", "model_key", "score", "reason"])
