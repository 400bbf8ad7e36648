"""The CI/CD component (templates/pto-bot.yml) runs the jobs SPEC asks for, never two bot jobs
at once and never a trigger pipeline without a job; pto_bot's own .gitlab-ci.yml tests, builds
the image and releases; every file is valid against GitLab's CI schema (check-jsonschema's copy,
offline).

check-jsonschema reads one YAML document per file (python-jsonschema/check-jsonschema#561), and
a component is two (the ``spec`` header, ``---``, the jobs): each is validated on its own, the
jobs once as written and once with the inputs' defaults in place.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from project import ROOT
from pto_bot import __version__
from pto_bot.adapters.hook_template import USERNAME_INPUT
from pto_bot.app.init import COMPONENT
from pto_bot.cli import main

COMPONENT_FILE = ROOT / "templates" / "pto-bot.yml"
INPUT = re.compile(r"\$\[\[\s*inputs\.(\w+)\s*\]\]")
BOT_JOBS = ("pto-bot-reconcile", "pto-bot-event", "pto-bot-dry-run", "pages")


def documents() -> tuple[dict[str, Any], dict[str, Any]]:
    header, jobs = yaml.safe_load_all(COMPONENT_FILE.read_text())
    return header, jobs


def defaults() -> dict[str, Any]:
    return {name: spec.get("default") for name, spec in documents()[0]["spec"]["inputs"].items()}


def with_inputs(text: str, given: dict[str, Any]) -> dict[str, Any]:
    """The jobs as GitLab interpolates them (every input here sits inside a string)."""
    values = {**defaults(), **given}

    def value(match: re.Match[str]) -> str:
        found = values[match.group(1)]
        return str(found).lower() if isinstance(found, bool) else str(found)

    return dict(yaml.safe_load(INPUT.sub(value, text.split("\n---\n", 1)[1])))


def job(jobs: dict[str, Any], name: str) -> dict[str, Any]:
    """A job with its ``extends`` template merged in, as GitLab does (one level)."""
    found = jobs[name]
    base = jobs.get(found.get("extends", ""), {})
    return {**base, **found}


def script(job: dict[str, Any]) -> str:
    return "\n".join([*job.get("before_script", []), *job["script"]])


def rules(job: dict[str, Any]) -> list[str]:
    return [str(rule.get("if", "")) for rule in job.get("rules", [])]


def schema_check(tmp_path: Path, name: str, document: Any) -> None:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document))
    found = subprocess.run(
        [
            *(sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.gitlab-ci"),
            *("--regex-variant", "nonunicode", str(path)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert found.returncode == 0, found.stdout + found.stderr


# -- the component -------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_component_is_valid_against_gitlabs_ci_schema(tmp_path: Path) -> None:
    header, jobs = documents()
    schema_check(tmp_path, "header", header)
    schema_check(tmp_path, "jobs", jobs)
    off = {k: False for k, v in defaults().items() if isinstance(v, bool)}
    schema_check(tmp_path, "jobs-defaults", with_inputs(COMPONENT_FILE.read_text(), {}))
    schema_check(tmp_path, "jobs-off", with_inputs(COMPONENT_FILE.read_text(), off))


def test_the_inputs_a_team_can_set() -> None:
    inputs = documents()[0]["spec"]["inputs"]
    assert set(inputs) == {
        "policy",
        "image",
        "stage",
        "schedule",
        "events",
        "pages",
        "public_calendar",
        "event_by",
        "bot",
        "dry_run",
        "dry_run_pages",
    }
    assert all(spec.get("description") for spec in inputs.values())
    assert all("default" in spec for spec in inputs.values())  # an include needs no input
    booleans = {name for name, spec in inputs.items() if spec.get("type") == "boolean"}
    assert booleans == {"schedule", "events", "pages", "dry_run", "dry_run_pages"}
    assert inputs["public_calendar"]["options"] == ["none", "also", "only"]
    # the component ships with the image of the same version: jobs start without pip install
    assert inputs["image"]["default"] == f"$CI_REGISTRY/tools/pto-bot:v{__version__}"
    assert COMPONENT.endswith(f"/tools/pto-bot/pto-bot@v{__version__}")  # what init writes
    used = set(INPUT.findall(COMPONENT_FILE.read_text().split("\n---\n", 1)[1]))
    assert used == set(inputs)  # each input does something


def test_the_bot_jobs_run_on_their_pipelines_and_never_two_at_once() -> None:
    jobs = with_inputs(COMPONENT_FILE.read_text(), {})
    reconcile, event = job(jobs, "pto-bot-reconcile"), job(jobs, "pto-bot-event")
    assert rules(reconcile) == ['$CI_PIPELINE_SOURCE == "schedule" && "true" == "true"']
    assert 'pto-bot reconcile --policy "$PTO_BOT_POLICY" $PTO_BOT_WRITE' in script(reconcile)
    assert 'pto-bot handle-event --policy "$PTO_BOT_POLICY" $PTO_BOT_WRITE' in script(event)
    writing = [name for name in BOT_JOBS if name != "pages"]  # pages only reads, if anything
    assert {job(jobs, name)["resource_group"] for name in writing} == {"pto-bot"}
    assert job(jobs, "pages")["resource_group"] == "pto-bot-pages"
    assert {job(jobs, name)["stage"] for name in BOT_JOBS} == {"deploy"}
    assert job(jobs, name="pto-bot-reconcile")["image"]["name"].endswith(f":v{__version__}")
    dry = job(jobs, "pto-bot-dry-run")
    assert "--dry-run" in dry["script"][0]
    assert all(rule.get("when") == "manual" for rule in dry["rules"])


def runs(job: dict[str, Any], source: str) -> bool:
    """Whether ``job`` is in a pipeline of ``source``: its first rule that matches, evaluated as
    GitLab does (after the inputs are in place, only literals and $CI_PIPELINE_SOURCE)."""
    for rule in job.get("rules", []):
        condition = str(rule.get("if", "true")).replace("$CI_PIPELINE_SOURCE", f'"{source}"')
        if "$" in condition:
            return False  # another variable: not a trigger or a schedule pipeline's job
        condition = condition.replace("&&", " and ").replace("||", " or ")
        if eval(condition, {}):  # literals and comparisons only, as written above
            return rule.get("when", "on_success") != "never"
    return False


EVENT_JOBS = ("pto-bot-event", "pto-bot-own-event")


@pytest.mark.parametrize("events", [True, False])
@pytest.mark.parametrize("bot", ["", "pto-bot"])
@pytest.mark.parametrize("event_by", ["", "pto-bot", "klang", "PTO-BOT"])
def test_a_trigger_pipeline_always_gets_a_job(events: bool, bot: str, event_by: str) -> None:
    """GitLab answers the webhook 400 when a trigger pipeline has no job, and disables a webhook
    that keeps failing: whatever the inputs, exactly one of the event jobs is created, and the
    job of the bot's own events only for an event its author named the same as the bot."""
    given = {"events": events, "schedule": False, "bot": bot, "event_by": event_by}
    jobs = with_inputs(COMPONENT_FILE.read_text(), given)
    created = [name for name in EVENT_JOBS if runs(job(jobs, name), "trigger")]
    own = bot != "" and event_by == bot
    assert created == ["pto-bot-own-event" if own else "pto-bot-event"]
    for name in created:
        assert ("pto-bot handle-event" in script(job(jobs, name))) and (
            "turned off" in script(job(jobs, name))
        )
        assert f'if [ "{str(events).lower()}" = "true" ]' in script(job(jobs, name))
    others = [name for name in jobs if not name.startswith(".") and name not in EVENT_JOBS]
    assert not [name for name in others if runs(job(jobs, name), "trigger")]
    assert not [name for name in EVENT_JOBS if runs(job(jobs, name), "schedule")]


