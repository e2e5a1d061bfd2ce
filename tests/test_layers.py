"""The layers stay apart: spiders import nothing from the harvester, the shared leaf
package imports none of its users, and a web worker never loads Scrapy or Twisted."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_packages(package: str) -> dict[str, set[str]]:
    """Top-level packages each module of ``package`` imports (absolute imports)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_spiders_import_nothing_from_the_harvester():
    offenders = {path: names & {"harvester", "hub", "storage"} for path, names in imported_packages("spiders").items()}
    assert {p: n for p, n in offenders.items() if n} == {}


def test_the_leaf_package_imports_none_of_its_users():
    users = {"spiders", "harvester", "hub", "storage", "cli", "supervision", "interaction", "topics", "probe", "scrapy"}
    offenders = {path: names & users for path, names in imported_packages("harvestkit").items()}
    assert {p: n for p, n in offenders.items() if n} == {}


def modules_printed_by(code: str) -> str:
    """What ``code``, run in a fresh interpreter, prints (the modules it found loaded)."""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_importing_the_hub_loads_no_crawler():
    """A web worker (``import hub`` and ``create_app``'s blueprints) never loads Scrapy,
    Twisted or a spider: they cost every worker time and memory and serve no page."""
    code = (
        "import sys, hub\n"
        "from hub import BLUEPRINTS, PACKAGE_BLUEPRINTS\n"
        "import importlib\n"
        "for name in BLUEPRINTS: importlib.import_module('hub.' + name)\n"
        "for module, _ in PACKAGE_BLUEPRINTS: importlib.import_module(module)\n"
        "import hub.filters\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted', 'spiders'))\n"
        "print(' '.join(loaded))\n"
    )
    assert modules_printed_by(code) == ""


def test_the_harvest_and_storage_import_nothing_from_the_hub():
    """Imports go one way: the hub uses the harvester and storage, never the reverse
    (定时发布 and the item service live in ``storage``, where the scheduler, the
    writer and the hub all reach them)."""
    for package in ("storage", "harvester", "spiders", "harvestkit"):
        offenders = {path: names & {"hub"} for path, names in imported_packages(package).items()}
        assert {p: n for p, n in offenders.items() if n} == {}, package
    code = (
        "import sys, harvester.scheduler, harvester.ingest, storage.items, storage.publishing\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('hub', 'flask'))))\n"
    )
    assert modules_printed_by(code) == ""


def test_the_leaf_message_limit_is_the_stored_one():
    """Spiders cut their error messages to harvestkit's limit (they may not import storage):
    it is the limit the harvester cuts run errors to."""
    from harvestkit.items import MESSAGE_MAX
    from storage.lengths import RUN_MESSAGE

    assert MESSAGE_MAX == RUN_MESSAGE
