"""Joining a Ray cluster, or starting a small local one.

``connect(None)`` starts Ray on this machine (as ``ray.init(num_cpus=N)``) and
shuts it down afterwards; ``connect("auto")`` or ``connect("ray://head:10001")``
joins a running cluster and only disconnects. The workers get the
environment variables that choose align's files (``ARGOS_*``, ``ALIGN_*``,
``XDG_DATA_HOME``), so that an actor finds the same model as the driver, except
through Ray Client (``ray://``), where the driver's machine is not the cluster's.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from align.errors import AlignError

INSTALL_HINT = "pip install -e '.[ray]' (or pip install 'ray>=2.40,<3')"

#: environment variables that change which model or files align uses
FORWARDED_PREFIXES = ("ARGOS_", "ALIGN_")
FORWARDED_NAMES = ("XDG_DATA_HOME",)


class ClusterError(AlignError):
    """Ray is missing, the cluster cannot be reached, or it lost work it cannot redo."""


def import_ray():
    """The ray module, or ClusterError with one line saying how to install it."""
    try:
        import ray
    except ImportError:
        raise ClusterError(f"--ray needs Ray, which is not installed: {INSTALL_HINT}") from None
    return ray


def worker_env() -> dict[str, str]:
    """The variables of this process that workers must share with it."""
    return {
        name: value for name, value in os.environ.items()
        if name.startswith(FORWARDED_PREFIXES) or name in FORWARDED_NAMES
    }


@contextmanager
def connect(address: str | None, *, num_cpus: int | None = None) -> Iterator[object]:
    """Yield the ray module connected to ``address`` (None: a new local instance
    with ``num_cpus`` CPUs). Reuses a connection this process already has."""
    ray = import_ray()
    if ray.is_initialized():
        yield ray
        return
    options: dict = {
        "runtime_env": {"env_vars": worker_env()},
        "log_to_driver": False,  # actors' stray prints would break the progress bar; errors come back as values
        "logging_level": "ERROR",
    }
    if address is None:  # "local": a new instance, even where `ray start` runs one
        options.update(address="local", num_cpus=num_cpus, include_dashboard=False)
    elif address.startswith("ray://"):
        # Ray Client: the cluster's own environment is the workers' (this machine's variables
        # name files of this machine); a job config here also makes the client server start less surely
        options = {"address": address, "logging_level": "ERROR"}
    else:
        options["address"] = address
    try:
        ray.init(**options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        if address == "auto":
            raise ClusterError("--ray auto: no running Ray cluster found on this machine (start one with "
                               "`ray start --head`, or write --ray alone to start one for this run)") from None
        where = address or "a local Ray instance"
        raise ClusterError(f"cannot start or join {where}: {first_line(exc)}") from None
    try:
        yield ray
    finally:
        ray.shutdown()


def cluster_gpus(ray) -> int:
    """How many GPUs the cluster has (0 on a CPU-only cluster)."""
    return int(ray.cluster_resources().get("GPU", 0))


def cluster_cpus(ray) -> int:
    return int(ray.cluster_resources().get("CPU", 1))


def first_line(exc: BaseException) -> str:
    """An exception's message, first line only (its type's name when it has none)."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def absolute(path: Path) -> Path:
    """``path`` as workers must see it: their working folder is not the driver's."""
    return Path(os.path.abspath(path))


def as_given(message: str, *paths: Path) -> str:
    """``message`` (a worker's error) with each path as the user wrote it, not :func:`absolute`."""
    for path in paths:
        message = message.replace(str(absolute(path)), str(path))
    return message
