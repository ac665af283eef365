"""`manage.py periodic_jobs [--cron | --systemd DIR] [--enqueue] [--project-dir D] [--user U]`.

Prints the periodic jobs (background/periodic.py) with their schedules; `--cron` prints them as
crontab lines and `--systemd DIR` writes a oneshot .service and a .timer for each into DIR. The
examples under deploy/ were written by this command with its defaults.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from background.periodic import PERIODIC_JOBS, PeriodicJob

UNIT_PREFIX = "coop-"


def unit_name(job: PeriodicJob) -> str:
    return UNIT_PREFIX + job.command.replace("_", "-")


def command_line(job: PeriodicJob, *, project_dir: str, enqueue: bool) -> str:
    line = f"{project_dir}/.venv/bin/python {project_dir}/manage.py {job.command}"
    return line + (" --enqueue" if enqueue else "")


def crontab(*, project_dir: str, enqueue: bool) -> str:
    lines = [
        "# Periodic jobs of the cooperative trade platform (manage.py periodic_jobs --cron).",
        "# cron mails whatever a job prints on failure; each exits non-zero when it fails.",
        "# The times are the server's local time: set it to Asia/Ho_Chi_Minh, or shift the daily job.",
    ]
    for job in PERIODIC_JOBS:
        lines.append(f"# {job.command}, {job.every}: {job.description}")
        lines.append(f"{job.cron} {command_line(job, project_dir=project_dir, enqueue=enqueue)}")
    return "\n".join(lines) + "\n"


def service_unit(job: PeriodicJob, *, project_dir: str, user: str, enqueue: bool) -> str:
    return (
        "[Unit]\n"
        f"Description=Cooperative trade platform: {job.command}\n"
        f"Documentation=file://{project_dir}/docs/tasks.md\n"
        "After=network-online.target postgresql.service\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"User={user}\n"
        f"WorkingDirectory={project_dir}\n"
        f"ExecStart={command_line(job, project_dir=project_dir, enqueue=enqueue)}\n"
    )


def timer_unit(job: PeriodicJob) -> str:
    return (
        "[Unit]\n"
        f"Description=Run {unit_name(job)}.service {job.every}\n"
        "\n"
        "[Timer]\n"
        f"OnCalendar={job.on_calendar}\n"
        "Persistent=true\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )


def systemd_units(*, project_dir: str, user: str, enqueue: bool) -> dict[str, str]:
    """File name → content of every unit."""
    units = {}
    for job in PERIODIC_JOBS:
        name = unit_name(job)
        units[f"{name}.service"] = service_unit(job, project_dir=project_dir, user=user, enqueue=enqueue)
        units[f"{name}.timer"] = timer_unit(job)
    return units


class Command(BaseCommand):
    help = "List the periodic jobs with their schedules, or write them as crontab lines or systemd timers."

    def add_arguments(self, parser):
        output = parser.add_mutually_exclusive_group()
        output.add_argument("--cron", action="store_true", help="Print crontab lines.")
        output.add_argument(
            "--systemd", metavar="DIR", type=Path, help="Write .service and .timer units into DIR."
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Have each job hand its work to the task worker."
        )
        parser.add_argument("--project-dir", default="/srv/coop", help="Where the site is installed.")
        parser.add_argument("--user", default="coop", help="The system user the jobs run as (systemd).")

    def handle(self, *args, cron, systemd, enqueue, project_dir, user, **options):
        project_dir = project_dir.rstrip("/") or "/"
        if cron:
            self.stdout.write(crontab(project_dir=project_dir, enqueue=enqueue), ending="")
            return
        if systemd is not None:
            if not systemd.is_dir():
                raise CommandError(f"{systemd} is not a directory.")
            for name, content in systemd_units(project_dir=project_dir, user=user, enqueue=enqueue).items():
                (systemd / name).write_text(content, encoding="utf-8")
                self.stdout.write(str(systemd / name))
            return
        width = max(len(job.command) for job in PERIODIC_JOBS)
        for job in PERIODIC_JOBS:
            self.stdout.write(f"{job.command:<{width}}  {job.cron:<12}  {job.every}")
            self.stdout.write(f"{'':<{width}}  {job.description}")
            self.stdout.write(f"{'':<{width}}  task {job.task}; systemd OnCalendar={job.on_calendar}")
