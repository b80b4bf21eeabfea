"""The command line speaks to a person: no English INFO log lines in normal use."""
import os
import subprocess
import sys


def _jiceng(tmp_path, *args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("JICENG_")}
    environment.update(JICENG_DATABASE_URL=f"sqlite:///{tmp_path / 'jiceng.db'}", JICENG_SECRET_KEY="cli-test", **env)
    return subprocess.run([sys.executable, "-c", "from app.cli import main; main()", *args],
                          capture_output=True, text=True, env=environment, timeout=120)


def test_a_migration_prints_no_log_lines(tmp_path):
    done = _jiceng(tmp_path, "tenants", "migrate")
    assert done.returncode == 0, done.stderr
    output = done.stdout + done.stderr
    assert " INFO " not in output and "alembic" not in output, output


def test_the_operational_log_can_be_asked_for(tmp_path):
    done = _jiceng(tmp_path, "tenants", "create", "sanxing", "--name", "三星镇总工会", "--kind", "town",
                   "--admin", "admin", "--password", "correct-horse-9", JICENG_LOG_LEVEL="INFO")
    assert done.returncode == 0, done.stderr
    assert "INFO tenants.provisioning: created tenant sanxing" in done.stderr
    assert "alembic" not in done.stderr  # migration steps stay quiet even then
