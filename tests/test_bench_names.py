"""A benchmark script runs with bench/ first on sys.path, so a bench module named like one of
the project's packages would replace that package for everything the script imports
(bench/supervision.py once hid the supervision package from bench/portal.py and bench/proof.py)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_bench_script_shadows_a_project_package():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    scripts = {p.stem for p in (ROOT / "bench").glob("*.py")}
    assert packages and scripts
    assert not scripts & packages, f"bench scripts named like packages: {sorted(scripts & packages)}"
