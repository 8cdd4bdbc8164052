"""`ids assign`: give every event without an `event_id_cnty` the next number for its country.

Order is deterministic: files by path (relative, POSIX form), then events by position in the
file. Numbers come from the dataset's own range (`conflictkit.schema.ids`: from 900,000,001 by
default, above every number an ACLED or UCDP import carries), and a number is never reused: the
next number for a prefix is one more than the highest seen anywhere in the dataset's files, its
`imports/`, and its latest release (events and deletions), and never below the range's start.
Events whose country is missing or unknown are reported and left unnumbered. Every file is edited
by its format's editor (only ID cells change) and replaced atomically (temp file + rename); a
file whose edit cannot be verified is reported and left untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conflictkit.atomic import write_atomic
from conflictkit.builders.ids.csv_ids import CsvEditor
from conflictkit.builders.ids.json_ids import JsonEditor
from conflictkit.builders.ids.model import (
    ID_COLUMN,
    EditError,
    Editor,
    ScanResult,
    split_id,
)
from conflictkit.builders.ids.seen import published_numbers
from conflictkit.builders.ids.yaml_ids import YamlEditor
from conflictkit.errors import UsageError
from conflictkit.layout.dataset import open_dataset
from conflictkit.problems import catalogue as P
from conflictkit.problems.rows import problem_row
from conflictkit.schema.ids import own_base

EDITORS: dict[str, type] = {".yaml": YamlEditor, ".yml": YamlEditor, ".csv": CsvEditor,
                            ".json": JsonEditor}
MAX_EDIT_BYTES = 256 * 1024 * 1024  # a file this big is not hand-coded; refuse to rewrite it
_BOM = "\ufeff"


@dataclass(frozen=True)
class Assignment:
    file: str
    line: int
    position: int
    country: str
    event_id: str


@dataclass
class AssignResult:
    """What `assign_ids` did (or, with dry_run, would do)."""

    assignments: list[Assignment]
    report: Any  # conflictkit.problems.report.Report: records = events scanned
    files_changed: list[str]
    events_with_id: int
    release: str | None
    dry_run: bool
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.report.ok,
            "dry_run": self.dry_run,
            "release": self.release,
            "summary": {
                "files": self.report.files,
                "events": self.report.records,
                "had_id": self.events_with_id,
                "assigned": len(self.assignments),
                "unnumbered": self.report.records - self.events_with_id
                - len(self.assignments),
                "files_changed": len(self.files_changed),
            },
            "ranges": {p: list(r) for p, r in self.ranges.items()},
            "assigned": [a.__dict__ for a in self.assignments],
            "problems": self.report.problems.to_dict(orient="records"),
        }

    def text(self, *, quiet: bool = False) -> str:
        """Each ID given (unless quiet), each problem, then one summary line."""
        lines = [] if quiet else [f"{a.file}:{a.line}  {a.event_id}  ({a.country})"
                                  for a in self.assignments]
        for row in self.report.problems.to_dict(orient="records"):
            where = row["file"] + (f":{row['line']}" if row["line"] else "")
            value = f" (value: {row['value']!r})" if row["value"] else ""
            lines.append(f"{where}  {row['severity']} {row['rule']}: {row['message']}{value}")
        s = self.to_dict()["summary"]
        ranges = ", ".join(f"{p}{lo}" + (f"-{p}{hi}" if hi != lo else "")
                           for p, (lo, hi) in sorted(self.ranges.items()))

        def n(count: int, noun: str) -> str:
            return f"{count} {noun}{'' if count == 1 else 's'}"

        lines.append(
            f"{n(s['events'], 'event')} in {n(s['files'], 'file')}: "
            f"{'would assign' if self.dry_run else 'assigned'} {n(s['assigned'], 'ID')}"
            + (f" ({ranges})" if ranges else "")
            + f" in {n(s['files_changed'], 'file')}, {s['had_id']} already had one, "
            f"{s['unnumbered']} left without an ID"
            + (f"; release checked: {self.release}" if self.release else ""))
        return "\n".join(lines) + "\n"


def event_files(dataset: Path) -> list[Path]:
    """The dataset's contribution files under events/, in path order (hidden ones left out)."""
    return open_dataset(dataset).contribution_files()


@dataclass
class _File:
    path: Path
    label: str
    text: str = ""
    bom: bool = False
    editor: Editor | None = None
    scan: ScanResult | None = None


def _read(path: Path, label: str, problems: list[dict[str, Any]]) -> _File | None:
    entry = _File(path, label)
    try:
        size = path.stat().st_size
        if size > MAX_EDIT_BYTES:
            raise EditError(f"file is {size / 2**20:.0f} MiB; ids assign edits files up to "
                            f"{MAX_EDIT_BYTES // 2**20} MiB")
        raw = path.read_bytes()
        if b"\x00" in raw:
            raise EditError("binary file (NUL bytes), not a contribution file")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            raise EditError(f"not UTF-8 text (bad byte at line {line})") from exc
        entry.bom = text.startswith(_BOM)
        entry.text = text[1:] if entry.bom else text
        entry.editor = EDITORS[path.suffix.lower()]()
        entry.scan = entry.editor.scan(entry.text)
    except (EditError, OSError) as exc:
        problems.append(problem_row(P.UNREADABLE_FILE, file=label, message=str(exc)))
        return None
    for note in entry.scan.notes:
        problems.append(problem_row(P.NOT_AN_EVENT, file=label, **note))
    return entry


