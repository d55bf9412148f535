"""What finance reads in the report, checked on a small known dataset (tests/support/report_dataset):
labels instead of ids, the variance bridge, the narrative, units, partial months and returns.

Every expected figure is computed here from the dataset's facts, independently of the mart.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import psycopg
import pytest
from markupsafe import escape
from openpyxl import load_workbook

from planfact.config import Settings
from planfact.errors import UsageError
from planfact.reporting.data import load_report_data
from planfact.reporting.month import render_month_report
from reports.bridge import build_bridge
from reports.html import money
from reports.model import Units
from reports.narrative import narrative
from support.office import assert_not_blank, ensure_tool, pdf_pages, pdf_text, recalculate, screenshot, to_pdf
from support.report_dataset import (
    AUGUST,
    AUGUST_DAYS,
    CLOSED,
    GROUPS,
    JULY,
    STORES,
    Fact,
    facts,
    group_label,
    load_known_dataset,
    series_id,
    series_label,
    store_label,
)


@pytest.fixture
def known(conn: psycopg.Connection) -> dict[str, int]:
    return load_known_dataset(conn)


def ids() -> dict[str, str]:
    """Every internal id a report could show -> the label that must stand beside it."""
    found = {store: store_label(store) for store, *_ in STORES}
    found.update({str(series_id(s, g)): series_label(s, g) for s, *_ in STORES for g, _ in GROUPS})
    found.update({g: group_label(g) for g, _ in GROUPS if group_label(g) != g})
    return found


def _mentions(text: str, ident: str) -> bool:
    """``ident`` as a whole token (not inside a number such as 12,701.5 or a word)."""
    return re.search(rf"(?<![\w.,]){re.escape(ident)}(?![\w.,])", text) is not None


def variance_by(rows: list[Fact], key: Callable[[Fact], str]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for f in rows:
        if f.actual is not None:
            out[key(f)] += f.actual - f.plan
    return dict(out)


class _Texts(HTMLParser):
    """Table rows as lists of cell texts; every other visible text (and aria-labels) loose."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.loose: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style")
        self.loose += [v for k, v in attrs if k == "aria-label" and v]
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._row is None and data.strip():
            self.loose.append(data.strip())


def assert_no_bare_ids_in_html(page: str) -> int:
    """No id is ever the only name: a row naming an id names its label too, and so does any
    other text (headings, chart titles and axes, the narrative). Returns the ids seen."""
    parser = _Texts()
    parser.feed(page)
    seen = 0
    for row in parser.rows:
        for ident, label in ids().items():
            if any(_mentions(cell, ident) for cell in row):
                seen += 1
                assert any(label in cell for cell in row), f"row {row} shows id {ident} without {label!r}"
    for text in parser.loose:
        for ident, label in ids().items():
            if _mentions(text, ident):
                assert label in text, f"{text!r} shows id {ident} without {label!r}"
    return seen


def _chart_titles(ws) -> list[str]:
    titles = []
    for chart in ws._charts:
        rich = chart.title.tx.rich if chart.title and chart.title.tx else None
        titles.append("".join(r.t for p in (rich.p if rich else []) for r in (p.r or [])))
    return titles


def assert_no_bare_ids_in_workbook(path: Path) -> int:
    """The same on every sheet: a row with an id cell has its label; chart titles name labels."""
    wb = load_workbook(path)
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            texts = [str(v) for v in row if v is not None and not str(v).startswith("=")]  # no formulas
            for ident, label in ids().items():
                if any(_mentions(t, ident) for t in texts):
                    seen += 1
                    assert any(label in t for t in texts), f"{ws.title}: {texts} shows {ident} alone"
        for title in _chart_titles(ws):
            for ident, label in ids().items():
                assert not _mentions(title, ident) or label in title, f"{ws.title} chart {title!r}"
    return seen


