"""Which of Wagtail's admin messages still have no Vietnamese (see locale/wagtail/README.md).

Wagtail's own `vi` catalogues translate only part of its admin, so locale/wagtail/vi holds the
rest. After a Wagtail or wagtail-localize upgrade, new msgids appear; this script finds them:

    python scripts/wagtail_vi_catalogue.py missing > /tmp/missing.pot   # msgids to translate
    python scripts/wagtail_vi_catalogue.py check                        # exit 1 if any are left

Translate /tmp/missing.pot (keeping every placeholder), then merge and compile with
`msgcat --use-first` and `msgfmt --check` as the README says.
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
OURS = ROOT / "locale" / "wagtail" / "vi" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")


def installed_wagtail_locales() -> list[Path]:
    """The locale directories of the installed Wagtail and wagtail-localize apps."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.apps import apps

    django.setup()
    return [
        Path(config.path) / "locale"
        for config in apps.get_app_configs()
        if config.name.split(".")[0] in ("wagtail", "wagtail_localize")
        and (Path(config.path) / "locale").is_dir()
    ]


def translated(path: Path) -> set[tuple[str | None, str]]:
    if not path.exists():
        return set()
    return {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(path)).translated_entries()}


def missing_entries(domain: str) -> list[polib.POEntry]:
    """Msgids of the installed Wagtail apps that no Vietnamese catalogue translates.

    Django merges every app's `django` catalogue into one, so a msgid translated by any app
    counts; a JavaScript catalogue is served per package, so there only the package's own does.
    """
    locales = installed_wagtail_locales()
    ours = translated(OURS / f"{domain}.po")
    theirs = {locale: translated(locale / "vi" / "LC_MESSAGES" / f"{domain}.po") for locale in locales}
    merged = set().union(ours, *theirs.values())
    found, seen = [], set()
    for locale in locales:
        english = locale / "en" / "LC_MESSAGES" / f"{domain}.po"
        if not english.exists():
            continue
        done = merged if domain == "django" else ours | theirs[locale]
        for entry in polib.pofile(str(english)):
            key = (entry.msgctxt, entry.msgid)
            if entry.obsolete or not entry.msgid or key in done or key in seen:
                continue
            seen.add(key)
            found.append(entry)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["missing", "check"])
    parser.add_argument("--domain", choices=DOMAINS, default=None, help="default: both")
    args = parser.parse_args()
    domains = [args.domain] if args.domain else list(DOMAINS)

    if args.command == "missing":
        pot = polib.POFile(wrapwidth=0)
        pot.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "vi"}
        for domain in domains:
            for entry in missing_entries(domain):
                entry.msgstr, entry.msgstr_plural = "", ({0: ""} if entry.msgid_plural else {})
                pot.append(entry)
        sys.stdout.write(str(pot))
        return 0

    failed = False
    for domain in domains:
        left = missing_entries(domain)
        print(f"{domain}: {len(left)} msgids without Vietnamese")
        failed |= bool(left)
        po = OURS / f"{domain}.po"
        if po.exists():
            msgfmt = shutil.which("msgfmt") or "msgfmt"
            result = subprocess.run(  # noqa: S603 - gettext's msgfmt on our own file, no shell
                [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po)],
                capture_output=True,
                text=True,
                check=False,
            )
            print(f"{po.relative_to(ROOT)}: {result.stderr.strip()}")
            failed |= result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
