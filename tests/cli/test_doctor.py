"""``pto-bot doctor [--fix]`` against the fake GitLab, and its wording from plain facts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import requests

from fake_gitlab import API, BASE_URL, BOT, GUEST, MAINTAINER, PLANNER, PROJECT_ID, REPORTER, TOKEN
from gitlab_team import Team
from project import ROOT
from pto_bot.adapters.gitlab.inspect import HIDDEN, Hook, ProjectInfo, Schedule, User
from pto_bot.app.doctor import Facts, findings, wanted_labels
from pto_bot.cli import main
from pto_bot.domain.policy_file import load_policy

POLICY = load_policy(ROOT / "policy.yaml")
TEMPLATES = [
    ".gitlab/issue_templates/PTO request.md",
    ".gitlab/issue_templates/Account playbook.md",
]
TRIGGER = f"{API}/projects/{PROJECT_ID}/ref/main/trigger/pipeline?token=trigger-token"
MASKED = f"{API}/projects/{PROJECT_ID}/ref/main/trigger/pipeline?token={{token}}"
COMPONENT = "tools/pto-bot"


def doctor(team: Team, *argv: str) -> tuple[int, str, list[tuple[str, str]]]:
    mark = len(team.fake.calls)
    out = io.StringIO()
    code = main(["doctor", "--policy", team.policy, *argv], out=out)
    return code, out.getvalue(), team.fake.calls[mark:]


def ready(team: Team) -> None:
    """Everything in place, as README's set-up leaves it."""
    fake = team.fake
    fake.members[BOT] = MAINTAINER
    for person in [*POLICY.engineers, POLICY.team.manager]:
        fake.members.setdefault(person, REPORTER)
    for name, (color, description) in wanted_labels(POLICY).items():
        fake.add_label(name, color, description)
    fake.files["policy.yaml"] = Path(team.policy).read_text()
    for path in TEMPLATES:
        fake.files[path] = (ROOT / path).read_text()
    fake.files[".gitlab-ci.yml"] = (
        "include:\n  - component: $CI_SERVER_FQDN/tools/pto-bot/pto-bot@v0.1.0\n"
    )
    fake.add_schedule()
    fake.add_hook(MASKED)
    fake.hooks[-1]["url_variables"] = [{"key": "token"}]
    fake.add_trigger()
    fake.add_variable("GITLAB_TOKEN")
    fake.settings.update(
        public_jobs=False,
        pages_access_level="private",
        ci_pipeline_variables_minimum_override_role="no_one_allowed",
    )
    fake.add_project(COMPONENT, role=0, visibility="internal")


@pytest.fixture
def here(team: Team, monkeypatch: pytest.MonkeyPatch) -> Team:
    """The team's policy as ./policy.yaml, as in a checkout of the team's project."""
    monkeypatch.chdir(team.tmp)
    team.policy = "policy.yaml"
    return team


def test_a_ready_project_is_all_well_and_nothing_is_written(here: Team) -> None:
    ready(here)
    here.playbook("Acme Corp", "klang")

    code, text, calls = doctor(here)

    assert code == 0, text
    assert text.splitlines()[0] == "✓ the token works: it is a personal access token of @pto-bot"
    assert "✓ bot.username matches the token's user @pto-bot" in text
    assert "✓ role Maintainer: it may comment, label, close and open issues (more than" in text
    assert f"✓ the {len(wanted_labels(POLICY))} labels the policy names exist" in text
    assert "✓ policy.yaml is on main and valid" in text
    assert "✓ pipeline schedule 'pto-bot reconcile' (0 * * * *) on main" in text
    assert (
        "✓ a webhook sends issue and comment events, confidential ones too, to the pipeline "
        "trigger, its token masked" in text
    )
    assert "✓ pipeline variables are off: no one can hand the bot's jobs a GITLAB_URL" in text
    assert "✓ the CI/CD variable GITLAB_TOKEN is masked and protected" in text
    # the time-off calendar is optional: said, not a thing to do
    assert "? PTO_BOT_CALENDAR_URL is not a CI/CD variable of this project: absences recorded " in (
        text
    )
    assert "✓ pipelines are not public: job logs and artifacts are for members" in text
    assert "✓ the Pages report is for project members only" in text
    assert f"? {COMPONENT}'s job token allowlist is shown to its Maintainers only" in text
    assert "✓ 1 open playbooks, each with one owner" in text
    assert text.rstrip().splitlines()[-1].startswith("All is well. (")
    assert {method for method, _ in calls} == {"GET"}
    # the user, the project, the labels, 4 files, schedules, hooks, trigger tokens, the two
    # variables, members, open playbooks, the component's project and its job token scope
    assert len(calls) == 16 and text.rstrip().endswith("(16 API requests)")


