"""The nouns: snapshots of issues and notes, the policy, the PTO request form, accounts,
hidden markers, the command ledger and the world read from a snapshot. Pure data and parsing."""
