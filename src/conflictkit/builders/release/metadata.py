"""What a release says about itself: dataset metadata (from ``conflictkit.toml``) and
``datapackage.json`` (Frictionless Data Package v2).

``created`` is the release time, never the wall clock, so a rebuild is byte-identical; the
versions of conflictkit, pandas and pyarrow are recorded because they shape the bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conflictkit.builders.release.checksums import FileDigest
from conflictkit.builders.release.timestamps import iso_utc
from conflictkit.errors import ConflictkitError
from conflictkit.layout.dataset import CONFIG_FILE, read_config
from conflictkit.layout.release import (
    EVENTS,
    EVENTS_CSV,
    PARTITION_KEY,
    RELEASE_FILES,
    ReleaseFile,
)

if TYPE_CHECKING:
    import pyarrow as pa

DATAPACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TABLESCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
_SPDX_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")
DEFAULT_SOURCE = {"title": "Events hand-coded or imported into this dataset repository "
                           "(see provenance.parquet for each event's file and source_url)"}


@dataclass
class DatasetMetadata:
    """Descriptive metadata of a dataset, as its ``conflictkit.toml`` gives it."""

    name: str = "conflict-events"
    title: str = ""
    description: str = ""
    licenses: list[dict[str, str]] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)
    citation: str = ""
    homepage: str = ""
    keywords: list[str] = field(default_factory=list)


def _slug(text: str) -> str:
    """A Data Package name: lower-case letters, digits and - . _"""
    slug = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")
    return slug or "conflict-events"


def _as_records(value: Any, key: str, path: Path) -> list[dict[str, str]]:
    """A licence/source given as a string, a table or a list of either -> list of dicts."""
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, str) and key == "licenses":
            record = {"name": item}
            if _SPDX_RE.match(item):
                record["path"] = f"https://spdx.org/licenses/{item}.html"
            out.append(record)
        elif isinstance(item, str):
            out.append({"title": item})
        elif isinstance(item, dict):
            out.append({str(k): str(v) for k, v in item.items()})
        else:
            raise ConflictkitError(f"{path}: '{key}' entries must be text or tables")
    return out


def read_metadata(dataset_dir: Path) -> DatasetMetadata:
    """Metadata from ``conflictkit.toml`` (top level or a [dataset] table); defaults when absent.

    Accepted keys: name, title, description, licence/license/licenses, sources, citation,
    homepage, keywords.
    """
    path = Path(dataset_dir) / CONFIG_FILE
    config = read_config(dataset_dir)
    if not config:
        return DatasetMetadata(name=_slug(Path(dataset_dir).resolve().name))
    table = config.get("dataset") if isinstance(config.get("dataset"), dict) else config
    licence = next((table[k] for k in ("licenses", "license", "licence") if k in table), None)
    citation = table.get("citation", "")
    if isinstance(citation, dict):
        citation = str(citation.get("text") or citation.get("cite") or "")
    return DatasetMetadata(
        name=_slug(str(table.get("name") or Path(dataset_dir).resolve().name)),
        title=str(table.get("title", "")),
        description=str(table.get("description", "")),
        licenses=_as_records(licence, "licenses", path),
        sources=_as_records(table.get("sources"), "sources", path),
        citation=str(citation),
        homepage=str(table.get("homepage", "")),
        keywords=[str(k) for k in table.get("keywords", [])],
    )


def rules_fingerprint() -> str:
    """A digest of everything that decides whether an event is valid: the schema and
    reference code, the reference data and the library versions. Two builds with the same
    fingerprint apply the same rules (a release records it; see `build_release(validate=)`)."""
    import conflictkit

    base = Path(conflictkit.__file__).parent
    digest = hashlib.sha256()
    for name, version in sorted(software_versions().items()):
        digest.update(f"{name}={version}\n".encode())
    for path in sorted([*base.glob("schema/*.py"), *base.glob("reference/*.py"),
                        *base.glob("data/*.csv")]):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def software_versions() -> dict[str, str]:
    """The versions that shape a release's bytes: Parquet (pyarrow), frames (pandas), the
    report's charts (matplotlib)."""
    import matplotlib
    import pandas
    import pyarrow

    from conflictkit import __version__

    return {"conflictkit": __version__, "pandas": pandas.__version__,
            "pyarrow": pyarrow.__version__, "matplotlib": matplotlib.__version__}


_FRICTIONLESS_TYPES = {"string": "string", "large_string": "string", "int8": "integer",
                       "int16": "integer", "int32": "integer", "int64": "integer",
                       "double": "number", "float": "number", "bool": "boolean",
                       "date32[day]": "date"}


def arrow_table_schema(schema: pa.Schema, primary_key: tuple[str, ...] = ()
                       ) -> dict[str, Any]:
    """A Frictionless table schema for a table declared (or written) as an Arrow schema: types
    from the Arrow types, "required" from non-nullable fields, descriptions from field
    metadata."""
    fields = []
    for f in schema:
        field: dict[str, Any] = {"name": f.name,
                                 "type": _FRICTIONLESS_TYPES.get(str(f.type), "any")}
        description = (f.metadata or {}).get(b"description")
        if description:
            field["description"] = description.decode("utf-8")
        if not f.nullable:
            field["constraints"] = {"required": True}
        fields.append(field)
    document: dict[str, Any] = {"$schema": TABLESCHEMA_PROFILE, "fields": fields,
                                "fieldsMatch": "exact"}
    if primary_key and set(primary_key) <= set(schema.names):
        document["primaryKey"] = list(primary_key)
    return document


