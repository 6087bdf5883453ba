"""Dimensions, shapes and the layer catalog (one shape rule per Keras layer)."""
