"""TOML input files: parsed and checked against a pydantic model, every error on its line.

The one owner of TOML errors' positions, for the mapping (``read_model``) and the experiments
file (``planfact.runs.configs``, whose model the engine owns: ``read_toml`` and
``key_position``). ``read_model(path, Model)`` returns the validated model or raises one
InputError ``FILE: line L, column C: key: reason``. Syntax errors take tomllib's position; a
value the model refuses is placed on the line that assigns its key (found by scanning the text
for table headers and ``key =`` lines; the n-th ``[[table]]`` for an index), so ``ignore =
"comment"`` names the line of ``ignore``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from planfact.errors import InputError

__all__ = ["ContractError", "read_model", "read_toml", "key_position"]

M = TypeVar("M", bound=BaseModel)

_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"^(\s*)((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)
_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


class ContractError(ValueError):
    """A check beyond the model's own: ``loc`` is the key path it concerns (as pydantic's)."""

    def __init__(self, loc: Sequence[str | int], message: str) -> None:
        super().__init__(message)
        self.loc = tuple(loc)
        self.message = message


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(p.strip().strip("\"'") for p in dotted.split("."))


def key_position(text: str, loc: Sequence[str | int]) -> tuple[int, int]:
    """(line, column), 1-based, of the key path ``loc`` in TOML ``text``; the closest parent
    table or key when the path itself is not written (a missing key), else (1, 1)."""
    found: dict[tuple[str | int, ...], tuple[int, int]] = {}
    counts: dict[tuple[str, ...], int] = {}
    tables: list[tuple[str | int, ...]] = [()]  # (the current table, with and without its index)
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _TABLE.match(line):
            names = _parts(match.group(1))
            tables = [names]
            if line.lstrip().startswith("[["):  # the n-th element of an array of tables
                counts[names] = counts.get(names, -1) + 1
                tables.insert(0, (*names, counts[names]))
            for table in tables:
                found.setdefault(table, (number, line.index("[") + 1))
        elif match := _KEY.match(line):
            for table in tables:
                found.setdefault(table + _parts(match.group(2)), (number, len(match.group(1)) + 1))
    exact = tuple(loc)
    for size in range(len(exact), 0, -1):
        if exact[:size] in found:
            return found[exact[:size]]
    names_only = tuple(str(p) for p in loc if not isinstance(p, int))
    for size in range(len(names_only), 0, -1):
        if names_only[:size] in found:
            return found[names_only[:size]]
    return (1, 1)


def _decode(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"{path}: line {line}, column {column}: not UTF-8 text; save the file as UTF-8"
        ) from None
    return text.removeprefix("\ufeff")


def _syntax_error(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> InputError:
    message = str(exc)
    if match := _AT.search(message):
        line, column = match.group(1), match.group(2)
        reason = _AT.sub("", message).strip()
    else:  # "(at end of document)"
        line, column = str(max(text.count("\n"), 1)), "1"
        reason = message.replace("(at end of document)", "").strip() + " at the end of the file"
    return InputError(f"{path}: line {line}, column {column}: not valid TOML: {reason}")


def _known_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys the (nested) model at ``loc`` declares."""
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        nested = [a for a in get_args(field.annotation) or (field.annotation,)] if field else []
        models = [a for a in nested if isinstance(a, type) and issubclass(a, BaseModel)]
        if not models:
            return []
        model = models[0]
    return list(model.model_fields)


def _reason(error: dict[str, Any], model: type[BaseModel]) -> str:
    kind = error["type"]
    where = ".".join(str(p) for p in error["loc"]) or "file"
    if kind == "extra_forbidden":
        known = _known_keys(model, error["loc"][:-1])
        return f"{where}: unknown key" + (f" (known: {', '.join(known)})" if known else "")
    if kind == "missing":
        return f"{where}: missing (required)"
    value = error.get("input")
    shown = f" (got {value!r})" if not isinstance(value, dict) and value is not None else ""
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message[:1].lower()}{message[1:]}{shown}"


def read_toml(path: Path, what: str) -> tuple[str, dict[str, Any]]:
    """The text of TOML ``path`` and its parsed content, or one InputError: the file missing or
    unreadable (naming the option ``what``), not UTF-8, or not TOML (on its line)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what} {path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{what} {path}: is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{what} {path}: cannot read: {exc.strerror or exc}") from None
    text = _decode(path, data)
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(path, text, exc) from None


def read_model(path: Path, model: type[M], what: str, check: Callable[[M], None] | None = None) -> M:
    """Read TOML ``path`` and validate it with ``model``, then with ``check`` (which raises
    ContractError for rules across keys); ``what`` names the option in errors about the
    file's existence (e.g. ``--mapping``)."""
    text, raw = read_toml(path, what)
    try:
        parsed = model.model_validate(raw)
        if check is not None:
            check(parsed)
        return parsed
    except ValidationError as exc:
        first = exc.errors()[0]
        line, column = key_position(text, first["loc"])
        raise InputError(f"{path}: line {line}, column {column}: {_reason(dict(first), model)}") from None
    except ContractError as exc:
        line, column = key_position(text, exc.loc)
        where = ".".join(str(p) for p in exc.loc)
        raise InputError(f"{path}: line {line}, column {column}: {where}: {exc.message}") from None
