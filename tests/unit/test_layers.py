"""Data flows one way: every parlour module imports only from the layers its own layer may use."""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "parlour"


@dataclass(frozen=True)
class Layer:
    """A group of modules: `packages` match themselves and everything below them."""

    name: str
    rank: int
    packages: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    # When set, the only other layers this one may import, whatever their rank.
    may_import: frozenset[str] | None = None

    def owns(self, module: str) -> bool:
        if module in self.exact:
            return True
        return any(module == p or module.startswith(p + ".") for p in self.packages)


# `parlour` itself holds only the version: it imports nothing, and any layer above rank 0 may
# import it (demo excepted, which names its two layers).
LAYERS = (
    Layer("package root", 0, exact=("parlour",), may_import=frozenset()),
    Layer("domain", 0, packages=("parlour.domain",), may_import=frozenset()),
    Layer("library", 1, packages=("parlour.library",)),
    Layer("media", 1, packages=("parlour.media",)),
    Layer("storage", 1, packages=("parlour.storage",)),
    Layer("privacy", 1, packages=("parlour.privacy",)),
    Layer("settings", 1, exact=("parlour.settings",)),
    Layer("log", 1, exact=("parlour.log",)),
    Layer("secrets", 1, exact=("parlour.secrets",)),
    Layer("services", 2, packages=("parlour.services",)),
    Layer("frontends", 3, packages=("parlour.frontends",)),
    # A tool of the composition root: only the root imports it.
    Layer("demo", 3, packages=("parlour.demo",), may_import=frozenset({"domain", "media"})),
    Layer(
        "composition root",
        4,
        exact=(
            "parlour.cli",
            "parlour.cli_outbound",
            "parlour.cli_my_data",
            "parlour.cli_consent",
            "parlour.cli_dlna",
            "parlour.app",
            "parlour.__main__",
        ),
    ),
)
BY_NAME = {layer.name: layer for layer in LAYERS}


@dataclass(frozen=True)
class Violation:
    """One import that carries data the wrong way (or from a module no layer owns)."""

    path: str
    line: int
    module: str
    imported: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.module} → {self.imported} ({self.reason})"


def module_name(path: Path) -> tuple[str, bool]:
    """The dotted name of a file under src, and whether it is a package's `__init__`."""
    parts = path.relative_to(SRC).with_suffix("").parts
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def source_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


# Real modules, plus every layer's own name so synthetic sources can name layers not yet written.
KNOWN_MODULES = frozenset(module_name(p)[0] for p in source_files()) | frozenset(
    name for layer in LAYERS for name in (*layer.packages, *layer.exact)
)


def layer_of(module: str) -> Layer | None:
    for layer in LAYERS:
        if layer.owns(module):
            return layer
    return None


def allowed(importer: Layer, target: Layer) -> bool:
    if importer is target:
        return True  # its own package subtree
    if importer.may_import is not None:
        return target.name in importer.may_import
    return target.rank < importer.rank


def _is_parlour(module: str) -> bool:
    return module == "parlour" or module.startswith("parlour.")


def _resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    parts = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    base = ".".join(parts)
    return f"{base}.{name}" if name else base


