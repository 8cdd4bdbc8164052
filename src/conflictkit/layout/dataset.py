"""A dataset repository, declared once: its config file, its folders and which file is what.

```
my-dataset/
  conflictkit.toml       [dataset] metadata, [release] and [validate] settings
  events/**/*.yaml|csv|json   hand-coded (and reviewed extracted) events
  imports/**/*.parquet   imported batches (`conflictkit import ... -o imports/NAME.parquet`),
                         each with its sidecars NAME.provenance.parquet (and NAME.repairs.parquet)
  reference/             actors.csv, places.csv: extensions of the reference tables
  articles/              source articles for extraction
  releases/<version>/    published releases ([release] directory)
  .conflictkit/contribution.schema.json   the editor schema (`init` writes it; VS Code's
                         .vscode/settings.json and the example event's modeline point to it)
```

`read_config` is the one reader of conflictkit.toml; `is_sidecar` the one answer to "is this
Parquet file a batch of events or a side table", so validate, ids, release gathering and loading
never mistake an import's provenance for events.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from conflictkit.errors import UsageError
from conflictkit.layout.release import latest_release
from conflictkit.schema.codebook import CONTRIBUTION_SCHEMA_FILE
from conflictkit.schema.columns import COLUMN_NAMES

CONFIG_FILE = "conflictkit.toml"
EVENTS_FOLDER = "events"
IMPORTS_FOLDER = "imports"
REFERENCE_FOLDER = "reference"
ARTICLES_FOLDER = "articles"
DEFAULT_RELEASES_FOLDER = "releases"
ACTORS_CSV = "actors.csv"
#: The JSON Schema of a contribution file, for editors (`codebook --format jsonschema`). Hidden:
#: never mistaken for a contribution, whichever folder `validate` is given.
EDITOR_SCHEMA = f".conflictkit/{CONTRIBUTION_SCHEMA_FILE}"
PLACES_CSV = "places.csv"

#: Contribution file suffixes (read by the contribution readers) and table suffixes.
CONTRIBUTION_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".csv", ".json")
TABLE_SUFFIXES: tuple[str, ...] = (".parquet",)

#: Side tables written beside an imported batch NAME.parquet, by kind: NAME.<kind>.parquet.
SIDECAR_KINDS: tuple[str, ...] = ("provenance", "repairs")


def sidecar_path(batch: Path, kind: str) -> Path:
    """NAME.parquet -> NAME.<kind>.parquet, the side table of that kind beside a batch."""
    if kind not in SIDECAR_KINDS:
        raise ValueError(f"unknown sidecar kind {kind!r}")
    name = batch.name[: -len(".parquet")] if batch.name.endswith(".parquet") else batch.name
    return batch.with_name(f"{name}.{kind}.parquet")


def is_sidecar(path: Path) -> bool:
    """True for a side table beside an imported batch (not a batch of events)."""
    return any(Path(path).name.endswith(f".{kind}.parquet") for kind in SIDECAR_KINDS)


def read_config(dataset_dir: Path) -> dict[str, Any]:
    """conflictkit.toml as a dict ({} when absent); a malformed file is a usage error (the
    tool is misconfigured: exit 2, whichever command read it)."""
    path = Path(dataset_dir) / CONFIG_FILE
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: malformed TOML: {exc}") from exc


def find_dataset_root(paths: Iterable[str | Path]) -> Path | None:
    """The dataset repository (folder with conflictkit.toml) holding the first given path."""
    for raw in paths:
        here = Path(raw).resolve()
        for folder in (here, *here.parents):
            if (folder / CONFIG_FILE).is_file():
                return folder
    return None


def visible_files(folder: Path) -> list[Path]:
    """Files under `folder`, sorted, skipping anything inside a hidden (dot) folder or named
    with a leading dot."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def is_contribution_file(path: Path) -> bool:
    return path.suffix.lower() in CONTRIBUTION_SUFFIXES


def is_table_header(names: Iterable[str]) -> bool:
    """Whether a CSV with this header is a finished events table rather than a contribution.

    The one rule: a CSV whose header names every one of ACLED's 31 columns (an ACLED export of
    today's layout, a release's events.csv) is a table, checked as it stands like a Parquet
    table: derived columns are checked, never filled; columns that are not ACLED's are noted
    once per file; unknown actors are counted per name. Any other CSV is a contribution file:
    derived columns it leaves out or blank are filled, and an unknown column is an error on
    every record (a typo must not vanish). Both keep each record's line; side fields (status,
    source_url ...) are read from either.
    """
    return set(COLUMN_NAMES) <= set(names)


def is_table_file(path: Path) -> bool:
    """A Parquet table of events (an imported batch), not a sidecar."""
    return path.suffix.lower() in TABLE_SUFFIXES and not is_sidecar(path)


@dataclass(frozen=True)
class Dataset:
    """One dataset repository: where its parts are, and its settings."""

    root: Path

    @cached_property
    def config(self) -> dict[str, Any]:
        return read_config(self.root)

    def settings(self, table: str) -> dict[str, Any]:
        """One table of conflictkit.toml ([release], [validate]), {} when absent."""
        value = self.config.get(table, {})
        return value if isinstance(value, dict) else {}

    @property
    def events_dir(self) -> Path:
        return self.root / EVENTS_FOLDER

    @property
    def imports_dir(self) -> Path:
        return self.root / IMPORTS_FOLDER

    @property
    def reference_dir(self) -> Path:
        return self.root / REFERENCE_FOLDER

    @property
    def articles_dir(self) -> Path:
        return self.root / ARTICLES_FOLDER

    @property
    def actors_csv(self) -> Path:
        return self.reference_dir / ACTORS_CSV

    @property
    def places_csv(self) -> Path:
        return self.reference_dir / PLACES_CSV

    @property
    def releases_dir(self) -> Path:
        """``[release] directory`` of conflictkit.toml (default ``releases``)."""
        return self.root / str(self.settings("release").get("directory",
                                                             DEFAULT_RELEASES_FOLDER))

    def event_sources(self) -> list[Path]:
        """The folders holding the dataset's events (hand-coded, imported) that exist."""
        return [p for p in (self.events_dir, self.imports_dir) if p.is_dir()]

    def contribution_files(self) -> list[Path]:
        """Hand-coded (and extracted) event files under events/, in path order."""
        return [p for p in visible_files(self.events_dir) if is_contribution_file(p)]

    def import_batches(self) -> list[Path]:
        """Imported batches of events under imports/ (never their sidecars), in path order."""
        return [p for p in visible_files(self.imports_dir) if is_table_file(p)]

    def latest_release(self) -> Path | None:
        return latest_release(self.releases_dir)


def open_dataset(path: str | Path) -> Dataset:
    """The dataset repository at ``path`` (a folder); a UsageError when it is not a folder."""
    root = Path(path)
    if not root.exists():
        raise UsageError(f"{root}: no such dataset directory")
    if not root.is_dir():
        raise UsageError(f"{root}: not a dataset directory (a folder with events/)")
    return Dataset(root)
