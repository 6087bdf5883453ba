"""API tables generated from the installed libraries, and the lookups over them."""
