"""Real app servers for tests: manage.py commands and gunicorn in their own processes, with a
production environment (DEBUG off, collected static files) on a database the test names."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from newsroom.testing import form_values

BASE_DIR = Path(settings.BASE_DIR)
ARTICLE = "/articles/kanye-west-spike-jonze-collaborate-on-short-film/"


def production_env(tmp_path: Path, *, database_url: str, cache_url: str = "") -> dict[str, str]:
    """The environment of a production process, with its files under tmp_path. An empty
    cache_url means the default shared file cache, in tmp_path/cache."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO")}
    env.update(
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        CACHE_URL=cache_url,
        CACHE_DIR=str(tmp_path / "cache"),
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        SECURE_COOKIES="False",
        SENTRY_DSN="",
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


def prepare_site(env: dict[str, str]) -> None:
    """What `make serve` does before it starts gunicorn."""
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "seed")


class Server:
    """A running gunicorn; its log lines (gunicorn's and the app's JSON) are kept in `log`."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.log: list[str] = []
        self.url = ""
        self._ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.log.append(line)
            found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
            if found:
                self.url = found.group(1)
            if "Booting worker" in line and self.url:
                self._ready.set()
        self._ready.set()

    def wait_ready(self, timeout: float = 60) -> None:
        self._ready.wait(timeout)
        assert self.url and self.process.poll() is None, "gunicorn did not start:\n" + "".join(
            self.log
        )

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def requests(self) -> list[dict]:
        """The app's request log lines so far."""
        lines = [json.loads(line) for line in list(self.log) if line.startswith("{")]
        return [line for line in lines if line.get("logger") == "newsroom.requests"]


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 2):
    """gunicorn as `make serve` starts it, but on a free port the system picks."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "gunicorn.conf.py",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            str(workers),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    server = Server(process)
    try:
        server.wait_ready()
        # Every worker has booted once each has answered; give the last ones a moment.
        deadline = time.monotonic() + 30
        while sum("Booting worker" in line for line in server.log) < workers:
            assert time.monotonic() < deadline, "workers did not boot:\n" + "".join(server.log)
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Browser:
    """A user agent with a cookie jar, enough to sign in to the admin and submit its forms."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, path: str, data: list[tuple[str, str]] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base_url + path, body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def submit(self, path: str, form_id: str, **changes: str) -> tuple[int, str]:
        """Load the page, fill in `changes` and submit its form as a browser would."""
        status, html = self.open(path)
        assert status == 200, f"{path} answered {status}"
        values = {**form_values(html, form_id), **changes}
        fields = [
            (name, value)
            for name, given in values.items()
            for value in (given if isinstance(given, list) else [given])
        ]
        return self.open(path, fields)

    def sign_in(self, username: str, password: str) -> None:
        status, html = self.submit(
            "/admin/login/?next=/admin/", "login-form", username=username, password=password
        )
        assert status == 200 and "Log out" in html, "signing in to the admin failed"
