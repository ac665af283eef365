"""What scripts/serve.sh needs to know before starting, without starting Django (a fraction of a second).

Prints shell assignments (quoted) for serve.sh to `eval`:

- `missing`: the settings production needs and lacks (DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS), read
  from the environment or the env file the settings read (DJANGO_ENV_FILE, else ./.env);
- `static_root`, `fingerprint`, `collect`: collectstatic is needed unless STATIC_ROOT holds a
  manifest made from the same static sources. The fingerprint covers the project's static files,
  config/settings.py and the version of every installed package (whose static files the admin
  serves); serve.sh stores it in STATIC_ROOT after a successful collectstatic. It costs a read of
  the project's static files; collectstatic, which compresses every file with gzip and brotli,
  costs 10 s of CPU and more here.
"""

import hashlib
import importlib.metadata
import os
import shlex
from pathlib import Path

import environ

ROOT = Path(__file__).resolve().parent.parent
STAMP = ".collectstatic-fingerprint"
NEEDED = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS")


def fingerprint(static_root: Path) -> str:
    digest = hashlib.sha256(str(static_root).encode())
    sources = [ROOT / "config" / "settings.py"]
    for folder in sorted([ROOT / "static", *ROOT.glob("*/static")]):
        sources += sorted(path for path in folder.rglob("*") if path.is_file())
    for path in sources:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    for name, version in sorted(
        (dist.metadata["Name"] or "", dist.version) for dist in importlib.metadata.distributions()
    ):
        digest.update(f"{name}=={version}\n".encode())
    return digest.hexdigest()[:16]


def main() -> None:
    environ.Env.read_env(os.environ.get("DJANGO_ENV_FILE", str(ROOT / ".env")), overwrite=False)
    missing = [name for name in NEEDED if not os.environ.get(name, "").strip()]
    static_root = Path(os.environ.get("STATIC_ROOT", "").strip() or ROOT / "staticfiles").absolute()
    made = fingerprint(static_root)
    stamp = static_root / STAMP
    up_to_date = (
        (static_root / "staticfiles.json").is_file()
        and stamp.is_file()
        and stamp.read_text().strip() == made
        and os.environ.get("SERVE_COLLECTSTATIC", "auto") != "always"
    )
    for name, value in {
        "missing": " ".join(missing),
        "static_root": str(static_root),
        "fingerprint": made,
        "collect": "no" if up_to_date else "yes",
        "stamp": str(stamp),
    }.items():
        print(f"{name}={shlex.quote(value)}")


if __name__ == "__main__":
    main()
