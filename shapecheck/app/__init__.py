"""The application layer: command line, file discovery, config, cache, runner, language server, notebooks."""
