"""Array type aliases shared by the engine."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
"""A float64 numpy array; every engine computation is in float64."""
