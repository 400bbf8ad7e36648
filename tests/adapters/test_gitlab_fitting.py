"""The memory rides at the end of the bot's issue, whose description GitLab keeps to 1,048,576
bytes: it takes only the room the description leaves it."""

from __future__ import annotations

import base64
import random

from test_gitlab_tracker import QUERY, tracker

from fake_gitlab import BOT, MAX_DESCRIPTION, PROJECT_ID, TOKEN, FakeGitLab
from pto_bot.adapters.gitlab.memory import key_for, split, unseal


def test_a_dashboard_near_gitlabs_limit_leaves_the_memory_only_the_room_it_has(
    fake_gitlab: FakeGitLab,
) -> None:
    words = random.Random(7)
    for n in range(6):  # comments that do not compress: about 4 kB each, sealed
        text = base64.b64encode(words.randbytes(3000)).decode()
        fake_gitlab.add_note(fake_gitlab.add_issue(f"PTO {n}", labels=["pto"]), text)
    dashboard = "## PTO coverage\n\n" + "| week | out |\n" * 69_000  # 1,035,017 bytes
    home = fake_gitlab.add_issue(
        "PTO dashboard", labels=["pto-dashboard"], author=BOT, description=dashboard
    )
    bot = tracker(fake_gitlab)
    bot.read(QUERY)

    assert bot.commit(home) == []

    written = fake_gitlab.issues[home]["description"]
    assert len(written.encode()) <= MAX_DESCRIPTION
    text, sealed = split(written)
    assert text == dashboard.rstrip()
    kept = unseal(sealed, key_for(PROJECT_ID, TOKEN), home)
    assert kept is not None and 0 < len(kept.issues) <= 6
    assert any(entry.notes is None for entry in kept.issues.values())  # some comments left out