def test_a_brand_new_project_gets_a_list_of_what_to_do_and_no_write(here: Team) -> None:
    code, text, calls = doctor(here)

    assert code == 1
    assert "✗ labels missing: pto, playbook, pto-fallback" in text
    assert "run `pto-bot doctor --fix` to create them" in text
    assert "✗ policy.yaml is not on main: commit it, then push" in text
    assert "✗ .gitlab/issue_templates/PTO request.md is not on main: `pto-bot init` writes it" in (
        text
    )
    assert "✗ no active pipeline schedule on main: Build > Pipeline schedules > New" in text
    # the recommended role cannot see webhooks: said, not failed
    assert "? webhooks are visible to Maintainers only (the token's role is Reporter)" in text
    assert f"{API}/projects/{PROJECT_ID}/ref/main/trigger/pipeline?token=<trigger token>" in text
    assert "✗ not members of support/ase: a.conrad, adamlauzon" in text
    assert [c for c in calls if c[0] != "GET"] == []


def test_fix_creates_the_missing_labels_once(here: Team) -> None:
    here.fake.add_label("pto")  # already there (a group label, say)

    code, text, calls = doctor(here, "--fix")
    again_code, again, again_calls = doctor(here, "--fix")

    wanted = wanted_labels(POLICY)
    assert sum(1 for m, p in calls if m == "POST") == len(wanted) - 1
    assert "✓ created the labels playbook, pto-fallback" in text
    assert here.fake.labels["pto::covered"]["color"] == "#108548"
    assert here.fake.labels["pto::covered"]["description"].startswith("PTO request: every")
    assert {"out::1", "out::2", "out::3+"} <= set(here.fake.labels)
    assert here.fake.labels["pto-coverage"]["description"] == (
        "The PTO bot's coverage issue for one absence, assigned to the backups"
    )
    assert [c for c in again_calls if c[0] != "GET"] == []
    assert f"✓ the {len(wanted)} labels the policy names exist" in again
    assert code == again_code == 1  # the rest still needs doing


def test_fix_with_a_guest_token_says_why_labels_were_not_created(here: Team) -> None:
    here.fake.members[BOT] = GUEST

    code, text, _ = doctor(here, "--fix")

    assert code == 1
    assert "✗ role Guest: GitLab lets it comment but silently drops its label changes" in text
    assert "--fix could not create them (give the token's user the role Reporter" in text
    assert here.fake.labels == {}


def test_a_planner_token_cannot_read_code_or_schedules_and_is_told_what_to_check(
    here: Team,
) -> None:
    ready(here)
    here.fake.members[BOT] = PLANNER

    code, text, _ = doctor(here)

    assert "✓ role Planner: it may comment, label, close and open issues" in text
    assert "? role Planner may not read the repository: check by hand that policy.yaml, " in text
    assert "are on the default branch" in text
    assert "? role Planner may not see pipeline schedules: check by hand" in text
    assert code == 0  # nothing it could see needs doing


def test_problems_in_what_it_can_see(here: Team) -> None:
    ready(here)
    here.fake.files["policy.yaml"] = "team:\n  name: x\n"
    here.fake.schedules.clear()
    here.fake.add_schedule(active=False)
    here.fake.hooks.clear()
    here.fake.add_hook(MASKED, notes=False)
    del here.fake.members["klang"]

    code, text, _ = doctor(here)

    assert code == 1
    assert "✗ policy.yaml on main: team.manager: missing (required) (and" in text
    assert "✗ no active pipeline schedule on main" in text
    assert "✗ the trigger webhook misses the Issues or Comments events: add both" in text
    assert "✗ not members of support/ase: klang;" in text


