"""`conflictkit init`: lay out a new dataset repository from the templates in package data.

The templates live in `conflictkit/data/templates/dataset/` (names starting `dot-` become dot
files, so packaging tools that skip hidden files still ship them). Placeholders `{{name}}` are
filled from the arguments, and the tables of CONTRIBUTING.md (columns, event types, actor types,
side fields) are generated from the schema declaration, so the guide cannot drift from the
rules `validate` applies. The editor schema (`layout.dataset.EDITOR_SCHEMA`, what `conflictkit
codebook --format jsonschema` prints) is written beside them; `.vscode/settings.json` and the
example event's `yaml-language-server` modeline point editors to it.

Public API: `init_dataset(directory, *, name=None, force=False) -> InitResult`,
`dataset_name(text) -> str`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from conflictkit import __version__
from conflictkit.errors import UsageError

TEMPLATE_ROOT = ("data", "templates", "dataset")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
_PLACEHOLDER = re.compile(r"\{\{([a-z_]+)\}\}")


@dataclass
class InitResult:
    directory: Path
    name: str
    created: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)  # existed already (with --force)

    def to_dict(self) -> dict[str, object]:
        return {"directory": str(self.directory), "name": self.name,
                "created": [p.as_posix() for p in self.created],
                "skipped": [p.as_posix() for p in self.skipped]}

    def text(self) -> str:
        """What was created (and kept), and what to do next."""
        lines = [f"  created {(self.directory / p).as_posix()}" for p in self.created]
        lines += [f"  kept    {(self.directory / p).as_posix()} (already there)"
                  for p in self.skipped]
        lines.append(f"dataset {self.name!r} ready in {self.directory}. Next: edit events/, "
                     f"then `conflictkit validate {self.directory / 'events'}` and "
                     f"`conflictkit ids assign {self.directory}`.")
        return "\n".join(lines) + "\n"


def dataset_name(text: str) -> str:
    """A machine name (Frictionless style: lower case, digits, . _ -) from any folder name."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", text.strip().lower()).strip("-._")
    return slug[:100] or "dataset"


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _columns_table() -> str:
    from conflictkit.schema.columns import COLUMNS

    rows = ["| column | use | what it holds |", "|---|---|---|"]
    for column in COLUMNS:
        use = "derived" if column.derived else ("required" if column.required else "optional")
        if column.name == "event_id_cnty":
            use = "assigned by `ids assign`"
        rows.append(f"| `{column.name}` | {use} | {_markdown_cell(column.description)} |")
    return "\n".join(rows)


def _event_types_table() -> str:
    from conflictkit.schema.vocab import DISORDER_TYPE_OF_SUB_EVENT, SUB_EVENT_TYPES

    rows = ["| event_type | sub_event_type | disorder_type |", "|---|---|---|"]
    for event, subs in SUB_EVENT_TYPES.items():
        for sub in subs:
            rows.append(f"| {event} | {sub} | {DISORDER_TYPE_OF_SUB_EVENT[sub]} |")
    return "\n".join(rows)


def _actor_types() -> str:
    from conflictkit.schema.vocab import INTER_LABELS

    return "\n".join(f"{code}. {label}" for code, label in INTER_LABELS.items())


def _side_fields() -> str:
    from conflictkit.builders.contributions.fields import SIDE_FIELDS

    return ", ".join(f"`{name}`" for name in SIDE_FIELDS)


def _values(name: str, title: str) -> dict[str, str]:
    import json

    from conflictkit.builders.installed import install_source, workflow_comment
    from conflictkit.layout.dataset import EDITOR_SCHEMA
    from conflictkit.schema.vocab import SOURCE_SCALE_TOKENS

    source = install_source()
    return {
        # the workflow installs the conflictkit that wrote it (a YAML double-quoted string)
        "install_requirement": json.dumps(source.requirement),
        "install_comment": workflow_comment(source),
        "name": name,
        "title": title,
        "version": __version__,
        "columns_table": _columns_table(),
        "event_types_table": _event_types_table(),
        "actor_types": _actor_types(),
        "side_fields": _side_fields(),
        "source_scale_tokens": ", ".join(SOURCE_SCALE_TOKENS),
        "editor_schema": EDITOR_SCHEMA,
    }


def _editor_schema() -> str:
    """The JSON Schema of a contribution file, as `conflictkit codebook --format jsonschema`
    prints it (regenerate it with that command after upgrading conflictkit)."""
    from conflictkit.schema.codebook import document

    return document("jsonschema")


def render(text: str, values: dict[str, str]) -> str:
    """Fill known `{{key}}` placeholders; anything else (e.g. GitHub's `${{ }}`) stays."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _templates(root: Traversable, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...],
                                                                             Traversable]]:
    found = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        target = "." + entry.name[4:] if entry.name.startswith("dot-") else entry.name
        if entry.is_dir():
            found += _templates(entry, (*prefix, target))
        else:
            found.append(((*prefix, target), entry))
    return found


def init_dataset(directory: str | Path, *, name: str | None = None,
                 force: bool = False) -> InitResult:
    """Create a dataset repository in `directory` (new or empty; any folder with `force`).

    With `force`, files that already exist are kept as they are and listed as skipped.
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: exists and is not a directory")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise UsageError(f"{directory}: directory is not empty (use --force to add the dataset "
                         "files to it; existing files are kept)")
    if name is None:
        name = dataset_name(directory.resolve().name)
    elif not _NAME.match(name):
        raise UsageError(f"invalid dataset name {name!r}: use lower-case letters, digits and "
                         ". _ - (e.g. sahel-events), starting with a letter or digit")
    title = re.sub(r"[-_.]+", " ", name).strip().title() or name
    values = _values(name, title)

    result = InitResult(directory, name)
    root = resources.files("conflictkit").joinpath(*TEMPLATE_ROOT)
    files = [(Path(*parts), lambda t=template: render(t.read_text(encoding="utf-8"), values))
             for parts, template in _templates(root)]
    files.append((Path(values["editor_schema"]), _editor_schema))
    for relative, text in files:
        target = directory / relative
        if target.exists():
            result.skipped.append(relative)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text(), encoding="utf-8", newline="\n")
        result.created.append(relative)
    for folder in ("events", "reference", "articles"):
        (directory / folder).mkdir(parents=True, exist_ok=True)
    return result