def test_the_bots_own_events_wait_for_no_lock_restore_no_cache_and_check_out_one_commit() -> None:
    jobs = with_inputs(COMPONENT_FILE.read_text(), {"bot": "pto-bot", "event_by": "pto-bot"})
    own = job(jobs, "pto-bot-own-event")
    assert "extends" not in own and "resource_group" not in own  # never queued behind a run
    assert own["cache"] == [] and own["needs"] == [] and "artifacts" not in own
    assert own["variables"]["GIT_DEPTH"] == "1"
    assert own["variables"]["PTO_BOT_EVENT_BY"] == "pto-bot"
    assert 'pto-bot handle-event --policy "policy.yaml" --ignore-only' in script(own)
    assert own["image"] == job(jobs, "pto-bot-event")["image"]  # the image the runner has
    assert job(jobs, "pto-bot-event")["resource_group"] == "pto-bot"


def test_only_a_username_reaches_the_rules_through_the_inputs() -> None:
    inputs = documents()[0]["spec"]["inputs"]
    for name in ("event_by", "bot"):
        assert inputs[name]["regex"] == USERNAME_INPUT  # the team's pipeline input's, too
        pattern = re.compile(inputs[name]["regex"])
        assert pattern.match("") and pattern.match("project_42_bot_5f1e") and pattern.match("a.b-c")
        assert not pattern.match('x" || "a" == "a') and not pattern.match("a b")


