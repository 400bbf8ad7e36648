"""GitLab's REST API: transport (timeouts, retries, pacing), the read cache, conversion of API
responses into snapshots, and the tracker that reads and writes. The only package that imports
python-gitlab."""
