"""Library semantics for the interpreter, one overlay per library, registered by dotted path.

Importing this package registers every overlay below into
:data:`shapecheck.engine.overlay.OVERLAYS`; the interpreter core loads it
once through :func:`shapecheck.engine.overlay.load` and never names a module
of it.  To add a library, write its module and add it to the import below.
"""

from shapecheck.overlays import (  # noqa: F401  (each module registers its handlers)
    builtins,
    datasets,
    keras_data,
    keras_inputs,
    keras_layers,
    keras_models,
    keras_names,
    keras_ops,
    keras_training,
    numpy_arrays,
    numpy_data,
    objects,
    pandas,
    sklearn,
    tf_data,
)