def test_dry_run_makes_every_writing_job_write_nothing() -> None:
    jobs = with_inputs(COMPONENT_FILE.read_text(), {"dry_run": True})
    before = job(jobs, "pto-bot-reconcile")["before_script"]
    assert '[ "true" != "true" ] || PTO_BOT_WRITE="--dry-run"' in "\n".join(before)
    assert "$PTO_BOT_WRITE" in script(job(jobs, "pto-bot-event"))


def test_the_reconcile_writes_the_report_and_pages_publishes_it_without_reading_again() -> None:
    jobs = with_inputs(COMPONENT_FILE.read_text(), {"pages": True, "public_calendar": "only"})
    reconcile, pages = job(jobs, "pto-bot-reconcile"), job(jobs, "pages")
    before = "\n".join(reconcile["before_script"])
    assert '[ "only" != only ] || PTO_BOT_FEED="--public-calendar-only"' in before
    assert '[ "$PTO_BOT_PUBLISH" != "true" ] || PTO_BOT_REPORT="--report public $PTO_BOT_FEED"' in (
        script(reconcile)
    )
    assert "$PTO_BOT_REPORT" in script(reconcile)
    assert reconcile["artifacts"]["paths"] == ["public"]
    assert pages["needs"] == [{"job": "pto-bot-reconcile", "optional": True, "artifacts": True}]
    # without the reconcile job (input schedule: false) the pages job reads and writes it itself
    assert "if [ -d public ]" in script(pages)
    assert 'pto-bot report --policy "$PTO_BOT_POLICY" --out public $PTO_BOT_FEED' in script(pages)
    assert pages["artifacts"]["paths"] == ["public"] and pages["cache"] == []


def published(given: dict[str, Any]) -> tuple[bool, bool]:
    """With the inputs ``given``, in a scheduled pipeline: (the reconcile writes the report, the
    pages job runs). The job's shell lines run in bash; the rule is evaluated as GitLab does."""
    jobs = with_inputs(COMPONENT_FILE.read_text(), given)
    reconcile = job(jobs, "pto-bot-reconcile")
    lines = [*reconcile["before_script"][1:], reconcile["script"][0], reconcile["script"][1]]
    shell = "\n".join([*lines, 'echo "$PTO_BOT_REPORT"'])
    done = subprocess.run(["bash", "-ec", shell], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    [rule] = rules(job(jobs, "pages"))
    condition = rule.replace("$CI_PIPELINE_SOURCE", '"schedule"')
    condition = condition.replace("&&", " and ").replace("||", " or ")
    runs = bool(eval(condition, {}))  # literals and comparisons only, as written above
    return "--report public" in done.stdout, runs


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, (True, True)),
        ({"pages": False}, (False, False)),
        ({"dry_run": True}, (False, False)),  # a dry-run week publishes nothing
        ({"dry_run": True, "dry_run_pages": True}, (True, True)),
        ({"pages": False, "dry_run": True, "dry_run_pages": True}, (False, False)),
    ],
)
def test_the_report_is_published_with_pages_and_not_in_a_dry_run_unless_asked(
    given: dict[str, Any], expected: tuple[bool, bool]
) -> None:
    assert published(given) == expected


