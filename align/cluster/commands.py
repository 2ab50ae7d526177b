"""The ``--ray`` side of ``align translate``: inputs, connection, progress, messages.

The command line calls :func:`translate_on_ray` with what the user typed; it
prints the same lines as the local command (``ARTICLE -> OUT (N sentences)``,
``align: error: ...``, ``ARTICLE: up to date (OUT)``) plus a progress bar of
documents with their sentences per second.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable, Sequence

import click

from align.errors import InputError

#: the value of a bare ``--ray``: start a local Ray instance
LOCAL = "local"


def expand_inputs(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder stands for the ``*.txt`` files in it (sorted)."""
    articles: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.txt") if p.is_file())
            if not found:
                raise InputError(f"{path}: no .txt files in this folder")
            articles.extend(found)
        else:
            articles.append(path)
    return articles


def check_address(address: str) -> str | None:
    """None for a local instance, else the address to join; InputError when the
    value is not an address (``--ray FILE``: the option took the file as its value)."""
    if address == LOCAL:
        return None
    if address == "auto" or address.startswith("ray://") or _host_port(address):
        return address
    raise InputError(f"--ray {address}: not a Ray address (auto, ray://HOST:PORT or HOST:PORT); "
                     "write --ray alone after the files, or --ray=ADDRESS")


def _host_port(address: str) -> bool:
    host, _, port = address.rpartition(":")
    return bool(host) and port.isdigit()


def translate_on_ray(address: str, articles: Sequence[Path], output_dir: Path | None, settings,
                     on_written: Callable[[Path, object], None]) -> int:
    """Run ``align translate --ray``; the number of articles that failed."""
    from align.cluster.runtime import connect
    from align.cluster.translate import translate_corpus
    from align.translate import output_path

    jobs = [(article, output_path(article, output_dir)) for article in expand_inputs(articles)]
    local_cpus = _local_cpus(settings)
    with connect(check_address(address), num_cpus=local_cpus) as ray:
        progress = _Progress(len(jobs))
        try:
            outcomes = translate_corpus(ray, jobs, settings, lambda outcome: progress.show(outcome, on_written))
        finally:
            progress.close()
    failures = sum(outcome.status == "failed" for outcome in outcomes)
    if failures:
        click.echo(f"align: {failures} of {len(jobs)} article(s) failed", err=True)
    return failures


def _local_cpus(settings) -> int:
    """CPUs of a local instance: this machine's, or enough for the actors asked for plus a reader."""
    import os

    wanted = (settings.actors or 1) * settings.threads + 1
    return max(os.cpu_count() or 1, wanted)


class _Progress:
    """A bar of documents whose postfix is the sentences per second translated so far."""

    def __init__(self, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="doc", file=sys.stderr, disable=None, dynamic_ncols=True)
        self.sentences = 0
        self.start = time.monotonic()

    def show(self, outcome, on_written) -> None:
        if outcome.status == "written":
            on_written(outcome.article, outcome.document)
            self.sentences += outcome.sentences
            self.bar.write(f"{outcome.article} -> {outcome.output} ({outcome.sentences} sentences)",
                           file=sys.stderr)
        elif outcome.status == "up to date":
            self.bar.write(f"{outcome.article}: up to date ({outcome.output})", file=sys.stderr)
        else:
            self.bar.write(f"align: error: {outcome.error}", file=sys.stderr)
        elapsed = max(time.monotonic() - self.start, 1e-9)
        self.bar.set_postfix_str(f"{self.sentences} sentences, {self.sentences / elapsed:.1f} sentences/s")
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def align_pairs_on_ray(address: str, jobs, options, doubtful_below: float, report) -> list:
    """Run ``align align --pairs --ray``: one task a pair; the outcomes in ``jobs`` order."""
    import os

    from align.cluster.pairs import align_pairs
    from align.cluster.runtime import connect

    with connect(check_address(address), num_cpus=os.cpu_count() or 1) as ray:
        return align_pairs(ray, jobs, options, doubtful_below, report)
