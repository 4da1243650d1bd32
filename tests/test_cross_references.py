"""Every cross-reference in the code and the docs resolves: the migrations, files and doc sections
that a docstring, a comment or a page names exist. A renamed migration or a moved module fails here,
not in a newcomer's afternoon."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(
    [*ROOT.glob("README.md"), *ROOT.glob("docs/*.md"), *ROOT.glob("Makefile"), *ROOT.glob(".ci/run")]
    + [path for room in ("articles", "cms", "references", "bench", "tests", "templates", "static")
       for path in (ROOT / room).rglob("*") if path.suffix in {".py", ".md", ".html", ".js", ".css", ".txt", ".vcl"}
       and "migrations" not in path.parts and "vendor" not in path.parts and path.name != "test_cross_references.py"]
)
MIGRATIONS = {path.stem for path in ROOT.glob("*/**/migrations/[0-9][0-9][0-9][0-9]_*.py")}
MIGRATION = re.compile(r"(?<![\w/])(\d{4}_[a-z][a-z0-9_]*[a-z0-9])\b")
# A path into the repository: a top-level room, then folders, then a file with an extension.
PATH = re.compile(r"(?<![\w./-])((?:articles|cms|references|tests|bench|docs|templates|static)/[\w./-]*\w\.(?:py|md|html|js|css|txt|vcl|json|xml|csv|sh))\b")
# "docs/performance.md, "Large catalogues"", "(docs/x.md, section "Y")", "docs/x.md#anchor".
SECTION = re.compile(r"((?:docs/[\w-]+|README)\.md)(?:,| section| \(|, section)\s*[\"“]([^\"”\n]{3,80})[\"”]")
ANCHOR = re.compile(r"((?:docs/)?[\w-]+\.md)#([\w-]+)")


def _text(path):
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ""


def _resolves(name):
    """A path from the top, or a static file or template name as Django's finders and loaders look it up."""
    bases = [ROOT, ROOT / "static", ROOT / "templates", ROOT / "templates" / "jinja2",
             *ROOT.glob("*/static"), *ROOT.glob("*/templates"), *ROOT.glob("*/*/templates")]
    return any((base / name).exists() for base in bases)


def _headings(doc):
    return [line.lstrip("#").strip() for line in _text(doc).splitlines() if line.startswith("#")]


def _slug(heading):
    return re.sub(r"[^\w\- ]", "", heading.lower()).strip().replace(" ", "-")


def _mentions(pattern):
    for source in SOURCES:
        for number, line in enumerate(_text(source).splitlines(), 1):
            for match in pattern.finditer(line):
                yield f"{source.relative_to(ROOT)}:{number}", match


def test_the_migrations_named_anywhere_exist():
    missing = [f"{where}: {match[1]}" for where, match in _mentions(MIGRATION) if match[1] not in MIGRATIONS]
    assert not missing, "names a migration that does not exist:\n" + "\n".join(missing)


def test_the_files_named_anywhere_exist():
    missing = [f"{where}: {match[1]}" for where, match in _mentions(PATH)
               if not _resolves(match[1]) and not match[1].startswith("bench/results/")]
    assert not missing, "names a file that does not exist:\n" + "\n".join(missing)


def test_the_doc_sections_named_anywhere_exist():
    missing = []
    for where, match in _mentions(SECTION):
        doc = ROOT / match[1]
        if not doc.exists():
            missing.append(f"{where}: {match[1]} (no such file)")
        elif not any(match[2].lower() in heading.lower() for heading in _headings(doc)):
            missing.append(f"{where}: {match[1]} has no section {match[2]!r}")
    for where, match in _mentions(ANCHOR):
        doc = ROOT / match[1] if (ROOT / match[1]).exists() else ROOT / "docs" / match[1]
        if doc.exists() and match[2] not in {_slug(heading) for heading in _headings(doc)}:
            missing.append(f"{where}: {match[1]} has no heading #{match[2]}")
    assert not missing, "names a section that does not exist:\n" + "\n".join(missing)


@pytest.mark.parametrize("line", ["see migration 0007_search_vector_issue", "docs/nowhere.md"])
def test_the_patterns_see_what_they_check(line):
    """The checks above find the references they look for (a pattern that matches nothing passes vacuously)."""
    assert MIGRATION.search(line) or PATH.search(line)


def test_the_readme_is_a_front_door():
    """What Vetted is, the two commands, the layout and links into docs/: at most 150 lines."""
    readme = _text(ROOT / "README.md")
    assert len(readme.splitlines()) <= 150
    assert "make run" in readme and "make test" in readme and "docs/architecture.md" in readme