def test_playbooks_with_no_owner_two_owners_both_priorities_or_a_twin(here: Team) -> None:
    ready(here)
    fine = here.playbook("Umbrella", "klang")
    first = here.playbook("Acme Corp", "klang")
    lost = here.fake.add_issue(
        "Initech", labels=["playbook", "priority::high", "coverage::global-support"]
    )
    shared = here.playbook("Globex", "klang")
    here.fake.issues[shared]["assignees"].append("adamlauzon")
    both = here.playbook("Hooli", "magomez3")
    here.fake.issues[both]["labels"].append("priority::normal")
    twin = here.playbook("acme  corp", "dbass90")

    code, text, _ = doctor(here)

    assert code == 1
    assert f"#{fine} " not in text
    assert f"✗ playbook #{lost} Initech: no assignee: assign the engineer who owns" in text
    assert f"✗ playbook #{shared} Globex: 2 owners: keep one assignee, the owner" in text
    assert f"✗ playbook #{both} Hooli: both ~priority::high and ~priority::normal: keep one" in text
    assert f"✗ playbook #{twin} acme  corp: another open playbook is also titled" in text
    assert f"✗ playbook #{first} Acme Corp: another open playbook is also titled" in text


@pytest.mark.parametrize(
    ("state", "why"), [("expired", "the token has expired"), ("revoked", "the token was revoked")]
)
def test_a_dead_token_is_the_one_line_to_fix(here: Team, state: str, why: str) -> None:
    here.fake.token_state = state

    code, text, calls = doctor(here)

    assert code == 1
    assert text.startswith(f"✗ GitLab: read the token's user (GET /user) failed: 401, {why} — ")
    assert "create a new token" in text and TOKEN not in text
    assert len(calls) == 1


def test_a_bot_username_naming_someone_else_is_a_thing_to_fix(here: Team) -> None:
    ready(here)
    here.fake.rename_bot("project_42_bot_4ffca233")

    code, text, _ = doctor(here)

    assert code == 1
    assert "✗ bot.username is 'pto-bot' but the token belongs to @project_42_bot_4ffca233" in text


def test_the_bots_users_under_earlier_tokens_are_named(here: Team) -> None:
    ready(here)
    here.fake.members["project_42_bot_0a1b2c3d"] = REPORTER  # the token before, not revoked yet
    here.fake.members["project_77_bot_0a1b2c3d"] = REPORTER  # another project's bot user
    here.fake.rename_bot("project_42_bot_4ffca233")

    _, text, _ = doctor(here)

    assert "✓ earlier bot users: @project_42_bot_0a1b2c3d: their notes" in text
    assert "project_77_bot" not in text


# --- the wording, from plain facts --------------------------------------------------------------


def facts(**changes: object) -> Facts:
    made = Facts(
        user=User(7, "project_42_bot_x", True),
        project=ProjectInfo("support/ase", "https://gitlab.example.com/support/ase", "main", 20),
        access_level=20,
        branch="main",
        trigger_url="https://gitlab.example.com/api/v4/projects/42/ref/main/trigger/pipeline",
        labels=set(wanted_labels(POLICY)),
        files={"policy.yaml": HIDDEN},
        schedules=[Schedule("hourly", "refs/heads/main", "0 * * * *", True)],
        hooks=HIDDEN,
        members=set(POLICY.engineers) | {POLICY.team.manager},
    )
    for key, value in changes.items():
        setattr(made, key, value)
    return made


def test_a_disabled_webhook_says_how_to_bring_it_back() -> None:
    hook = Hook(MASKED, issues=True, notes=True, status="temporarily_disabled")
    lines = [str(f) for f in findings(POLICY, facts(hooks=[hook]))]
    assert (
        "✗ the trigger webhook is temporarily disabled after failed deliveries: look at its "
        "Recent events, fix the cause, then re-enable it" in lines
    )


def test_without_bot_username_the_tip_names_the_value_to_set() -> None:
    policy = POLICY.model_copy(update={"bot": POLICY.bot.model_copy(update={"username": None})})
    lines = [str(f) for f in findings(policy, facts())]
    assert lines[1].startswith("✓ the bot is @project_42_bot_x (bot.username is not set). Tip: ")
    assert "`bot.username: project_42_bot_x`" in lines[1]


def test_a_user_that_is_no_member_is_told_to_be_added() -> None:
    lines = [str(f) for f in findings(POLICY, facts(access_level=None))]
    assert (
        "✗ @project_42_bot_x is not a member of support/ase: add it with the role Reporter "
        "(or Planner) under Manage > Members" in lines
    )


def test_a_deputy_who_is_no_member_is_told_to_be_added() -> None:
    deputy = POLICY.approval.model_copy(update={"deputy": "rlead"})
    policy = POLICY.model_copy(update={"approval": deputy})
    lines = [str(f) for f in findings(policy, facts())]
    assert "✗ not members of support/ase: rlead; add them under Manage > Members" in " ".join(lines)