def test_labels_name_every_member_and_ids_stay_a_column(
    known, conn, settings: Settings, tmp_path: Path
) -> None:
    xlsx, html = render_month_report(settings, "2015-07", out_dir=tmp_path)
    data = load_report_data(conn, JULY, tolerance=0.02)
    assert {r.member: r.label for r in data.levels["store"]} == {s: store_label(s) for s, *_ in STORES}
    assert {r.member: r.label for r in data.levels["series"]} == {
        str(series_id(s, g)): series_label(s, g) for s, *_ in STORES for g, _ in GROUPS
    }
    assert {r.label for r in data.levels["group"]} == {"GROCERY I", "BEVERAGES", "Dairy"}
    assert {r.label for r in data.levels["store_type"]} == {"type A", "type B", "type c"}
    assert data.misses_absolute[0].name == store_label(CLOSED[0])

    assert assert_no_bare_ids_in_html(html.read_text(encoding="utf-8")) >= 15 + 5
    assert assert_no_bare_ids_in_workbook(xlsx) >= 15 + 5

    ws = load_workbook(xlsx)["Series"]
    header = [c.value for c in ws[4]]
    assert header[:2] == ["Series", "Series id"]
    first = ws["A5"]
    assert first.data_type == "s" and first.number_format == "@"  # text that sorts and filters
    assert ws.auto_filter.ref.startswith("A4:")
    labels = {ws[f"B{r}"].value: ws[f"A{r}"].value for r in range(5, 20)}
    # numeric ids are numbers (sort 2 before 10, VLOOKUP of a typed id finds them)
    assert labels == {series_id(s, g): series_label(s, g) for s, *_ in STORES for g, _ in GROUPS}
    assert ws["B5"].data_type == "n" and ws["B5"].number_format == "0"


def test_bridge_steps_add_up_to_the_total_variance(known, conn, settings: Settings, tmp_path: Path) -> None:
    july = facts(JULY)
    total = sum(f.actual - f.plan for f in july if f.actual is not None)
    by_group = variance_by(july, lambda f: group_label(f.group))
    data = load_report_data(conn, JULY, tolerance=0.02)
    assert data.bridge_level == "group"  # the default when the source has product groups
    bridge = build_bridge(data.levels["group"], "group")
    assert {s.label: s.variance for s in bridge.steps} == pytest.approx(by_group, abs=0.005)
    assert sum(s.variance for s in bridge.steps) == pytest.approx(total, abs=0.005)
    by_store = build_bridge(data.levels["store"], "store", top=2)
    assert [s.is_other for s in by_store.steps] == [False, False, True]
    assert sum(s.variance for s in by_store.steps) == pytest.approx(total, abs=0.005)
    page = render_month_report(settings, JULY, out_dir=tmp_path, formats=["html"], bridge_level="state")[0]
    text = page.read_text(encoding="utf-8")
    assert "Variance bridge by state" in text and 'class="chart waterfall"' in text


def test_narrative_names_the_independently_ranked_contributors(known, conn) -> None:
    july = facts(JULY)
    by_store = variance_by(july, lambda f: store_label(f.store))
    total = sum(by_store.values())
    up = sorted((k for k, v in by_store.items() if v > 0), key=lambda k: -by_store[k])[:3]
    down = sorted((k for k, v in by_store.items() if v < 0), key=lambda k: by_store[k])[:3]
    assert up and down
    data = load_report_data(conn, JULY, tolerance=0.02, bridge_level="store")
    sentences = narrative(data)
    assert sentences[0].startswith(f"The total variance is {Units().amount(total, signed=True)}")
    assert "outside the ±2.0% tolerance band" in sentences[0]
    above, below = sentences[1].split("; below plan: ")
    assert above.startswith("By store, above plan: ")
    for names, part in ((up, above), (down, below)):
        positions = [part.index(name) for name in names]
        assert positions == sorted(positions), (names, part)  # in the independent order
        for name in names:
            share = by_store[name] / total
            expected = "of the variance" if share > 0 else "offsetting"
            assert f"{name} {Units().amount(by_store[name], signed=True)} (" in part
            assert expected in part.split(name)[1].split(")")[0]
    assert f"{store_label(CLOSED[0])} on Tue 14 Jul 2015" in sentences[2]
    assert "flagged closed, promo, holiday" in sentences[2]
    assert sentences[3].startswith("Persistent bias: the plan has been too low")
    assert "for 4 consecutive months, Apr 2015 to Jul 2015" in sentences[3]


