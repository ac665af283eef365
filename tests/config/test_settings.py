"""Debug fails closed: without DJANGO_DEBUG the settings are production's, and need a secret key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def _start(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_ENV_FILE=os.devnull, **env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_without_debug_setting_the_site_refuses_to_start_without_a_secret_key():
    started = _start()
    assert started.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in started.stderr


def test_without_debug_setting_debug_is_off():
    started = _start(DJANGO_SECRET_KEY="x" * 50)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "False"


def test_the_published_development_key_is_refused_outside_debug():
    started = _start(DJANGO_SECRET_KEY="dev-only-insecure-key-do-not-use-in-production-0123456789")
    assert started.returncode != 0


def test_debug_is_on_only_when_asked():
    started = _start(DJANGO_DEBUG="true")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "True"


def test_empty_folders_as_in_env_example_mean_the_defaults():
    probe = "from django.conf import settings; print(settings.STATIC_ROOT, settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV_FILE=os.devnull,
        DJANGO_DEBUG="true",
        STATIC_ROOT="",
        MEDIA_ROOT=" ",
        PRIVATE_MEDIA_ROOT="",
    )
    started = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {probe}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == [
        str(ROOT / "staticfiles"),
        str(ROOT / "media"),
        str(ROOT / "private-media"),
    ]
