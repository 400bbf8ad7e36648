"""The package's shape: layers a reader can see from the folders, imports pointing one way, no
import cycle, a pure core, and modules small enough to summarise in a line."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from project import ROOT

PACKAGE = ROOT / "pto_bot"

# Which layers each layer may import ("root" is pto_bot/errors.py and the package itself).
ALLOWED: dict[str, set[str]] = {
    "root": set(),
    "domain": {"root"},
    "rules": {"domain", "root"},
    "render": {"rules", "domain", "root"},
    "commands": {"render", "rules", "domain", "root"},
    "plan": {"commands", "render", "rules", "domain", "root"},
    "adapters": {"domain", "root"},
    "reports": {"plan", "commands", "render", "rules", "domain", "root"},
    "app": {"adapters", "reports", "plan", "commands", "render", "rules", "domain", "root"},
    "cli": {"app", "reports", "root"},
}
PURE = ("domain", "rules", "commands", "plan", "render")
IMPURE_MODULES = {"gitlab", "requests", "os", "time", "subprocess", "socket", "urllib.request"}
FORBIDDEN_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("date", "today"),
    ("time", "time"),
    ("os", "environ"),
}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every name ``name`` imports (absolute: a module, or ``module.attribute``), with the line;
    lazy imports inside functions included."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                yield f"{target}.{alias.name}", node.lineno


def layer(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and (PACKAGE / parts[1]).is_dir() else "root"


def internal(target: str, known: dict[str, Path]) -> str | None:
    """The package module ``target`` names (``pto_bot.x.y.Name`` -> ``pto_bot.x.y``)."""
    while target.startswith("pto_bot"):
        if target in known:
            return target
        target = target.rsplit(".", 1)[0]
    return None


def graph() -> dict[str, set[str]]:
    known = modules()
    return {
        name: {
            found
            for target, _ in imports(name, path)
            if (found := internal(target, known)) is not None and found != name
        }
        for name, path in known.items()
    }


def test_every_layer_imports_only_the_layers_below_it() -> None:
    wrong = [
        f"{name} imports {other} ({layer(name)} -> {layer(other)})"
        for name, others in graph().items()
        for other in sorted(others)
        if layer(other) != layer(name)
        and layer(other) not in ALLOWED[layer(name)]
        and not (layer(name) == "root" and name == "pto_bot.__main__")
    ]
    assert wrong == []


def test_no_import_cycle_among_the_modules() -> None:
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert cycles == []


@pytest.mark.parametrize("name", [n for n in modules() if layer(n) in PURE])
def test_the_pure_core_reads_no_clock_no_environment_and_no_network(name: str) -> None:
    path = modules()[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [
        f"line {line}: imports {target}"
        for target, line in imports(name, path)
        if target.split(".")[0] in {m.split(".")[0] for m in IMPURE_MODULES}
        and not target.startswith("pto_bot")
    ]
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in FORBIDDEN_CALLS
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    assert found == []


@pytest.mark.parametrize("name", list(modules()))
def test_no_module_is_over_300_lines(name: str) -> None:
    path = modules()[name]
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= 300, f"{path.name}: {lines} lines: split it by role"


#: What the tracker keeps between runs, and how it trusts it, is the tracker's affair alone.
TRACKER_WORDS = re.compile(r"\b(memory|memories|recall\w*|settle\w*|seal\w*|unseal\w*)\b", re.I)
CORE = ("domain", "rules", "commands", "plan", "render", "reports")


@pytest.mark.parametrize("name", [n for n in modules() if layer(n) in CORE])
def test_the_core_names_nothing_of_what_the_tracker_keeps(name: str) -> None:
    path = modules()[name]
    found = [
        f"line {number}: {match.group(0)}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for match in TRACKER_WORDS.finditer(line)
    ]
    assert found == []


def test_only_the_gitlab_adapter_imports_python_gitlab() -> None:
    users = {
        name
        for name, path in modules().items()
        for target, _ in imports(name, path)
        if target == "gitlab" or target.startswith("gitlab.")
    }
    assert users and all(name.startswith("pto_bot.adapters.gitlab.") for name in users)


def test_subcommands_never_import_each_other() -> None:
    edges = graph()
    commands = {n for n in edges if n.startswith("pto_bot.cli.") and n != "pto_bot.cli.main"}
    shared = {"pto_bot.cli.options"}
    wrong = [
        f"{name} imports {other}"
        for name in sorted(commands - shared)
        for other in sorted(edges[name] & (commands - shared))
    ]
    assert wrong == []
