"""Where the running conflictkit was installed from, so a dataset's CI installs the same one.

`conflictkit init` writes a workflow that installs conflictkit on GitHub's runners. Pinning
``conflictkit==VERSION`` is right only when that version came from a package index; a
conflictkit installed from its repository or a local checkout is served by no index, and the
first run would fail. PEP 610 says how to tell: an installer records ``direct_url.json`` in the
distribution's metadata whenever a package did not come from an index:

- ``vcs_info``: a repository at a commit; pip installs that commit again
  (``conflictkit @ git+URL@COMMIT``);
- ``archive_info``: a wheel or sdist at a URL; pip fetches it again, with its hash, unless the
  URL is a file on this computer;
- ``dir_info``: a local directory (editable or not): on this computer only.

No ``direct_url.json`` means an index install: pin the version. When nothing a runner can
reach is known, the requirement is empty and the workflow says plainly what to fill in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit, urlunsplit

PACKAGE = "conflictkit"

Kind = Literal["index", "vcs", "archive", "local", "unknown"]


class Distribution(Protocol):
    """What is read of an installed distribution (`importlib.metadata.Distribution`)."""

    @property
    def version(self) -> str: ...

    def read_text(self, filename: str) -> str | None: ...


@dataclass(frozen=True)
class InstallSource:
    """How to install this conflictkit again elsewhere.

    ``requirement`` is what ``pip install`` takes ("" when no runner can reach the source);
    ``origin`` says in a few words where it came from (for a comment in the workflow).
    """

    kind: Kind
    version: str
    requirement: str
    origin: str


def _public(url: str) -> str:
    """`url` without credentials (a token in an https URL must not end up in a workflow), and
    GitHub's ssh address as https (a runner has no ssh key; a public repository needs none)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "ssh" and host == "github.com":
        return urlunsplit(("https", host, parts.path, parts.query, parts.fragment))
    if "@" in parts.netloc and parts.username != "git":
        netloc = host + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url


def _from_direct_url(info: dict[str, Any], version: str) -> InstallSource:
    url = str(info.get("url", ""))
    local = url.startswith("file:")
    subdirectory = info.get("subdirectory")
    fragment = f"#subdirectory={subdirectory}" if subdirectory else ""
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and not local:
        commit = vcs.get("commit_id") or vcs.get("requested_revision")
        at = f"@{commit}" if commit else ""
        kind = str(vcs.get("vcs", "git"))
        return InstallSource("vcs", version, f"{PACKAGE} @ {kind}+{_public(url)}{at}{fragment}",
                             f"its {kind} repository at "
                             f"{str(commit)[:12] if commit else 'its default branch'}")
    archive = info.get("archive_info")
    if isinstance(archive, dict) and not local:
        hashes = archive.get("hashes")
        digest = ""
        if isinstance(hashes, dict) and hashes.get("sha256"):
            digest = f"#sha256={hashes['sha256']}"
        elif isinstance(archive.get("hash"), str) and "=" in archive["hash"]:
            digest = "#" + archive["hash"]
        return InstallSource("archive", version, f"{PACKAGE} @ {_public(url)}{digest}",
                             "an archive at a URL")
    if local or "dir_info" in info:
        editable = isinstance(info.get("dir_info"), dict) and info["dir_info"].get("editable")
        what = "a local folder" if "dir_info" in info or vcs else "a local file"
        how = " (editable)" if editable else ""
        return InstallSource("local", version, "", f"{what}{how}")
    return InstallSource("unknown", version, "", "a source direct_url.json does not describe")


def install_source(distribution: Distribution | None = None) -> InstallSource:
    """Where the installed conflictkit (or `distribution`) came from (PEP 610)."""
    if distribution is None:
        try:
            distribution = metadata.distribution(PACKAGE)
        except metadata.PackageNotFoundError:
            from conflictkit import __version__

            return InstallSource("unknown", __version__, "",
                                 "a source tree, not an installed package")
    version = distribution.version
    text = distribution.read_text("direct_url.json")
    if text is None:
        return InstallSource("index", version, f"{PACKAGE}=={version}", "a package index")
    try:
        info = json.loads(text)
    except ValueError:
        info = None
    if not isinstance(info, dict):
        return InstallSource("unknown", version, "", "a source its direct_url.json garbles")
    return _from_direct_url(info, version)


def workflow_comment(source: InstallSource, indent: str = "  ") -> str:
    """The comment above the workflow's CONFLICTKIT setting: where conflictkit came from and,
    when no runner can install it from there, what to put there instead."""
    lines = [f"`conflictkit init` found conflictkit {source.version} installed from "
             f"{source.origin}."]
    if source.requirement:
        lines.append("CONFLICTKIT is what the runner installs (a pip requirement): that same "
                     "conflictkit.")
    else:
        lines += [
            "GitHub's runners cannot install it from there: CONFLICTKIT is empty, and the",
            "\"Install conflictkit\" step fails until you set it to a requirement pip can",
            "install, for example:",
            f"  \"{PACKAGE}=={source.version}\"   (from a package index)",
            f"  \"{PACKAGE} @ git+https://github.com/OWNER/conflictkit@COMMIT\"   (from its "
            "repository)",
        ]
    return "\n".join(f"{indent}# {line}" for line in lines)