def customers_allowed(team: Team) -> None:
    """The policy lets the bot into the customers' group, as a team answering there would."""
    text = Path(team.policy).read_text(encoding="utf-8")
    Path(team.policy).write_text(text.replace("  groups: []", "  groups: [customers]", 1))


def test_each_collaboration_project_is_checked_for_reading_and_commenting(here: Team) -> None:
    ready(here)
    customers_allowed(here)
    iid = here.playbook("Acme Corp", "klang")
    here.fake.issues[iid]["description"] = "- **Collaboration project:** customers/acme\n"
    other = here.playbook("Initech", "klang")
    here.fake.issues[other]["description"] = (
        "- **Collaboration project:** customers/initech, customers/gone\n"
    )
    here.fake.add_project("customers/acme", role=GUEST)
    here.fake.add_project("customers/initech", role=0, visibility="public")
    here.fake.add_project("customers/gone", role=0)

    code, text, calls = doctor(here)

    assert code == 1, text
    assert (
        "✓ collaboration project customers/acme (Acme Corp): the bot may read and comment "
        "(Guest)" in text
    )
    assert (
        "✓ collaboration project customers/initech (Initech): the bot may read and comment "
        "(any signed-in user (public))" in text
    )
    assert (
        "✗ collaboration project customers/gone (Initech): @pto-bot cannot see it: add it as "
        "Guest there, or fix the path" in text
    )
    assert {method for method, _ in calls} == {"GET"}
    assert len(calls) == 16 + 3  # one read per collaboration project


def test_a_collaboration_project_the_policy_does_not_allow_is_neither_read_nor_advised(
    here: Team,
) -> None:
    ready(here)
    iid = here.playbook("Acme Corp", "klang")
    here.fake.issues[iid]["description"] = "- **Collaboration project:** customers/acme\n"
    here.fake.add_project("customers/acme", role=0)

    code, text, calls = doctor(here)
    assert code == 1, text
    assert (
        f"✗ playbook #{iid} Acme Corp: the collaboration project customers/acme is not under "
        "out_of_office.projects or out_of_office.groups in policy.yaml: ignored" in text
    )
    assert "collaboration project customers/acme (" not in text
    assert "Guest" not in text
    assert not any("customers" in path for _, path in calls)
    assert len(calls) == 16


def with_gitlab_url(team: Team, url: str) -> None:
    policy = Path(team.policy)
    policy.write_text(policy.read_text() + f"\ngitlab:\n  url: {url}\n")


