"""Command-line tools: `flask --app run roles sync`, `demo seed`, `demo logins`."""
from __future__ import annotations

import json

import click
from flask import Flask, current_app
from flask.cli import AppGroup


roles_cli = AppGroup("roles", help="Roles and permissions.")
demo_cli = AppGroup("demo", help="Demo data for trying the product.")
outbox_cli = AppGroup("outbox", help="Queued emails and SMS.")


@roles_cli.command("sync")
def roles_sync() -> None:
    """Create permissions for every view and set each role to its declared set."""
    from app.security.roles import sync_roles

    counts = sync_roles(current_app.appbuilder)
    for role, count in counts.items():
        click.echo(f"{role:<14} {count:>4} permissions")


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when customers already exist.")
def demo_seed(if_empty: bool) -> None:
    """Load the demo customers, contracts, documents and one login per role (idempotent)."""
    from app.services.demo import seed_demo

    seed_demo(only_if_empty=if_empty, echo=click.echo)


@demo_cli.command("logins")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list for scripts.")
def demo_logins(as_json: bool) -> None:
    """List the demo logins: role, customer, username, password."""
    from app.services.demo import demo_logins as logins

    rows = logins()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'role':<14} {'customer':<9} {'username':<24} password")
    for row in rows:
        click.echo(
            f"{row['role']:<14} {row['customer_number'] or '-':<9} {row['username']:<24} {row['password']}"
        )


@outbox_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list for scripts.")
@click.option("--limit", default=20, show_default=True, help="How many messages, newest first.")
def outbox_list(as_json: bool, limit: int) -> None:
    """The latest messages, newest first (the body only in development)."""
    from app.services.notifications import latest_messages

    rows = latest_messages(limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['created_at']}  {row['channel']:<5} {row['status']:<7} {row['recipient']:<32} {row['subject']}")
        if "body" in row:
            click.echo("    " + row["body"].replace("\n", "\n    "))


@outbox_cli.command("deliver")
@click.option("--limit", default=100, show_default=True, help="At most this many messages.")
def outbox_deliver(limit: int) -> None:
    """Send every queued message that is due; failures stay queued for the next run."""
    from app.services.notifications import deliver_due

    counts = deliver_due(limit)
    click.echo(f"sent {counts['sent']}, failed {counts['failed']}")


jobs_cli = AppGroup("jobs", help="Scheduled jobs (R-JOB): list, run once, or serve.")


@jobs_cli.command("list")
def jobs_list() -> None:
    """Every job with its interval."""
    from app.services.jobs.registry import JOBS

    for job in JOBS.values():
        click.echo(f"{job.name:<22} every {job.interval_seconds:>6} s  {job.description}")


@jobs_cli.command("run")
@click.argument("name")
def jobs_run(name: str) -> None:
    """Run one job now (or `all`), e.g. from cron on a host without the scheduler."""
    from flask import current_app

    from app.services.jobs.registry import JOBS, run_job
    from app.jobs.scheduler import as_job_runner

    if name != "all" and name not in JOBS:
        raise click.BadParameter(f"unknown job; one of: all, {', '.join(JOBS)}", param_hint="NAME")
    as_job_runner(current_app._get_current_object())
    for job_name in JOBS if name == "all" else [name]:
        click.echo(f"{job_name}: {run_job(job_name)}")


@jobs_cli.command("serve")
def jobs_serve() -> None:
    """Run the scheduler; only one process at a time holds its lock (R-JOB-4)."""
    from flask import current_app

    from app.jobs.scheduler import serve

    serve(current_app._get_current_object(), echo=click.echo)


def register_cli(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(roles_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(jobs_cli)
