"""Pulumi components of the site, one per AWS concept. The handlers' folder holds the Lambda packages' code."""

import ast
from pathlib import Path

HANDLERS_DIR = Path(__file__).resolve().parent.parent / "handlers"


def handler_files(module: str) -> list[Path]:
    """One function's package: the handler module and every handler module it imports, however indirectly.

    Each function ships only the code it can run, so a change to one handler updates only the functions
    that run it, and no function carries another's code."""
    found: set[str] = set()
    pending = [module]
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found.add(name)
        for node in ast.walk(ast.parse((HANDLERS_DIR / f"{name}.py").read_text())):
            if isinstance(node, ast.Import):
                pending += [a.name for a in node.names if (HANDLERS_DIR / f"{a.name}.py").is_file()]
            elif isinstance(node, ast.ImportFrom) and node.module and (HANDLERS_DIR / f"{node.module}.py").is_file():
                pending.append(node.module)
    return sorted(HANDLERS_DIR / f"{name}.py" for name in found)