def test_the_reports_artifacts_are_for_members_and_expire_within_a_day() -> None:
    jobs = with_inputs(COMPONENT_FILE.read_text(), {})
    for name in ("pto-bot-reconcile", "pages"):
        artifacts = job(jobs, name)["artifacts"]
        assert artifacts["access"] == "developer"  # project members with Developer and up
        assert artifacts["expire_in"] == "1 day"


def test_merge_requests_validate_the_policy() -> None:
    validate = job(with_inputs(COMPONENT_FILE.read_text(), {}), "pto-bot-validate")
    assert rules(validate) == ['$CI_PIPELINE_SOURCE == "merge_request_event"']
    assert validate["script"] == ['pto-bot validate "$PTO_BOT_POLICY"']


def test_the_include_init_writes_is_valid(tmp_path: Path) -> None:
    out = io.StringIO()
    argv = ["init", "--dir", str(tmp_path), "--manager", "m", "--pod", "a=x,y"]
    assert main(argv, out=out) == 0
    header, config = yaml.safe_load_all((tmp_path / ".gitlab-ci.yml").read_text())
    schema_check(tmp_path, "team-header", header)
    schema_check(tmp_path, "team", config)


# -- pto_bot's own pipeline ----------------------------------------------------------------------


def own() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text()))


def test_pto_bots_own_pipeline_is_valid(tmp_path: Path) -> None:
    schema_check(tmp_path, "own", own())


def test_merge_requests_and_the_default_branch_are_tested() -> None:
    config = own()
    assert config["test"]["script"] == ["bash .ci/run"]
    assert rules(config["test"])[:2] == [
        '$CI_PIPELINE_SOURCE == "merge_request_event"',
        "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH",
    ]


def test_a_release_tag_builds_the_image_without_a_privileged_daemon_and_publishes() -> None:
    config = own()
    image, release = config["container-image"], config["release"]
    assert re.fullmatch(config["variables"]["RELEASE_TAG"].strip("/"), f"v{__version__}")
    assert image["image"]["name"] == "moby/buildkit:rootless"
    assert "privileged" not in json.dumps(image) and "dind" not in json.dumps(image)
    assert "buildctl-daemonless.sh build" in image["script"][0]
    assert "$CI_REGISTRY_IMAGE:$CI_COMMIT_TAG" in image["script"][0]
    assert release["release"]["tag_name"] == "$CI_COMMIT_TAG"
    assert release["needs"] == ["test", "release-check", "package", "container-image"]
    for name in ("release-check", "package", "container-image", "release"):
        assert rules(config[name]) == ["$CI_COMMIT_TAG =~ $RELEASE_TAG"]


def test_a_release_publishes_the_wheel_to_the_package_registry_from_locked_tools() -> None:
    package = own()["package"]
    commands = "\n".join(package["script"])
    assert "--require-hashes" in commands and "-r requirements-build.lock" in commands
    assert "--no-build-isolation" in commands  # the locked setuptools builds it, nothing else
    assert (
        'twine upload --repository-url "$CI_API_V4_URL/projects/$CI_PROJECT_ID/packages/pypi"'
        in (commands)
    )
    assert package["variables"] == {
        "TWINE_USERNAME": "gitlab-ci-token",
        "TWINE_PASSWORD": "$CI_JOB_TOKEN",
    }
    assert own()["variables"]["PYTHON_IMAGE"] == base_image()


@pytest.mark.parametrize(
    ("tag", "registry_image", "fails_with"),
    [
        (f"v{__version__}", "registry.example.com/tools/pto-bot", None),
        ("v9.9.9", "registry.example.com/tools/pto-bot", f"tag v9.9.9 is not v{__version__}"),
        (
            f"v{__version__}",
            "registry.example.com/ops/pto-bot",
            "templates/pto-bot.yml names the image registry.example.com/tools/pto-bot, this "
            "project publishes registry.example.com/ops/pto-bot",
        ),
    ],
)
def test_a_release_checks_the_tag_and_that_the_component_names_this_project(
    tag: str, registry_image: str, fails_with: str | None
) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "CI_COMMIT_TAG": tag,
        "CI_REGISTRY": "registry.example.com",
        "CI_REGISTRY_IMAGE": registry_image,
    }
    shell = "\n".join(own()["release-check"]["script"])
    done = subprocess.run(
        ["bash", "-ec", shell], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )
    assert (done.returncode == 0) == (fails_with is None), done.stdout + done.stderr
    assert fails_with is None or fails_with in done.stdout


