"""The maths of an MLP, in numpy only: this package never imports Qt.

Public pieces: :class:`~mlpviz.engine.network.Network`,
:func:`~mlpviz.engine.backprop.forward` / :func:`~mlpviz.engine.backprop.backward`,
:class:`~mlpviz.engine.stepper.Stepper`, :class:`~mlpviz.engine.trainer.Trainer`,
:mod:`~mlpviz.engine.session` files and :mod:`~mlpviz.engine.trace` worked examples.
"""
