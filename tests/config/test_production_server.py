"""The production server's settings come from the environment, and `make serve` refuses to start
without the settings production needs (scripts/serve.sh; CI boots it in scripts/smoke-production.sh)."""

import os
import runpy
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "config" / "gunicorn.conf.py"
BASH = shutil.which("bash")


def _gunicorn_settings(monkeypatch, **variables) -> dict:
    for name in list(os.environ):
        if name.startswith("GUNICORN_") or name == "WEB_CONCURRENCY":
            monkeypatch.delenv(name)
    monkeypatch.setenv("DJANGO_ENV_FILE", os.devnull)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_gunicorn_reads_the_env_file_too(monkeypatch, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("WEB_CONCURRENCY=7\nGUNICORN_TIMEOUT=45\n")
    # Set, then removed: monkeypatch puts back what was there before, after the file has set it.
    conf = _gunicorn_settings(monkeypatch, GUNICORN_TIMEOUT="15", WEB_CONCURRENCY="1")
    monkeypatch.delenv("WEB_CONCURRENCY")
    monkeypatch.setenv("DJANGO_ENV_FILE", str(env_file))
    conf = runpy.run_path(str(CONF))
    assert (conf["workers"], conf["timeout"]) == (7, 15)  # the environment wins over the file


def test_gunicorn_defaults(monkeypatch):
    conf = _gunicorn_settings(monkeypatch)
    assert conf["wsgi_app"] == "config.wsgi:application"
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["workers"] == 2 * os.cpu_count() + 1
    assert (conf["threads"], conf["timeout"], conf["graceful_timeout"]) == (1, 30, 30)
    assert (conf["max_requests"], conf["max_requests_jitter"]) == (1000, 100)
    assert conf["accesslog"] == "-"  # stdout
    assert conf["preload_app"] is True
    assert conf["control_socket_disable"] is True


def test_gunicorn_reads_every_setting_from_the_environment(monkeypatch):
    conf = _gunicorn_settings(
        monkeypatch,
        GUNICORN_BIND="unix:/run/san/gunicorn.sock",
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="4",
        GUNICORN_TIMEOUT="20",
        GUNICORN_GRACEFUL_TIMEOUT="10",
        GUNICORN_KEEPALIVE="2",
        GUNICORN_MAX_REQUESTS="0",
        GUNICORN_MAX_REQUESTS_JITTER="0",
        GUNICORN_PRELOAD="false",
        GUNICORN_ACCESS_LOG="",
        GUNICORN_LOG_LEVEL="warning",
    )
    assert conf["bind"] == ["unix:/run/san/gunicorn.sock"]
    assert (conf["workers"], conf["threads"], conf["timeout"], conf["graceful_timeout"]) == (3, 4, 20, 10)
    assert (conf["keepalive"], conf["max_requests"], conf["max_requests_jitter"]) == (2, 0, 0)
    assert conf["preload_app"] is False
    assert conf["accesslog"] is None
    assert conf["loglevel"] == "warning"


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({}, "DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_SECRET_KEY": "x" * 50}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_ALLOWED_HOSTS": "san.example.vn"}, "DJANGO_SECRET_KEY"),
    ],
)
def test_make_serve_refuses_to_start_without_a_secret_key_and_allowed_hosts(given, missing, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=true\n")  # a development .env: serve still runs with debug off
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(DJANGO_ENV_FILE=str(env_file), DATABASE_URL=f"sqlite:///{tmp_path}/never.sqlite3", **given)

    started = subprocess.run(
        [BASH, "scripts/serve.sh"], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )

    assert started.returncode == 2
    assert f"needs: {missing}." in started.stderr
    assert not (tmp_path / "never.sqlite3").exists()  # refused before migrating anything


def test_make_serve_reads_the_env_file_as_the_settings_do(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_SECRET_KEY=" + "y" * 50 + "\n")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(DJANGO_ENV_FILE=str(env_file))

    started = subprocess.run(
        [BASH, "scripts/serve.sh"], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )

    assert started.returncode == 2
    assert "needs: DJANGO_ALLOWED_HOSTS." in started.stderr


def _preflight(tmp_path, **variables) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SERVE_"))}
    env.update(DJANGO_ENV_FILE=os.devnull, STATIC_ROOT=str(tmp_path / "static"), **variables)
    done = subprocess.run(
        [sys.executable, "scripts/serve_preflight.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(shlex.split(line)[0].split("=", 1) for line in done.stdout.splitlines())


def test_collectstatic_runs_again_only_when_the_static_sources_changed(tmp_path):
    first = _preflight(tmp_path)
    assert first["collect"] == "yes"
    assert first["missing"] == "DJANGO_SECRET_KEY DJANGO_ALLOWED_HOSTS"

    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "staticfiles.json").write_text("{}")
    Path(first["stamp"]).write_text(first["fingerprint"] + "\n")  # as serve.sh does after collecting
    again = _preflight(tmp_path, DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="san.example.vn")
    assert (again["collect"], again["fingerprint"], again["missing"]) == ("no", first["fingerprint"], "")

    assert _preflight(tmp_path, SERVE_COLLECTSTATIC="always")["collect"] == "yes"
    Path(first["stamp"]).write_text("made-from-other-sources\n")
    assert _preflight(tmp_path)["collect"] == "yes"