@dataclass
class ReleaseFacts:
    """Everything datapackage.json records about one release, besides the metadata."""

    version: str
    released_at: int
    previous: str | None
    event_files: list[tuple[str, int | None, int]]  # (path, year or None, rows)
    rows: dict[str, int]  # rows of the other tables, by path
    schemas: dict[str, pa.Schema]  # written schema of tables whose columns vary (provenance)
    changes: dict[str, int]
    candidates_left_out: int
    digests: dict[str, FileDigest]
    rules_fingerprint: str | None = None


def _file_resource(release_file: ReleaseFile, digest: FileDigest, **extra: Any
                   ) -> dict[str, Any]:
    """A resource for one release file. Parquet resources carry no ``bytes``: frictionless
    reads Parquet through pyarrow, not as a byte stream, so it could not check them (it
    reports them as wrong); the sha256 is still recorded, and `conflictkit verify` checks
    both against SHA256SUMS."""
    resource: dict[str, Any] = {"name": extra.pop("name", release_file.key),
                                "path": digest.path, "title": release_file.title,
                                "description": extra.pop("description",
                                                         release_file.description)}
    resource["type"] = "table" if release_file.is_table else "file"
    resource["format"] = {"markdown": "md"}.get(release_file.format, release_file.format)
    resource["mediatype"] = release_file.mediatype
    if release_file.format in ("csv", "markdown", "json", "html"):
        resource["encoding"] = "utf-8"
    resource.update(extra)
    if release_file.format != "parquet":
        resource["bytes"] = digest.bytes
    resource["hash"] = f"sha256:{digest.sha256}"
    return resource


def _event_resources(facts: ReleaseFacts) -> list[dict[str, Any]]:
    """events.parquet, or one resource per year partition whose schema is the 30 columns the
    file really holds (the year is in the directory name)."""
    from conflictkit.schema.codebook import table_schema

    out = []
    for path, year, rows in facts.event_files:
        schema = table_schema()
        description = EVENTS.description
        if year is not None:
            schema["fields"] = [f for f in schema["fields"] if f["name"] != PARTITION_KEY]
            description = (f"The events of {year} (hive partition {PARTITION_KEY}={year}: the "
                           f"{PARTITION_KEY} column comes from the directory name).")
        out.append(_file_resource(EVENTS, facts.digests[path],
                                  name=EVENTS.key if year is None else f"{EVENTS.key}-{year}",
                                  description=description, rows=rows, schema=schema))
    return out


def _resources(facts: ReleaseFacts) -> list[dict[str, Any]]:
    """Every file of `RELEASE_FILES` that datapackage.json describes, in their order."""
    from conflictkit.schema.codebook import csv_dialect, table_schema

    resources: list[dict[str, Any]] = []
    for release_file in RELEASE_FILES:
        if not release_file.in_datapackage:
            continue
        if release_file is EVENTS:
            resources += _event_resources(facts)
            continue
        digest = facts.digests.get(release_file.path)
        if digest is None:
            if release_file.required:
                raise ConflictkitError(f"{release_file.path} was not written")
            continue
        extra: dict[str, Any] = {}
        if release_file.format == "csv":
            extra["dialect"] = csv_dialect()
        if release_file.is_table:
            if release_file is EVENTS_CSV:
                extra["schema"] = table_schema()
            else:
                declared = (release_file.schema() if release_file.schema is not None
                            else facts.schemas[release_file.path])
                extra["schema"] = arrow_table_schema(declared, release_file.unique_by)
            extra["rows"] = facts.rows[release_file.path]
        resources.append(_file_resource(release_file, digest, **extra))
    return resources


def datapackage_document(meta: DatasetMetadata, facts: ReleaseFacts) -> dict[str, Any]:
    """The datapackage.json document (insertion-ordered, so its bytes are stable)."""
    document: dict[str, Any] = {"$schema": DATAPACKAGE_PROFILE, "name": meta.name}
    if meta.title:
        document["title"] = meta.title
    if meta.description:
        document["description"] = meta.description
    document["version"] = facts.version
    document["created"] = iso_utc(facts.released_at)
    if meta.homepage:
        document["homepage"] = meta.homepage
    if meta.keywords:
        document["keywords"] = meta.keywords
    document["licenses"] = meta.licenses
    document["sources"] = meta.sources or [DEFAULT_SOURCE]
    if meta.citation:
        document["citation"] = meta.citation.replace("{version}", facts.version)
    document["resources"] = _resources(facts)
    document["conflictkit"] = {
        "release_timestamp": facts.released_at,
        "previous_version": facts.previous,
        "layout": "single" if all(y is None for _, y, _ in facts.event_files) else "year",
        "events": sum(rows for _, _, rows in facts.event_files),
        "changes": facts.changes,
        "candidates_left_out": facts.candidates_left_out,
        "rules_fingerprint": facts.rules_fingerprint,
        "software": software_versions(),
    }
    return document


def dump_json(document: dict[str, Any]) -> str:
    """Stable JSON text: two-space indent, UTF-8, trailing newline."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
