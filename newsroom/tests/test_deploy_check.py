"""The documented production environment (.env.example) passes Django's deployment checks."""

import secrets
import subprocess
import sys

from django.conf import settings

from newsroom.tests.servers import BASE_DIR


def documented_environment() -> dict[str, str]:
    values = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def test_env_example_lists_every_setting_the_site_reads():
    import re

    source = (BASE_DIR / "newsroom" / "settings.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', source))
    documented = set(documented_environment()) | set(
        re.findall(r"^# ([A-Z_]+)=", (BASE_DIR / ".env.example").read_text(), re.M)
    )
    assert read - documented == set()


def test_deploy_check_is_clean_with_the_documented_environment(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **documented_environment()}
    assert env["SECRET_KEY"] == "", "the example must not ship a secret key"
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["STATIC_ROOT"] = str(tmp_path / "static")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output and "?:" not in output


def test_the_documented_environment_is_https_only():
    documented = documented_environment()
    assert documented["DEBUG"] == "False"
    assert int(documented["SECURE_HSTS_SECONDS"]) >= 31536000
    assert documented["SECURE_HSTS_INCLUDE_SUBDOMAINS"] == "True"
    assert documented["SECURE_HSTS_PRELOAD"] == "True"
    assert documented["SECURE_SSL_REDIRECT"] == "True"
    assert documented["SECURE_COOKIES"] == "True"
    assert settings.SECURE_CONTENT_TYPE_NOSNIFF
