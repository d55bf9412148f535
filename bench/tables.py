"""README tables rendered from the bench results (bench/results/engine.json, peers.json).

    python bench/tables.py              # print the tables (markdown)
    python bench/tables.py --readme     # replace them in README.md between their markers

README.md holds each table between ``<!-- bench/tables.py NAME -->`` and
``<!-- end bench/tables.py NAME -->``; nothing else of the README is touched. A results file
that is missing leaves its table as it is (the integrator runs the benches alone).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def _pair(rec: dict) -> str:
    return f"{rec['wape']:.4f} / {rec['rmspe']:.4f}"


def _load(rec: dict) -> str:
    return f"{rec['load_start'][0]:.1f}–{rec['load_end'][0]:.1f}"


def engine_table(data: dict) -> list[str]:
    """Per month: selected, best single candidate, ratio, wall, CPU, load; then every candidate."""
    months = data["months"]
    lines = [f"`bench/engine.py`, {data['stores']} stores, {data['cores']} cores, workers "
             f"{data['workers']}, commit {data['commit']}, {data['created'][:10]}:", "",
             "| month | selected WAPE / RMSPE | chosen | best single: RMSPE | selected / best | "
             "wall s | CPU s | load avg start–end |", "|---|---|---|---|---|---|---|---|"]
    for month, rec in months.items():
        sel, best = rec["selected"], rec["best_single"]
        chosen = ", ".join(f"{k} {v}" for k, v in sel["models"].items())
        lines.append(f"| {month} | {_pair(sel)} | {chosen} | {best['label']} {best['rmspe']:.4f} | "
                     f"{rec['selected_vs_best_single']:.3f} | {rec['wall_s']:.0f} | "
                     f"{rec['cpu_s']:.0f} | {_load(rec)} |")
    labels = list(next(iter(months.values()))["candidates"]) if months else []
    lines += ["", "| month | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
    for month, rec in months.items():
        lines.append(f"| {month} | " + " | ".join(
            _pair(rec["candidates"][label]) if label in rec["candidates"] else "–"
            for label in labels) + " |")
    return lines


def peers_table(data: dict) -> list[str]:
    """Per month: planfact and every peer, WAPE / RMSPE and wall / CPU seconds."""
    peers = data["peers"]
    lines = [f"`bench/peers.py`, {data['stores']} stores, {data['cores']} cores, workers "
             f"{data['workers']}, commit {data['commit']}, {data['created'][:10]}; WAPE / RMSPE, "
             "then wall / CPU seconds:", "",
             "| month | planfact | " + " | ".join(peers) + " | load avg start–end |",
             "|---|---|" + "---|" * len(peers) + "---|"]
    wins = 0
    for month, rec in data["months"].items():
        plan = rec["planfact"]
        cells = [f"**{_pair(plan['selected'])}** ({plan['wall_s']:.0f} / {plan['cpu_s']:.0f})"]
        beats = True
        for name in peers:
            peer = rec["peers"].get(name, {})
            if "wape" not in peer:
                cells.append("failed")
                beats = False
                continue
            beats &= plan["selected"]["wape"] < peer["wape"] and \
                plan["selected"]["rmspe"] < peer["rmspe"]
            cells.append(f"{_pair(peer)} ({peer['wall_s']:.0f} / {peer['cpu_s']:.0f})")
        wins += beats
        lines.append(f"| {month} | " + " | ".join(cells) + f" | {_load(rec)} |")
    lines += ["", f"planfact beats every peer in both WAPE and RMSPE in {wins} of "
              f"{len(data['months'])} months."]
    return lines


TABLES: dict[str, tuple[str, Callable[[dict], list[str]]]] = {
    "engine": ("engine.json", engine_table), "peers": ("peers.json", peers_table)}


def rendered() -> dict[str, str]:
    """``{name: markdown}`` of every table whose results file exists."""
    out = {}
    for name, (file, render) in TABLES.items():
        path = RESULTS / file
        if path.exists():
            out[name] = "\n".join(render(json.loads(path.read_text(encoding="utf-8"))))
    return out


def replace_in_readme(readme: Path, tables: dict[str, str]) -> list[str]:
    """Put each table between its markers in ``readme``; the names that had no markers."""
    text = readme.read_text(encoding="utf-8")
    missing = []
    for name, table in tables.items():
        pattern = re.compile(rf"(<!-- bench/tables.py {name} -->\n).*?(<!-- end bench/tables.py "
                             rf"{name} -->)", re.DOTALL)
        if not pattern.search(text):
            missing.append(name)
            continue
        text = pattern.sub(lambda m, t=table: f"{m.group(1)}{t}\n{m.group(2)}", text)
    readme.write_text(text, encoding="utf-8")
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", action="store_true", help="rewrite the tables in README.md")
    args = parser.parse_args()
    tables = rendered()
    if not tables:
        print(f"no results in {RESULTS} (run bench/engine.py and bench/peers.py)", file=sys.stderr)
        return 1
    if args.readme:
        missing = replace_in_readme(ROOT / "README.md", tables)
        if missing:
            print(f"README.md has no markers for {missing}", file=sys.stderr)
            return 1
        return 0
    print("\n\n".join(tables.values()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
