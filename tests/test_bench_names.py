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


def test_the_proof_script_imports_what_it_uses():
    """bench/proof.py runs outside `make test`; its imports from the project and the test kit must still exist."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("bench_proof_check", ROOT / "bench" / "proof.py")
    module = importlib.util.module_from_spec(spec)
    saved = list(sys.path)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = saved
    assert callable(module.main)
