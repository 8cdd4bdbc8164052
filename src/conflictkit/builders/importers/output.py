"""Writing an import: accepted events to OUT (Parquet, canonical Arrow schema), the side table to
OUT.provenance.parquet and the repairs to OUT.repairs.parquet (named by the layout's
`sidecar_path`, so a dataset never reads them as batches of events).

Encoding and compressing the events is most of an import's output time (1M rows: ~1.5 s) and
releases the GIL, while validation holds it. So `ImportWriter.begin` is called by the importer
with every event before validation and writes them on a second thread; `commit` keeps that file
when nothing was rejected (the usual case) and writes it again without the rejected rows
otherwise. Both files go to temporary names and are renamed at the end, so a failure leaves
nothing half-written under the final names.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conflictkit.atomic import describe_os_error
from conflictkit.errors import ConflictkitError
from conflictkit.layout.dataset import sidecar_path

if TYPE_CHECKING:
    import datetime as dt

    import pandas as pd

    from conflictkit.builders.importers.common import ImportResult


# one value per event: a dictionary never fits and min/max statistics of notes prune nothing,
# so the writer does not try them (the file comes out the same size)
_UNIQUE_TEXT = frozenset({"event_id_cnty", "notes"})


def _write_parquet(table: Any, path: Path) -> None:
    import pyarrow.parquet as pq

    names = table.column_names
    pq.write_table(table, path, compression="zstd",
                   use_dictionary=[n for n in names if n not in _UNIQUE_TEXT],
                   write_statistics=[n for n in names if n != "notes"])


class ImportWriter:
    """The output files of one import; use as a context manager (temporary files are removed
    on the way out unless `commit` renamed them into place)."""

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        self.side_path = sidecar_path(self.out, "provenance")
        self.repairs_path = sidecar_path(self.out, "repairs")
        self._temps = [path.with_name(f".{path.name}.tmp-{os.getpid()}")
                       for path in (self.out, self.side_path, self.repairs_path)]
        self._pool: ThreadPoolExecutor | None = None
        self._early: Future | None = None
        self._early_rows = -1

    def __enter__(self) -> ImportWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def begin(self, events: pd.DataFrame) -> None:
        """Start writing `events` (every row, canonical frame) while the caller validates them."""
        from conflictkit.schema.arrow import to_arrow_table

        self._make_parent()
        table = to_arrow_table(events)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="import-writer")
        self._early = self._pool.submit(_write_parquet, table, self._temps[0])
        self._early_rows = len(events)

    def commit(self, result: ImportResult) -> tuple[Path, Path, Path]:
        """Finish the events, provenance and repairs files for `result` and move them into
        place; returns their paths."""
        import pyarrow as pa

        from conflictkit.schema.arrow import to_arrow_table

        self._make_parent()
        events_tmp, side_tmp, repairs_tmp = self._temps
        early = self._early
        self._early = None
        try:
            side = pa.Table.from_pandas(result.side, preserve_index=False)
            side = side.replace_schema_metadata(None)
            repairs = pa.Table.from_pandas(result.repairs, preserve_index=False)
            repairs = repairs.replace_schema_metadata(None)

            def sides() -> None:
                _write_parquet(side, side_tmp)
                _write_parquet(repairs, repairs_tmp)

            if early is not None:  # the side tables are written beside the events still going
                with ThreadPoolExecutor(1, thread_name_prefix="import-side") as pool:
                    side_done = pool.submit(sides)
                    early.result()  # a failed write raises here
                    side_done.result()
            else:
                sides()
            if early is None or len(result.events) != self._early_rows:
                _write_parquet(to_arrow_table(result.events), events_tmp)
            os.replace(events_tmp, self.out)
            os.replace(side_tmp, self.side_path)
            os.replace(repairs_tmp, self.repairs_path)
        except OSError as exc:
            raise ConflictkitError(f"cannot write {self.out}: {describe_os_error(exc)}") from exc
        return self.out, self.side_path, self.repairs_path

    def _make_parent(self) -> None:
        parent = self.out.parent
        if parent.exists() and not parent.is_dir():
            raise ConflictkitError(f"cannot write {self.out}: {parent} is a file, not a directory")
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConflictkitError(f"cannot write {self.out}: {describe_os_error(exc)}") from exc

    def close(self) -> None:
        """Wait for a write still running, then remove any temporary file left behind."""
        if self._early is not None:
            self._early.exception()  # its error, if any, belongs to an import that failed
            self._early = None
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        for tmp in self._temps:
            with suppress(OSError):  # best effort: its directory may not even exist
                tmp.unlink(missing_ok=True)


def write_import(result: ImportResult, out: str | Path) -> tuple[Path, Path, Path]:
    """Write an import already checked (no early start): events, side table and repairs as
    Parquet."""
    with ImportWriter(out) as writer:
        return writer.commit(result)


def import_file(format_name: str, path: str | Path, *, out: str | Path | None = None,
                today: str | dt.date | None = None, progress: Any = None) -> ImportResult:
    """`conflictkit import`: read ``path`` with the registered format's reader, writing the
    accepted events (and their provenance and repairs) to ``out`` while they are checked; the
    result names the files written (none without ``out``)."""
    import datetime as dt

    from conflictkit.builders.importers.registry import format_named
    from conflictkit.errors import UsageError

    if isinstance(today, str):
        try:
            today = dt.date.fromisoformat(today)
        except ValueError:
            raise UsageError(f"--today {today!r}: not a date YYYY-MM-DD") from None
    if not Path(path).exists():
        raise UsageError(f"{path}: no such file")
    reader = format_named(format_name)
    if out is None:
        return reader.read(path, today=today, progress=progress)
    with ImportWriter(out) as writer:
        result = reader.read(path, today=today, progress=progress, writer=writer)
        result.written = writer.commit(result)
        return result
