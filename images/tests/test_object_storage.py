"""Media in object storage: the settings built from AWS_* variables, run against a local
S3-compatible server (moto's server mode on 127.0.0.1), with uploads through the admin."""

import logging
import re
import runpy
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from newsroom.testing import form_values, image_bytes, make_article

boto3 = pytest.importorskip("boto3", reason="boto3 (django-storages[s3]) is not installed")
moto_server = pytest.importorskip(
    "moto.server", reason="moto[server] (requirements-dev.txt) is not installed"
)

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(django_settings.BASE_DIR) / "newsroom" / "settings.py"
BUCKET = "newsroom-media"
AWS_VARIABLES = (
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_CUSTOM_DOMAIN",
    "AWS_S3_ADDRESSING_STYLE",
    "MEDIA_URL",
    "CSP_IMG_ORIGINS",
)


def settings_with(monkeypatch, **variables):
    """The settings module as it comes out of these environment variables."""
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "test-only-" + "x" * 50)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.fixture
def s3_endpoint(monkeypatch):
    # Dummy credentials, and no reaching out for the cloud's metadata service.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    quiet = logging.getLogger("werkzeug")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # the server's line per request
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # The server keeps its buckets in this process for its life: start from none.
    urlopen(Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).close()
    try:
        yield endpoint
    finally:
        urlopen(Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).close()
        server.stop()
        quiet.setLevel(level)


@pytest.fixture
def bucket(s3_endpoint, monkeypatch, settings):
    """Site settings pointing media at a fresh bucket on the local server; the bucket's client."""
    conf = settings_with(
        monkeypatch, AWS_STORAGE_BUCKET_NAME=BUCKET, AWS_S3_ENDPOINT_URL=s3_endpoint
    )
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = conf["STORAGES"]
    settings.MEDIA_URL = conf["MEDIA_URL"]
    settings.CONTENT_SECURITY_POLICY = conf["CONTENT_SECURITY_POLICY"]
    return client


def bucket_names(client):
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def img_src_of(response):
    policy = response.headers["Content-Security-Policy"]
    return next(d for d in policy.split(";") if d.strip().startswith("img-src")).split()[1:]


def test_local_files_stay_the_default(monkeypatch):
    conf = settings_with(monkeypatch)
    backend = conf["STORAGES"]["default"]["BACKEND"]
    assert backend == "django.core.files.storage.FileSystemStorage"
    assert conf["MEDIA_URL"] == "/media/"
    assert conf["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == ["'self'"]


@pytest.mark.parametrize(
    "variables, media_url",
    [
        ({}, "https://newsroom-media.s3.us-east-1.amazonaws.com/"),
        (
            {"AWS_S3_REGION_NAME": "eu-west-1"},
            "https://newsroom-media.s3.eu-west-1.amazonaws.com/",
        ),
        (
            {"AWS_S3_ENDPOINT_URL": "https://storage.example.net/"},
            "https://storage.example.net/newsroom-media/",
        ),
        (
            {
                "AWS_S3_ENDPOINT_URL": "https://storage.example.net",
                "AWS_S3_ADDRESSING_STYLE": "virtual",
            },
            "https://newsroom-media.storage.example.net/",
        ),
        ({"AWS_S3_CUSTOM_DOMAIN": "media.example.com"}, "https://media.example.com/"),
    ],
)
def test_bucket_settings_choose_the_backend_and_the_public_address(
    monkeypatch, variables, media_url
):
    conf = settings_with(monkeypatch, AWS_STORAGE_BUCKET_NAME=BUCKET, **variables)
    default = conf["STORAGES"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == BUCKET
    assert default["OPTIONS"]["querystring_auth"] is False
    assert conf["MEDIA_URL"] == media_url
    origin = "https://" + urlsplit(media_url).netloc
    assert conf["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == ["'self'", origin]


def test_a_wrong_addressing_style_is_a_clear_error(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="AWS_S3_ADDRESSING_STYLE"):
        settings_with(
            monkeypatch, AWS_STORAGE_BUCKET_NAME=BUCKET, AWS_S3_ADDRESSING_STYLE="sideways"
        )


def test_admin_upload_writes_original_and_renditions_to_the_bucket(
    bucket, s3_endpoint, client, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from images.models import Image

    user = get_user_model().objects.create_superuser("editor", "e@example.com", "pw")
    client.force_login(user)
    data = form_values(client.get("/admin/images/image/add/").content.decode(), "image_form")
    data.update(title="Stage", alt_text="An empty stage under white light")
    data["file"] = SimpleUploadedFile("stage.jpg", image_bytes((1600, 1200)), "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/images/image/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]

    image = Image.objects.get()
    stored = bucket_names(bucket)
    assert image.file.name in stored
    assert image.file.name.startswith("images/")
    renditions = {name for name in stored if name.startswith("renditions/")}
    assert renditions, stored
    assert not Path(django_settings.MEDIA_ROOT).exists() or not any(
        Path(django_settings.MEDIA_ROOT).rglob("*.*")
    )  # nothing went to local files
    # The bytes in the bucket are the upload itself.
    original = bucket.get_object(Bucket=BUCKET, Key=image.file.name)["Body"].read()
    assert original[:2] == b"\xff\xd8"

    # Readers' pages load renditions from the bucket's address, which the CSP allows.
    article = make_article(lead_image=image)
    page = client.get(article.get_absolute_url())
    html = page.content.decode()
    sources = [
        candidate.split()[0]
        for value in re.findall(r'<(?:img|source)[^>]+?(?:src|srcset)="([^"]+)"', html)
        for candidate in value.split(", ")
    ]
    bucket_base = f"{s3_endpoint}/{BUCKET}/renditions/"
    assert sources and all(s.startswith(bucket_base) for s in sources), sources
    assert image.file.url not in html  # never the original
    for url in sources:
        key = urlsplit(url).path.removeprefix(f"/{BUCKET}/")
        assert key in bucket_names(bucket)
    assert s3_endpoint in img_src_of(page)

    # The admin, too, under its own policy.
    change = client.get(f"/admin/images/image/{image.pk}/change/")
    assert f'<img src="{bucket_base}' in change.content.decode()
    assert s3_endpoint in img_src_of(change)


def test_person_photos_come_from_the_bucket(bucket, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from newsroom.testing import make_artist

    artist = make_artist(photo_alt="Portrait on a plain background")
    artist.photo = SimpleUploadedFile("portrait.jpg", image_bytes((600, 800)), "image/jpeg")
    artist.save()
    assert artist.photo.name in bucket_names(bucket)

    response = client.get(f"/photos/artists/{artist.slug}/96/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    rendition = {n for n in bucket_names(bucket) if n.startswith("renditions/")}
    assert len(rendition) == 1
    stored = bucket.get_object(Bucket=BUCKET, Key=rendition.pop())["Body"].read()
    assert response.content == stored
