"""sql/ holds one file per live object; migrations sort in chain order and carry frozen SQL.

The rules of README's Architecture (sql/ and migrations/): a view or function lives in
``sql/<schema>/<name>.sql`` and nowhere else in sql/ (no ``.v2.sql`` beside it: a superseded
definition is frozen under ``migrations/sql/<revision>/``); ``sql/objects.toml`` lists exactly
those files; a statement is written once; migration files are named ``NNN_<revision id>.py``
with NNN their place in the chain; a migration imports nothing of the application and reads
no live sql/ file, so it never changes when the application does.
"""

from __future__ import annotations

import ast
import re
import tomllib

from support import ROOT

SQL = ROOT / "sql"
MIGRATIONS = ROOT / "migrations"
VERSIONS = MIGRATIONS / "versions"
OBJECT_SCHEMAS = ("core", "forecast", "mart")
SUPERSEDED = re.compile(r"\.v\d+\.sql$")
CREATE = re.compile(
    r"create\s+(?:or\s+replace\s+)?(?:materialized\s+view|view|function)\s+([a-z_][\w.]*)", re.IGNORECASE
)
ASSIGN = re.compile(r"^(revision|down_revision)\s*(?::[^=]+)?=\s*(?:['\"]([^'\"]+)['\"]|None)", re.MULTILINE)
FILE_NAME = re.compile(r"^(\d{3})_(.+)\.py$")


def _object_files() -> set[str]:
    return {f"{schema}/{p.stem}" for schema in OBJECT_SCHEMAS for p in (SQL / schema).glob("*.sql")}


def test_no_superseded_file_beside_a_live_one() -> None:
    found = sorted(str(p.relative_to(ROOT)) for root in (SQL, MIGRATIONS) for p in root.rglob("*.sql")
                   if SUPERSEDED.search(p.name))
    assert not found, f"one file per object, under its name; older ones go to migrations/sql: {found}"


def test_the_manifest_lists_every_object_file_once() -> None:
    manifest = tomllib.loads((SQL / "objects.toml").read_text(encoding="utf-8"))
    listed = [f"{schema}/{name}" for schema, names in manifest.items() for name in names]
    assert len(listed) == len(set(listed)), "an object is listed twice in sql/objects.toml"
    assert set(listed) == _object_files()


def test_each_object_file_creates_the_object_it_is_named_after() -> None:
    wrong = []
    for ref in sorted(_object_files()):
        names = {m.lower() for m in CREATE.findall((SQL / f"{ref}.sql").read_text(encoding="utf-8"))}
        if names != {ref.replace("/", ".")}:
            wrong.append(f"sql/{ref}.sql creates {sorted(names)}")
    assert not wrong, "\n".join(wrong)


def _normalised(text: str) -> str:
    without_comments = re.sub(r"--[^\n]*", "", text)
    return " ".join(without_comments.lower().split()).rstrip(";").strip()


def test_each_statement_is_written_once() -> None:
    seen: dict[str, list[str]] = {}
    for path in sorted((SQL / "statements").rglob("*.sql")):
        seen.setdefault(_normalised(path.read_text(encoding="utf-8")), []).append(str(path.relative_to(SQL)))
    twice = [names for names in seen.values() if len(names) > 1]
    assert not twice, f"the same statement in several files (keep one, callers use it): {twice}"


def _revisions() -> dict[str, tuple[str, str | None]]:
    """file name -> (revision, down_revision) of every migration file."""
    found = {}
    for path in VERSIONS.glob("*.py"):
        if path.name.startswith("__"):
            continue
        values = {m.group(1): m.group(2) for m in ASSIGN.finditer(path.read_text(encoding="utf-8"))}
        found[path.name] = (str(values["revision"]), values.get("down_revision"))
    return found


def test_migration_files_sort_in_chain_order() -> None:
    revisions = _revisions()
    child = {down: rev for rev, down in revisions.values()}
    assert len(child) == len(revisions), "two migrations follow the same one: chain the later after the other"
    chain, current = [], child.get(None)
    while current is not None:
        chain.append(current)
        current = child.get(current)
    names = sorted(revisions)
    assert [revisions[name][0] for name in names] == chain, f"files {names} do not sort as the chain {chain}"
    for place, name in enumerate(names, start=1):
        match = FILE_NAME.match(name)
        assert match, f"{name}: name a migration file NNN_<revision id>.py"
        assert int(match.group(1)) == place, f"{name}: it is number {place:03d} in the chain"
        assert match.group(2) == revisions[name][0], f"{name}: the file name carries its revision id"


def test_migrations_import_nothing_of_the_application() -> None:
    found = []
    for path in sorted([*VERSIONS.glob("*.py"), MIGRATIONS / "frozen.py"]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for module in modules:
                app = module.split(".")[0] in ("planfact", "forecasting", "reports", "sql")
                if app and module not in ("planfact._migrations", "planfact._migrations.frozen"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {module}")
    assert not found, "a migration is frozen: it carries its SQL under migrations/sql\n" + "\n".join(found)


def test_frozen_sql_is_filed_under_a_revision() -> None:
    revisions = {rev for rev, _down in _revisions().values()}
    folders = {p.name for p in (MIGRATIONS / "sql").iterdir() if p.is_dir()}
    assert folders <= revisions, f"migrations/sql/ folders without a migration: {sorted(folders - revisions)}"
    for name in _revisions():
        for ref in re.findall(r"\"(\d{4}_\w+)/", (VERSIONS / name).read_text(encoding="utf-8")):
            assert ref in revisions, f"{name} reads frozen SQL of an unknown revision {ref}"


def test_the_wheel_ships_the_frozen_sql() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "sql/**/*.sql" in config["package-data"]["planfact._migrations"]


def test_no_frozen_file_is_left_unused() -> None:
    texts = "\n".join(p.read_text(encoding="utf-8") for p in VERSIONS.glob("*.py"))
    unused = []
    for path in sorted((MIGRATIONS / "sql").rglob("*.sql")):
        ref = path.relative_to(MIGRATIONS / "sql").with_suffix("").as_posix()
        folder = ref.partition("/")[0]
        # a migration names a file in full, or runs a folder's step files by name (f"0003_roles/{name}")
        if f'"{ref}"' not in texts and f'f"{folder}/{{' not in texts:
            unused.append(ref)
    assert not unused, f"frozen files no migration runs: {unused}"
