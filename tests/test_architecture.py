"""The shape of the code (docs/architecture.md): which room may import which.

Reads the source with ``ast`` (nothing is imported), so a failure names the file and line:

- no import cycle between the rooms of ``articles/`` (its sub-packages and top-level modules);
- ``references`` never imports ``articles``;
- ``cms`` (the project) never imports ``articles``: it names its apps only in strings (settings,
  ``include()`` in ``cms/urls.py``); the few imports left are listed with their reason and only shrink;
- the layers: the models and query sets never import the rooms built on them (reads, workflow,
  reviews, public, admin); reads and the services never import the views' rooms (public, admin,
  management commands);
- an ``articles`` module imports another inside a function only with a ``# lazy: <reason>``
  comment on that line (an import inside a function hides a cycle the rules above would catch).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("articles", "references", "cms")

# Rooms a lower layer must not import.
LAYERS = {
    ("articles.models", "articles.querysets"): (
        "articles.reads", "articles.search", "articles.workflow", "articles.reviews", "articles.public",
        "articles.admin", "articles.importing", "articles.demo", "articles.management", "articles.receivers",
    ),
    ("articles.reads", "articles.search", "articles.workflow", "articles.reviews.dates", "articles.reviews.queries",
     "articles.reviews.services", "articles.workflow.integrity"): (
        "articles.public", "articles.admin", "articles.management",
    ),
}

# Imports inside functions that dodge a cycle from the models to the rooms above them. Empty: the
# callers call the room itself (reviews.display.review_dates(article), reads.page.article_page(),
# reviews.queries.with_review_dates()). Keep it empty.
KNOWN_CYCLE_DODGES = set()

# The project's imports of ``articles`` that are still there, each with why. Only ever shrinks
# (``test_the_projects_known_imports_of_articles_are_still_there``).
CMS_IMPORTS_OF_ARTICLES = {
    ("cms.pagecache.generation", "articles.models"):
        "ContentGeneration, the page cache's one-row table, is a model of the articles app (its migrations)",
    ("cms.pagecache.generation", "articles.reads.page"):
        "the page cache asks the article reads when the next scheduled article goes live",
}


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join(parts), path


MODULES = dict(_modules())


def _resolve(module, node):
    """The absolute module names an ``import`` / ``from … import`` node names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".")
        is_package = MODULES[module].name == "__init__.py"
        package = package[: len(package) - node.level + (1 if is_package else 0)]
        base = ".".join(package + ([base] if base else []))
    names = [f"{base}.{alias.name}" for alias in node.names]
    return [name if name in MODULES else base for name in names]


def _imports(module):
    """``(imported module, line, inside a function)`` for every import of ``module``."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(), str(path))
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                for name in _resolve(module, child):
                    found.append((name, child.lineno, in_function))
            visit(child, nested)

    visit(tree, False)
    return found


IMPORTS = {module: _imports(module) for module in MODULES}


def _room(module):
    """The room of an ``articles`` module: its sub-package, or the module itself at the top level."""
    parts = module.split(".")
    return ".".join(parts[:2])


def _within(name, prefixes):
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def test_references_never_imports_articles():
    offenders = [
        f"{MODULES[module].relative_to(ROOT)}:{line} imports {name}"
        for module, imports in IMPORTS.items()
        if _within(module, ["references"])
        for name, line, _ in imports
        if _within(name, ["articles"])
    ]
    assert offenders == []


def _cms_imports_of_articles():
    return {
        (module, _module_of(name)): f"{MODULES[module].relative_to(ROOT)}:{line} imports {name}"
        for module, imports in IMPORTS.items()
        if _within(module, ["cms"])
        for name, line, _ in imports
        if _within(name, ["articles"])
    }


def test_the_project_never_imports_articles():
    """``cms/`` imports no ``articles`` module beyond the listed ones (settings and URLs name apps as strings)."""
    offenders = [where for key, where in sorted(_cms_imports_of_articles().items()) if key not in CMS_IMPORTS_OF_ARTICLES]
    assert offenders == []


def test_the_projects_known_imports_of_articles_are_still_there():
    """An entry of CMS_IMPORTS_OF_ARTICLES that is gone must leave the list (it only shrinks)."""
    assert set(CMS_IMPORTS_OF_ARTICLES) - set(_cms_imports_of_articles()) == set()


def test_the_rooms_of_articles_import_without_a_cycle():
    graph = {}
    for module, imports in IMPORTS.items():
        if not _within(module, ["articles"]) or module == "articles":
            continue
        for name, _, in_function in imports:
            if in_function or not _within(name, ["articles"]) or name == "articles":
                continue
            if _room(name) != _room(module):
                graph.setdefault(_room(module), set()).add(_room(name))
    cycles = []

    def walk(room, path):
        for nxt in sorted(graph.get(room, ())):
            if nxt in path:
                cycles.append(" -> ".join(path[path.index(nxt):] + [nxt]))
            elif len(path) < 12:
                walk(nxt, path + [nxt])

    for room in sorted(graph):
        walk(room, [room])
    assert cycles == []


@pytest.mark.parametrize("lower", sorted(LAYERS), ids=lambda names: names[0])
def test_a_lower_layer_does_not_import_the_rooms_built_on_it(lower):
    forbidden = LAYERS[lower]
    offenders = [
        f"{MODULES[module].relative_to(ROOT)}:{line} imports {name}"
        for module, imports in IMPORTS.items()
        if _within(module, lower)
        for name, line, in_function in imports
        if _within(name, forbidden) and not (in_function and (module, _module_of(name)) in KNOWN_CYCLE_DODGES)
    ]
    assert offenders == []


def _module_of(name):
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def test_an_import_inside_a_function_says_why():
    offenders = []
    for module, imports in IMPORTS.items():
        if not _within(module, ["articles"]):
            continue
        lines = MODULES[module].read_text().splitlines()
        for name, line, in_function in imports:
            if not in_function or not _within(name, ["articles"]) or _room(name) == "articles.migrations":
                continue
            if (module, _module_of(name)) in KNOWN_CYCLE_DODGES:
                continue
            if "# lazy:" not in lines[line - 1]:
                offenders.append(f"{MODULES[module].relative_to(ROOT)}:{line} imports {name}")
    assert offenders == []


def test_the_known_cycle_dodges_are_still_there():
    """An entry of KNOWN_CYCLE_DODGES that is gone must leave the list (it only shrinks)."""
    present = {
        (module, _module_of(name))
        for module, imports in IMPORTS.items()
        for name, _, in_function in imports
        if in_function
    }
    assert KNOWN_CYCLE_DODGES - present == set()
