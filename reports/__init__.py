"""Plan-vs-actual reports for finance: Excel (openpyxl) and self-contained HTML (jinja2).

Flow: ``data`` reads the mart views into a ``model.ReportData``; ``excel`` (with ``sheets``
and ``daily_sheets``) and ``html`` (with ``charts`` and ``templates/``) render it;
``registry`` records every file in ``forecast.report``; ``renderer`` ties them together.
"""

from reports.renderer import FORMATS, parse_month, render_files, render_month_report

__all__ = ["FORMATS", "parse_month", "render_files", "render_month_report"]
