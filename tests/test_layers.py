"""No private name crosses an app: what another app needs is exposed under a public name.

Read from the source with ast, so an import inside a function counts too. The layers, and
what models and other modules may import, are import-linter contracts (pyproject.toml,
run by .ci/run).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("background", "accounts", "catalog", "marketplace", "fairs", "cms", "demo", "config")


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
