"""What machine and libraries a benchmark ran on, so a table can say where it was measured."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

import numpy as np


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or the platform's processor string."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def blas_libraries() -> list[dict[str, Any]]:
    """The thread pools numpy (and torch, if imported) use, as threadpoolctl reports them."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    keys = ("user_api", "internal_api", "prefix", "version", "num_threads", "architecture")
    return [{k: info.get(k) for k in keys} for info in threadpool_info()]


def torch_version() -> str | None:
    try:
        import torch
    except ImportError:
        return None
    return str(torch.__version__)


def describe_machine() -> dict[str, Any]:
    """CPU, cores, the 1-minute load average (other work on the machine), OS and the
    versions of Python, numpy, torch, PySide6 and the BLAS."""
    pyside_version: str | None
    try:
        from PySide6 import __version__ as pyside_version
    except ImportError:
        pyside_version = None
    return {
        "cpu": cpu_model(),
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "cores": os.cpu_count(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch_version(),
        "pyside6": pyside_version,
        "blas": blas_libraries(),
    }
