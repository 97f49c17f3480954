"""`make fuzz`: schemathesis against a local runner, from the OpenAPI document it serves, signed in as its owner.

Checks: no 5xx, every status, content type, header and body as documented. `make test` runs a short,
seeded version of the same run (tests/local/test_fuzz_api.py).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from local import owner_session
from local.background import ROOT, local_runner

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance,response_headers_conformance"
)


def run_schemathesis(site_url: str, token: str, examples: int, seed: int | None) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    command = [
        tool, "run", f"{site_url}/api/openapi.json", "--url", site_url,
        "-H", f"Authorization: Bearer {token}",
        "--checks", CHECKS, "--max-examples", str(examples), "--no-color", "--workers", "1",
    ]  # fmt: skip
    if seed is not None:
        command += ["--seed", str(seed), "--generation-deterministic"]
    # schemathesis keeps a cache in its working directory: keep it under the ignored .local/.
    workdir = ROOT / ".local"
    workdir.mkdir(exist_ok=True)
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=workdir)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=200, help="examples per operation (default 200)")
    parser.add_argument("--seed", type=int, default=None, help="fix the seed to repeat a run")
    args = parser.parse_args()
    with local_runner() as site:
        token = owner_session.sign_in(site.url, site.owner_email, site.temporary_password)
        result = run_schemathesis(site.url, token, args.examples, args.seed)
    print(result.stdout[-6000:], result.stderr[-2000:], sep="\n")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
