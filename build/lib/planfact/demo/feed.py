"""The demo's monthly feed: which files arrive in the landing folder at which step.

Step 0 brings the reference data, the backlog of history in one file and the known
promotions of the first replayed month; each later step brings one closed month's actuals
and the next month's plan file. One step (the third, or the last when fewer) also re-issues
the first replayed month with a few days corrected: a restatement arriving along the way.

The files are prepared once in ``<state_dir>/demo/<name>/feed`` and copied into the landing
folder step by step, the way a monthly feed arrives. Names follow ``planfact.pipeline``.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from forecasting.calendar import add_months, months_between, next_month
from planfact.errors import UsageError

__all__ = ["FeedStep", "DemoFeed", "synthetic_feed", "real_feed", "LAST_SYNTHETIC_MONTH"]

# The synthetic replay ends here; data are generated up to the month after (its plan file).
LAST_SYNTHETIC_MONTH = date(2015, 12, 1)
RESTATE_AT_STEP = 3


@dataclass(frozen=True)
class FeedStep:
    """One monthly step: the files that arrive, the month it closes, what it re-issues."""

    index: int
    closed_month: date
    files: tuple[Path, ...]
    restated: date | None = None
    history_from: date | None = None  # set on step 0: the backlog covers history_from..closed_month

    @property
    def label(self) -> str:
        """``history 2013-01..2015-06`` for step 0, else the closed month."""
        if self.history_from is not None:
            return f"history {self.history_from:%Y-%m}..{self.closed_month:%Y-%m}"
        return f"{self.closed_month:%Y-%m}"

    @property
    def forecast_month(self) -> date:
        """The month this step forecasts (and plans): the one after the closed month."""
        return next_month(self.closed_month)

    @property
    def reports(self) -> bool:
        """Replayed months are reported; the history step has no plan to compare with."""
        return self.history_from is None


@dataclass(frozen=True)
class DemoFeed:
    """Everything the demo replays: a description, the feed folder and the steps in order."""

    name: str
    description: str
    feed_dir: Path
    steps: list[FeedStep] = field(default_factory=list)

    def stage_until(self, step: FeedStep, landing_dir: Path) -> None:
        """Make ``landing_dir`` hold the files of the steps up to ``step``, and none of later ones.

        A later step's file left from an earlier run (a restatement, say) would otherwise be
        picked up too early. Copies are atomic; identical files are kept.
        """
        landing_dir.mkdir(parents=True, exist_ok=True)
        later = {p.name for s in self.steps if s.index > step.index for p in s.files}
        for name in later:
            (landing_dir / name).unlink(missing_ok=True)
        for source in (p for s in self.steps if s.index <= step.index for p in s.files):
            target = landing_dir / source.name
            same_size = target.is_file() and target.stat().st_size == source.stat().st_size
            if same_size and target.read_bytes() == source.read_bytes():
                continue
            partial = landing_dir / f".{source.name}.part"  # the pipeline ignores this name
            shutil.copyfile(source, partial)
            partial.replace(target)

    def clear_landing(self, landing_dir: Path) -> None:
        """Remove every feed file from ``landing_dir`` (a reset starts the feed over)."""
        for name in {p.name for s in self.steps for p in s.files}:
            (landing_dir / name).unlink(missing_ok=True)


def _restate_step(months: int) -> int:
    return min(RESTATE_AT_STEP, months)


def _write_synthetic(feed_dir: Path, size: str, seed: int, steps: list[FeedStep]) -> None:
    """Generate the data and write every file the steps name (in the files module's names)."""
    from planfact.demo.synthetic import generate
    from planfact.demo.synthetic.files import (
        write_history,
        write_month_files,
        write_plan,
        write_reference_files,
        write_restatement,
    )

    end = add_months(LAST_SYNTHETIC_MONTH, 2)  # exclusive: generate the month after the replay too
    data = generate(size, seed=seed, start="2013-01-01", end=date.fromordinal(end.toordinal() - 1))
    written: list[Path | None] = list(write_reference_files(data, feed_dir).values())
    written.append(write_history(data, feed_dir, before=steps[1].closed_month))
    written.append(write_plan(data, feed_dir, steps[1].closed_month))
    for step in steps[1:]:
        files = write_month_files(data, feed_dir, step.closed_month)
        written += [files.actuals, files.plan]
        if step.restated:
            written.append(write_restatement(data, feed_dir, step.restated))
    expected = {p for s in steps for p in s.files}
    if set(written) != expected:  # the names below and the writers' names must agree
        raise AssertionError(f"feed files differ from the plan: {sorted(map(str, set(written) ^ expected))}")


def synthetic_feed(demo_dir: Path, *, size: str, months: int, seed: int = 7) -> DemoFeed:
    """The feed of a ``months``-month replay of generated data of ``size``, ending 2015-12.

    The files are written once; a manifest of what was generated lets a re-run reuse them.
    """
    from planfact.demo.synthetic import GENERATOR_VERSION, SIZES

    if size not in SIZES:
        raise UsageError(f"--size: unknown size {size!r}; choose one of {', '.join(SIZES)}")
    if not 1 <= months <= 24:
        raise UsageError(f"--months: expected 1..24 months to replay, got {months}")
    feed_dir = demo_dir / "feed"
    first = add_months(LAST_SYNTHETIC_MONTH, -(months - 1))
    history_end = add_months(first, -1)
    reference = (feed_dir / "stores.csv.gz", feed_dir / "holidays_events.csv.gz")
    history = feed_dir / f"actuals_{history_end:%Y-%m}_history.csv.gz"
    step0 = (*reference, history, feed_dir / f"plan_{first:%Y-%m}.csv.gz")
    steps = [FeedStep(0, history_end, step0, history_from=date(2013, 1, 1))]
    for index, month in enumerate(months_between(first, LAST_SYNTHETIC_MONTH), start=1):
        arriving = [
            feed_dir / f"actuals_{month:%Y-%m}.csv.gz",
            feed_dir / f"plan_{next_month(month):%Y-%m}.csv.gz",
        ]
        restated = None
        if index == _restate_step(months):
            restated = first if index > 1 else history_end
            arriving.append(feed_dir / f"actuals_{restated:%Y-%m}_restated.csv.gz")
        steps.append(FeedStep(index, month, tuple(arriving), restated=restated))

    manifest = feed_dir / "manifest.json"
    key = {"generator": GENERATOR_VERSION, "size": size, "seed": seed, "months": months}
    files = sorted(p.name for s in steps for p in s.files)
    current = json.loads(manifest.read_text()) if manifest.is_file() else None
    if current != {**key, "files": files} or not all((feed_dir / f).is_file() for f in files):
        manifest.unlink(missing_ok=True)
        feed_dir.mkdir(parents=True, exist_ok=True)
        _write_synthetic(feed_dir, size, seed, steps)
        manifest.write_text(json.dumps({**key, "files": files}, indent=1))
    description = f"synthetic Favorita-like data, size {size}: {SIZES[size].description}, seed {seed}"
    return DemoFeed(name=size, description=description, feed_dir=feed_dir, steps=steps)


# ---------------------------------------------------------------------------------------------
# A real Kaggle history (--data DIR), cut into months by the loader's split_months.

_MONTH_IN_NAME = re.compile(r"(\d{4})-(\d{2})")


def _find(data_dir: Path, pattern: str) -> Path | None:
    found = sorted(p for p in data_dir.glob(pattern) if p.is_file())
    return found[0] if found else None


def _concatenate(parts: list[Path], target: Path) -> Path:
    """Concatenate CSV(.gz) files of one layout into one gzip CSV, keeping the first header."""
    partial = target.with_name(target.name + ".partial")
    with open(partial, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        for number, part in enumerate(parts):
            opener = gzip.open if part.name.endswith(".gz") else open
            with opener(part, "rb") as handle:
                header = handle.readline()
                if number == 0:
                    out.write(header)
                shutil.copyfileobj(handle, out)
    partial.replace(target)
    return target


def _restate_real(source: Path, target: Path, *, rows: int = 3) -> Path:
    """Re-issue ``source`` with ``rows`` sales values lowered by 7% (a late correction)."""
    import numpy as np
    import pandas as pd

    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    column = next((c for c in frame.columns if c.lower() == "sales"), None)
    if column is None:
        raise UsageError(f"{source}: no sales column to restate (columns: {', '.join(frame.columns)})")
    values = pd.to_numeric(frame[column], errors="coerce")
    selling = np.flatnonzero(values.fillna(0).to_numpy() > 0)
    picked = selling[np.linspace(0, len(selling) - 1, num=min(rows, len(selling))).astype(int)]
    whole = frame[column].str.fullmatch(r"\d+").to_numpy()
    for row in picked:
        new = values.iloc[row] * 0.93
        frame.loc[frame.index[row], column] = str(round(new)) if whole[row] else f"{new:.3f}"
    from planfact.demo.synthetic.files import write_csv_gz

    return write_csv_gz(frame, target)


def real_feed(demo_dir: Path, data_dir: Path, *, months: int) -> DemoFeed:
    """The feed of a real history in ``data_dir``: its last ``months`` months are replayed."""
    from planfact.actuals import split_months

    if not data_dir.is_dir():
        raise UsageError(f"--data: {data_dir} is not a folder")
    train = _find(data_dir, "train*.csv*")
    if train is None:
        raise UsageError(f"--data: {data_dir} has no train*.csv[.gz] file with the daily sales")
    feed_dir = demo_dir / "feed"
    split_dir = demo_dir / "split"
    marker = split_dir / ".complete"
    if not marker.is_file() or marker.read_text() != f"{train.resolve()} {train.stat().st_size}":
        shutil.rmtree(split_dir, ignore_errors=True)
        shutil.rmtree(feed_dir, ignore_errors=True)  # files cut from another history are stale
        split_months(train, split_dir)
        marker.write_text(f"{train.resolve()} {train.stat().st_size}")
    actuals: dict[date, Path] = {}
    plans: dict[date, Path] = {}
    for path in sorted(split_dir.iterdir()):
        match = _MONTH_IN_NAME.search(path.name)
        if match and ".csv" in path.name:
            month = date(int(match[1]), int(match[2]), 1)
            (plans if path.name.startswith("plan") else actuals)[month] = path
    ordered = sorted(actuals)
    if len(ordered) < months + 1:
        raise UsageError(
            f"--months: {train} holds {len(ordered)} months; the demo needs at least one month "
            f"of history before the {months} it replays"
        )
    replay, backlog = ordered[-months:], ordered[:-months]
    feed_dir.mkdir(parents=True, exist_ok=True)
    step0: list[Path] = []
    stores = _find(data_dir, "store*.csv*")
    if stores is not None:
        step0.append(_copy(stores, feed_dir / ("stores" + _suffix(stores))))
    holidays = _find(data_dir, "holiday*.csv*")
    if holidays is not None:
        step0.append(_copy(holidays, feed_dir / ("holidays" + _suffix(holidays))))
    history = feed_dir / f"actuals_{backlog[-1]:%Y-%m}_history.csv.gz"
    if not history.is_file():
        _concatenate([actuals[m] for m in backlog], history)
    step0.append(history)
    step0 += _plan_copies(plans, feed_dir, replay[0])
    steps = [FeedStep(0, backlog[-1], tuple(step0), history_from=backlog[0])]
    for index, month in enumerate(replay, start=1):
        arriving = [_copy(actuals[month], feed_dir / f"actuals_{month:%Y-%m}{_suffix(actuals[month])}")]
        arriving += _plan_copies(plans, feed_dir, next_month(month))
        restated = None
        if index == _restate_step(months):
            restated = replay[0] if index > 1 else backlog[-1]
            target = feed_dir / f"actuals_{restated:%Y-%m}_restated.csv.gz"
            arriving.append(target if target.is_file() else _restate_real(actuals[restated], target))
        steps.append(FeedStep(index, month, tuple(arriving), restated=restated))
    description = f"real history from {train} ({ordered[0]:%Y-%m}..{ordered[-1]:%Y-%m})"
    return DemoFeed(name=f"data-{data_dir.resolve().name}", description=description, feed_dir=feed_dir,
                    steps=steps)


def _suffix(path: Path) -> str:
    return ".csv.gz" if path.name.endswith(".gz") else ".csv"


def _copy(source: Path, target: Path) -> Path:
    if not target.is_file() or target.stat().st_size != source.stat().st_size:
        shutil.copyfile(source, target)
    return target


def _plan_copies(plans: dict[date, Path], feed_dir: Path, month: date) -> list[Path]:
    if month not in plans:
        return []
    return [_copy(plans[month], feed_dir / f"plan_{month:%Y-%m}{_suffix(plans[month])}")]
