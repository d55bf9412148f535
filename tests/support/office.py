"""External tools of the report tests: LibreOffice (recalculation, PDF), headless Chromium
(screenshots) and Ghostscript (PDF pages to images and text).

``make test`` installs them first (``make tools``); run without it, a missing tool is installed
from Debian when the tests run as root (one pytest-xdist worker at a time: apt-get holds a
lock), else the test skips saying how to install it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

import pytest

__all__ = [
    "ensure_tool",
    "recalculate",
    "to_pdf",
    "pdf_pages",
    "pdf_text",
    "screenshot",
    "assert_not_blank",
    "CHROMIUM_FLAGS",
]


def ensure_tool(binary: str, package: str) -> str:
    """The tool's path; installs the Debian package when missing (root only), else skips saying why."""
    found = shutil.which(binary)
    if found:
        return found
    if not shutil.which("apt-get") or os.geteuid() != 0:
        pytest.skip(
            f"{binary} is missing and cannot be installed here: run `apt-get install -y {package}` as root"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with open("/tmp/planfact-tests-apt.lock", "w") as lock:  # one install at a time
        fcntl.flock(lock, fcntl.LOCK_EX)
        if shutil.which(binary):  # another worker installed it meanwhile
            return shutil.which(binary) or binary
        for command in (["apt-get", "update"], ["apt-get", "install", "-y", package]):
            done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
            if done.returncode != 0:
                reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
                pytest.skip(f"{binary} is missing and `{' '.join(command)}` failed: {reason}")
    return shutil.which(binary) or pytest.skip(f"{package} installed but {binary} is not on PATH")


def _convert(libreoffice: str, path: Path, work: Path, target: str) -> Path:
    out = work / f"converted-{target}"
    done = subprocess.run(
        [
            libreoffice,
            f"-env:UserInstallation=file://{work / 'lo-profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    result = out / f"{path.stem}.{target}"
    assert done.returncode == 0 and result.exists(), done.stdout + done.stderr
    return result


def recalculate(libreoffice: str, path: Path, work: Path) -> Path:
    """Open ``path`` in LibreOffice headless, recalculate, save as xlsx with cached values."""
    return _convert(libreoffice, path, work, "xlsx")


def to_pdf(libreoffice: str, path: Path, work: Path) -> Path:
    """The workbook printed to PDF by LibreOffice (every sheet, its print settings)."""
    return _convert(libreoffice, path, work, "pdf")


def pdf_pages(gs: str, pdf: Path, work: Path, *, first: int = 1, last: int = 1) -> list[Path]:
    """Pages ``first``..``last`` of ``pdf`` as PNG images (Ghostscript, 60 dpi)."""
    work.mkdir(parents=True, exist_ok=True)
    pattern = work / "page-%03d.png"
    done = subprocess.run(
        [gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=png16m", "-r60",
         f"-dFirstPage={first}", f"-dLastPage={last}", f"-sOutputFile={pattern}", str(pdf)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return sorted(work.glob("page-*.png"))


def pdf_text(gs: str, pdf: Path) -> str:
    """The text of every page of ``pdf`` (Ghostscript's txtwrite device)."""
    done = subprocess.run(
        [gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=txtwrite", "-sOutputFile=-", str(pdf)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def screenshot(chromium: str, page: Path, shot: Path, *, size: tuple[int, int] = (1280, 2000)) -> Path:
    """A headless Chromium screenshot of ``page`` at ``size``."""
    done = subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={shot.parent / 'chromium-profile'}",
            f"--window-size={size[0]},{size[1]}",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    return shot


def assert_not_blank(image_path: Path, *, min_ink: float = 0.02) -> None:
    """The image has contrast and more than ``min_ink`` of it is not white."""
    from PIL import Image, ImageStat

    with Image.open(image_path) as image:
        grey = image.convert("L")
        non_white = sum(grey.histogram()[:240]) / (grey.width * grey.height)
        assert ImageStat.Stat(grey).var[0] > 100, f"{image_path.name} is blank"
        assert non_white > min_ink, f"only {non_white:.1%} of {image_path.name} is not white"