def _unknown_country_message(country: str) -> str:
    from rapidfuzz import process

    from conflictkit.reference.countries import country_names

    best = process.extractOne(country, country_names(), score_cutoff=80)
    hint = f" (did you mean {best[0]!r}?)" if best else ""
    return f"unknown country {country!r}{hint}: no ID prefix, event left without an ID"


def assign_ids(dataset: str | Path, *, release: str | Path | None = None,
               dry_run: bool = False) -> AssignResult:
    """Number every event without an ID in `dataset`'s event files, writing the IDs in place."""
    from conflictkit.problems.report import Report, problems_frame
    from conflictkit.reference.countries import prefix_of

    dataset = Path(dataset)
    if not (dataset / "events").is_dir():
        raise UsageError(f"{dataset}: not a dataset directory (no events/ folder)")
    release_path = Path(release) if release is not None else None
    if release_path is not None and not release_path.is_dir():
        raise UsageError(f"{release_path}: release directory not found")

    problems: list[dict[str, Any]] = []
    files = [f for p in event_files(dataset)
             if (f := _read(p, str(p), problems)) is not None]

    taken: dict[str, int] = {}
    wanting: list[tuple[_File, int, int, str, str]] = []  # file, position, record, country, prefix
    record, with_id = 0, 0
    for entry in files:
        assert entry.scan is not None
        for slot in entry.scan.slots:
            base: dict[str, Any] = {"file": entry.label, "line": slot.line, "record": record}
            if slot.existing_id is not None:
                with_id += 1
                parts = split_id(slot.existing_id)
                if parts is None:
                    problems.append(problem_row(P.ID_FORMAT, **base, event_id=slot.existing_id,
                                                column=ID_COLUMN, value=slot.existing_id))
                else:
                    taken[parts[0]] = max(taken.get(parts[0], -1), parts[1])
            elif slot.country is None:
                problems.append(problem_row(P.MISSING_COUNTRY, **base, column="country"))
            elif (prefix := prefix_of(slot.country)) is None:
                problems.append(problem_row(P.UNKNOWN_COUNTRY, **base, column="country",
                                            value=slot.country,
                                            message=_unknown_country_message(slot.country)))
            else:
                wanting.append((entry, slot.position, record, slot.country, prefix))
            record += 1

    release_read: Path | None = None
    if wanting:
        published, release_read = published_numbers(
            dataset, {w[4] for w in wanting}, release_path)
        for prefix, number in published.items():
            taken[prefix] = max(taken.get(prefix, -1), number)

    # the dataset's own range starts above every imported one (schema.ids), so a future import
    # of the same source can never take a number given here
    base = own_base(open_dataset(dataset).settings("ids"))
    next_number = {prefix: max(base, taken.get(prefix, 0) + 1) for *_, prefix in wanting}
    per_file: dict[str, dict[int, str]] = {}
    planned: list[Assignment] = []
    for entry, position, _record, country, prefix in wanting:
        event_id = f"{prefix}{next_number[prefix]}"
        next_number[prefix] += 1
        per_file.setdefault(entry.label, {})[position] = event_id
        assert entry.scan is not None
        planned.append(Assignment(entry.label, entry.scan.slots[position].line, position,
                                  country, event_id))

    failed: set[str] = set()
    outputs: list[tuple[_File, str]] = []
    for entry in files:
        new_ids = per_file.get(entry.label)
        if not new_ids:
            continue
        assert entry.editor is not None and entry.scan is not None
        try:
            outputs.append((entry, entry.editor.apply(entry.text, entry.scan, new_ids)))
        except EditError as exc:
            failed.add(entry.label)
            problems.append(problem_row(P.EDIT_FAILED, file=entry.label, reason=exc))

    if not dry_run:
        for entry, text in outputs:
            _atomic_write(entry.path, ((_BOM if entry.bom else "") + text).encode("utf-8"))

    assignments = [a for a in planned if a.file not in failed]
    ranges: dict[str, tuple[int, int]] = {}
    for a in assignments:
        prefix, number = split_id(a.event_id) or ("", 0)
        low, high = ranges.get(prefix, (number, number))
        ranges[prefix] = (min(low, number), max(high, number))
    report = Report(records=record, problems=problems_frame(problems), files=len(files)
                    + len({p["file"] for p in problems
                           if p["rule"] == P.UNREADABLE_FILE.code}))
    return AssignResult(assignments, report, [e.label for e, _ in outputs], with_id,
                        str(release_read) if release_read else None, dry_run, ranges)


def _atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` (a reader sees the old file or the new one), keeping its
    permission bits."""
    target = path.resolve()
    write_atomic(target, data, mode=target.stat().st_mode & 0o7777)
