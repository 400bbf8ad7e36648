"""Templates compiled once per version: what the image compiles is read back without compiling,
an edited template is compiled again rather than served stale, and a job never writes bytecode."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment

from pto_bot.app.templates import compile_templates
from pto_bot.render import engine
from pto_bot.render.compiled import Compiled, compile_all
from pto_bot.reports import site


def never_compiles(environment: Environment, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a template was compiled")

    monkeypatch.setattr(environment, "compile", refuse)


def test_what_the_image_compiled_is_rendered_without_compiling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = compile_templates(tmp_path)
    notes, pages = engine.environment().list_templates(), site.environment().list_templates()
    assert compiled == len(notes) + len(pages) == len(list(tmp_path.iterdir()))
    reading = engine.environment().overlay(bytecode_cache=Compiled("notes", tmp_path), cache_size=0)
    never_compiles(reading, monkeypatch)
    context = {"problems": ["`End` is missing"], "author": "klang"}
    as_compiled = reading.get_template("needs_info.md.j2").render(**context)
    fresh = engine.environment().overlay(cache_size=0)
    assert as_compiled == fresh.get_template("needs_info.md.j2").render(**context)


def test_a_template_edited_since_it_was_compiled_is_compiled_again(tmp_path: Path) -> None:
    before = Environment(loader=DictLoader({"a.j2": "old {{ x }}"}))
    compile_all(before.overlay(bytecode_cache=Compiled("notes", tmp_path, write=True)))
    after = Environment(loader=DictLoader({"a.j2": "new {{ x }}"}))
    reading = after.overlay(bytecode_cache=Compiled("notes", tmp_path))
    assert reading.get_template("a.j2").render(x=1) == "new 1"


def test_a_job_compiles_what_is_missing_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "compiled"
    environment = Environment(loader=DictLoader({"a.j2": "hello {{ x }}"}))
    reading = environment.overlay(bytecode_cache=Compiled("notes", folder))
    assert reading.get_template("a.j2").render(x="there") == "hello there"
    assert not folder.exists()
