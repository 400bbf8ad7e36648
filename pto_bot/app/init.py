"""``pto-bot init``: scaffold a team project — ``policy.yaml`` (commented, from a template),
``policy.schema.json``, the two issue templates and a ``.gitlab-ci.yml`` that includes pto_bot's
CI/CD component; a project that has a ``.gitlab-ci.yml`` already gets the include added to it
(:mod:`.ci_include`), its jobs and comments kept.

Nothing is overwritten without ``force``: when a file exists, nothing at all is written and the
message names the files. What the command line did not give is asked through ``ask`` (a prompt,
when standard input is a terminal), else it is an error naming the option. Every value given is
quoted as YAML needs, and the policy written is validated before anything is written, so
``pto-bot validate`` passes on it. The files are written all or none
(:func:`~.folders.write_files`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .. import __version__
from ..adapters.hook_template import EVENT_BY, USERNAME_INPUT
from ..domain.calendar import supported_countries
from ..domain.policy import USERNAME_RE
from ..domain.policy_file import parse_policy, policy_schema
from ..errors import ConfigError
from .ci_include import CI_FILE, COMPONENT_NAME, add_include
from .folders import check_folder, write_files
from .scaffold_text import environment
from .setups import SET_UPS, SetUp, set_up_for
from .validate import PLAYBOOK_TEMPLATE, PTO_TEMPLATE

Process = Literal["pods", "classic", "buddy"]
PROCESSES: tuple[Process, ...] = ("pods", "classic", "buddy")
TITLES = {
    "pods": "coverage pods: the pod covers its members' accounts",
    "classic": "classic: each engineer hand-picks backups in the request",
    "buddy": "buddy pairs: each engineer's buddy covers every account",
}
#: Where teams include the component from: pto_bot's project on the same GitLab instance.
COMPONENT = f"$CI_SERVER_FQDN/tools/pto-bot/pto-bot@v{__version__}"
COMPONENT_STAGE = "deploy"  # the component's default stage input
Ask = Callable[[str], str]


@dataclass(frozen=True)
class Answers:
    """What the command line said; ``None`` or empty = not given."""

    manager: str | None = None
    pods: Sequence[str] = ()  # NAME=user,user,...
    engineers: Sequence[str] = ()  # user,user,... (classic: the roster)
    process: str | None = None
    team: str = "Support team"
    channel: str = "#support-team"
    timezone: str = "America/New_York"
    country: str = "US"
    component: str = COMPONENT
    runners: str | None = None  # one of RUNNERS: what the team's jobs run on
    bot: str | None = None  # the bot's username, when the token exists already


@dataclass
class Scaffold:
    """The files to write, relative to the project folder, and what to tell the user."""

    files: dict[Path, str] = field(default_factory=dict)
    include: str = ""  # the entry of include: that .gitlab-ci.yml needs
    merged_include: str = ""  # the same for a .gitlab-ci.yml of the team's: no pipeline input
    setup: SetUp = SET_UPS["own"]
    routed: bool = False  # the .gitlab-ci.yml written declares the input of the webhook template


def _username(option: str, value: str) -> str:
    name = value.strip().removeprefix("@")
    if not USERNAME_RE.match(name) or name.endswith((".", "-")):
        raise ConfigError([f"{option}: {value!r} is not a GitLab username (e.g. melroberts)"])
    return name


def _users(option: str, text: str) -> list[str]:
    return [_username(option, part) for part in text.split(",") if part.strip()]


def _pod(text: str) -> tuple[str, list[str]]:
    name, sep, members = text.partition("=")
    name = name.strip()
    if not sep or not re.fullmatch(r"[A-Za-z0-9][\w\-]*", name):
        raise ConfigError(
            [f"--pod: {text!r} is not NAME=user,user,... (e.g. alpha=harishsr,dbass90,andsmith3)"]
        )
    users = _users(f"--pod {name}", members)
    if len(users) < 2:
        raise ConfigError([f"--pod {name}: a pod needs at least two members, got {users}"])
    return name, users


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in supported_countries():
        raise ConfigError(
            [f"--country: {value!r} is not a country code the holidays package knows (e.g. US, CA)"]
        )
    return code


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ConfigError(
            [f"--timezone: {value!r} is not an IANA time zone (e.g. America/New_York)"]
        ) from None
    return value


def _missing(option: str, how: str = "") -> ConfigError:
    return ConfigError(
        [
            f"init: {option} is missing (standard input is not a terminal, so it cannot be "
            f"asked); give {option}{how}"
        ]
    )


def _given(value: str | None, option: str, question: str, ask: Ask | None) -> str:
    if value:
        return value
    if ask is None:
        raise _missing(option)
    answer = ask(question).strip()
    if not answer:
        raise ConfigError([f"init: no answer for {option}; nothing was written"])
    return answer


def _collect(given: Sequence[str], option: str, question: str, ask: Ask | None) -> list[str]:
    if given:
        return list(given)
    if ask is None:
        raise _missing(option, " once or more")
    found: list[str] = []
    while answer := ask(question).strip():
        found.append(answer)
    if not found:
        raise ConfigError([f"init: no answer for {option}; nothing was written"])
    return found


def _process(answers: Answers, ask: Ask | None) -> Process:
    chosen = answers.process
    if chosen is None and ask is not None:
        chosen = ask(f"Process ({' | '.join(PROCESSES)}) [pods]: ").strip() or "pods"
    for process in PROCESSES:
        if (chosen or "pods") == process:
            return process
    raise ConfigError([f"--process: {chosen!r} is not one of {', '.join(PROCESSES)}"])


def _roster(
    process: Process, answers: Answers, ask: Ask | None
) -> tuple[dict[str, list[str]], list[str]]:
    """The pods and every engineer, checked: one pod per engineer, pairs for buddies."""
    pods: dict[str, list[str]] = {}
    if process != "classic":
        for text in _collect(
            answers.pods, "--pod", "Pod as NAME=user,user,... (empty line when done): ", ask
        ):
            name, members = _pod(text)
            if name in pods:
                raise ConfigError([f"--pod {name}: given twice"])
            pods[name] = members
    extra = [u for text in answers.engineers for u in _users("--engineers", text)]
    if process == "classic" and not extra:
        text = _given(None, "--engineers", "Engineers (user,user,...): ", ask)
        extra = _users("--engineers", text)
    problems = []
    seen: dict[str, str] = {}
    for name, members in pods.items():
        if process == "buddy" and len(members) != 2:
            problems.append(f"--pod {name}: buddies come in pairs, got {len(members)} members")
        for member in members:
            if member in seen:
                problems.append(f"--pod {name}: {member} is already in pod {seen[member]}")
            seen[member] = name
    if problems:
        raise ConfigError(problems)
    engineers = list(dict.fromkeys([u for m in pods.values() for u in m] + extra))
    return pods, engineers


def scaffold(answers: Answers, today: date, ask: Ask | None) -> Scaffold:
    """The files ``init`` writes, validated; ``ask`` prompts for what is missing (None: not a
    terminal, so a missing option is an error)."""
    country, timezone = _country(answers.country), _timezone(answers.timezone)
    process = _process(answers, ask)
    manager = _username(
        "--manager", _given(answers.manager, "--manager", "Manager's GitLab username: ", ask)
    )
    pods, engineers = _roster(process, answers, ask)
    setup = set_up_for(answers.runners, ask)
    bot = _username("--bot", answers.bot) if answers.bot else None
    context: dict[str, Any] = {
        "team": answers.team,
        "manager": manager,
        "channel": answers.channel,
        "timezone": timezone,
        "country": country,
        "today": today.isoformat(),
        "process": process,
        "process_title": TITLES[process],
        "pods": pods,
        "engineers": engineers,
        "component": answers.component,
        "setup": setup,
        "bot": bot,
        "event_by": EVENT_BY,
        "username_input": USERNAME_INPUT,
        "routing": False,
    }
    env = environment()
    include = env.get_template("include.yml.j2")
    merged = include.render(context).rstrip("\n")  # a team's own pipeline declares no input
    context["routing"] = setup.events
    context["include"] = include.render(context).rstrip("\n")
    policy_text = env.get_template("policy.yaml.j2").render(context)
    parse_policy(yaml.safe_load(policy_text), "policy.yaml")  # ConfigError names the problem
    templates = resources.files("pto_bot") / "scaffold" / "issue_templates"
    files = {
        Path("policy.yaml"): policy_text,
        Path("policy.schema.json"): policy_schema(),
        PTO_TEMPLATE: (templates / PTO_TEMPLATE.name).read_text(encoding="utf-8"),
        PLAYBOOK_TEMPLATE: (templates / PLAYBOOK_TEMPLATE.name).read_text(encoding="utf-8"),
        Path(CI_FILE): env.get_template("gitlab-ci.yml.j2").render(context),
    }
    return Scaffold(files, str(context["include"]), merged, setup)


def _ci_file(made: Scaffold, root: Path) -> tuple[str | None, str]:
    """What ``.gitlab-ci.yml`` becomes (None: it stays as it is) and what to say about it. The
    team's own file gets the include without the webhook template's pipeline input (adding a
    header to someone's pipeline is theirs to do: README "Go live", step 6)."""
    target = root / CI_FILE
    if not target.exists():
        made.routed = made.setup.events
        return made.files[Path(CI_FILE)], f"wrote {target}"
    try:
        text = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            [f"init: {target}: cannot be read ({exc}); nothing was written"]
        ) from None
    added = add_include(text, made.merged_include, COMPONENT_NAME, COMPONENT_STAGE)
    if not added.changes:
        return None, f"{target} includes pto_bot's component already: left as it is"
    return added.text, f"added {' and '.join(added.changes)} to {target}"


def write_scaffold(made: Scaffold, root: Path, force: bool) -> list[str]:
    """Write every file under ``root`` (a ``.gitlab-ci.yml`` there gets the include added); none
    at all when one exists and ``force`` is off, when ``root`` is a file, or when a write fails.
    Returns a line per file for the user."""
    check_folder("--dir", root, made.files)
    others = [path for path in made.files if path != Path(CI_FILE)]
    existing = [path for path in others if (root / path).exists()]
    if existing and not force:
        names = ", ".join(str(path) for path in existing)
        verb = "exists" if len(existing) == 1 else "exist"
        raise ConfigError(
            [
                f"init: {names} already {verb} in {root}; nothing was written. Give --force to "
                "overwrite them"
            ]
        )
    ci_text, ci_said = _ci_file(made, root)
    files = {path: made.files[path] for path in others}
    if ci_text is not None:
        files[Path(CI_FILE)] = ci_text
    write_files(root, files)
    said = [f"wrote {root / path}" for path in others]
    return [*said[:4], ci_said, *said[4:]]
