"""Signed-in routes on the local runner, with real tokens from the local Cognito: checked as the JWT authorizer does."""

from __future__ import annotations

import csv
import io
import json
import time
import urllib.request
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey

from local import owner_session
from local.background import Runner
from tests.support.http import request
from tests.support.owner_tokens import claims_like, pool_signed


@pytest.fixture(scope="session")
def token(runner: Runner) -> str:
    """The owner's first sign-in as the dashboard makes it: temporary password, then a new one."""
    return owner_session.sign_in(runner.url, runner.owner_email, runner.temporary_password)


def get(runner: Runner, path: str, token: str | None):
    return request(runner.url + path, headers={"authorization": f"Bearer {token}"} if token else {})


def test_a_token_signed_by_the_pool_is_accepted(runner: Runner, token: str) -> None:
    assert get(runner, "/api/submissions", token).status == 200
    assert get(runner, "/api/submissions", pool_signed(claims_like(runner))).status == 200, "the control case"


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda r: None, id="no token"),
        pytest.param(lambda r: "not.a.jwt", id="garbage"),
        pytest.param(lambda r: pool_signed(claims_like(r, exp=int(time.time()) - 5)), id="expired"),
        pytest.param(lambda r: pool_signed(claims_like(r, iss="https://evil.example/pool")), id="wrong issuer"),
        pytest.param(lambda r: pool_signed(claims_like(r, client_id="another-client")), id="wrong audience"),
        pytest.param(lambda r: pool_signed(claims_like(r, token_use="refresh")), id="wrong token use"),
        pytest.param(lambda r: "W10.e30.x", id="header not an object"),
        pytest.param(lambda r: pool_signed(claims_like(r, aud="another-client")), id="wrong aud, right client_id"),
        pytest.param(lambda r: pool_signed(claims_like(r, nbf=int(time.time()) + 600)), id="not yet valid"),
        pytest.param(lambda r: pool_signed(claims_like(r, iat=int(time.time()) + 600)), id="issued in the future"),
        pytest.param(
            lambda r: pool_signed(
                claims_like(r), RSAKey.import_key(rsa.generate_private_key(public_exponent=65537, key_size=2048))
            ),
            id="forged signature",
        ),
    ],
)
def test_bad_tokens_get_the_gateways_401(runner: Runner, make_token) -> None:
    for path in ("/api/submissions", f"/api/submissions/exports/{uuid.uuid4()}", f"/api/submissions/{uuid.uuid4()}"):
        response = get(runner, path, make_token(runner))
        assert response.status == 401, path
        assert json.loads(response.read()) == {"message": "Unauthorized"}


def test_contact_posts_appear_for_the_owner_who_handles_and_deletes_them(runner: Runner, token: str) -> None:
    auth = {"authorization": f"Bearer {token}"}
    marker = f"marker-{uuid.uuid4()}"
    for n in range(2):
        payload = {"first_name": f"Ada{n}", "last_name": "L", "email": "a@example.com", "message": marker}
        posted = request(runner.url + "/api/contact", json.dumps(payload).encode(), "application/json")
        assert posted.status == 201
    listed = json.loads(get(runner, "/api/submissions?limit=100", token).read())["items"]
    mine = [i for i in listed if i.get("message") == marker]
    assert [i["first_name"] for i in mine] == ["Ada1", "Ada0"], "both, newest first"
    first, second = mine
    handled = request(
        runner.url + f"/api/submissions/{first['id']}", b'{"status": "handled"}', "application/json", "PATCH", auth
    )
    assert handled.status == 200 and json.loads(handled.read())["item"]["status"] == "handled"
    deleted = request(runner.url + f"/api/submissions/{second['id']}", method="DELETE", headers=auth)
    assert deleted.status == 200
    assert get(runner, f"/api/submissions/{second['id']}", token).status == 404
    started = request(runner.url + "/api/submissions/exports", b"{}", "application/json", "POST", auth)
    assert started.status == 202
    job = json.loads(started.read())["export"]
    for _ in range(100):
        if job["state"] != "running":
            break
        time.sleep(0.1)
        job = json.loads(get(runner, f"/api/submissions/exports/{job['id']}", token).read())["export"]
    with urllib.request.urlopen(job["url"]) as exported:
        assert exported.headers["content-type"] == "text/csv; charset=utf-8"
        assert exported.headers["content-disposition"] == f'attachment; filename="{job["file"]}"'
        rows = list(csv.DictReader(io.StringIO(exported.read().decode("utf-8-sig"))))
    assert [r["status"] for r in rows if r["message"] == marker] == ["handled"]
