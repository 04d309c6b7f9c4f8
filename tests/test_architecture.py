"""The layout keeps its promises: imports run one way, modules and functions stay small, and
every default restated in a signature is the one ``Settings()`` holds."""

import ast
import dataclasses
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import dedup
from dedup.settings import STEP_FIELDS, Settings

PACKAGE = Path(dedup.__file__).parent

# Lowest first. A module may import modules of a lower layer, and of its own group (the
# modules of one package); nothing imports upward. The stages run in data-flow order;
# the engines, the index, the gate and the CLI only call them.
LAYERS = [
    ("dedup._speedups", "dedup._cleaning"),  # compiled (dedup/_speedups.pyx: imports numpy only; dedup/_cleaning.pyx)
    ("dedup._version", "dedup.errors", "dedup._native"),
    ("dedup._pickling",),  # records pickled by their fields (made again by the compiled module)
    ("dedup.settings",),
    ("dedup.ingest",),
    ("dedup.quotes",),
    ("dedup.tokens",),
    ("dedup.notices",),  # clean's notices (cookie, paywall, sign-up pages)
    ("dedup.origin",),  # clean's evidence of origin (wire credits, dates)
    ("dedup.paragraphs",),  # clean's records (a paragraph, a cleaned article)
    ("dedup.clean",),
    ("dedup.sign",),
    ("dedup.candidates",),
    ("dedup.sentences",),
    ("dedup.verify",),
    ("dedup.cluster",),
    ("dedup.worddiff",),  # align's word-level changes (and the reports')
    ("dedup.alignorder",),  # align's last steps: moved blocks, the runs left over, B order
    ("dedup.align",),
    ("dedup.report",),  # formats the records of the stages; the results' to_dict() call it
    ("dedup.steps",),
    ("dedup.engines.pool",),
    ("dedup.engines.local", "dedup.engines.spark"),
    ("dedup.index",),
    ("dedup.check", "dedup.evaluate"),
    ("dedup.cli", "dedup"),
    ("dedup.__main__",),
]


def _group(module: str) -> tuple[int, str]:
    """(layer, group) of a module: the longest entry of LAYERS it is or lies under."""
    best = None
    for layer, groups in enumerate(LAYERS):
        for group in groups:
            if (module == group or module.startswith(group + ".")) and (best is None or len(group) > len(best[1])):
                best = (layer, group)
    assert best is not None, f"{module} is in no layer of LAYERS: add it"
    return best


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _runtime_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The dedup modules ``name`` imports when it runs (``if TYPE_CHECKING:`` blocks left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "dedup")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "dedup":
                for alias in node.names:  # `from . import report` imports the module dedup.report
                    found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def test_imports_run_one_way():
    modules = _modules()
    wrong = []
    for name, path in modules.items():
        layer, group = _group(name)
        for target in sorted(_runtime_imports(name, path, set(modules))):
            t_layer, t_group = _group(target)
            if t_group != group and t_layer >= layer:
                wrong.append(f"{name} (layer {layer}) imports {target} (layer {t_layer})")
    assert not wrong, "imports against the pipeline direction:\n" + "\n".join(wrong)


def test_the_import_rule_catches_an_upward_import(tmp_path):
    # the check itself can fail: a stage that imports an engine is caught
    fake = tmp_path / "verify.py"
    fake.write_text("from .engines import local\nif TYPE_CHECKING:\n    from .check import CheckResult\n")
    found = _runtime_imports("dedup.verify", fake, {"dedup.engines.local", "dedup.check"})
    assert found == {"dedup.engines.local"}
    assert _group("dedup.engines.local")[0] > _group("dedup.verify")[0]


def test_modules_and_functions_stay_small():
    too_big = []
    for name, path in _modules().items():
        source = path.read_text(encoding="utf-8")
        if source.count("\n") > 700:
            too_big.append(f"{name}: {source.count(chr(10))} lines")
        if name == "dedup.cli":  # typer's parameter lists make its commands long
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 80:
                too_big.append(f"{name}.{node.name}: {node.end_lineno - node.lineno + 1} lines")
    assert not too_big, "over ~700 lines a module or ~80 a function:\n" + "\n".join(too_big)


def _public_callables():
    for info in pkgutil.walk_packages(dedup.__path__, "dedup."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if getattr(value, "__module__", None) != info.name:
                continue
            if inspect.isfunction(value):
                yield f"{info.name}.{value.__qualname__}", value
            elif inspect.isclass(value):
                for attr in vars(value).values():
                    fn = attr.__func__ if isinstance(attr, (classmethod, staticmethod)) else attr
                    if inspect.isfunction(fn):
                        yield f"{info.name}.{fn.__qualname__}", fn


def test_every_restated_default_is_the_settings_default():
    defaults = Settings()
    fields = {f.name for f in dataclasses.fields(Settings)}
    checked, wrong = 0, []
    for where, fn in _public_callables():
        for p in inspect.signature(fn).parameters.values():
            if p.name not in fields or p.default is inspect.Parameter.empty:
                continue
            value = getattr(p.default, "default", p.default)  # a typer Option holds its default
            if value is None or value is ...:
                continue  # "the index's own", or required
            checked += 1
            if value != getattr(defaults, p.name):
                wrong.append(f"{where}: {p.name}={value!r}, Settings() has {getattr(defaults, p.name)!r}")
    assert checked > 40  # the signatures were really read
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("step", "function"), [
    ("prepare", "dedup.steps.prepare_many"),
    ("verify", "dedup.verify.compare_many"),
    ("templates", "dedup.clean.template_candidates"),
])
def test_each_step_takes_the_fields_mapped_to_it(step, function):
    module, _, name = function.rpartition(".")
    parameters = inspect.signature(getattr(importlib.import_module(module), name)).parameters
    assert set(STEP_FIELDS[step]) <= {n for n, p in parameters.items() if p.kind is p.KEYWORD_ONLY}
    assert set(Settings().for_step(step)) == set(STEP_FIELDS[step])


def test_only_the_pool_touches_processes_and_the_interpreter():
    tricks = {"gc", "multiprocessing", "concurrent", "fcntl"}
    found = []
    for name, path in _modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            if any(n.split(".")[0] in tricks for n in names) and name != "dedup.engines.pool":
                found.append(f"{name} imports {', '.join(names)}")
            if isinstance(node, ast.Attribute) and node.attr in ("setswitchinterval", "setrecursionlimit") and name != "dedup.engines.pool":
                found.append(f"{name} calls sys.{node.attr}")
    assert not found, "\n".join(found)
