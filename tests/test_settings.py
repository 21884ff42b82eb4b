from pathlib import Path

import pytest

from lima_lod.errors import ConfigError
from lima_lod.settings import load_settings


def test_defaults() -> None:
    s = load_settings(environ={})
    assert (s.host, s.port, s.public) == ("127.0.0.1", 8000, "http://127.0.0.1:8000")
    assert s.base == "https://w3id.org/lima-lod/"


def test_environment_then_overrides() -> None:
    s = load_settings(
        {"port": "9001"},
        environ={
            "LIMA_LOD_PORT": "9000",
            "LIMA_LOD_DIST": "out",
            "LIMA_LOD_PUBLIC_URL": "https://x.org/",
        },
    )
    assert s.port == 9001 and s.dist == Path("out") and s.public == "https://x.org"


@pytest.mark.parametrize(
    "overrides",
    [
        {"port": "eighty"},
        {"query_timeout": "0"},
        {"nonsense": "1"},
        {"endpoint_dataset": "implicit"},
    ],
)
def test_bad_settings(overrides: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        load_settings(overrides, environ={})


def test_the_endpoint_dataset_is_explicit_unless_asked() -> None:
    assert load_settings(environ={}).endpoint_dataset == "explicit"
    union = load_settings(environ={"LIMA_LOD_ENDPOINT_DATASET": "union"})
    assert union.endpoint_dataset == "union"
