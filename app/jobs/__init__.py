"""The scheduler process: its lock, its CPU priority and its loop (R-JOB-4).

The jobs themselves, and running one as a unit of work, are services
(app/services/jobs/); this package only runs them in a process of their own.
"""
