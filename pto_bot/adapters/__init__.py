"""The edges to the outside: the tracker protocol, GitLab, the offline JSON file, Slack and
webhook payloads. Only ``adapters.gitlab`` imports python-gitlab."""
