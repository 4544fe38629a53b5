"""Use cases shared by the CLI and (later) the web app: each takes plain arguments and returns core objects."""
