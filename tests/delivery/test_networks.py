import pytest

from adcraft.delivery.networks import get_network, load_networks, parse_profile
from adcraft.errors import ConfigError, NotFoundError

ISSUE_NETWORKS = {
    "google-display",
    "meta-feed",
    "meta-stories",
    "amazon-main",
    "taobao-main",
    "jd-main",
    "xiaohongshu",
    "douyin",
    "iab-standard",
}


def test_every_network_the_issue_names_ships_with_sizes_formats_and_limits():
    networks = load_networks()
    assert ISSUE_NETWORKS <= set(networks)
    for profile in networks.values():
        assert profile.sizes and profile.formats and profile.max_bytes > 0 and profile.source
        for w, h in profile.sizes:
            assert profile.accepts_size(w, h), (profile.name, w, h)


def test_google_and_iab_budgets():
    google = get_network("google-display")
    assert google.byte_limit(300, 250) == 150 * 1024
    assert google.animation.max_fps == 5 and google.animation.max_seconds == 30
    assert google.html5.max_bytes == 150 * 1024 and google.html5.max_files == 40
    assert get_network("iab-standard").byte_limit(320, 50) == 50 * 1024


def test_marketplace_and_ratio_rules():
    amazon = get_network("amazon-main")
    assert amazon.main_image and amazon.background == "white" and amazon.min_product_fill == 0.85
    assert not amazon.text and not amazon.accepts_size(900, 900) and amazon.accepts_size(2000, 2000)
    meta = get_network("meta-feed")
    assert meta.accepts_size(1080, 1350) and meta.accepts_size(600, 750) and not meta.accepts_size(1000, 500)
    assert get_network("meta-stories").safe_zone == (0.14, 0.0, 0.14, 0.0)


def test_unknown_network_lists_known_ones():
    with pytest.raises(NotFoundError, match="known networks: .*google-display"):
        get_network("myspace")


def test_profile_with_an_unknown_key_or_format_is_refused():
    base = {"title": "t", "source": "s", "sizes": ["300x250"], "formats": ["png"], "max_bytes": 1}
    with pytest.raises(ConfigError, match="unknown keys"):
        parse_profile("x", {**base, "colour": "red"})
    with pytest.raises(ConfigError, match="formats"):
        parse_profile("x", {**base, "formats": ["bmp"]})
    with pytest.raises(ConfigError, match="size"):
        parse_profile("x", {**base, "sizes": ["big"]})
