"""`manage.py serve` keeps its worker and scheduler running: one that exits is started again."""

from __future__ import annotations

import sys
import time

from quillium_site.management.commands.serve import Helpers
from tests.site.test_database_outage import running


def test_a_helper_that_exits_is_started_again_and_all_stop_with_serve():
    helpers = Helpers(
        {
            "Crasher": [sys.executable, "-c", "import sys; sys.exit(75)"],
            "Sleeper": [sys.executable, "-c", "import time; time.sleep(60)"],
        }
    )
    helpers.FIRST_WAIT = 0.1
    said: list[str] = []
    helpers.start(say=said.append)
    sleeper = helpers.processes["Sleeper"].pid
    deadline = time.monotonic() + 20
    while sum(line.startswith("Crasher (pid") and line.endswith("started.") for line in said) < 3:
        assert time.monotonic() < deadline, said
        time.sleep(0.05)
    helpers.stop()

    assert any("exited with status 75; starting it again" in line for line in said)
    assert helpers.processes["Sleeper"].pid == sleeper  # the one still running was left alone
    assert not [process for process in helpers.processes.values() if running(process.pid) and process.poll() is None]
    count = len(said)
    time.sleep(0.5)
    assert len(said) == count  # nothing is started after serve stopped