def test_both_formats_carry_the_narrative_units_and_about(
    known, conn, settings: Settings, tmp_path: Path
) -> None:
    xlsx, html = render_month_report(
        settings, "2015-07", out_dir=tmp_path, currency="USD", scale="thousands", bridge_level="store"
    )
    page = html.read_text(encoding="utf-8")
    wb = load_workbook(xlsx)
    summary_texts = {str(c.value) for row in wb["Summary"].iter_rows() for c in row if c.value}
    units = Units("USD", thousands=True)
    data = load_report_data(conn, JULY, tolerance=0.02, bridge_level="store", units=units)
    sentences = narrative(data)
    assert len(sentences) == 4 and "USD" in sentences[0] and "thousand" in sentences[0]
    for sentence in sentences:
        assert f"<li>{escape(sentence)}</li>" in page
        assert f"• {sentence}" in summary_texts
    tables = re.findall(r"<table[^>]*>(.*?)</table>", page, re.S)
    assert len(tables) >= 8
    for table in tables:
        caption = re.search(r"<caption>(.*?)</caption>", table, re.S)
        text = caption.group(1) if caption else ""
        assert "USD thousands" in text or "Ratios in %" in text, table[:200]
    for ws in wb.worksheets:
        if ws.title == "About":
            continue
        unit = str(ws["A3"].value)
        assert "USD thousands" in unit or "Ratios in %" in unit, ws.title
    plan_row = next(r for r in range(1, 60) if wb["Summary"][f"A{r}"].value == "Plan")
    assert wb["Summary"][f"B{plan_row}"].number_format.endswith(",")  # shown in thousands
    plan = sum(f.plan for f in facts(JULY))
    assert money(plan, cents=True, scale=1000) in page
    about = {str(c.value) for row in wb["About"].iter_rows() for c in row if c.value}
    for name in ("Variance bridge", "Narrative", "Returns", "Labels", "Days with actuals"):
        assert name in about and f"<dt>{name}</dt>" in page, name


def test_partial_month_headline_compares_the_days_with_actuals(
    known, conn, settings: Settings, tmp_path: Path
) -> None:
    august = facts(AUGUST)
    done = [f for f in august if f.day.day <= AUGUST_DAYS]
    plan, actual = sum(f.plan for f in done), sum(f.actual or 0.0 for f in done)
    to_come = sum(f.plan for f in august if f.day.day > AUGUST_DAYS)
    pct = (actual - plan) / abs(plan)
    xlsx, html = render_month_report(settings, "2015-08", out_dir=tmp_path, allow_partial=True)
    data = load_report_data(conn, AUGUST, tolerance=0.02, allow_partial=True)
    assert data.summary.month.plan == pytest.approx(plan, abs=0.005)
    assert data.summary.month.variance_pct == pytest.approx(pct)
    assert data.plan_to_come == pytest.approx(to_come, abs=0.005)
    expected = (
        f"Over the {AUGUST_DAYS} of 31 days with actuals, actual sales of {actual:,.0f} were "
        f"{abs(pct):.1%} {'above' if pct >= 0 else 'below'} the plan of {plan:,.0f}"
    )
    assert data.headline.startswith(expected), data.headline
    assert f"the plan of the other 5 days, {to_come:,.0f}, is still to come." in data.headline
    by_group = variance_by(done, lambda f: f.group)
    assert {r.member: r.figures.variance for r in data.levels["group"]} == pytest.approx(by_group, abs=0.005)
    page = html.read_text(encoding="utf-8")
    assert data.headline in page and "Plan still to come (5 days)" in page
    summary = load_workbook(xlsx)["Summary"]
    assert summary["A2"].value == data.headline
    row = next(r for r in range(1, 80) if summary[f"A{r}"].value == "Plan still to come (5 days)")
    assert summary[f"B{row}"].value == pytest.approx(to_come, abs=0.005)


