"""The dashboard's Punycode decoder (www/dashboard/idn.js), run by Node, against Python's own IDNA codec: every
xn-- label shows as the Unicode a person wrote, and anything that is not Punycode is shown as sent."""

from __future__ import annotations

import json
import subprocess

import pytest

from declarations.web_assets import WWW_DIR

DOMAINS = [
    "bücher.example", "münchen.de", "例え.テスト", "россия.рф", "ελληνικά.gr", "مثال.إختبار", "नमस्ते.भारत",
    "日本語.jp", "🦄.example", "ñandú.com.ar", "a-b-ç.example", "xyzçéàö.fr", "한국.kr",
]  # fmt: skip
NODE = """
import(process.argv[1]).then(({ unicodeAddress }) => {
  const addresses = JSON.parse(process.argv[2]);
  process.stdout.write(JSON.stringify(addresses.map(unicodeAddress)));
});
"""


def shown(addresses: list[str]) -> list[str]:
    done = subprocess.run(
        ["node", "--input-type=module", "-e", NODE, str(WWW_DIR / "dashboard" / "idn.js"), json.dumps(addresses)],
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(done.stdout))


def test_each_encoded_domain_shows_as_written() -> None:
    ascii_forms = [f"ada@{domain.encode('idna').decode()}" for domain in DOMAINS]
    assert all("xn--" in a for a in ascii_forms)
    assert shown(ascii_forms) == [f"ada@{domain}" for domain in DOMAINS]


@pytest.mark.parametrize(
    "address",
    ["ada@example.com", "ada@XN--BCHER-KVA.example", "ada@xn--.example", "ada@xn--a-", "ada@xn--99999999999x.com",
     "ada@xn--ab!c.example", "no-at-sign", "xn--bcher-kva@example.com"],
)  # fmt: skip
def test_anything_else_is_shown_as_sent_or_decoded_alike(address: str) -> None:
    """Plain addresses, and labels that are not valid Punycode, come back as sent; upper-case xn-- decodes."""
    (result,) = shown([address])
    if address == "ada@XN--BCHER-KVA.example":
        assert result == "ada@bücher.example"
    else:
        assert result == address
