"""``conflictkit validate``: the checks, and what the dataset's files change against a release.

The checks are `contributions.check_paths`'. With ``changes``, the events of the dataset
repository holding the files are compared with the release (`release.pending`): the events the
check read, plus the dataset's event files and batches it was not given (read the same way,
their problems not reported). So `validate events --release R` on a dataset that also holds
imports/ does not count every imported event as deleted, and "deleted" always means an event
the release publishes that the dataset's files no longer hold.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from conflictkit.atomic import write_atomic
from conflictkit.builders.contributions import DEFAULT_MAX_FILE_MB, Batch, check_paths
from conflictkit.builders.contributions.batch import collect, display_path, read_events
from conflictkit.builders.crosscheck import ReleaseIds
from conflictkit.errors import ConflictkitError, UsageError
from conflictkit.layout.dataset import CONFIG_FILE, Dataset, find_dataset_root, open_dataset

if TYPE_CHECKING:
    import pyarrow as pa

    from conflictkit.builders.release.changeset import ChangeSet
    from conflictkit.problems.report import Report

#: "none": no comparison; "if-dataset": when the files are in a dataset repository and a
#: release is given (the step summary); "required": a usage error otherwise (--diff-json)
Changes = Literal["none", "if-dataset", "required"]


@dataclass
class Validation:
    """What validate found, and (when asked) what the files change against the release."""

    batch: Batch
    changes: ChangeSet | None = None

    @property
    def report(self) -> Report:
        return self.batch.report

    def step_summary(self, diff_json: Path | None = None) -> str:
        """The report's GitHub step summary, then what the files change against the release
        (when compared), pointing at the full list (``diff_json``, or how to get it)."""
        from conflictkit.problems import render

        summary = render.step_summary(self.report)
        if self.changes is None:
            return summary
        more = (f"`{diff_json.name}` (--diff-json) lists every event, with old and new values; "
                "the workflow `conflictkit init` writes keeps it as an artifact of this run."
                if diff_json else "`--diff-json PATH` writes every event, with old and new "
                "values.")
        return summary + "\n" + self.changes.markdown(
            title=f"Changes against {self.changes.old}", more=more)


def open_dataset_option(path: str | Path) -> Dataset:
    """The dataset repository named by ``--dataset`` (a folder with conflictkit.toml)."""
    dataset = open_dataset(path)
    if not (dataset.root / CONFIG_FILE).is_file():
        raise UsageError(f"--dataset {path}: not a dataset repository (no {CONFIG_FILE}; "
                         "`conflictkit init` makes one)")
    return dataset


def validate_paths(
    paths: Iterable[str | Path],
    *,
    release: str | Path | None = None,
    dataset: str | Path | None = None,
    strict: bool = False,
    max_file_mb: float = DEFAULT_MAX_FILE_MB,
    changes: Changes = "none",
    diff_json: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Validation:
    """Check `paths`; with ``dataset`` (``--dataset``) also against the rest of that dataset
    (see `check_paths`' ``rest_of_dataset``); with ``changes``, compare the dataset's files
    with ``release``, and write the whole comparison to ``diff_json`` when given."""
    paths = list(paths)
    if release is not None and not Path(release).exists():
        raise UsageError(f"--release {release}: no such file or directory")
    if diff_json is not None and not diff_json.parent.is_dir():
        raise UsageError(f"--diff-json {diff_json}: no such folder {diff_json.parent}")
    if changes == "required" and release is None:
        raise UsageError("--diff-json compares the dataset's files with a release: give "
                         "--release too")
    home = open_dataset_option(dataset) if dataset is not None else None
    if home is None:
        root = find_dataset_root(paths)
        home = open_dataset(root) if root is not None else None
    if changes == "required" and home is None:
        raise UsageError(f"--diff-json: {', '.join(map(str, paths))} is not in a dataset "
                         f"repository (no {CONFIG_FILE} above it), so there is nothing to "
                         "compare with the release")
    ids = ReleaseIds(release) if release is not None else None
    batch = check_paths(paths, dataset=home, release=ids, strict=strict,
                        max_file_mb=max_file_mb, rest_of_dataset=dataset is not None,
                        progress=progress)
    if changes == "none" or ids is None or home is None:
        return Validation(batch)
    from conflictkit.builders.release.pending import pending_changes

    if progress:
        progress(f"comparing the dataset's files with release {ids.name}")
    table = _working_table(paths, batch, home, max_file_mb)
    include = home.settings("release").get("include_candidates", False) is True
    result = Validation(batch, pending_changes(table, ids.path, include_candidates=include))
    if diff_json is not None and result.changes is not None:
        text = json.dumps(result.changes.to_dict(), ensure_ascii=False, indent=2, default=str)
        try:
            write_atomic(diff_json, (text + "\n").encode("utf-8"))
        except OSError as exc:
            raise ConflictkitError(f"cannot write {diff_json}: {exc.strerror or exc}") from None
    return result


def _working_table(paths: list[str | Path], batch: Batch, dataset: Dataset,
                   max_file_mb: float) -> pa.Table:
    """The batch's events plus those of the dataset's event files and batches it lacks, as
    one Arrow table: an imported batch in the release schema is read as it stands, anything
    else as validate reads it."""
    import pyarrow as pa

    from conflictkit.builders.release.pending import batch_table, files_table

    contributions, tables = collect(paths)
    read = {p.resolve() for p in contributions + tables}
    parts = [files_table(batch.events, batch.side)]
    slow = [p for p in dataset.contribution_files() if p.resolve() not in read]
    for path in dataset.import_batches():
        if path.resolve() in read:
            continue
        table = batch_table(path, display_path(path))
        if table is None:
            slow.append(path)
        else:
            parts.append(table)
    if slow:
        parts.append(files_table(*read_events(slow, dataset=dataset, max_file_mb=max_file_mb)))
    return pa.concat_tables(parts)
