"""Where the files shipped with mlpviz are: example sessions and datasets.

They live in the top-level ``resources/`` folder of the source tree, installed as the
package ``mlpviz.resources``, and are read with :mod:`importlib.resources` so they are
found in a wheel, an editable install and a frozen bundle alike.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable


def resource(*parts: str) -> Traversable:
    """The shipped file ``resources/<parts...>``.

    Example: ``resource("examples", "course_example.json")``.
    """
    node = resources.files("mlpviz.resources")
    for part in parts:
        node = node.joinpath(part)
    return node
