"""The import graph of remixes/ has no cycle (imports inside functions counted), the layers point one
way, and the actors that `remixes.queue` addresses by name exist with those names and queues."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "remixes"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(current: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = current.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_graph() -> dict[str, set[str]]:
    """module -> the remixes modules it imports anywhere in its body (top level, functions, TYPE_CHECKING
    blocks excluded), `from x import name` counted as an import of x.name when that is a module."""
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        edges: set[str] = set()
        tree = ast.parse(path.read_text(), filename=str(path))
        skip = set()
        for node in ast.walk(tree):  # `if TYPE_CHECKING:` imports never run
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skip.update(id(child) for child in ast.walk(node))
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = resolve(name, path.name == "__init__.py", node)
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in paths else base for alias in node.names]
            for target in targets:
                while target and target not in paths:  # a name inside a module: the module
                    target = target.rpartition(".")[0]
                if target.startswith("remixes") and target != name:
                    edges.add(target)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_finder_sees_a_cycle_through_a_function_level_import(tmp_path):
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    source = "def f():\n    from . import services\n"
    node = ast.parse(source).body[0].body[0]
    assert resolve("remixes.webhooks", False, node) == "remixes"


def test_the_app_has_no_import_cycle():
    graph = import_graph()
    assert "remixes.services" in graph and "remixes.webhooks" in graph["remixes.services"]
    cycle = find_cycle(graph)
    assert cycle is None, " -> ".join(cycle)


@pytest.mark.parametrize(("lower", "higher"), [
    ("remixes.services", "remixes.tasks"),
    ("remixes.webhooks", "remixes.tasks"),
    ("remixes.webhooks", "remixes.services"),
    ("remixes.providers", "remixes.services"),
    ("remixes.providers.local", "remixes.services"),
    ("remixes.providers.musicgpt", "remixes.services"),
    ("remixes.payloads", "remixes.services"),
    ("remixes.ledger", "remixes.services"),
    ("remixes.sources", "remixes.services"),
    ("remixes.sources", "remixes.models"),
    ("remixes.results", "remixes.models"),
    ("remixes.report", "remixes.models"),
    ("remixes.queue", "remixes.tasks"),
    ("remixes.callbacks", "remixes.tasks"),
])
def test_layers_point_one_way(lower, higher):
    graph = import_graph()

    def reaches(start: str, goal: str, seen=None) -> bool:
        seen = seen if seen is not None else set()
        if start == goal:
            return True
        seen.add(start)
        return any(reaches(n, goal, seen) for n in graph.get(start, ()) if n not in seen)

    assert not reaches(lower, higher), f"{lower} imports (maybe indirectly) {higher}"


def test_result_types_and_errors_import_no_django():
    for module in ("results.py", "errors.py", "report.py"):
        tree = ast.parse((PACKAGE / module).read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not any(name.startswith("django") for name in imported), module
        assert not any(node.level for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)), module


def test_providers_write_nothing():
    """No provider module touches a model's manager or calls services: they return values."""
    for path in (PACKAGE / "providers").glob("*.py"):
        source = path.read_text()
        assert ".objects." not in source and "services" not in source, path.name


def test_queued_names_are_the_actors_of_tasks():
    import dramatiq

    from remixes import queue, tasks

    for target, actor in ((queue.PROCESS_REMIX, tasks.process_remix),
                          (queue.APPLY_PROVIDER_EVENT, tasks.apply_provider_event)):
        assert (target.queue_name, target.actor_name) == (actor.queue_name, actor.actor_name)
        assert dramatiq.get_broker().get_actor(target.actor_name) is actor


def test_the_worker_finds_every_actor_by_autodiscovery_not_by_side_effect_imports(settings):
    """rundramatiq imports the DRAMATIQ_AUTODISCOVER_MODULES of each app: the remix actors and the
    webhook actor are found there; tasks.py does not import webhooks to register it."""
    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    app = apps.get_app_config("remixes")
    found = [name for name in settings.DRAMATIQ_AUTODISCOVER_MODULES if module_has_submodule(app.module, name)]
    assert found == ["tasks", "webhooks"]
    tasks_imports = import_graph()["remixes.tasks"]
    assert "remixes.webhooks" not in tasks_imports
