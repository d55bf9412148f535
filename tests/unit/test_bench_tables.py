"""bench/: the README tables rendered from the results JSON, and the peers' shared input."""

import importlib.util
import sys

import numpy as np
import pandas as pd

from support import ROOT


def _bench(name: str):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


MONTH = {
    "series": 2, "wall_s": 41.0, "cpu_s": 80.0, "load_start": [0.3, 0.2, 0.1],
    "load_end": [1.9, 0.9, 0.4],
    "selected": {"wape": 0.08, "rmspe": 0.11, "models": {"lgbm_global": 2}, "reasons": {}},
    "best_single": {"label": "lgbm_global", "wape": 0.08, "rmspe": 0.11},
    "selected_vs_best_single": 1.0,
    "candidates": {"lgbm_global": {"wape": 0.08, "rmspe": 0.11},
                   "stack": {"wape": 0.079, "rmspe": 0.112}},
    "phases": {},
}
CONTEXT = {"stores": 2, "cores": 2, "workers": 2, "commit": "abc1234",
           "created": "2026-12-05T10:00:00+00:00"}


def test_tables_render_every_month_and_replace_only_their_block(tmp_path):
    tables = _bench("tables")
    engine = tables.engine_table({**CONTEXT, "months": {"2015-07": MONTH}})
    assert "| 2015-07 | 0.0800 / 0.1100 | lgbm_global 2 | lgbm_global 0.1100 | 1.000 | 41 | 80 | " \
        "0.3–1.9 |" in engine
    assert "| 2015-07 | 0.0800 / 0.1100 | 0.0790 / 0.1120 |" in engine
    peers = tables.peers_table({**CONTEXT, "peers": ["ets", "prophet"], "months": {"2015-07": {
        "planfact": MONTH, "load_start": [1.0], "load_end": [2.0],
        "peers": {"ets": {"wape": 0.2, "rmspe": 0.3, "wall_s": 9, "cpu_s": 12},
                  "prophet": {"wape": 0.07, "rmspe": 0.15, "wall_s": 300, "cpu_s": 590}}}}})
    assert "0.2000 / 0.3000 (9 / 12)" in "\n".join(peers)
    assert peers[-1] == "planfact beats every peer in both WAPE and RMSPE in 0 of 1 months."
    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- bench/tables.py engine -->\nold\n<!-- end bench/tables.py engine -->"
                      "\nafter\n")
    assert tables.replace_in_readme(readme, {"engine": "new table", "peers": "x"}) == ["peers"]
    assert readme.read_text() == ("intro\n<!-- bench/tables.py engine -->\nnew table\n"
                                  "<!-- end bench/tables.py engine -->\nafter\n")


def test_peers_get_gap_free_training_days_and_plan_zero_on_closed_days():
    peers = _bench("peers")
    days = pd.date_range("2015-05-25", "2015-07-05", freq="D")
    y = np.where(days.day_of_week == 6, 0.0, 100.0 + days.day_of_week)
    y[10:17] = np.nan  # a week the file does not have
    data = pd.DataFrame({"series_id": 1, "ds": days, "y": y, "promo": 0,
                         "is_open": (days.day_of_week != 6).astype(int), "is_holiday": 0,
                         "school_holiday": 0})
    train, future = peers.split(data, pd.Timestamp("2015-06-30").date())
    assert train["y"].notna().all() and train["ds"].max() == pd.Timestamp("2015-06-30")
    filled = train.iloc[10:17]
    expected = np.where(filled["is_open"] > 0, 100.0 + filled["ds"].dt.day_of_week, 0.0)
    np.testing.assert_allclose(filled["y"], expected)
    assert "y" not in future and len(future) == 5
    forecast = pd.DataFrame({"unique_id": 1, "ds": future["ds"], "m": [-5.0, 7, 7, 7, 7]})
    out = peers.closed_zero(forecast, future, "m")
    assert list(out.columns) == ["series_id", "ds", "mean"]
    closed = future["is_open"].to_numpy() == 0
    assert (out["mean"][closed] == 0).all() and (out["mean"] >= 0).all()
