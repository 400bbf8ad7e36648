"""The shell that runs a plan: read, plan, apply, report; exit codes and the one place where
errors become messages."""
