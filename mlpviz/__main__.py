"""`python -m mlpviz` runs the same entry point as the `mlpviz` command."""

import sys

from mlpviz.cli import main

sys.exit(main())
