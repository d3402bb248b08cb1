"""The documentation kept honest: the README's commands run scripts that exist, CI runs
exactly the README's test command, and seeds/README.md documents every field the data uses."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, SEEDS

README = REPO / "README.md"
CI = REPO / ".ci" / "run"
SHELL_FENCE = re.compile(r"^```(?:sh|bash|shell|console)\s*\n(.*?)^```", re.M | re.S)


def shell_commands() -> list[str]:
    """The commands of the README's fenced shell blocks, in order (prompts and comments
    dropped, continuation lines joined)."""
    assert README.is_file(), "README.md is missing"
    commands = []
    for block in SHELL_FENCE.findall(README.read_text("utf-8")):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip().removeprefix("$ ").strip()
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


def ci_command() -> str:
    """The command .ci/run runs: its last line that is not a comment, set or cd."""
    lines = [ln.strip() for ln in CI.read_text("utf-8").splitlines()]
    commands = [ln for ln in lines if ln and not ln.startswith(("#", "set ", "cd ", "exec cd "))]
    assert commands, ".ci/run runs nothing"
    return commands[-1].removeprefix("exec ").strip()


def scripts_named(command: str) -> list[Path]:
    return [REPO / word for word in shlex.split(command) if re.match(r"(\./)?scripts/", word)]


def test_the_readme_opens_with_two_shell_commands_whose_scripts_exist():
    commands = shell_commands()
    assert len(commands) >= 2, f"README.md has {len(commands)} fenced shell commands"
    for command in commands[:2]:
        scripts = scripts_named(command)
        assert scripts, f"{command!r} names no script under scripts/"
        for script in scripts:
            assert script.is_file(), f"{command!r}: {script.relative_to(REPO)} does not exist"


def test_ci_runs_exactly_the_readmes_test_command():
    assert CI.is_file(), ".ci/run is missing"
    tests = [c for c in shell_commands() if "test" in c]
    assert tests, "the README gives no test command"
    assert ci_command() == tests[0]
    for script in scripts_named(ci_command()):
        assert script.is_file(), f"{script.relative_to(REPO)} does not exist"


def test_every_script_the_readme_mentions_exists():
    mentioned = set(re.findall(r"scripts/[\w.-]+", README.read_text("utf-8")))
    assert mentioned
    missing = sorted(m for m in mentioned if not (REPO / m).is_file())
    assert missing == []


LAYOUT = re.compile(r"^## Layout\s*\n+```\n(.*?)^```", re.M | re.S)
LAYOUT_ENTRY = re.compile(r"  (\S+)\s")
APP = REPO / "app"


def layout_of_app() -> list[str]:
    """What the README's Layout names inside app/: the indented entries under its app/
    line (packages and data directories as "name/", single modules as "name.py")."""
    found = LAYOUT.search(README.read_text("utf-8"))
    assert found, "README.md has no Layout block (## Layout, then a fenced block)"
    lines = found.group(1).splitlines()
    assert lines and lines[0].startswith("app/"), "the Layout does not begin with app/"
    names = []
    for line in lines[1:]:
        if not line.startswith(" "):
            break  # the next top-level directory
        entry = LAYOUT_ENTRY.match(line)
        if entry:
            names.append(entry.group(1))
    return names


def test_the_readme_layout_names_every_package_of_app_and_nothing_that_is_gone():
    named = layout_of_app()
    packages = {f"{p.parent.name}/" for p in APP.glob("*/__init__.py")}
    missing = sorted(packages - set(named))
    assert missing == [], f"packages of app/ missing from the README's Layout: {missing}"
    gone = sorted(n for n in named if not (APP / n).exists())
    assert gone == [], f"the README's Layout names what app/ no longer has: {gone}"
    # A directory named but not a package holds no code (templates, message catalogues).
    not_packages = [n for n in named if n.endswith("/") and n not in packages]
    code = sorted(n for n in not_packages if any((APP / n).rglob("*.py")))
    assert code == [], f"directories of app/ with code but no __init__.py: {code}"


def seed_records() -> dict[str, list[dict[str, Any]]]:
    return {
        path.name: yaml.safe_load(path.read_text("utf-8")) for path in sorted(SEEDS.glob("*.yaml"))
    }


def test_the_seeds_readme_documents_every_top_level_field_of_every_data_file():
    guide = (SEEDS / "README.md").read_text("utf-8")
    records = seed_records()
    assert set(records) == {
        "sources.yaml",
        "places.yaml",
        "journeys.yaml",
        "hazards.yaml",
        "discrepancies.yaml",
    }
    undocumented = sorted(
        f"{name}: {key}"
        for name, items in records.items()
        for key in {k for item in items for k in item}
        if f"`{key}`" not in guide
    )
    assert undocumented == []


@pytest.mark.parametrize("nested", ["legs", "citations", "sides", "about", "area"])
def test_the_seeds_readme_documents_the_fields_nested_in_records(nested):
    guide = (SEEDS / "README.md").read_text("utf-8")
    keys: set[str] = set()
    for items in seed_records().values():
        for item in items:
            values = item.get(nested)
            values = [values] if isinstance(values, dict) else values or []
            keys |= {k for value in values if isinstance(value, dict) for k in value}
    assert keys, f"no record uses {nested!r}"
    undocumented = sorted(k for k in keys if not re.search(rf"\b{re.escape(k)}\b", guide))
    assert undocumented == []
