import subprocess
import sys

from newsroom.tests.servers import BASE_DIR, production_env

POLICY = "from csp.utils import build_policy; print(build_policy())"


def policy_with(tmp_path, **variables) -> dict[str, list[str]]:
    env = production_env(tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env.update(variables)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", POLICY],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    header = result.stdout.strip().splitlines()[-1]
    return {
        name: sources for name, *sources in (directive.split() for directive in header.split(";"))
    }


def test_images_may_come_from_the_media_host_and_a_cdn(tmp_path):
    policy = policy_with(
        tmp_path,
        MEDIA_URL="https://newsroom-media.s3.example.com/media/",
        CSP_IMG_ORIGINS="https://cdn.example.net",
    )
    assert policy["img-src"] == [
        "'self'",
        "https://newsroom-media.s3.example.com",
        "https://cdn.example.net",
    ]
    assert policy["script-src"] == ["'self'"]


def test_with_local_media_images_come_from_the_site_alone(tmp_path):
    policy = policy_with(tmp_path, MEDIA_URL="/media/", CSP_IMG_ORIGINS="")
    assert policy["img-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "report-uri" not in policy
