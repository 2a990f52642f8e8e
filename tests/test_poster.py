"""The poster per neighbourhood: a QR code with a short link, calls to action in every language."""

import pytest


def test_poster_has_qr_code_and_a_call_in_every_language_of_the_round(client):
    response = client.get("/nl/r/activities-2026/wyckerpoort/poster")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<svg' in html and 'class="segno"' in html
    assert "http://localhost/r/activities-2026/wyckerpoort" in html
    for code in ("nl", "en", "ar", "tr", "pl", "uk"):
        assert f'<li lang="{code}"' in html
    assert '<li lang="ar" dir="rtl">' in html


def test_public_base_url_is_used_on_posters(app, client):
    app.config["PUBLIC_BASE_URL"] = "https://buurtpeiling.maastricht.nl"
    try:
        html = client.get("/nl/r/activities-2026/amby/poster").get_data(as_text=True)
    finally:
        app.config["PUBLIC_BASE_URL"] = None
    assert "https://buurtpeiling.maastricht.nl/r/activities-2026/amby" in html


@pytest.mark.parametrize("accept, lang", [("ar,en;q=0.5", "ar"), ("de", "nl"), ("uk-UA", "uk")])
def test_short_link_opens_the_survey_in_the_phones_language(client, accept, lang):
    response = client.get("/r/activities-2026/wyckerpoort", headers={"Accept-Language": accept})
    assert response.status_code == 302
    assert response.location == f"/{lang}/r/activities-2026/wyckerpoort/"


def test_unknown_poster_or_link_is_404(client):
    assert client.get("/r/activities-2026/atlantis").status_code == 404
    assert client.get("/nl/r/nope/wyckerpoort/poster").status_code == 404


@pytest.mark.parametrize("typed", ["/r/activities-2026/wyckerpoort/", "/r/ACTIVITIES-2026/Wyckerpoort",
                                   "/r/Activities-2026/WYCKERPOORT/"])
def test_a_short_link_typed_from_paper_works(client, typed):
    response = client.get(typed, headers={"Accept-Language": "tr"})
    assert response.status_code in (301, 302, 308)
    if response.status_code != 302:  # a redirect to the slash-less form first
        response = client.get(response.location, headers={"Accept-Language": "tr"})
    assert response.location.endswith("/tr/r/activities-2026/wyckerpoort/")
