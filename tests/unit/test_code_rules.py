"""AST lints: FF-03 (no shell, no unsafe loaders), EG-06 (one outbound module) and friends."""

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "parlour"
BENCH = ROOT / "bench"
# EG-06: the one module allowed to reach other hosts (through the outbound gate).
OUTBOUND = PACKAGE / "privacy" / "outbound_http.py"

UNSAFE_MODULES = frozenset(
    {"pickle", "_pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle", "jsonpickle"}
)
SHELL_CALLS = frozenset(
    {
        "os.system",
        "os.popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "asyncio.create_subprocess_shell",
    }
)
DYNAMIC_CODE = frozenset({"builtins.eval", "builtins.exec", "builtins.compile"})
YAML_LOADS = frozenset({"yaml.load", "yaml.load_all"})
YAML_UNSAFE = frozenset(
    {"yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load", "yaml.full_load_all"}
)
SAFE_LOADERS = frozenset({"SafeLoader", "CSafeLoader"})
NETWORK_MODULES = frozenset(
    {
        "urllib.request",
        "urllib3",
        "http.client",
        "requests",
        "httpx",
        "aiohttp",
        "ftplib",
        "smtplib",
        "xmlrpc.client",
    }
)
NETWORK_CALLS = frozenset({"socket.create_connection", "asyncio.open_connection"})
SUBPROCESS_CALLS = frozenset(
    {
        "subprocess.run",
        "subprocess.Popen",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
    }
)
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "cmd", "cmd.exe", "powershell", "pwsh"})


