"""The engine and the command line never import Qt (STYLE.md: the model knows nothing of Qt)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import mlpviz.engine


def test_engine_and_cli_import_no_qt() -> None:
    modules = [m.name for m in pkgutil.iter_modules(mlpviz.engine.__path__, "mlpviz.engine.")]
    assert "mlpviz.engine.backprop" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {[*modules, 'mlpviz.cli']!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = ('PySide6', 'pyqtgraph', 'shiboken6')\n"
        "gui = [m for m in sys.modules if m.startswith('mlpviz.gui')]\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in qt) + gui\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
