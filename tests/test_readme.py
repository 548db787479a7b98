"""The README's set-up commands, run as a newcomer runs them: in a fresh clone, exactly as written."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.slow import SLOW_TESTS


def readme_commands() -> list[str]:
    """The lines of the README's first `sh` block (Set-up), comments cut off."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Set-up\n\n```sh\n(.*?)```", text, re.S)
    assert block, "README.md has no ```sh block under '## Set-up'"
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_ci_runs_the_readme_commands_exactly() -> None:
    """.ci/run is how CI (and a contributor) checks the README: it must run those very lines."""
    install_and_build, run_tests = readme_commands()
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert install_and_build in ci and run_tests in ci
    assert ci.index(install_and_build) < ci.index(run_tests)
    assert ci[-1] == run_tests  # the tests are the last thing CI runs: their result is its result


def fresh_clone(target: Path) -> Path:
    """A clone of this repository's committed HEAD (a copy of its files where it is not a git
    checkout, e.g. an unpacked archive)."""
    if (ROOT / ".git").exists() and shutil.which("git"):
        subprocess.run(
            ["git", "clone", "-q", "--depth", "1", f"file://{ROOT}", str(target)],
            check=True,
            timeout=120,
        )
        return target
    skip = {".git", "dist", ".dist.cache", "test-artifacts", "node", "__pycache__", ".pytest_cache"}
    shutil.copytree(
        ROOT,
        target,
        ignore=lambda folder, names: [
            n for n in names if n in skip or n.endswith(".egg-info") or n.startswith(".venv")
        ],
    )
    return target


def test_a_fresh_clone_installs_and_builds_with_the_readme_command(tmp_path: Path) -> None:
    """The first command, verbatim, in a new virtual environment in a fresh clone: it installs
    the project and builds dist/ from the embedded snapshot (the second, the tests, is the one
    .ci/run runs: checked above rather than recursing into pytest)."""
    install_and_build, _ = readme_commands()
    clone = fresh_clone(tmp_path / "clone")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    # The dependencies already installed here are visible to the new environment (a .pth file),
    # so pip finds them satisfied instead of downloading them again; the project itself is
    # installed into it by the README's command.
    (site,) = venv.glob("lib/python*/site-packages")
    here = [p for p in sys.path if p.endswith("site-packages")]
    (site / "deps.pth").write_text("\n".join(here) + "\n")
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(venv),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        ["bash", "-c", install_and_build],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "built dist/ (2.2.0: 1 events, 2.3.0: 1 events" in done.stdout
    home = (clone / "dist" / "index.html").read_text(encoding="utf-8")
    assert "seed snapshot embedded in the project (2 events" in home
    files = [p for p in (clone / "dist").rglob("*") if p.is_file()]
    assert f": {len(files)} files (0 unchanged)" in done.stdout
    editable = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import generator; print(generator.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(editable.stdout.strip()).is_relative_to(clone)  # installed from the clone
    if shutil.which("git") is None:
        pytest.skip("built from a copy: git is not installed")


def test_every_relative_link_of_the_readme_and_docs_resolves() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for page in pages:
        for target in re.findall(r"\]\(([^)#\s]+)\)", page.read_text(encoding="utf-8")):
            if "://" not in target and not target.startswith("/"):
                assert (page.parent / target).exists(), f"{page.name}: {target}"
    linked = set(re.findall(r"\]\(docs/([^)]+)\)", (ROOT / "README.md").read_text(encoding="utf-8")))
    assert linked == {p.name for p in (ROOT / "docs").glob("*.md")}  # every doc page is reachable


def test_the_readmes_deployment_size_is_the_builds_report_in_docs_precompute() -> None:
    """README ("What you get"), a real deployment: the files and bytes the build reported at 1,500 events, as
    `python -m bench.budget --events 1500 --doc docs/precompute.md` wrote them there."""
    report = (ROOT / "docs" / "precompute.md").read_text(encoding="utf-8")
    files, size = re.search(r"^dist/ on disk: ([\d,]+) files, ([\d,]+) bytes", report, re.M).groups()
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert (
        f"`dist/` is {files} files, {size} bytes (the build's own report, `python -m bench.budget" in readme
    )
    assert 0.9e9 < int(size.replace(",", "")) <= 1e9  # "about 1 GB", within GitHub Pages' limit


def test_the_fast_loop_keeps_a_test_of_every_module_and_ci_runs_everything() -> None:
    """README, "Tests": `python -m pytest -m "not slow"` leaves out the tests that build sites of
    tens to hundreds of events (tests/slow.py), yet keeps a test of every test module; CI and
    the deploy gate run the whole suite."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'python -m pytest -m "not slow" -n 2 --dist loadfile' in readme
    # -n comes from pytest-xdist, which the test extra installs.
    assert '"pytest-xdist==' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "not slow", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    fast = {line.split("::")[0] for line in done.stdout.splitlines() if "::" in line}
    every = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    names = {line.removeprefix("tests/") for line in every.splitlines() if "::" in line}
    assert SLOW_TESTS - names - {n.split("[")[0] for n in names} == set()  # no stale name
    modules = {f"tests/{p.name}" for p in (ROOT / "tests").glob("test_*.py")}
    # Modules that run a whole outside tool over a corpus: their code is touched fast elsewhere
    # (test_conformance: the cases through serve; test_openapi: the mirror's OpenAPI).
    whole_tool_runs = {"tests/test_conformance_edge.py", "tests/test_spec.py", "tests/test_openapi_client.py"}
    assert modules - fast == whole_tool_runs
    left_out = re.search(r"(\d+)/(\d+) tests collected \((\d+) deselected\)", done.stdout)
    assert left_out and int(left_out.group(3)) > 0  # the slow ones are left out
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-1] == "python -m pytest"  # CI: everything
    tests_yml = (ROOT / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8")
    assert "run: python -m pytest\n" in tests_yml and "not slow" not in tests_yml
