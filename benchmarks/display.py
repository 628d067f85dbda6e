"""A screen for the GUI benchmarks: a private Xvfb server (Qt's xcb platform) when Xvfb is
installed, Qt's offscreen platform otherwise."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator

SCREEN = "1600x1000x24"


@contextlib.contextmanager
def gui_environment() -> Iterator[tuple[dict[str, str], str]]:
    """(environment for a GUI child process, name of the platform it will use).

    Starts Xvfb on a free display for the duration (stopped afterwards); without it,
    sets QT_QPA_PLATFORM=offscreen. The user's Qt settings are never read: the child
    gets an empty configuration folder of its own.
    """
    env = dict(os.environ)
    with contextlib.ExitStack() as stack:
        config = stack.enter_context(_temporary_folder())
        env["XDG_CONFIG_HOME"] = config
        xvfb = shutil.which("Xvfb")
        if xvfb is None:
            env["QT_QPA_PLATFORM"] = "offscreen"
            yield env, "offscreen"
            return
        read_fd, write_fd = os.pipe()
        server = subprocess.Popen(
            [xvfb, "-displayfd", str(write_fd), "-screen", "0", SCREEN, "-nolisten", "tcp"],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        try:
            with os.fdopen(read_fd) as pipe:
                display = pipe.readline().strip()
            if not display:
                raise RuntimeError("Xvfb did not start")
            env["DISPLAY"] = f":{display}"
            env["QT_QPA_PLATFORM"] = "xcb"
            yield env, "xcb on Xvfb"
        finally:
            server.terminate()
            server.wait(timeout=10)


@contextlib.contextmanager
def _temporary_folder() -> Iterator[str]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="mlpviz-bench-") as folder:
        yield folder