def test_returns_keep_percentages_meaningful(known, conn, settings: Settings, tmp_path: Path) -> None:
    data = load_report_data(conn, JULY, tolerance=0.02)
    assert data.summary.month.returns == pytest.approx(3 * 40 + 31 * 15)
    net = next(r for r in data.levels["series"] if r.member == str(series_id("703", "dep_17")))
    # plan −10, actual −15 every day: 50 % below plan, WAPE 5 / 15 of the gross actual
    assert net.figures.variance_pct == pytest.approx(-0.5)
    assert net.figures.wape == pytest.approx(1 / 3)
    assert net.figures.bias == pytest.approx(-1 / 3)
    html = render_month_report(settings, JULY, out_dir=tmp_path, formats=["html"])[0]
    page = html.read_text(encoding="utf-8")
    row = re.search(rf"<tr><td class=\"label\" data-v=\"{re.escape(net.label)}\">.*?</tr>", page).group(0)
    assert "\u221250.0%" in row and "33.3%" in row and "\u2212465" in row
    assert not re.search(r"\b(nan|inf)\b", page, re.I)
    assert "<th scope=\"row\" style=\"text-align:left\">Returns</th>" in page


def test_cli_options_and_settings_choose_bridge_units_and_refuse_bad_levels(
    known, conn, cli_env: dict[str, str], tmp_path: Path
) -> None:
    import subprocess
    import sys

    def planfact(out: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "planfact", "report", "month", "2015-07", "--format", "html",
             "--out", str(tmp_path / out), *args],
            capture_output=True, text=True, env={**cli_env, **env}, timeout=120,
        )  # fmt: skip

    done = planfact("a", "--bridge-level", "state", "--currency", "EUR", "--thousands")
    assert done.returncode == 0, done.stderr
    page = Path(done.stdout.split()[-1]).read_text(encoding="utf-8")
    assert "Variance bridge by state" in page and "Amounts in EUR thousands" in page
    row = conn.execute(
        "select params ->> 'bridge_level', params ->> 'units' from forecast.report "
        "order by report_id desc limit 1"
    ).fetchone()
    assert row == ("state", "EUR thousands")
    by_env = planfact("b", PLANFACT_REPORT_CURRENCY="USD", PLANFACT_REPORT_SCALE="units")
    assert by_env.returncode == 0, by_env.stderr
    assert "Amounts in USD;" in Path(by_env.stdout.split()[-1]).read_text(encoding="utf-8")
    bad = planfact("c", PLANFACT_REPORT_SCALE="millions")
    assert bad.returncode != 0 and "PLANFACT_REPORT_SCALE" in bad.stderr and "Traceback" not in bad.stderr
    with pytest.raises(UsageError, match="bad bridge level 'series'"):
        load_report_data(conn, JULY, tolerance=0.02, bridge_level="series")


# --- external tools: LibreOffice recalculates and prints the workbook, Chromium shows the page ---


@pytest.fixture(scope="session")
def libreoffice() -> str:
    return ensure_tool("libreoffice", "libreoffice-calc")


@pytest.fixture(scope="session")
def ghostscript() -> str:
    return ensure_tool("gs", "ghostscript")


@pytest.fixture(scope="session")
def chromium() -> str:
    return ensure_tool("chromium", "chromium")


def _row(ws, text: object, column: str = "A") -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws[f"{column}{r}"].value == text)


