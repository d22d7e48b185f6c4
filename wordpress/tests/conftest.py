from pathlib import Path

import pytest
from django.core.management import call_command

from newsroom.testing import image_bytes, make_artist, make_contributor

FIXTURE = Path(__file__).parent / "fixtures" / "site.xml"


@pytest.fixture
def uploads(tmp_path):
    """A copy of the old site's wp-content/uploads, with the one photo the fixture's posts use."""
    folder = tmp_path / "uploads"
    (folder / "2009" / "03").mkdir(parents=True)
    (folder / "2009" / "03" / "press-photo.jpg").write_bytes(image_bytes((800, 600)))
    return folder


@pytest.fixture
def known_people(db):
    """What the site already has: Kanye West (whose artist shortcodes the old site used) and
    the MTV News desk."""
    return {
        "kanye": make_artist(name="Kanye West", slug="kanye-west", external_id=1230523),
        "desk": make_contributor(name="MTV News", slug="mtvnews", is_organization=True),
    }


def run_import(*paths, capsys=None, **options):
    call_command("import_wordpress", *(str(p) for p in (paths or [FIXTURE])), **options)
    if capsys is not None:
        return capsys.readouterr().out
    return None
