"""Every dashboard route for every role: admin, the board of the area, the board of another
area, a canvasser and an anonymous visitor."""

from __future__ import annotations

import pytest

from survey.extensions import db

ROUND = "activities-2026"
HOOD, DISTRICT, CITY, OTHER = "wyckerpoort", "oost", "maastricht", "daalhof"

ROLES = {
    "admin": ("admin",),
    "board": ("board", HOOD),
    "other_board": ("board", OTHER),
    "canvasser": ("canvasser", HOOD),
    "anonymous": None,
}


def page_routes(area):
    base = f"/en/dashboards/{ROUND}/{area}"
    return [f"{base}/", f"{base}/print", f"{base}/export.csv", f"{base}/export.xlsx",
            f"{base}/?filter=age_group:age_27_45"]


# (route, role) -> expected status. 302 is the sign-in page; 401 the API's answer to it.
EXPECTED = {}
for area in (HOOD, DISTRICT, CITY):
    for url in page_routes(area):
        EXPECTED[url] = {"admin": 200, "board": 200, "other_board": 200 if area != HOOD else 404,
                         "canvasser": 403, "anonymous": 302}
    api = f"/api/v1/surveys/{ROUND}/areas/{area}/summary"
    EXPECTED[api] = {"admin": 200, "board": 200, "other_board": 200 if area != HOOD else 404,
                     "canvasser": 403, "anonymous": 401}
EXPECTED[f"/en/dashboards/{ROUND}/{HOOD}/contacts"] = {"admin": 200, "board": 200, "other_board": 404, "canvasser": 403, "anonymous": 302}
EXPECTED[f"/en/dashboards/{ROUND}/{DISTRICT}/contacts"] = {"admin": 404, "board": 404, "other_board": 404, "canvasser": 403, "anonymous": 302}
EXPECTED["/en/dashboards/"] = {"admin": 200, "board": 200, "other_board": 200, "canvasser": 403, "anonymous": 302}
EXPECTED["/en/admin/dashboards/"] = {"admin": 200, "board": 403, "other_board": 403, "canvasser": 403, "anonymous": 302}
EXPECTED[f"/en/admin/dashboards/{ROUND}/ideas"] = {"admin": 200, "board": 403, "other_board": 403, "canvasser": 403, "anonymous": 302}
EXPECTED[f"/nl/results/{ROUND}/{HOOD}/"] = {role: 404 for role in ROLES}  # not public yet
EXPECTED[f"/en/dashboards/{ROUND}/nowhere/"] = {"admin": 404, "board": 404, "other_board": 404, "canvasser": 403, "anonymous": 302}
EXPECTED[f"/api/v1/surveys/no-such-round/areas/{HOOD}/summary"] = {"admin": 404, "board": 404, "other_board": 404, "canvasser": 403, "anonymous": 401}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_route_for_every_role(client, accounts, role):
    if ROLES[role]:
        accounts.login_as(*ROLES[role])
    for url, expected in EXPECTED.items():
        response = client.get(url)
        assert response.status_code == expected[role], f"{role} {url}: {response.status_code}"
        if response.status_code in (403, 404) and url.startswith("/api/"):
            assert response.get_json()["code"] in ("forbidden", "not_found")


@pytest.mark.parametrize("role", sorted(ROLES))
def test_admin_writes_are_for_admins_only(client, accounts, app, role):
    from survey.surveys.queries import round_by_key

    if ROLES[role]:
        accounts.login_as(*ROLES[role])
    response = client.post(f"/en/admin/dashboards/{ROUND}/public", data={"public": "yes"})
    assert response.status_code == {"admin": 302, "anonymous": 302}.get(role, 403)
    with app.app_context():
        assert round_by_key(ROUND).results_public is (role == "admin")
        round_by_key(ROUND).results_public = False
        db.session.commit()


def test_public_round_opens_the_results_to_everyone(client, app):
    from survey.surveys.queries import round_by_key

    with app.app_context():
        round_by_key(ROUND).results_public = True
        db.session.commit()
    try:
        assert client.get(f"/nl/results/{ROUND}/{HOOD}/").status_code == 200
        assert client.get(f"/nl/results/{ROUND}/").status_code == 302
        assert client.get(f"/api/v1/surveys/{ROUND}/areas/{HOOD}/summary").status_code == 200
        # public results are not a way into the board pages
        assert client.get(f"/en/dashboards/{ROUND}/{HOOD}/contacts").status_code == 302
    finally:
        with app.app_context():
            round_by_key(ROUND).results_public = False
            db.session.commit()
