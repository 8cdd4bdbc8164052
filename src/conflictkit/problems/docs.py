"""The problem catalogue as a document: Markdown (also appended to every codebook) and JSON
(``conflictkit codebook --format problems``), generated from `catalogue.CATALOGUE` so the
documentation cannot drift from the codes reports carry."""

from __future__ import annotations

from typing import Any

from conflictkit.problems.catalogue import CATALOGUE, STAGES, ProblemType


def _redundancy(problem: ProblemType) -> str:
    parts = []
    for echo in problem.makes_redundant:
        columns = ", ".join({"same": "its own column", "derived": "the columns derived from it"}
                            .get(c, f"`{c}`") for c in echo.columns)
        codes = ", ".join(f"`{c}`" for c in echo.codes) if echo.codes else "any problem"
        parts.append(f"{codes} on {columns}")
    return "; ".join(parts)


def catalogue_markdown(level: int = 1) -> str:
    """Every problem type, grouped by the stage it arises in, each under an anchor named by its
    code (``#problem-<code>``) that the codebook's rules link to."""
    h = "#" * level
    lines = [f"{h} Problem codes", "",
             "Every problem a conflictkit report can carry, by the stage it arises in. A "
             "report's `rule` is one of these codes; `severity` is the default (`--strict` "
             "makes unknown actors errors). Errors reject the record; warnings do not.", ""]
    for stage, title in STAGES.items():
        problems = [p for p in CATALOGUE.values() if p.stage == stage]
        if not problems:
            continue
        lines += [f"{h}# {title}", ""]
        for p in problems:
            lines += [f'<a id="problem-{p.anchor}"></a>', "",
                      f"{h}## `{p.code}`: {p.title}", "",
                      f"{p.description}", "",
                      f"- severity: {p.severity}; about: a {p.scope}",
                      f"- message: {p.template}"]
            if p.makes_redundant:
                lines.append(f"- repeats it silences: {_redundancy(p)}")
            if p.counts_as_record:
                lines.append("- counts as one rejected record")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def catalogue_json() -> dict[str, Any]:
    """The catalogue as a JSON-ready document."""
    return {"problems": [
        {"code": p.code, "title": p.title, "stage": p.stage, "scope": p.scope,
         "severity": p.severity, "template": p.template, "description": p.description,
         "makes_redundant": [{"columns": list(e.columns), "codes": list(e.codes)}
                             for e in p.makes_redundant],
         "counts_as_record": p.counts_as_record}
        for p in CATALOGUE.values()]}
