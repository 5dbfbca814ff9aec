"""What a server's worker does when it loads the application."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_a_worker_loads_every_view_and_leaves_it_out_of_full_collections():
    # A full pass over the ~120,000 objects a worker starts with took ~90-130 ms,
    # now and then in the middle of a request (the slowest answers under load).
    # Each request runs with room on the frame stack (kb/stack_room.py).
    script = (
        "import gc, sys; import kb.wsgi; "
        "print(gc.get_freeze_count(), 'docs_registry.views.digest' in sys.modules, "
        "'field.views' in sys.modules, type(kb.wsgi.application).__name__, "
        "type(kb.wsgi.application.application).__name__)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kb.settings", "DJANGO_DEBUG": "1"}
    result = subprocess.run(  # noqa: S603 -- this interpreter, our own script
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    frozen, views_loaded, field_views_loaded, served, django = result.stdout.split()
    assert views_loaded == field_views_loaded == "True"
    assert (served, django) == ("StackRoom", "WSGIHandler")
    assert int(frozen) > 50_000
