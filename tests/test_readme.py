"""The README's two commands are the ones the project really uses."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands():
    return re.findall(r"```sh\n(.+?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_ci_runs_the_readme_test_command_with_postgresql_required():
    run_demo, run_tests = readme_commands()[:2]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert run_tests in ci.splitlines()
    assert "JICENG_REQUIRE_POSTGRES=1" in ci and "JICENG_TEST_DATABASE_URL" in ci
    assert "jiceng demo" in run_demo and "jiceng run" in run_demo


def test_the_vendored_htmx_is_the_one_the_layout_loads():
    vendored = [p.name for p in (ROOT / "static").glob("htmx-*.min.js")]
    assert len(vendored) == 1
    assert vendored[0] in (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
