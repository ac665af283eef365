"""demo is the top layer: no app module imports it, and only demo/accounts.py creates users."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "catalog", "marketplace", "fairs", "cms", "config")


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_app_module_imports_demo():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        for name in _imported_modules(path)
        if name == "demo" or name.startswith("demo.")
    ]
    assert offenders == []


def test_demo_users_are_created_only_by_demo_user():
    """So that what a demo account needs on creation is decided in one place (demo/accounts.py)."""
    makers = {"create_user", "create_superuser", "buyer_sign_up"}
    creators = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "demo").rglob("*.py")
        if any(
            isinstance(node, ast.Attribute | ast.Name)
            and makers & {getattr(node, "attr", None), getattr(node, "id", None)}
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    )
    assert creators == ["demo/accounts.py"]