class Module:
    """A parsed source file, with what its local names refer to."""

    def __init__(self, source: str, path: str = "<synthetic>") -> None:
        self.path = path
        self.tree = ast.parse(source)
        self.aliases: dict[str, str] = {}
        self.local: set[str] = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        self.aliases[a.asname] = a.name
                    else:
                        top = a.name.split(".")[0]
                        self.aliases[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for a in node.names:
                    self.aliases[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, ast.arg):
                self.local.add(node.arg)
        self._bind(self.tree)

    def _bind(self, node: ast.AST, *, in_class: bool = False) -> None:
        """Note names bound outside class bodies: those would shadow a builtin for bare calls."""
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                # A method or class attribute named `eval` shadows nothing.
                if not in_class:
                    self.local.add(child.name)
                self._bind(child, in_class=isinstance(child, ast.ClassDef))
            elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                if not in_class:
                    self.local.add(child.id)
            else:
                self._bind(child, in_class=in_class)

    def qualified(self, expr: ast.expr) -> str | None:
        """The dotted name `expr` refers to; a bare name nothing binds is a builtin."""
        attrs: list[str] = []
        while isinstance(expr, ast.Attribute):
            attrs.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return None
        if expr.id in self.aliases:
            base = self.aliases[expr.id]
        elif expr.id in self.local:
            base = expr.id
        else:
            base = f"builtins.{expr.id}"
        return ".".join([base, *reversed(attrs)])

    def imported_modules(self) -> Iterator[tuple[int, str]]:
        """Each imported module, and for `from a import b` also `a.b` (b may be a submodule)."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    yield node.lineno, a.name
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                yield node.lineno, node.module
                for a in node.names:
                    yield node.lineno, f"{node.module}.{a.name}"

    def calls(self) -> Iterator[tuple[ast.Call, str | None]]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                yield node, self.qualified(node.func)


def _is_or_under(name: str, modules: frozenset[str]) -> str | None:
    for m in modules:
        if name == m or name.startswith(m + "."):
            return m
    return None


def _yaml_loader(call: ast.Call) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == "Loader":
            return kw.value
    return call.args[1] if len(call.args) > 1 else None


def ff03_no_shell_no_unsafe_loaders(mod: Module) -> Iterator[tuple[int, str]]:
    for line, name in mod.imported_modules():
        if unsafe := _is_or_under(name, UNSAFE_MODULES):
            yield line, f"FF-03: imports {unsafe}, which can run code while loading data"
    for call, name in mod.calls():
        for kw in call.keywords:
            if kw.arg == "shell" and not (
                isinstance(kw.value, ast.Constant) and kw.value.value is False
            ):
                yield call.lineno, "FF-03: shell= other than False; pass an argument list"
        if name in SHELL_CALLS:
            yield call.lineno, f"FF-03: {name} runs a shell; use subprocess with a list"
        elif name in DYNAMIC_CODE:
            yield call.lineno, f"FF-03: {name.removeprefix('builtins.')}() runs arbitrary code"
        elif name in YAML_UNSAFE:
            yield call.lineno, f"FF-03: {name} is not a safe loader; use yaml.safe_load"
        elif name in YAML_LOADS:
            loader = _yaml_loader(call)
            loader_name = mod.qualified(loader) if loader is not None else None
            if loader_name is None or loader_name.rsplit(".", 1)[-1] not in SAFE_LOADERS:
                yield call.lineno, f"FF-03: {name} without Loader=SafeLoader"


def eg06_single_http_client(mod: Module) -> Iterator[tuple[int, str]]:
    for line, name in mod.imported_modules():
        if network := _is_or_under(name, NETWORK_MODULES):
            yield line, f"EG-06: imports {network} outside parlour/privacy/outbound_http.py"
    for call, name in mod.calls():
        if name in NETWORK_CALLS:
            yield call.lineno, f"EG-06: {name} outside parlour/privacy/outbound_http.py"


def subprocess_takes_argument_lists(mod: Module) -> Iterator[tuple[int, str]]:
    for call, name in mod.calls():
        if name not in SUBPROCESS_CALLS:
            continue
        first = next((kw.value for kw in call.keywords if kw.arg == "args"), None)
        if first is None and call.args:
            first = call.args[0]
        if first is None:
            yield call.lineno, f"{name} without a command"
        elif not isinstance(first, ast.List | ast.Tuple | ast.Name):
            yield call.lineno, f"{name}: first argument must be a list, tuple or name, not a string"
        elif (
            isinstance(first, ast.List | ast.Tuple)
            and first.elts
            and isinstance(first.elts[0], ast.Constant)
            and isinstance(first.elts[0].value, str)
            and Path(first.elts[0].value).name in SHELLS
        ):
            yield call.lineno, f"{name}: runs a shell ({first.elts[0].value})"


def module_docstring(mod: Module) -> Iterator[tuple[int, str]]:
    docstring = ast.get_docstring(mod.tree)
    if not docstring or not docstring.strip():
        yield 1, "module has no docstring"


Rule = Callable[[Module], Iterator[tuple[int, str]]]


def _files(*roots: Path) -> list[Path]:
    return sorted(p for root in roots if root.is_dir() for p in root.rglob("*.py"))


def _outside_outbound(path: Path) -> bool:
    return path != OUTBOUND


# Each rule, the trees it covers, and which files in them it skips.
RULES: dict[str, tuple[Rule, tuple[Path, ...], Callable[[Path], bool]]] = {
    "FF-03": (ff03_no_shell_no_unsafe_loaders, (PACKAGE, BENCH), lambda _: True),
    # Benchmarks may drive the server over HTTP; the rule is about what Parlour itself reaches.
    "EG-06": (eg06_single_http_client, (PACKAGE,), _outside_outbound),
    "subprocess": (subprocess_takes_argument_lists, (PACKAGE,), lambda _: True),
    "docstring": (module_docstring, (PACKAGE,), lambda _: True),
}


def lint(rule: Rule, paths: list[Path]) -> list[str]:
    problems = []
    for path in paths:
        mod = Module(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
        problems.extend(f"{mod.path}:{line}: {message}" for line, message in rule(mod))
    return problems


def run_rule(source: str, rule: Rule) -> list[str]:
    mod = Module(source)
    return [f"{mod.path}:{line}: {message}" for line, message in rule(mod)]


def test_the_lints_see_the_package() -> None:
    assert len(_files(PACKAGE)) > 20


@pytest.mark.parametrize("rule_id", list(RULES))
def test_tree_follows_rule(rule_id: str) -> None:
    rule, roots, applies = RULES[rule_id]
    problems = lint(rule, [p for p in _files(*roots) if applies(p)])
    assert not problems, f"{rule_id} violations:\n" + "\n".join(problems)


# Each lint on synthetic sources: it catches the bad pattern and leaves the good one alone.

BAD = [
    ("FF-03", "import subprocess\nsubprocess.run('ls', shell=True)"),
    ("FF-03", "import subprocess as sp\nsp.Popen(cmd, shell=flag)"),
    ("FF-03", "import os\nos.system('ls')"),
    ("FF-03", "from os import popen\npopen('ls')"),
    ("FF-03", "import subprocess\nsubprocess.getoutput('ls')"),
    ("FF-03", "import asyncio\nasyncio.create_subprocess_shell('ls')"),
    ("FF-03", "import pickle"),
    ("FF-03", "import pickle as p"),
    ("FF-03", "from pickle import loads"),
    ("FF-03", "import marshal"),
    ("FF-03", "from shelve import open as shelf"),
    ("FF-03", "def f():\n    import shelve\n"),
    ("FF-03", "import yaml\nyaml.load(text)"),
    ("FF-03", "import yaml\nyaml.load(text, Loader=yaml.Loader)"),
    ("FF-03", "import yaml\nyaml.load(text, yaml.UnsafeLoader)"),
    ("FF-03", "from yaml import load\nload(text)"),
    ("FF-03", "import yaml\nyaml.unsafe_load(text)"),
    ("FF-03", "eval('1 + 1')"),
    ("FF-03", "exec('x = 1')"),
    ("FF-03", "compile('x', 'f', 'exec')"),
    ("FF-03", "import builtins\nbuiltins.eval('1')"),
    ("FF-03", "class A:\n    def eval(self):\n        pass\n\neval('1')"),
    ("FF-03", "class A:\n    compile = None\n\ncompile('x', 'f', 'exec')"),
    ("EG-06", "import urllib.request"),
    ("EG-06", "from urllib import request"),
    ("EG-06", "from urllib.request import urlopen"),
    ("EG-06", "import http.client"),
    ("EG-06", "from http import client"),
    ("EG-06", "import requests"),
    ("EG-06", "import httpx as h"),
    ("EG-06", "from aiohttp import ClientSession"),
    ("EG-06", "import socket\nsocket.create_connection(('example.org', 80))"),
    ("EG-06", "from socket import create_connection\ncreate_connection(addr)"),
    ("subprocess", "import subprocess\nsubprocess.run('ffmpeg -i x')"),
    ("subprocess", "import subprocess\nsubprocess.check_output(f'ffprobe {path}')"),
    ("subprocess", "from subprocess import Popen\nPopen('ls ' + name)"),
    ("subprocess", "import subprocess\nsubprocess.call(args='ls')"),
    ("subprocess", "import subprocess\nsubprocess.check_call(' '.join(cmd))"),
    ("subprocess", "import subprocess\nsubprocess.run(['sh', '-c', cmd])"),
    ("subprocess", "import subprocess\nsubprocess.run(('/bin/bash', '-c', cmd))"),
    ("docstring", "import os\n"),
    ("docstring", ""),
    ("docstring", "x = 1\n'''Too late to be a docstring.'''\n"),
]

GOOD = [
    ("FF-03", "import re\nre.compile('x')"),
    ("FF-03", "import subprocess\nsubprocess.run(['ls'], shell=False)"),
    ("FF-03", "import yaml\nyaml.safe_load(text)"),
    ("FF-03", "import yaml\nyaml.load(text, Loader=yaml.SafeLoader)"),
    ("FF-03", "import yaml\nyaml.load(text, yaml.CSafeLoader)"),
    ("FF-03", "from yaml import SafeLoader, load\nload(text, Loader=SafeLoader)"),
    ("FF-03", "def compile(x):\n    return x\ncompile(1)"),
    ("FF-03", "from re import compile\ncompile('x')"),
    ("FF-03", "import json\njson.loads('{}')"),
    ("FF-03", "class A:\n    def eval(self):\n        pass\nA().eval()"),
    ("FF-03", "def f(compile):\n    return compile(1)"),
    ("EG-06", "from http import HTTPStatus"),
    ("EG-06", "from urllib.parse import quote"),
    ("EG-06", "import socket\nsocket.socket(socket.AF_INET, socket.SOCK_DGRAM)"),
    ("subprocess", "import subprocess\nsubprocess.run(['ffmpeg', '-i', path])"),
    ("subprocess", "import subprocess\nsubprocess.run(command, check=False)"),
    ("subprocess", "import subprocess\nsubprocess.Popen(('ffprobe', path))"),
    ("subprocess", "import subprocess\nsubprocess.check_output(args=cmd)"),
    ("docstring", '"""One line."""\nimport os\n'),
]


@pytest.mark.parametrize(("rule_id", "source"), BAD)
def test_lint_catches(rule_id: str, source: str) -> None:
    problems = run_rule(source, RULES[rule_id][0])
    assert problems, f"{rule_id} missed: {source!r}"
    assert problems[0].startswith("<synthetic>:")


@pytest.mark.parametrize(("rule_id", "source"), GOOD)
def test_lint_allows(rule_id: str, source: str) -> None:
    assert run_rule(source, RULES[rule_id][0]) == []


def test_eg06_exempts_only_the_one_outbound_module() -> None:
    assert OUTBOUND.is_file()
    assert not _outside_outbound(OUTBOUND)
    assert _outside_outbound(PACKAGE / "privacy" / "egress.py")
    assert _outside_outbound(PACKAGE / "services" / "activity.py")
    assert _outside_outbound(PACKAGE / "privacy_extras.py")


def test_violations_name_file_and_line() -> None:
    bad = ROOT / "src" / "parlour" / "x.py"  # only its name is used; nothing is written there
    mod = Module("import os\nos.system('ls')\n", str(bad.relative_to(ROOT)))
    assert [f"{mod.path}:{line}: {msg}" for line, msg in RULES["FF-03"][0](mod)] == [
        "src/parlour/x.py:2: FF-03: os.system runs a shell; use subprocess with a list"
    ]
