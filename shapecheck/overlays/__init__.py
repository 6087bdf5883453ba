"""Library semantics for the interpreter, one overlay per library, registered by dotted path."""
