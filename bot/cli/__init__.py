"""The `bot` operator command: one module per area registers its own subcommands."""
