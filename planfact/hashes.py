"""File fingerprints: the one place that hashes a file's bytes (landing files, reports, demo feeds)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from planfact.errors import InputError

__all__ = ["file_sha256", "set_sha256"]


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of the file's bytes as stored (compressed bytes for ``.gz``).

    A missing file or a folder is an InputError naming the path (a file given on the command line).
    """
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None


def set_sha256(digests: list[str]) -> str:
    """Hex SHA-256 of a set of files, from their digests in order (a multi-file data version)."""
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()
