"""The shape of the code: no circle between modules, models only in models modules, modules under 400 lines.

A circle counts whether it is written as an import or hidden behind a look-up that stands for one: a model
fetched with `apps.get_model`, a Celery task found by its name in the app's registry (or sent by name), or
a model's admin asked of the admin site outside the admin.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every Django app of the project (a folder with an apps.py), so a new app is held to the same shape.
APPLICATION_PACKAGES = tuple(sorted(path.parent.name for path in ROOT.glob("*/apps.py")))
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


def _call_name(node: ast.AST) -> str:
    """`a.b.c` for a call's function or a subscript's value, '' for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _base_names(node: ast.ClassDef) -> set[str]:
    return {_call_name(base).rpartition(".")[2] for base in node.bases}


class _Lookups:
    """The modules a module reaches without importing them: models by app label, tasks by name, model admins."""

    def __init__(self, modules: dict[str, Path], trees: dict[str, ast.AST]):
        self.trees = trees
        self.models: dict[tuple[str, str], str] = {}  # (app label, model name) -> module defining it
        self.model_modules: dict[str, str] = {}  # model name -> module defining it
        self.tasks: dict[str, str] = {}  # task name -> module defining the task
        self.admins: dict[str, str] = {}  # model name -> module registering its admin
        self.constants: dict[str, str] = {}  # module-level NAME = "text", across the project
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                    for target in node.targets:
                        if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                            self.constants[target.id] = node.value.value
        for name, tree in trees.items():
            app = name.split(".")[0]
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and "Model" in _base_names(node):
                    self.models[(app, node.name)] = name
                    self.model_modules[node.name] = name
                if isinstance(node, ast.FunctionDef | ast.ClassDef):
                    for decorator in node.decorator_list:
                        self._decorator(name, decorator)
                if isinstance(node, ast.Call) and _call_name(node.func).endswith("site.register") and node.args:
                    self.admins[_call_name(node.args[0]).rpartition(".")[2]] = name

    def _text(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        name = _call_name(node).rpartition(".")[2]
        return self.constants.get(name)

    def _decorator(self, module: str, decorator: ast.AST) -> None:
        if not isinstance(decorator, ast.Call):
            return
        called = _call_name(decorator.func)
        if called.endswith(("shared_task", ".task")):
            for keyword in decorator.keywords:
                if keyword.arg == "name" and (task := self._text(keyword.value)):
                    self.tasks[task] = module
        elif called.endswith("admin.register") or called == "register":
            for argument in decorator.args:
                self.admins[_call_name(argument).rpartition(".")[2]] = module

    def _admins_of(self, node: ast.AST) -> set[str]:
        """The module registering the named model's admin; for a model passed in a variable, every admin module."""
        model = _call_name(node).rpartition(".")[2]
        return {self.admins[model]} if model in self.admins else set(self.admins.values())

    def targets(self, module: str) -> set[str]:
        found = set()
        for node in ast.walk(self.trees[module]):
            if isinstance(node, ast.Call):
                called = _call_name(node.func)
                if called.endswith("get_model") and len(node.args) >= 2:
                    label, model = self._text(node.args[0]), self._text(node.args[1])
                    found.add(self.models.get((label, model), ""))
                elif called.endswith("get_model") and node.args and (dotted := self._text(node.args[0])):
                    label, _, model = dotted.partition(".")
                    found.add(self.models.get((label, model), ""))
                elif called.endswith(("send_task", "signature")) and node.args:
                    found.add(self.tasks.get(self._text(node.args[0]) or "", ""))
                elif called.endswith("get_model_admin") and node.args:
                    found |= self._admins_of(node.args[0])
            elif isinstance(node, ast.Subscript):
                owner = _call_name(node.value)
                if owner.endswith(".tasks"):
                    found.add(self.tasks.get(self._text(node.slice) or "", ""))
                elif owner.endswith("_registry"):
                    found |= self._admins_of(node.slice)
        found.discard("")
        return found


def import_cycles(root: Path, packages: tuple[str, ...]) -> list[list[str]]:
    """Each group of modules that import one another in a circle (Tarjan's strongly connected components)."""
    modules = _modules(root, packages)
    trees = {name: ast.parse(path.read_text(), filename=str(path)) for name, path in modules.items()}
    lookups = _Lookups(modules, trees)
    graph = {name: _imported(name, path, set(modules)) | lookups.targets(name) for name, path in modules.items()}
    for name in graph:
        graph[name].discard(name)
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


def models_outside_models_modules(root: Path, packages: tuple[str, ...]) -> list[str]:
    """`module.Class` for each model class defined anywhere but a `models` module or package."""
    misplaced = []
    for name, path in _modules(root, packages).items():
        if "models" in name.split("."):
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ClassDef) and "Model" in _base_names(node):
                misplaced.append(f"{name}.{node.name}")
    return misplaced


def test_models_defined_only_in_models_modules():
    assert models_outside_models_modules(ROOT, APPLICATION_PACKAGES) == []


def test_models_outside_models_modules_found(tmp_path):
    package = tmp_path / "shop"
    (package / "models").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "models" / "__init__.py").write_text(
        "from django.db import models\nclass Order(models.Model):\n    pass\n"
    )
    (package / "payments.py").write_text("from django.db import models\nclass Payment(models.Model):\n    pass\n")

    assert models_outside_models_modules(tmp_path, ("shop",)) == ["shop.payments.Payment"]


def _shop(tmp_path, files: dict[str, str]) -> list[list[str]]:
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, text in files.items():
        (package / name).write_text(text)
    return import_cycles(tmp_path, ("shop",))


def test_import_cycles_found_through_apps_get_model(tmp_path):
    cycles = _shop(
        tmp_path,
        {
            "models.py": "from django.db import models\nfrom . import pricing\nclass Order(models.Model):\n    pass\n",
            "pricing.py": "from django.apps import apps\ndef price():\n    return apps.get_model('shop', 'Order')\n",
        },
    )

    assert cycles == [["shop.models", "shop.pricing"]]


def test_import_cycles_found_through_a_task_looked_up_by_name(tmp_path):
    cycles = _shop(
        tmp_path,
        {
            "outbox.py": (
                "from celery import current_app\nSEND = 'shop.send'\n"
                "def queue():\n    current_app.tasks[SEND].delay()\ndef send():\n    pass\n"
            ),
            "tasks.py": (
                "from celery import shared_task\nfrom . import outbox\n"
                "@shared_task(name=outbox.SEND)\ndef send():\n    outbox.send()\n"
            ),
            "mailer.py": "from celery import current_app\ndef go():\n    current_app.send_task('shop.send')\n",
        },
    )

    assert cycles == [["shop.outbox", "shop.tasks"]]


def test_import_cycles_found_through_the_admin_site(tmp_path):
    cycles = _shop(
        tmp_path,
        {
            "models.py": "from django.db import models\nclass Order(models.Model):\n    pass\n",
            "admin.py": (
                "from django.contrib import admin\nfrom .models import Order\nfrom . import exports\n"
                "@admin.register(Order)\nclass OrderAdmin(admin.ModelAdmin):\n    pass\n"
            ),
            "exports.py": (
                "from django.contrib import admin\nfrom .models import Order\n"
                "def rows():\n    return admin.site.get_model_admin(Order)\n"
            ),
        },
    )

    assert cycles == [["shop.admin", "shop.exports"]]
