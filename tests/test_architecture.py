"""The import rules of docs/architecture.md, checked by reading every module's imports (lazy ones too)."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
# Stages in data-flow order: a module imports its own package and lower stages; packages that share a
# stage are independent of each other.
STAGES = {
    "errors": 0,
    "defaults": 0,
    "fileio": 1,  # atomic writes, text decoding
    "configs": 1,  # typed config updates
    "extras": 1,  # optional dependency checks
    "seeding": 1,
    "store": 2,  # SQL records and files under the data directory
    "text": 2,
    "data": 3,  # datasets, and the caption style words the pipeline reads
    "diffusion": 4,
    "upscale": 4,
    "training": 5,
    "evaluation": 5,
    "creative": 6,
    "personalize": 7,
    "delivery": 7,  # network profiles and delivery formats, after composition
    "generate": 8,
    "batch": 9,  # adapters: batch and service never import each other
    "service": 9,
    "cli": 10,  # the command line may start a batch or the service
    "__main__": 11,
}
NO_TORCH = ("creative", "personalize", "store", "service")  # PIL and plain data only
HEAVY = ("torch", "diffusers", "transformers")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in (SRC / "adcraft").rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """Every module this file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
    return found


GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "adcraft"


def test_every_package_has_a_stage():
    assert {_stage(m) for m in MODULES} - {"adcraft"} <= set(STAGES)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "adcraft"))
def test_imports_point_down_the_flow(module):
    stage = _stage(module)
    upward = [
        dep
        for dep in GRAPH[module]
        if dep.startswith("adcraft.") and _stage(dep) != stage and STAGES[_stage(dep)] >= STAGES[stage]
    ]
    assert upward == [], f"{module} ({stage}) imports a stage at or above its own: {upward}"


@pytest.mark.parametrize("package", NO_TORCH)
def test_composition_and_adapters_never_import_torch(package):
    offenders = {
        m: sorted(d for d in GRAPH[m] if d.split(".")[0] in HEAVY) for m in MODULES if _stage(m) == package
    }
    assert {m: d for m, d in offenders.items() if d} == {}


def test_no_import_circles():
    # the package root only re-exports lazily (adcraft.generate_creatives); modules read __version__ from it
    internal = {
        m: {d for d in deps if d in MODULES and d != m} for m, deps in GRAPH.items() if m != "adcraft"
    }
    internal = {m: deps - {"adcraft"} for m, deps in internal.items()}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(module, path):
        state[module] = 1
        for dep in sorted(internal[module]):
            if state.get(dep) == 1:
                raise AssertionError(" -> ".join([*path[path.index(dep) :], dep]))
            if dep not in state:
                visit(dep, [*path, dep])
        state[module] = 2

    for module in sorted(internal):
        if module not in state:
            visit(module, [module])
