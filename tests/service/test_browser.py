"""The web UI in a real headless Chromium (Debian's package) via Playwright; never `playwright install`."""

import zipfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium is not installed (scripts/ensure-chromium.sh)"
    ),
]


@pytest.fixture
def server(serve):
    return serve()


def test_fill_form_generate_see_images_download_zip(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(accept_downloads=True)
            page.goto(server + "/")
            page.fill("#title", "<b>Blue</b> ceramic mug")  # markup must show as text, never as HTML
            page.fill("#price", "12.50")
            page.select_option("#currency", "USD")
            page.uncheck("#placements input[value=feed-square]")
            page.check("#placements input[value=medium-rectangle]")
            page.check("#placements input[value=wide-skyscraper]")
            page.click("#generate")
            expect(page.locator("#status")).to_contain_text("2 creative(s) ready", timeout=120_000)
            cards = page.locator("#results .card")
            expect(cards).to_have_count(2)
            page.wait_for_function(
                "[...document.querySelectorAll('#results img')].every(i => i.complete && i.naturalWidth > 0)",
                timeout=30_000,
            )
            sizes = page.eval_on_selector_all(
                "#results img", "els => els.map(e => [e.naturalWidth, e.naturalHeight])"
            )
            assert sorted(map(tuple, sizes)) == [(160, 600), (300, 250)]
            expect(cards.first.locator(".qa")).to_contain_text("QA")
            assert page.locator("#results b").count() == 0
            with page.expect_download() as info:
                page.click("#download")
            target = tmp_path / "creatives.zip"
            info.value.save_as(target)
            names = zipfile.ZipFile(target).namelist()
            assert sum(n.endswith(".png") for n in names) == 2 and any(
                n.endswith("manifest.json") for n in names
            )
            page.click("#refresh")
            expect(page.locator("#history .card")).to_have_count(2)
            bad = page.locator("#title")
            bad.fill("")
            page.evaluate("document.getElementById('title').removeAttribute('required')")
            page.click("#generate")
            expect(page.locator("#status")).to_contain_text("field Title", timeout=30_000)
        finally:
            browser.close()


def test_form_sends_selling_points_brand_colours_and_banned_words(server):
    import json

    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(server + "/")
            page.fill("#title", "Cloud Runner sneakers")
            page.click("#more summary")  # the less used fields are folded away
            page.fill("#selling_points", "Breathable mesh\n\n  Light foam sole  ")
            page.fill("#brand_colors", "#C8102E, #FFFFFF")
            page.fill("#banned_terms", "Acme, runner")
            with page.expect_request("**/v1/creatives") as request:
                page.click("#generate")
            product = json.loads(request.value.post_data)["product"]
            assert product["selling_points"] == ["Breathable mesh", "Light foam sole"]
            assert product["brand_colors"] == ["#C8102E", "#FFFFFF"]
            assert product["banned_terms"] == ["Acme", "runner"]
            expect(page.locator("#hits")).to_contain_text(
                "banned term", timeout=60_000
            )  # the title says Runner
            page.fill("#banned_terms", "Acme")
            page.click("#generate")
            expect(page.locator("#status")).to_contain_text("1 creative(s) ready", timeout=120_000)
        finally:
            browser.close()


def test_campaign_report_page_shows_the_table_chart_and_csv(server, tmp_path):
    import httpx
    from playwright.sync_api import expect, sync_playwright

    campaign = {
        "id": "<i>c</i>",  # refused: ids are plain names
        "segments": ["a"],
        "variants": [
            {"id": "red", "elements": {"palette": "red"}},
            {"id": "blue", "elements": {"palette": "b"}},
        ],
    }
    assert httpx.post(server + "/v1/campaigns", json=campaign).status_code == 422
    campaign["id"] = "spring"
    assert httpx.post(server + "/v1/campaigns", json=campaign).status_code == 201
    for k in range(6):
        out = httpx.post(
            server + "/v1/choose", json={"campaign_id": "spring", "segment": "a", "seed": k}
        ).json()
        if k % 2:
            click = {"id": f"k{k}", "kind": "click", "impression_id": out["impression_id"]}
            httpx.post(server + "/v1/events", json={"events": [click]})
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(accept_downloads=True)
            page.goto(server + "/static/campaign.html?id=spring")
            expect(page.locator("#status")).to_contain_text("report for spring", timeout=30_000)
            expect(page.locator("#table tbody tr")).to_have_count(2)
            expect(page.locator("#summary")).to_contain_text("6 impressions, 3 clicks")
            assert (
                page.locator("#chart rect.bar").count() == 2 and page.locator("#chart line.ci").count() == 2
            )
            with page.expect_download() as info:
                page.click("#csv")
            target = tmp_path / "r.csv"
            info.value.save_as(target)
            assert target.read_text().startswith("segment,variant,impressions,clicks")
            page.fill("#campaign", "nope")
            page.click("#load")
            expect(page.locator("#status")).to_contain_text("campaign 'nope' does not exist", timeout=30_000)
        finally:
            browser.close()