@pytest.mark.slow
def test_bridge_formulas_recalculated_by_libreoffice_sum_to_the_cent(
    known, settings: Settings, tmp_path: Path, libreoffice: str
) -> None:
    july = facts(JULY)
    total = sum(f.actual - f.plan for f in july if f.actual is not None)
    by_store = variance_by(july, lambda f: f.store)
    path = render_month_report(settings, JULY, out_dir=tmp_path, formats=["xlsx"], bridge_level="store")[0]
    wb = load_workbook(recalculate(libreoffice, path, tmp_path), data_only=True)
    ws = wb["Bridge"]
    first, actual_row = _row(ws, "Plan (total)") + 1, _row(ws, "Actual (total)")
    steps = {ws[f"B{r}"].value: ws[f"E{r}"].value for r in range(first, actual_row)}
    # each step: that store's Actual − Plan; the store ids are numbers
    assert steps == pytest.approx({int(store): v for store, v in by_store.items()}, abs=0.005)
    assert [abs(v) for v in steps.values()] == sorted((abs(v) for v in steps.values()), reverse=True)
    sum_row = _row(ws, "Total variance (sum of the steps)")
    assert ws[f"E{sum_row}"].value == pytest.approx(total, abs=0.005)
    assert ws[f"G{sum_row}"].value == pytest.approx(1.0)
    assert ws[f"E{_row(ws, 'Difference (sum of the steps − Summary)')}"].value == 0
    plan = sum(f.plan for f in july)
    assert ws[f"C{first - 1}"].value == pytest.approx(plan, abs=0.005)
    assert ws[f"F{actual_row}"].value == pytest.approx(plan + total, abs=0.005)
    series = wb["Series"]
    net = _row(series, series_id("703", "dep_17"), "B")
    assert (series[f"F{net}"].value, series[f"H{net}"].value, series[f"I{net}"].value) == pytest.approx(
        (-0.5, 1 / 3, -1 / 3)
    )  # returns: Variance % of |plan|, WAPE and bias of the gross actual


@pytest.mark.slow
def test_workbook_prints_to_a_non_blank_pdf_with_labels(
    known, settings: Settings, tmp_path: Path, libreoffice: str, ghostscript: str
) -> None:
    path = render_month_report(settings, JULY, out_dir=tmp_path, formats=["xlsx"])[0]
    pdf = to_pdf(libreoffice, path, tmp_path)
    pages = pdf_pages(ghostscript, pdf, tmp_path / "pages", first=1, last=2)
    assert len(pages) == 2
    for page in pages:  # the Summary with its narrative, the Bridge with its chart
        assert_not_blank(page)
    text = pdf_text(ghostscript, pdf)
    assert "Persistent bias" in text and "Variance bridge by product group" in text
    for store, *_ in STORES:
        assert store_label(store).split(" · ")[-1] in text


@pytest.mark.slow
def test_html_screenshot_in_chromium_is_not_blank(
    known, settings: Settings, tmp_path: Path, chromium: str
) -> None:
    from PIL import Image

    page = render_month_report(settings, JULY, out_dir=tmp_path, formats=["html"])[0]
    shot = screenshot(chromium, page, tmp_path / "report.png", size=(1280, 1600))
    with Image.open(shot) as image:
        assert image.size == (1280, 1600)
        # The top third holds the headline, the narrative and the summary; the rest the bridge.
        top, bottom = image.crop((0, 0, 1280, 600)), image.crop((0, 800, 1280, 1600))
        top.save(tmp_path / "top.png")
        bottom.save(tmp_path / "bottom.png")
    assert_not_blank(tmp_path / "top.png")
    assert_not_blank(tmp_path / "bottom.png")


@pytest.mark.slow
def test_partial_month_daily_total_compares_like_with_like_in_libreoffice(
    known, settings: Settings, tmp_path: Path, libreoffice: str
) -> None:
    done = [f for f in facts(AUGUST) if f.day.day <= AUGUST_DAYS]
    plan, actual = sum(f.plan for f in done), sum(f.actual or 0.0 for f in done)
    path = render_month_report(settings, AUGUST, out_dir=tmp_path, formats=["xlsx"], allow_partial=True)[0]
    ws = load_workbook(recalculate(libreoffice, path, tmp_path), data_only=True)["Daily"]
    row = _row(ws, f"Days with actuals ({AUGUST_DAYS})")
    assert (ws[f"F{row}"].value, ws[f"G{row}"].value) == pytest.approx((plan, actual), abs=0.005)
    assert ws[f"I{row}"].value == pytest.approx((actual - plan) / abs(plan))
    assert ws[f"H{row - 1}"].value is None  # no variance against the plan of days still to come
