"""The public API as a researcher meets it: `dir(ck)` and tab completion list it, `help()` shows
each name's docstring with an example, and every example runs.

Examples may use `ck`, a frame `df` from ck.load, and these paths (made here, real files):
releases/1.1.0 and releases/1.2.0 (two releases of one dataset, built by the release builder),
my-dataset (a repository made by `init` with a release), acled_export.csv (an ACLED export),
GEDEvent_v25_1.csv (UCDP GED), article.txt (the seed article).
"""

from __future__ import annotations

import inspect
import pydoc
import rlcompleter
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
from test_release_fixtures import make_events

import conflictkit as ck

HERE = Path(__file__).resolve().parent
PUBLIC = [name for name in ck.__all__ if name != "__version__"]
ARTICLE = (HERE.parent / "examples" / "dataset" / "articles"
           / "2018-02-08-dw-us-led-coalition-attacks-pro-assad-fighters.txt")


def examples(obj) -> list[str]:
    """The `>>>` lines of a docstring (with `...` continuations), as source lines."""
    lines = []
    for line in (inspect.getdoc(obj) or "").splitlines():
        stripped = line.strip()
        if stripped.startswith(">>> "):
            lines.append(stripped[4:])
        elif stripped.startswith("... ") and lines:
            lines[-1] += "\n" + stripped[4:]
    return lines


def test_dir_and_tab_completion_list_the_public_api() -> None:
    listed = dir(ck)
    assert set(ck.__all__) <= set(listed)
    assert not {"importlib", "Any", "annotations"} & set(listed)  # helpers stay out
    completer = rlcompleter.Completer({"ck": ck})
    offered = set()
    for state in range(200):
        match = completer.complete("ck.", state)
        if match is None:
            break
        offered.add(match.removeprefix("ck.").rstrip("("))
    assert set(PUBLIC) <= offered


@pytest.mark.parametrize("name", PUBLIC)
def test_help_shows_a_docstring_with_an_example(name: str) -> None:
    obj = getattr(ck, name)
    code = examples(obj)
    assert code, f"ck.{name} has no >>> example"
    shown = pydoc.render_doc(obj, renderer=pydoc.plaintext)
    assert all(line.splitlines()[0] in shown for line in code)
    assert len(shown) < 30_000, "help() is unreadably long (a default's repr in the signature?)"
    summary = (inspect.getdoc(obj) or "").splitlines()[0]
    assert len(summary) > 20, summary


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    from conflictkit.builders.release.build import build_release
    from conflictkit.builders.scaffold import init_dataset

    root = tmp_path_factory.mktemp("examples")
    first = make_events(60, seed=2)
    second = first.copy()
    second.loc[0, "fatalities"] = 42
    second = pd.concat([second.drop(index=[1]), make_events(3, seed=9, start_number=500)],
                       ignore_index=True)
    build_release(first, root=root / "releases", version="1.1.0", timestamp=1_704_067_200)
    build_release(second, root=root / "releases", version="1.2.0", timestamp=1_706_745_600)
    init_dataset(root / "my-dataset")
    build_release(first, root=root / "my-dataset" / "releases", version="1.0.0",
                  timestamp=1_704_067_200)
    imports = HERE / "fixtures" / "import"
    shutil.copy(imports / "acled_current.csv", root / "acled_export.csv")
    shutil.copy(imports / "ucdp_ged.csv", root / "GEDEvent_v25_1.csv")
    shutil.copy(ARTICLE, root / "article.txt")
    return root


@pytest.mark.parametrize("name", PUBLIC)
def test_every_example_runs(name: str, workspace: Path, monkeypatch) -> None:
    """Run as written (the calls bind to the real signatures, the files exist), so an example
    cannot outlive a renamed argument."""
    monkeypatch.chdir(workspace)
    namespace = {"ck": ck, "df": ck.load("releases/1.1.0")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ck.LatestReleaseWarning)
        for line in examples(getattr(ck, name)):
            try:
                exec(compile(line, f"<ck.{name} example>", "single" if "\n" not in line
                             else "exec"), namespace)
            except Exception as exc:  # pragma: no cover - the failure message is the point
                pytest.fail(f"ck.{name} example {line!r} fails: {type(exc).__name__}: {exc}")

