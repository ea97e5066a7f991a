"""The container and service files: they run `hashbot run` the way the README's Deploy section says."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from auxil.paths import REPO


def _dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), one list per FROM."""
    text = re.sub(r"\\\n\s*", " ", (REPO / "Dockerfile").read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            if line.startswith("FROM "):
                stages.append([])
            stages[-1].append(line.strip())
    return stages


def _unit() -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(REPO / "deploy" / "hashbot.service")
    return unit


def test_the_image_runs_hashbot_run_as_a_user_on_the_official_python_base() -> None:
    final = _dockerfile_stages()[-1]
    assert final[0].startswith("FROM python:3.11-slim")
    users = [line for line in final if line.startswith("USER ")]
    assert users and users[-1] not in ("USER root", "USER 0")
    assert 'VOLUME ["/data"]' in final
    assert "ENV HASHBOT_DATABASE=/data/hashbot.sqlite3" in " ".join(final)
    assert 'ENTRYPOINT ["hashbot"]' in final and 'CMD ["run"]' in final
    # The shipped package data must reach the build context.
    ignored = (REPO / ".dockerignore").read_text().split()
    assert not {"bot", "templates", "examples", "pyproject.toml", "setup.py"} & set(ignored)


def test_compose_runs_the_image_on_a_postgresql_service_that_keeps_its_data_on_a_volume() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    hashbot, postgres = compose["services"]["hashbot"], compose["services"]["postgres"]
    assert hashbot["command"] == ["run"]
    assert hashbot["build"] == "."
    database = hashbot["environment"]["HASHBOT_DATABASE"]
    assert database.startswith("postgresql://hashbot:") and database.endswith("@postgres:5432/hashbot")
    assert hashbot["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert postgres["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert postgres["environment"]["POSTGRES_USER"] == "hashbot"
    assert postgres["environment"]["POSTGRES_DB"] == "hashbot"
    volume, mount = postgres["volumes"][0].split(":")
    assert volume in compose["volumes"] and mount == "/var/lib/postgresql/data"
    assert "ports" not in postgres  # reachable from hashbot only


def test_the_systemd_unit_reads_an_environment_file_and_restarts_on_failure() -> None:
    service = _unit()["Service"]
    assert service["ExecStart"].endswith("/hashbot run")
    assert service["EnvironmentFile"] == "/etc/hashbot/hashbot.env"
    assert service["Restart"] == "on-failure"
    assert service["KillSignal"] == "SIGTERM"
    assert service["User"] != "root"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    # verify checks that ExecStart exists: point it at a real program for the check. It exits 0
    # on unknown keys and bad values and only warns, so any output is a failure.
    text = (REPO / "deploy" / "hashbot.service").read_text()
    unit = tmp_path / "hashbot.service"
    unit.write_text(text.replace("/opt/hashbot/.venv/bin/hashbot run", "/bin/true run"))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stderr + done.stdout) == (0, "")
