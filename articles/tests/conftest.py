"""The roles the articles' tests sign in as: (user, signed-in client) pairs."""

import pytest

from newsroom.testing import member


@pytest.fixture
def writer(db):
    return member("writer", "Writers")


@pytest.fixture
def editor(db):
    return member("editor", "Editors")