def test_in_ci_the_policys_gitlab_url_is_an_address_the_bot_may_use(
    here: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready(here)
    with_gitlab_url(here, BASE_URL)  # the address runners reach, another than CI_SERVER_URL
    here.fake.files["policy.yaml"] = Path(here.policy).read_text()
    monkeypatch.setenv("CI_SERVER_URL", "https://gitlab.public.example")
    monkeypatch.setenv("GITLAB_URL", BASE_URL)

    code, text, calls = doctor(here)

    assert code == 0, text
    assert len(calls) == len(here.fake.mock.calls)  # all to the policy's address


def test_in_ci_a_gitlab_url_naming_neither_address_stops_the_doctor_before_any_request(
    here: Team, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with_gitlab_url(here, BASE_URL)
    monkeypatch.setenv("CI_SERVER_URL", "https://gitlab.public.example")
    monkeypatch.setenv("GITLAB_URL", "https://their-host.example")

    code, _, _ = doctor(here)

    assert code == 2
    err = capsys.readouterr().err
    assert f"or to gitlab.url in policy.yaml ({BASE_URL})" in err
    assert len(here.fake.mock.calls) == 0


def test_gitlab_unreachable_exits_2_as_a_run_does(here: Team) -> None:
    failure = "HTTPSConnectionPool: NameResolutionError: Failed to resolve 'gitlab.example.com'"
    here.fake.fail("GET", ".", error=requests.ConnectionError, message=failure, times=99)

    code, text, _ = doctor(here)

    assert code == 2
    assert text.startswith(
        f"✗ GitLab: read the token's user (GET /user) failed: GitLab at {BASE_URL}"
    )
    assert "cannot be reached (its host name cannot be resolved) — check GITLAB_URL" in text


# --- what keeps the token safe ------------------------------------------------------------------


def test_a_project_as_gitlab_creates_it_is_told_what_keeps_the_token_safe(here: Team) -> None:
    ready(here)
    fake = here.fake
    fake.settings.update(
        public_jobs=True,
        pages_access_level="enabled",
        ci_pipeline_variables_minimum_override_role="developer",
    )
    fake.settings["restrict_user_defined_variables"] = False  # the role is then not applied
    fake.variables.clear()
    fake.hooks.clear()
    fake.add_hook(f"{API}/projects/support%2Fase/ref/main/trigger/pipeline?token=abc123")
    for key in ("confidential_issues_events", "confidential_note_events"):
        fake.hooks[-1][key] = False
    fake.team.visibility = "internal"

    code, text, calls = doctor(here)

    assert code == 1
    assert (
        "✗ pipeline variables are allowed from Developers up, and a trigger token acts as its "
        "owner: whoever holds the webhook's token can pass GITLAB_URL" in text
    )
    assert "Minimum role to use pipeline variables to 'No one allowed'" in text
    assert "? GITLAB_TOKEN is not a CI/CD variable of this project: add it (" in text
    assert "✗ Public pipelines is on: the bot's job logs (who is out, customers, the notes it " in (
        text
    )
    assert "are open to every signed-in user" in text
    assert "✗ the Pages report (customers, who is out) is open to everyone who can see" in text
    assert "✗ the trigger webhook misses the Confidential issues or Confidential comments" in text
    assert (
        "✗ the trigger webhook names the project by its path, which the trigger endpoint "
        f"refuses: use its numeric id, {API}/projects/{PROJECT_ID}/ref/main/trigger/pipeline"
    ) in text
    assert "✗ the trigger token shows in the webhook's URL to every Maintainer" in text
    assert "abc123" not in text
    assert [c for c in calls if c[0] != "GET"] == []


def test_a_token_variable_neither_masked_nor_protected_is_a_thing_to_fix(here: Team) -> None:
    ready(here)
    here.fake.add_variable("GITLAB_TOKEN", masked=False, protected=False)

    code, text, _ = doctor(here)

    assert code == 1
    assert (
        "✗ the CI/CD variable GITLAB_TOKEN is not masked (a job log could show it) and not "
        "protected (a pipeline of any branch gets it): edit it under Settings > CI/CD > "
        "Variables and tick Masked (or Masked and hidden) and Protected" in text
    )
    assert TOKEN not in text


@pytest.mark.parametrize(
    ("masked", "protected", "line"),
    [
        (
            True,
            True,
            "✓ the CI/CD variable PTO_BOT_CALENDAR_URL (the time-off calendar's feed) is masked "
            "and protected",
        ),
        (
            False,
            True,
            "✗ the CI/CD variable PTO_BOT_CALENDAR_URL (the time-off calendar's feed) is not "
            "masked (a job log could show it): edit it under Settings > CI/CD > Variables",
        ),
    ],
)
def test_the_time_off_calendar_variable_is_checked_and_never_shown(
    here: Team, masked: bool, protected: bool, line: str
) -> None:
    ready(here)
    here.fake.add_variable("PTO_BOT_CALENDAR_URL", masked=masked, protected=protected)
    here.fake.variables["PTO_BOT_CALENDAR_URL"]["value"] = "https://hr.example/ical/s3cr3t-feed"

    code, text, calls = doctor(here)

    assert line in text
    assert code == (0 if masked else 1)
    assert "s3cr3t" not in text and "hr.example" not in text
    assert ("GET", f"/projects/{PROJECT_ID}/variables/PTO_BOT_CALENDAR_URL") in calls


def test_a_reporter_token_is_told_what_to_check_by_hand(here: Team) -> None:
    ready(here)
    here.fake.members[BOT] = REPORTER

    code, text, _ = doctor(here)

    assert code == 0, text
    assert (
        "? who may pass pipeline variables is shown to Maintainers only (the token's role is "
        "Reporter): check by hand that Settings > CI/CD > Variables > Minimum role to use "
        "pipeline variables is 'No one allowed'" in text
    )
    assert "? CI/CD variables are shown to Maintainers only: check by hand that GITLAB_TOKEN" in (
        text
    )
    assert "✓ pipelines are not public" in text  # every member sees that setting


def test_the_trigger_url_has_the_numeric_id_when_the_project_is_given_by_path(
    here: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTO_BOT_PROJECT", "support/ase")

    _, text, _ = doctor(here)

    assert f"{API}/projects/{PROJECT_ID}/ref/main/trigger/pipeline?token=<trigger token>" in text
    assert "/projects/support" not in text


def private_component(team: Team, bot_role: int) -> None:
    """pto_bot's component in a private project the bot's token can see with ``bot_role``."""
    ready(team)
    fake = team.fake
    del fake.others[COMPONENT]
    fake.add_project(COMPONENT, role=bot_role)
    fake.triggers.clear()
    fake.add_trigger(owner="klang")  # the schedule is melroberts'


@pytest.mark.parametrize(
    "ci",
    [
        "include: [{component: $CI_SERVER_FQDN/tools/pto-bot/pto-bot@v0.1.0}]\n",
        "include:\n  component: '$CI_SERVER_FQDN/tools/pto-bot/pto-bot@v0.1.0'\n",
        "spec:\n  inputs: {}\n---\n"
        "include:\n  - component: $CI_SERVER_FQDN/tools/pto-bot/pto-bot@v1\n",
    ],
    ids=["a flow list", "one mapping", "after a spec header"],
)
def test_the_component_project_is_found_however_the_include_is_written(here: Team, ci: str) -> None:
    ready(here)
    here.fake.files[".gitlab-ci.yml"] = ci

    _, text, calls = doctor(here)

    assert f"? {COMPONENT}'s job token allowlist is shown to its Maintainers only" in text
    assert len(calls) == 16


def test_a_component_named_in_a_comment_or_a_jobs_script_is_no_include(here: Team) -> None:
    ready(here)
    here.fake.files[".gitlab-ci.yml"] = (
        "# include:\n#  - component: $CI_SERVER_FQDN/tools/pto-bot/pto-bot@v0.1.0\n"
        "pto:\n  variables:\n    component: $CI_SERVER_FQDN/other/pto-bot/pto-bot@v1\n"
        "  script: [pto-bot reconcile]\n"
    )

    _, text, calls = doctor(here)

    assert "job token allowlist" not in text and "other/pto-bot" not in text
    assert len(calls) == 14  # neither the component's project nor its job token scope


def test_the_pipelines_users_need_reporter_on_a_private_component_project(here: Team) -> None:
    private_component(here, bot_role=REPORTER)
    here.fake.others[COMPONENT].members["klang"] = REPORTER

    code, text, _ = doctor(here)

    assert code == 1
    assert (
        f"✗ @melroberts starts the bot's pipelines (a schedule or a trigger token is theirs) but "
        f"is not Reporter on {COMPONENT}: those pipelines cannot include its private component. "
        "Add @melroberts there as Reporter (Manage > Members)" in text
    )
    assert "@klang starts" not in text
    assert (
        f"? {COMPONENT}'s job token allowlist is shown to its Maintainers only: check by hand"
        in (text)
    )

    here.fake.others[COMPONENT].members["melroberts"] = MAINTAINER
    again_code, again, _ = doctor(here)
    assert again_code == 0, again
    assert f"✓ the pipelines' users (@melroberts, @klang) may include it from {COMPONENT}" in again


def test_the_component_project_must_admit_the_team_projects_job_token(here: Team) -> None:
    private_component(here, bot_role=MAINTAINER)
    component = here.fake.others[COMPONENT]
    component.members.update(melroberts=REPORTER, klang=REPORTER)

    code, text, _ = doctor(here)

    assert code == 1
    assert (
        f"✗ {COMPONENT} does not admit support/ase's job token: the bot's jobs cannot pull its "
        f"image. A Maintainer of {COMPONENT} adds support/ase under Settings > CI/CD > Job token "
        "permissions" in text
    )
    component.job_token_groups.append("support")  # the team's group is on the allowlist
    assert f"✓ {COMPONENT} admits support/ase's job token" in doctor(here)[1]
    component.job_token_groups.clear()
    component.job_token_projects.append(PROJECT_ID)
    assert doctor(here)[0] == 0


def test_a_component_project_the_token_cannot_see_is_checked_by_hand(here: Team) -> None:
    private_component(here, bot_role=0)

    code, text, _ = doctor(here)

    assert code == 0, text
    assert (
        f"? the token cannot see {COMPONENT}, where pto_bot's component comes from: check by hand "
        "that the pipelines' users (@melroberts, @klang, and each trigger token's owner) are "
        "Reporter there" in text
    )


def test_a_project_token_is_told_it_cannot_reach_a_collaboration_project() -> None:
    found = facts(projects={"customers/acme": (["Acme Corp"], None)})
    lines = [str(f) for f in findings(POLICY, found)]
    assert (
        "✗ collaboration project customers/acme (Acme Corp): @project_42_bot_x cannot see it: a "
        "project or group access token's user cannot be added to another project; make "
        "GITLAB_TOKEN a personal access token of a user made for the bot (README: Out of "
        "office), Guest there, or fix the path" in lines
    )
