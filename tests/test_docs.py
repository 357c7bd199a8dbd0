"""Code comments cite the project's own notes (docs/portal-api.md, docs/quartz.md) by section;
every cited section must exist, and nothing may cite notes the repository does not ship."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = {"portal-api": ROOT / "docs" / "portal-api.md", "quartz": ROOT / "docs" / "quartz.md"}
CITATION = re.compile(r"(?:docs/(portal-api|quartz)\.md\s*)?§\s?(\d+(?:\.\d+)?)")


def sections(path: Path) -> set[str]:
    return set(re.findall(r"^#+ (\d+(?:\.\d+)?)[. ]", path.read_text(), re.M))


def citations(text: str) -> list[tuple[str, str]]:
    """(doc, section) for each § in `text`; a bare § cites the doc the file names first."""
    first = re.search(r"docs/(portal-api|quartz)\.md", text)
    default = first.group(1) if first else "portal-api"
    return [(m.group(1) or default, m.group(2)) for m in CITATION.finditer(text)]


def cited_files() -> list[Path]:
    files = [*ROOT.joinpath("reconciler").rglob("*.py"), *ROOT.joinpath("tests").rglob("*.py"),
             *ROOT.joinpath("reconciler").rglob("*.md"), ROOT / "README.md"]
    return [p for p in files if p.name != "test_docs.py"]


def test_every_cited_section_exists() -> None:
    known = {doc: sections(path) for doc, path in DOCS.items()}
    missing = [(str(p.relative_to(ROOT)), doc, number) for p in cited_files()
               for doc, number in citations(p.read_text()) if number not in known[doc]]
    assert missing == []


def test_no_citation_of_notes_outside_the_repository() -> None:
    outside = [str(p.relative_to(ROOT)) for p in cited_files()
               if re.search(r"arcgis-tasks-api\.md|(?<![/\w])cron\.md|/work/", p.read_text())]
    assert outside == []


def test_the_citation_check_can_fail() -> None:
    assert citations("see docs/quartz.md §2, then §99") == [("quartz", "2"), ("quartz", "99")]
    assert "99" not in sections(DOCS["quartz"])
