import io
import json
import tarfile

import pytest
from django.contrib.auth import get_user_model

from articles.models import Article
from newsroom.testing import make_article, make_contributor, make_image
from portability.archive import ArchiveError, export_site, import_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(tmp_path):
    user = get_user_model().objects.create_user("writer", "writer@example.com", "pw-x-12345")
    make_article(contributors=[make_contributor(user=user)], lead_image=make_image(size=(40, 30)))
    path = tmp_path / "site.tar"
    export_site(path)
    return path


def test_archive_holds_records_files_and_a_manifest_without_passwords(archive):
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        assert manifest["format"] == "newsroom-site" and manifest["schema"]["articles"]
        assert manifest["counts"]["articles.article"] == 1
        assert manifest["counts"]["images.image"] == 1
        (photo,) = manifest["media"]
        assert f"media/{photo['name']}" in tar.getnames() and len(photo["sha256"]) == 64
        users = [m for m in manifest["records"] if m["model"] == "auth.user"][0]
        lines = tar.extractfile(users["name"]).read().decode().splitlines()
    (user,) = [json.loads(line) for line in lines]
    stored = get_user_model().objects.get(username="writer").password
    assert user["fields"]["password"].startswith("!") and stored not in lines[0]
    assert user["fields"]["email"] == "writer@example.com"


def test_a_database_holding_a_site_is_refused_unless_merging(archive):
    with pytest.raises(ArchiveError, match="holds a site already"):
        import_site(archive)


def test_a_damaged_archive_is_refused_before_anything_is_written(archive, tmp_path):
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if "articles.article" in member.name:
                data = data.replace(b"Headline", b"Hijacked")
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(ArchiveError, match="checksum"):
        import_site(damaged, merge=True)
    assert not Article.objects.filter(headline__startswith="Hijacked").exists()


def test_not_an_archive(tmp_path):
    path = tmp_path / "x.tar"
    path.write_bytes(b"not a tar file")
    with pytest.raises(ArchiveError, match="Cannot read"):
        import_site(path, merge=True)