def base_image() -> str:
    """The image the Dockerfile builds on (its ARG BASE)."""
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    [base] = [line.removeprefix("ARG BASE=") for line in lines if line.startswith("ARG BASE=")]
    return base


def test_the_image_is_slim_runs_as_a_user_and_keeps_no_build_tools() -> None:
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    froms = [line for line in lines if line.startswith("FROM ")]
    assert froms == ["FROM ${BASE} AS build", "FROM ${BASE}"]
    # pinned by digest: the same bytes on every build, whatever the tag points at later
    assert re.fullmatch(r"python:3\.12-slim@sha256:[0-9a-f]{64}", base_image())
    final = lines[lines.index(froms[-1]) :]
    assert any(line.startswith("USER ") and "root" not in line for line in final)
    assert not any(re.search(r"gcc|build-essential|apt-get", line) for line in final)
    assert "rm -rf /wheels" in "\n".join(final)


def test_the_image_compiles_the_templates_once_when_it_is_built() -> None:
    """No job compiles a template: the image's pto-bot has them compiled (as root, read-only
    for the job's user)."""
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    final = lines[lines.index("FROM ${BASE}") :]
    installed = next(i for i, line in enumerate(final) if "/wheels/*.whl" in line)
    compiled = next(i for i, line in enumerate(final) if "python -m pto_bot.app.templates" in line)
    user = next(i for i, line in enumerate(final) if line.startswith("USER "))
    assert installed < compiled < user


def locked(name: str) -> dict[str, list[str]]:
    """A lock file's packages (normalised names) and the hashes each may have."""
    found: dict[str, list[str]] = {}
    current = ""
    for line in (ROOT / name).read_text().splitlines():
        pinned = re.match(r"^([A-Za-z0-9_.\-]+)==\S+ \\$", line)
        if pinned:
            current = re.sub(r"[-_.]+", "-", pinned.group(1)).lower()
            found[current] = []
        elif line.strip().startswith("--hash=sha256:"):
            found[current].append(line.strip().removeprefix("--hash=sha256:").rstrip(" \\"))
        else:
            assert line.startswith("#") or line.strip().startswith("#") or not line.strip(), line
    return found


def test_every_package_of_the_image_is_pinned_with_hashes() -> None:
    runtime, build = locked("requirements.lock"), locked("requirements-build.lock")
    for lock in (runtime, build):
        assert lock and all(
            hashes and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)
            for hashes in lock.values()
        )
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {re.sub(r"[-_.]+", "-", re.split(r"[<>=!~ ;\[]", d)[0]).lower() for d in declared}
    assert names <= set(runtime)  # every dependency, and what they need, locked
    assert {"setuptools", "twine"} <= set(build)
    text = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes --only-binary=:all: -r requirements-build.lock" in text
    assert "--require-hashes --only-binary=:all: -r /tmp/requirements.lock" in text
    assert "--no-deps --no-index /wheels/*.whl" in text  # pto-bot itself, nothing fetched


def test_the_version_has_one_source(capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in text
    assert 'version = { attr = "pto_bot.__version__" }' in text
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"pto-bot {__version__}\n"


def test_the_include_init_adds_to_a_teams_pipeline_is_valid(tmp_path: Path) -> None:
    (tmp_path / ".gitlab-ci.yml").write_text(
        "stages: [build, test]  # ours\ninclude:\n  local: ci/lint.yml\n"
        "build:\n  stage: build\n  script: [make]\n"
    )
    argv = ["init", "--dir", str(tmp_path), "--manager", "m", "--pod", "a=x,y"]
    assert main(argv, out=io.StringIO()) == 0
    schema_check(tmp_path, "merged", yaml.safe_load((tmp_path / ".gitlab-ci.yml").read_text()))
