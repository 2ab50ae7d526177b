"""align's command line: a thin layer over the library.

Each command lives in its own module of this package and is imported only when
it runs, so that ``align --help`` starts fast. Errors that users cause (bad
input, no model) are raised as :class:`align.errors.AlignError` and printed as
one line, exit code 2; never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from align import __version__

#: command name -> (module in align.cli, attribute, one-line help for --help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "translate": ("translate", "translate", "Translate French articles into aligned TEI files."),
    "show": ("show", "show", "Print the sentence pairs of an aligned TEI file side by side."),
    "models": ("models", "models", "Install and list fr->en translation models (argos packages)."),
    "check-terms": ("terms", "check_terms", "Report names and terms spelled several ways."),
    "glossary": ("terms", "glossary", "Convert glossaries between TSV and TBX, and check them."),
    "align": ("align_texts", "align_texts", "Align an existing French text with its English version."),
    "export": ("export", "export", "Export aligned TEI to HTML, TMX, XCES or plain parallel text."),
    "import": ("export", "import_", "Import TMX or line-aligned text into aligned TEI."),
    "validate": ("show", "validate", "Validate aligned TEI files against align's schema."),
    "eval": ("evaluate", "evaluate", "Score a translation engine with BLEU and chrF against a reference."),
    "cache": ("cache", "cache", "Inspect or clear the translation memory."),
    "serve": ("serve", "serve", "Serve LibreTranslate's HTTP API and align's own, glossary enforced."),
    "doctor": ("doctor", "doctor", "Say what this installation can do and what to install for the rest."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module_name, attribute, _ = COMMANDS[name]
        module = importlib.import_module(f"align.cli.{module_name}")
        return getattr(module, attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="align")
def cli() -> None:
    """Translate French news into English offline, keep names consistent, align
    sentences and store everything as aligned TEI P5."""


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turn AlignError into one line on stderr."""
    from align.errors import AlignError

    try:
        result = cli.main(args=argv, prog_name="align", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("align: interrupted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except AlignError as exc:
        click.echo(f"align: error: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("align: interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    # ctx.exit(n) in a command (e.g. check-terms finding inconsistencies) returns n here
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
