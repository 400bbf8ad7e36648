"""The CI configuration runs the jobs SPEC asks for, and never two bot jobs at once."""

from __future__ import annotations

from typing import Any

import yaml

from project import ROOT


def jobs() -> dict[str, Any]:
    config = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())
    template = config[".bot"]
    found = {}
    for name, job in config.items():
        if isinstance(job, dict) and "script" in job and not name.startswith("."):
            merged = {**template, **job} if job.get("extends") == ".bot" else job
            found[name] = merged
    return found


def sources(job: dict[str, Any]) -> str:
    return " ".join(str(rule.get("if", "")) for rule in job.get("rules", []))


def test_scheduled_reconcile_and_triggered_event_jobs_share_one_resource_group() -> None:
    found = jobs()
    assert 'CI_PIPELINE_SOURCE == "schedule"' in sources(found["reconcile"])
    assert found["reconcile"]["script"] == ["pto-bot reconcile --policy policy.yaml"]
    assert 'CI_PIPELINE_SOURCE == "trigger"' in sources(found["handle-event"])
    assert found["handle-event"]["script"][-1] == "pto-bot handle-event --policy policy.yaml"
    assert found["reconcile"]["resource_group"] == found["handle-event"]["resource_group"]


def test_merge_requests_are_linted_and_tested_and_the_dry_run_is_manual() -> None:
    found = jobs()
    assert found["lint-and-test"]["script"] == ["bash .ci/run"]
    assert "merge_request_event" in sources(found["lint-and-test"])
    assert "--dry-run" in found["dry-run"]["script"][0]
    assert all(rule.get("when") == "manual" for rule in found["dry-run"]["rules"])


def test_the_report_is_published_on_pages_after_the_scheduled_run() -> None:
    config = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())
    pages = config["pages"]
    assert config["stages"].index(pages["stage"]) > config["stages"].index(config[".bot"]["stage"])
    assert pages["script"] == ["pto-bot report --policy policy.yaml --out public"]
    assert pages["artifacts"]["paths"] == ["public"]
    assert 'CI_PIPELINE_SOURCE == "schedule"' in sources(pages)
