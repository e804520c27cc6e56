"""The ``ledger`` command line.

Errors are turned into one line on stderr in one place, :class:`LedgerGroup`,
with the exit codes of :mod:`ledger.policy` (a ledger error 1, a usage error 2,
a failed verification or a damaged store 3); bad input never shows a traceback.
Commands live in their own modules and are registered at the end of this one.
"""

from __future__ import annotations

from typing import Any

import click

from cli.commands import LazyCommands
from cli.progress import progress_on_stderr
from cli.settings import WHEN_HELP, Settings
from cli.text_input import require_text
from domain.errors import DamagedStoreError, DamagedViewError, LedgerError
from ledger.formats.safe_text import printable
from ledger.policy import EXIT_FAILED, EXIT_NOT_VERIFIED, EXIT_USAGE, exit_code


def _version() -> str:
    # importlib.metadata is slow to import: only when --version is asked for.
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version("provenance-ledger")
    except PackageNotFoundError:
        return "unknown"


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"ledger, version {_version()}")
        ctx.exit()


class FailedError(click.ClickException):
    """A ledger error, shown as one line (``Error: ...``); exit code 1."""

    exit_code = EXIT_FAILED


class NotVerifiedError(click.ClickException):
    """The ledger, a checkpoint or a proof does not verify; exit code 3."""

    exit_code = EXIT_NOT_VERIFIED


def _failure(error: LedgerError, ctx: click.Context) -> click.ClickException:
    """``error`` as one line on stderr, with the exit code :mod:`ledger.policy` gives it and the way out."""
    message = str(error)
    if isinstance(error, DamagedViewError):
        message += "; `ledger projections rebuild` makes the views again from the log"
    elif isinstance(error, DamagedStoreError) and ctx.invoked_subcommand != "verify":
        message += "; `ledger verify` checks the whole store"
    shown = {EXIT_FAILED: FailedError, EXIT_NOT_VERIFIED: NotVerifiedError}[exit_code(error)]
    return shown(printable(message))


class MisusedError(click.ClickException):
    """A usage error, shown as one line with a pointer to the help; exit code 2."""

    exit_code = EXIT_USAGE


class LedgerGroup(click.Group):
    """The top-level group: every expected error becomes one line on stderr.

    Parsing errors of the global options surface in ``make_context``; those
    of subcommands, and ledger errors, surface in ``invoke``.
    """

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:
            raise _one_line(error) from None
        except LedgerError as error:
            raise _failure(error, click.Context(self, info_name=info_name)) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with progress_on_stderr(quiet=bool(ctx.params.get("quiet"))):
                return super().invoke(ctx)
        except click.UsageError as error:
            raise _one_line(error) from None
        except LedgerError as error:
            raise _failure(error, ctx) from None
        except Exception as error:
            # The ledger translates its store's errors; this catches any that slips past. (The
            # storage module is not loaded before a command runs: --help does without it.)
            from ledger.storage import damage  # noqa: PLC0415

            if not isinstance(error, damage.STORE_ERRORS):
                raise
            raise _failure(damage.storage_error(error, "the ledger"), ctx) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS.names})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS.names:
            self.add_command(COMMANDS.load(cmd_name), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Listed from their summaries, so that --help imports no command's module (nor the ledger).
        listed = [(name, COMMANDS.summary(name, self.commands.get(name))) for name in self.list_commands(ctx)]
        if listed:
            limit = formatter.width - 6 - max(len(name) for name, _ in listed)
            rows = [(name, command.get_short_help_str(limit)) for name, command in listed]
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _one_line(error: click.UsageError) -> click.ClickException:
    if isinstance(error, click.exceptions.NoArgsIsHelpError):
        return error  # a group called alone prints its help
    hint = f" Try '{error.ctx.command_path} -h' for help." if error.ctx is not None else ""
    return MisusedError(printable(error.format_message().rstrip() + hint))


@click.group(
    cls=LedgerGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=f"WHEN, wherever a command takes one, is {WHEN_HELP}.",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and exit.",
)
@click.option(
    "--db",
    metavar="URL",
    help="The ledger: a file path, sqlite:///PATH, :memory: or "
    "postgresql://USER:PASSWORD@HOST/DB?schema=NAME (default: $LEDGER_URL, else ./ledger.db).",
)
@click.option(
    "--by",
    metavar="NAME",
    help="Who records, stored with each entry (default: $LEDGER_USER, else your user).",
)
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="No progress bars on stderr (shown for long work only when stderr is a terminal).",
)
@click.pass_context
def ledger(ctx: click.Context, db: str | None, by: str | None, quiet: bool) -> None:
    """A provenance ledger of posts, claims, reviews and requests for comment.

    Record with one command per thing that happened; read timelines, states,
    listings, the log and its replay; import case files. Subjects are named
    KIND/SLUG (actor/, source/, post/, claim/, comment/, case/); a comment/...
    is a request for comment sent to someone, not a reader's comment.

    \b
    Example:
      ledger demo
      ledger --db story.db post delete post/labour-linkedin-invite --at 2024-10-14..2024-10-18
    """
    ctx.obj = Settings(db=db, by=by)


COMMANDS = LazyCommands()
"""Every command of the group, imported only when run (or asked for its own help)."""
# Text must be text, in the global options too (each command's are checked as it loads).
require_text(ledger)


def main() -> None:
    """Run the ``ledger`` command."""
    ledger()
