"""The learned stack: weights recovered from a known mixture, never learned on the fold."""

from types import SimpleNamespace

import numpy as np
import pytest

from forecasting.models.stack import Stack, add_stack_outputs, stack_weights


def test_nnls_recovers_a_known_mixture():
    rng = np.random.default_rng(0)
    n = 5000
    truth = 100 * np.exp(rng.normal(0, 0.3, n))
    members = np.column_stack([truth * np.exp(rng.normal(0, 0.2, n)) for _ in range(3)])
    y = 0.6 * members[:, 0] + 0.4 * members[:, 1] + rng.normal(0, 0.5, n)
    weights = stack_weights(y, members, "nnls")
    assert weights == pytest.approx([0.6, 0.4, 0.0], abs=0.02)


def test_nnls_weights_are_non_negative_and_skip_bad_rows():
    rng = np.random.default_rng(1)
    F = rng.uniform(50, 150, size=(400, 2))
    y = 1.1 * F[:, 1] - 0.2 * F[:, 0]  # a negative true weight is clipped to 0
    y[:5], F[5, 0] = 0.0, np.nan
    weights = stack_weights(y, F)
    assert weights[0] == 0.0 and weights[1] > 0.8


def test_inverse_weights_favour_the_smaller_error():
    rng = np.random.default_rng(2)
    y = rng.uniform(50, 150, 1000)
    F = np.column_stack([y * (1 + rng.normal(0, 0.05, 1000)), y * (1 + rng.normal(0, 0.2, 1000))])
    weights = stack_weights(y, F, "inverse")
    assert weights.sum() == pytest.approx(1.0) and weights[0] > 3 * weights[1]


def test_each_period_uses_only_earlier_periods():
    rng = np.random.default_rng(3)
    periods = [SimpleNamespace(number=k, start=10 * k, end=10 * k + 9) for k in range(3)]
    series = []
    for sid in range(20):
        y = rng.uniform(50, 150, 30)
        X = np.column_stack([np.arange(30), np.zeros(30), np.ones(30), np.zeros(30),
                             np.zeros(30)]).astype(float)
        outputs = {}
        for p in periods:
            part = y[p.start : p.end + 1]
            # Member "a" is exact in period 0 and 1; in period 2 "b" is, which the stack
            # of period 2 must not know.
            good, bad = part, part * rng.uniform(0.5, 1.5, 10)
            outputs[("a", p.number)] = {"mean": bad if p.number == 2 else good}
            outputs[("b", p.number)] = {"mean": good if p.number == 2 else bad}
        series.append((sid, y, X, outputs))
    learned = add_stack_outputs(series, [("s", Stack(), ["a", "b"])], periods)
    assert 0 not in learned["s"]  # nothing earlier to learn from
    assert learned["s"][2] == pytest.approx([1.0, 0.0], abs=1e-6)
    _, _, _, outputs = series[0]
    assert np.allclose(outputs[("s", 2)]["mean"], outputs[("a", 2)]["mean"])


def test_stack_configuration_is_validated():
    with pytest.raises(ValueError, match="method"):
        Stack(method="mean")
    with pytest.raises(ValueError, match="2 members"):
        Stack(members=["profile"])
