"""Plan-vs-actual report renderers for finance: Excel (openpyxl) and self-contained HTML (jinja2).

Pure renderers: ``model.ReportData`` in, files out. ``excel`` (with ``sheets`` and
``daily_sheets``) and ``html`` (with ``charts`` and ``templates/``) render it; ``renderer``
picks the writers per format. Reading the mart and recording files is the application's
(``planfact.reporting``).
"""

from reports.renderer import FORMATS, check_formats, render_files, report_path

__all__ = ["FORMATS", "check_formats", "render_files", "report_path"]
