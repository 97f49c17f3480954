"""A small load run in make test: concurrent posts with racing repeats and invalid ones; nothing lost or doubled."""

from __future__ import annotations

from local import owner_session
from local.background import local_runner
from scripts.load import run_load


def test_concurrent_posts_store_exactly_the_accepted_unique_submissions() -> None:
    with local_runner() as site:
        token = owner_session.sign_in(site.url, site.owner_email, site.temporary_password)
        result = run_load(site.url, token, total=240, clients=8)
    assert result.server_errors == 0
    assert result.repeats > 0 and result.refused > 0, "the plan exercises repeats and invalid posts"
    assert result.lost == set() and result.extra == 0, result.report()
    assert len(result.stored_ids) == result.new == len(set(result.stored_ids))
