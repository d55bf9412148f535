"""Output folders a user names (``--out DIR``, ``PLANFACT_REPORT_DIR``): made ready or refused.

A command that writes files checks its folder before any work, so a path that is a file, a
folder that cannot be created or one that cannot be written to is one usage line (exit 2)
naming the option, never a traceback after minutes of work.
"""

from __future__ import annotations

import os
from pathlib import Path

from planfact.errors import UsageError

__all__ = ["output_folder"]


def output_folder(path: Path, option: str = "--out") -> Path:
    """``path`` as an existing, writable folder (created with its parents if missing)."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option} {path}: not a folder (it is a file)")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot create the folder ({exc.strerror or exc})") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path}: the folder is not writable")
    return path
