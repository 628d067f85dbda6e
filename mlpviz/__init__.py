"""mlpviz: see every number of backpropagation in a multi-layer perceptron."""

__version__ = "0.1.0"
