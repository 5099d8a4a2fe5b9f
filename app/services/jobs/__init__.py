"""Scheduled jobs (R-JOB-1..4): what runs, how often, and the one process that runs them."""
