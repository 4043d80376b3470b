"""The shape of the code: no import circle between the project's modules, and no application module over 400 lines."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPLICATION_PACKAGES = ("agenda", "registration", "imrf_event")
MAX_LINES = 400


def _modules(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Dotted module name → file, for every Python file of `packages` under `root`, migrations aside."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def _imported(module: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `module` imports anywhere in its file, inside functions too.

    An import written inside a function to dodge a circle is still a circle, so it counts.
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from package import module` imports the module; `from module import name`, the module.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target in known and target != module)
    return found


def import_cycles(root: Path, packages: tuple[str, ...]) -> list[list[str]]:
    """Each group of modules that import one another in a circle (Tarjan's strongly connected components)."""
    modules = _modules(root, packages)
    graph = {name: _imported(name, path, set(modules)) for name, path in modules.items()}
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(name: str) -> None:
        index[name] = lowlink[name] = len(index)
        stack.append(name)
        for target in sorted(graph[name]):
            if target not in index:
                visit(target)
                lowlink[name] = min(lowlink[name], lowlink[target])
            elif target in stack:
                lowlink[name] = min(lowlink[name], index[target])
        if lowlink[name] == index[name]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == name:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return cycles


def test_import_cycles_none_between_project_modules():
    assert import_cycles(ROOT, APPLICATION_PACKAGES) == []


def test_import_cycles_found_even_when_one_import_hides_in_a_function(tmp_path):
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "orders.py").write_text("from . import payments\n")
    (package / "payments.py").write_text("def pay():\n    from .orders import Order\n")
    (package / "catalogue.py").write_text("from shop.orders import Order\n")

    cycles = import_cycles(tmp_path, ("shop",))

    assert cycles == [["shop.orders", "shop.payments"]]


def test_application_modules_stay_under_400_lines():
    too_long = {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for path in _modules(ROOT, APPLICATION_PACKAGES).values()
        if len(path.read_text().splitlines()) > MAX_LINES
    }

    assert too_long == {}
