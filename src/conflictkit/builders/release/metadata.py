"""What a release says about itself: dataset metadata (from ``conflictkit.toml``) and
``datapackage.json`` (Frictionless Data Package v2).

``created`` is the release time, never the wall clock, so a rebuild is byte-identical; the
versions of conflictkit, pandas and pyarrow are recorded because they shape the bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conflictkit.builders.release.checksums import FileDigest
from conflictkit.builders.release.timestamps import iso_utc
from conflictkit.errors import ConflictkitError

CONFIG_NAME = "conflictkit.toml"
DATAPACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
TABLESCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
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
    path = dataset_dir / CONFIG_NAME
    if not path.is_file():
        return DatasetMetadata(name=_slug(dataset_dir.resolve().name))
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConflictkitError(f"{path}: not valid TOML: {exc}") from exc
    table = config.get("dataset") if isinstance(config.get("dataset"), dict) else config
    licence = next((table[k] for k in ("licenses", "license", "licence") if k in table), None)
    citation = table.get("citation", "")
    if isinstance(citation, dict):
        citation = str(citation.get("text") or citation.get("cite") or "")
    return DatasetMetadata(
        name=_slug(str(table.get("name") or dataset_dir.resolve().name)),
        title=str(table.get("title", "")),
        description=str(table.get("description", "")),
        licenses=_as_records(licence, "licenses", path),
        sources=_as_records(table.get("sources"), "sources", path),
        citation=str(citation),
        homepage=str(table.get("homepage", "")),
        keywords=[str(k) for k in table.get("keywords", [])],
    )


def release_settings(dataset_dir: Path) -> dict[str, Any]:
    """The ``[release]`` table of ``conflictkit.toml`` (e.g. partition), or {}."""
    path = dataset_dir / CONFIG_NAME
    if not path.is_file():
        return {}
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConflictkitError(f"{path}: not valid TOML: {exc}") from exc
    settings = config.get("release", {})
    return settings if isinstance(settings, dict) else {}


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
    import pandas
    import pyarrow

    from conflictkit import __version__

    return {"conflictkit": __version__, "pandas": pandas.__version__,
            "pyarrow": pyarrow.__version__}


def _deletions_schema() -> dict[str, Any]:
    return {
        "$schema": TABLESCHEMA_PROFILE,
        "fields": [
            {"name": "event_id_cnty", "type": "string",
             "description": "ID of an event deleted from the dataset; never reused.",
             "constraints": {"required": True}},
            {"name": "deleted_timestamp", "type": "integer",
             "description": "Unix time (seconds) of the release that deleted it.",
             "constraints": {"required": True, "minimum": 0}},
        ],
        "primaryKey": ["event_id_cnty"],
    }


def _provenance_schema(columns: list[tuple[str, str]]) -> dict[str, Any]:
    types = {"string": "string", "int64": "integer", "int32": "integer", "double": "number",
             "bool": "boolean"}
    return {
        "$schema": TABLESCHEMA_PROFILE,
        "fields": [{"name": name, "type": types.get(kind, "any")} for name, kind in columns],
        "primaryKey": ["event_id_cnty"],
    }


def _resource(digest: FileDigest, name: str, **extra: Any) -> dict[str, Any]:
    resource = {"name": name, "path": digest.path}
    resource.update(extra)
    resource["bytes"] = digest.bytes
    resource["hash"] = f"sha256:{digest.sha256}"
    return resource


@dataclass
class ReleaseFacts:
    """Everything datapackage.json records about one release, besides the metadata."""

    version: str
    released_at: int
    previous: str | None
    event_files: list[tuple[str, int | None, int]]  # (path, year or None, rows)
    csv_rows: int
    deletion_rows: int
    provenance_columns: list[tuple[str, str]]
    provenance_rows: int
    changes: dict[str, int]
    candidates_left_out: int
    digests: dict[str, FileDigest]
    text_files: list[str]
    rules_fingerprint: str | None = None


def datapackage_document(meta: DatasetMetadata, facts: ReleaseFacts) -> dict[str, Any]:
    """The datapackage.json document (insertion-ordered, so its bytes are stable)."""
    from conflictkit.schema.codebook import datapackage_resource

    resources: list[dict[str, Any]] = []
    for path, year, rows in facts.event_files:
        digest = facts.digests[path]
        resource = datapackage_resource(
            "events" if year is None else f"events-{year}", path, format="parquet",
            bytes=digest.bytes, hash=digest.sha256, rows=rows,
            description="The events" + (f" of {year} (hive partition year={year}; the year "
                                        "column comes from the directory name)"
                                        if year is not None else ""))
        resources.append(resource)
    digest = facts.digests["events.csv"]
    resources.append(datapackage_resource(
        "events-csv", "events.csv", format="csv", bytes=digest.bytes, hash=digest.sha256,
        rows=facts.csv_rows, description="The events as CSV (RFC 4180, UTF-8, LF, ISO dates)."))
    resources.append(_resource(
        facts.digests["deletions.csv"], "deletions", type="table",
        title="Deleted event IDs", format="csv", mediatype="text/csv", encoding="utf-8",
        schema=_deletions_schema(), rows=facts.deletion_rows,
    ))
    resources.append(_resource(
        facts.digests["provenance.parquet"], "provenance", type="table",
        title="Provenance of each event (side fields)", format="parquet",
        mediatype=PARQUET_MEDIATYPE, schema=_provenance_schema(facts.provenance_columns),
        rows=facts.provenance_rows,
    ))
    for path in facts.text_files:
        resources.append(_resource(facts.digests[path], path.rsplit(".", 1)[0].lower(),
                                   format="md", mediatype="text/markdown", encoding="utf-8"))

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
    document["resources"] = resources
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
