"""`make dev` keeps its data: enquiries and the owner's chosen password survive a restart; `make reset` forgets."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from local import owner_session
from local.background import local_runner
from local.persistence import OWNER_FILE, SUBMISSIONS_FILE
from tests.support.http import request
from tests.support.paths import ROOT


def post(url: str, message: str) -> None:
    body = {"first_name": "Ada", "email": "ada@example.com", "message": message}
    assert request(url + "/api/contact", json.dumps(body).encode(), "application/json").status == 201


def test_enquiries_and_the_chosen_password_survive_a_restart(tmp_path: Path) -> None:
    kept = {"LOCAL_DATA_DIR": str(tmp_path)}
    with local_runner(kept) as first:
        post(first.url, "kept across restarts")
        owner_session.sign_in(first.url, first.owner_email, first.temporary_password)  # chooses NEW_PASSWORD
    assert (tmp_path / OWNER_FILE).stat().st_mode & 0o777 == 0o600, "the password file is the user's alone"
    with local_runner(kept) as second:
        assert second.temporary_password == "", "no new temporary password: the chosen one still works"
        token = owner_session.sign_in(second.url, second.owner_email, owner_session.NEW_PASSWORD)
        (item,) = owner_session.all_submissions(second.url, token)
        assert item["message"] == "kept across restarts"
        post(second.url, "the second run's")
    with local_runner(kept) as third:
        token = owner_session.sign_in(third.url, third.owner_email, owner_session.NEW_PASSWORD)
        messages = sorted(i["message"] for i in owner_session.all_submissions(third.url, token))
        assert messages == ["kept across restarts", "the second run's"], "nothing lost, nothing doubled"


def test_without_a_data_folder_every_start_is_fresh(tmp_path: Path) -> None:
    with local_runner() as first:
        post(first.url, "gone after the stop")
    with local_runner() as second:
        assert second.temporary_password, "a new owner with a temporary password"
        token = owner_session.sign_in(second.url, second.owner_email, second.temporary_password)
        assert owner_session.all_submissions(second.url, token) == []


def test_an_unreadable_data_file_stops_the_start_with_what_to_do(tmp_path: Path) -> None:
    (tmp_path / SUBMISSIONS_FILE).write_text("{not json")
    with pytest.raises(RuntimeError, match="did not start"):
        with local_runner({"LOCAL_DATA_DIR": str(tmp_path)}):
            pass
    assert (tmp_path / SUBMISSIONS_FILE).read_text() == "{not json", "left as it was, for the owner to look at"


def test_make_reset_removes_the_folder_make_dev_keeps(tmp_path: Path) -> None:
    makefile = (ROOT / "Makefile").read_text()
    folder = re.search(r"^LOCAL_DATA := (\S+)$", makefile, re.M)
    assert folder and "LOCAL_DATA_DIR=$(LOCAL_DATA) $(BIN)/python -m local" in makefile
    target = tmp_path / "data"
    target.mkdir()
    (target / SUBMISSIONS_FILE).write_text("[]")
    subprocess.run(["make", "-s", "reset", f"LOCAL_DATA={target}"], cwd=ROOT, check=True)
    assert not target.exists()
