"""Reads for the work team's reports: sums over the attribution ledger (销售归户), grouped."""
