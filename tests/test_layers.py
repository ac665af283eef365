"""Imports run one way: models never import views, forms or templatetags; only templates load
our template tags; no private name crosses an app.

Read from the source with ast, so an import inside a function counts too.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "catalog", "marketplace", "fairs", "cms", "config")


def _imports(path: Path):
    """(imported module, imported names) for every import in the file, at any depth."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            module = f"{base}.{node.module}" if node.level and node.module else node.module or base
            yield module, tuple(alias.name for alias in node.names)


def _sources(*folders: str):
    for folder in folders:
        yield from (p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts)


def _ours(module: str, names) -> list[list[str]]:
    """The dotted paths an import names inside our apps, split into their parts."""
    if module.split(".")[0] not in APPS:
        return []
    return [module.split("."), *(f"{module}.{name}".split(".") for name in names)]


@pytest.mark.parametrize("app", ["catalog", "fairs"])
def test_models_import_no_views_forms_or_templatetags(app):
    offences = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in _sources(f"{app}/models")
        for module, names in _imports(path)
        if any({"views", "forms", "templatetags"} & set(parts) for parts in _ours(module, names))
    ]
    assert offences == []


def test_only_templates_load_our_template_tags():
    offences = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in _sources(*APPS)
        if "templatetags" not in path.parts
        for module, names in _imports(path)
        if any("templatetags" in parts for parts in _ours(module, names))
    ]
    assert offences == []


def test_no_private_name_crosses_an_app():
    offences = [
        f"{path.relative_to(ROOT)}: from {module} import {name}"
        for path in _sources(*APPS)
        for module, names in _imports(path)
        if module.split(".")[0] in APPS and module.split(".")[0] != path.relative_to(ROOT).parts[0]
        for name in names
        if name.startswith("_") and not name.startswith("__")
    ]
    assert offences == []
