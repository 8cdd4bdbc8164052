"""Hand-coded contribution files (YAML, CSV, JSON) -> one checked batch of canonical events.

Public API
----------
- ``read_contributions(paths, *, actors=None, gazetteer=None, release=None, strict=False,
  max_file_mb=200, today=None) -> Batch``: files and folders of contributions, plus tables
  (Parquet files, release directories); derived columns filled, every rule checked.
- ``read_dataset(dataset_dir, *, release=None, strict=False, ...) -> Batch``: a dataset
  repository's ``events/**`` files and ``imports/**/*.parquet`` batches, with its
  ``reference/actors.csv`` / ``places.csv`` extensions; ``batch.config`` is conflictkit.toml.
- ``check_paths(paths, *, release=None, strict=False, ...) -> Batch``: what ``conflictkit
  validate`` checks: any files, folders, tables, releases or dataset repositories, with the
  settings and reference extensions of the dataset holding them.
- ``Batch(events, side, report, config)``: ``events`` the canonical frame (every readable record,
  valid or not), ``side`` row-aligned (file, line and the side fields), ``report`` a Report
  whose problem rows carry file, line, record (row position), event id, column, rule, value.
- ``read_file(path) -> FileRecords``: one file's raw records (mapping of key -> text) and lines.
- ``SIDE_FIELDS``: keys a record may carry beside ACLED's columns (status, source_url,
  source_published, coder, comment, provenance); they never become event columns.

File formats: see the reader modules (``yaml_reader``, ``csv_reader``, ``json_reader``).
"""

from __future__ import annotations

from conflictkit.builders.contributions.batch import (
    Batch,
    check_paths,
    read_contributions,
    read_dataset,
    read_file,
)
from conflictkit.builders.contributions.fields import SIDE_FIELDS, STATUS_VALUES
from conflictkit.builders.contributions.source import DEFAULT_MAX_FILE_MB, FileRecords

__all__ = [
    "DEFAULT_MAX_FILE_MB",
    "SIDE_FIELDS",
    "STATUS_VALUES",
    "Batch",
    "FileRecords",
    "check_paths",
    "read_contributions",
    "read_dataset",
    "read_file",
]