def parlour_imports(module: str, source: str, *, is_package: bool = False) -> list[tuple[int, str]]:
    """Every `parlour.*` module `source` imports, wherever the import sits, with its line."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names if _is_parlour(a.name))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _resolve_relative(module, is_package, node.level, node.module)
            else:
                base = node.module or ""
            if not _is_parlour(base):
                continue
            for alias in node.names:
                # `from parlour.storage import schema` imports the submodule when one exists.
                candidate = f"{base}.{alias.name}"
                found.append((node.lineno, candidate if candidate in KNOWN_MODULES else base))
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and _is_parlour(node.args[0].value)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "__import__")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def check_module(
    module: str, source: str, *, path: str | None = None, is_package: bool = False
) -> list[Violation]:
    """The imports in `source` (the text of `module`) that break the layering."""
    where = path or module
    importer = layer_of(module)
    if importer is None:
        return [Violation(where, 1, module, "-", "module belongs to no layer; add it to LAYERS")]
    problems = []
    for line, imported in parlour_imports(module, source, is_package=is_package):
        target = layer_of(imported)
        if target is None:
            problems.append(
                Violation(where, line, module, imported, "imported module has no layer")
            )
        elif not allowed(importer, target):
            problems.append(
                Violation(
                    where,
                    line,
                    module,
                    imported,
                    f"{importer.name} (rank {importer.rank}) may not import "
                    f"{target.name} (rank {target.rank})",
                )
            )
    return problems


def check_tree() -> list[Violation]:
    problems: list[Violation] = []
    for path in source_files():
        module, is_package = module_name(path)
        source = path.read_text(encoding="utf-8")
        rel = str(path.relative_to(SRC.parent))
        problems.extend(check_module(module, source, path=rel, is_package=is_package))
    return problems


def test_walk_finds_the_package() -> None:
    modules = [module_name(p)[0] for p in source_files()]
    assert len(modules) > 20, modules
    assert "parlour.domain" in modules
    assert "parlour.cli" in modules


def test_imports_flow_one_way() -> None:
    problems = check_tree()
    assert not problems, "imports against the layering:\n" + "\n".join(map(str, problems))


# The checker itself, on synthetic sources.


@pytest.mark.parametrize(
    ("module", "source", "is_package"),
    [
        ("parlour.storage.fake", "from parlour.services import scanning", False),
        ("parlour.storage.fake", "import parlour.library.walker", False),
        ("parlour.library.fake", "from parlour import media", False),
        ("parlour.library.fake", "from ..media import ffmpeg", False),
        ("parlour.media.fake", "from ..privacy import gate", False),
        ("parlour.media", "from ..storage import schema", True),
        ("parlour.domain.fake", "from parlour.settings import Settings", False),
        ("parlour.domain.fake", "from parlour import __version__", False),
        ("parlour.settings", "from parlour.storage.engine import Catalogue", False),
        ("parlour.log", "from parlour.settings import Settings", False),
        ("parlour.storage.fake", "from parlour.log import configure_logging", False),
        ("parlour.services.fake", "from parlour.frontends.web import app", False),
        ("parlour.services.fake", "from parlour.demo import recipes", False),
        ("parlour.frontends.web.fake", "from parlour.app import Parlour", False),
        ("parlour.frontends.web.fake", "from parlour import cli", False),
        ("parlour.demo.fake", "from parlour.storage import schema", False),
        ("parlour.demo.fake", "from parlour.services.scanning import Scanner", False),
        ("parlour", "from parlour.domain import errors", True),
        ("parlour", "from . import app", True),
        (
            "parlour.storage.fake",
            "import importlib\nimportlib.import_module('parlour.services')",
            False,
        ),
        (
            "parlour.storage.fake",
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n"
            "    from parlour.services.scanning import Scanner\n",
            False,
        ),
        ("parlour.storage.fake", "def f():\n    from parlour.services import scanning\n", False),
        ("parlour.nowhere", "import os", False),
    ],
)
def test_checker_flags_wrong_way_imports(module: str, source: str, is_package: bool) -> None:
    problems = check_module(module, source, is_package=is_package)
    assert problems, f"{module}: {source!r} should be flagged"
    assert module in str(problems[0])


@pytest.mark.parametrize(
    ("module", "source", "is_package"),
    [
        ("parlour.storage.fake", "from parlour.storage import schema", False),
        ("parlour.storage.fake", "from .schema import metadata\nfrom . import engine", False),
        ("parlour.storage.migrations.env", "from ..schema import metadata", False),
        ("parlour.storage", "from .engine import Catalogue", True),
        ("parlour.library.fake", "from parlour.domain.media import LibraryKind", False),
        ("parlour.library.fake", "from ..domain import errors", False),
        ("parlour.settings", "from parlour.domain.errors import ConfigurationError", False),
        ("parlour.services.fake", "from parlour import settings, log, storage, privacy", False),
        ("parlour.frontends.web.fake", "from parlour import __version__", False),
        ("parlour.frontends.web.fake", "from parlour.services.scanning import Scanner", False),
        ("parlour.demo.fake", "from parlour.media.ffmpeg import run_ffmpeg", False),
        ("parlour.demo.fake", "from parlour.domain.media import LibraryKind", False),
        ("parlour.app", "from parlour.frontends.web.app import create_app", False),
        ("parlour.cli", "from parlour.demo import generate\nfrom parlour.app import build", False),
        ("parlour.__main__", "from parlour.cli import main", False),
        ("parlour", "import os\n__version__ = '0'", True),
    ],
)
def test_checker_accepts_downward_imports(module: str, source: str, is_package: bool) -> None:
    assert check_module(module, source, is_package=is_package) == []


def test_relative_imports_resolve_against_the_package() -> None:
    assert parlour_imports("parlour.storage.fake", "from . import schema") == [
        (1, "parlour.storage.schema")
    ]
    assert parlour_imports("parlour.storage", "from . import schema", is_package=True) == [
        (1, "parlour.storage.schema")
    ]
    assert parlour_imports(
        "parlour.storage.migrations.env", "from ...domain.ids import new_id"
    ) == [(1, "parlour.domain.ids")]
    assert parlour_imports("parlour.cli", "from parlour import __version__") == [(1, "parlour")]
