"""What people read about coverage: the coverage view, the dashboard issue, the Pages site,
pilot metrics, what-if answers and the account of a run."""
