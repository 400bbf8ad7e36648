"""Issue trackers: the GitLab adapter and the offline JSON snapshot share one small interface."""
