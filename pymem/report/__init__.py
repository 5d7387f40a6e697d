"""Reports: tables, figures, the demo and the CLI subcommands that print them."""
