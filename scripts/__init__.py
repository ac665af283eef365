"""Scripts of the project's own tooling; importable so that the tests share scratch_database."""
