"""The engine: parsing, the abstract interpreter core, abstract values and the events rules read."""
