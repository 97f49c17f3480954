"""A wrong stack setting stops the program with a message naming the key, the value and what is allowed."""

from __future__ import annotations

import pytest

from components.settings import SettingsError
from tests.support.mocked_program import PROJECT, run_program


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("logRetentionDays", 13, "stack setting logRetentionDays=13 is not allowed; use one of 1, 3, 5, 7, 14,"),
        ("priceClass", "PriceClass_Cheap", "priceClass='PriceClass_Cheap' is not allowed; use one of PriceClass_100"),
        ("throttleRateLimit", 0, "throttleRateLimit=0 is not allowed; use a whole number from 1 to 10000"),
        ("throttleBurstLimit", 5, "throttleBurstLimit=5 is not allowed; use at least throttleRateLimit (50)"),
        ("lambdaTimeoutSeconds", 60, "lambdaTimeoutSeconds=60 is not allowed; use a whole number from 8 to 29"),
        ("contactRateLimit", 51, "contactRateLimit=51 is not allowed; use a whole number from 1 to 50"),
        ("submissionRetentionDays", -1, "submissionRetentionDays=-1 is not allowed; use a whole number from 0"),
    ],
)
def test_bad_setting_is_refused_with_key_value_and_allowed(key: str, value: object, expected: str) -> None:
    with pytest.raises(SettingsError) as raised:
        run_program("dev", {f"{PROJECT}:{key}": value})
    assert expected in str(raised.value)


def test_missing_region_is_refused_with_how_to_set_it() -> None:
    with pytest.raises(SettingsError, match=r"aws:region='' is not allowed; set it with `pulumi config set aws:region"):
        run_program("dev", {"aws:region": ""})
