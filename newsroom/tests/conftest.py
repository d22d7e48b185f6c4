import secrets

import pytest

REDIS_URL = "redis://127.0.0.1:6379/1"


@pytest.fixture
def redis_url():
    """A Redis cache URL on this machine's server (database 1), with a key prefix of its own
    so concurrent runs never see each other's entries; its keys are deleted afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    prefix = f"test-{secrets.token_hex(6)}"
    yield f"{REDIS_URL}?key_prefix={prefix}"
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    client.close()
