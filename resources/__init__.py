"""Data and examples shipped with mlpviz, read with importlib.resources."""
