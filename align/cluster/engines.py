"""A pool of Ray actors, each holding one loaded engine, used as one Engine.

Every actor loads the engine once (an argos model on its GPU, or on
``threads`` CPU threads; Apertium's pipeline) and translates the batches it is
sent. The driver sees an :class:`ActorPoolEngine` with the Engine interface
(``translate_batch`` and ``info``), so align.translate and align.enforce run on
the driver unchanged: the glossary, the translation memory and the
reassembly of each document stay there, and only the sentences that the memory
does not know reach an actor.

Each batch goes to one actor as it is (never split or merged with another
document's), so an actor computes exactly what the local engine would.
An actor whose process dies is restarted by Ray (``max_restarts``) and the
batches it held are sent again (``max_task_retries``): nothing is lost, and
since the driver assembles documents, nothing is written twice.
"""

from __future__ import annotations

import os
import queue
from typing import Sequence

from align.cluster.runtime import ClusterError, first_line
from align.engines.base import EngineInfo
from align.errors import ModelError

#: batches queued on one actor: one running, one waiting, so the actor never idles between calls
QUEUE_DEPTH = 2


class EngineHost:
    """What runs inside an actor: one engine, loaded once."""

    def __init__(self, engine_name: str | None, options: dict) -> None:
        from align.engines.base import get_engine
        from align.errors import AlignError

        self.error = ""
        self.engine = None
        try:
            self.engine = get_engine(engine_name, **options)
        except AlignError as exc:  # reported by ready(), not as a dead actor that Ray restarts forever
            self.error = str(exc)

    def ready(self) -> str:
        """"" when the engine is loaded, else why it is not."""
        return self.error

    def info(self) -> EngineInfo:
        return self.engine.info()

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return self.engine.translate_batch(sentences)

    def pid(self) -> int:
        return os.getpid()


class ActorPoolEngine:
    """``actors`` EngineHost actors behind the Engine interface; thread-safe.

    ``translate_batch`` blocks its calling thread until an actor has answered:
    the driver translates several documents at once from several threads.
    """

    def __init__(self, ray, actors: list, engine_info: EngineInfo) -> None:
        self._ray = ray
        self.actors = actors
        self._info = engine_info
        self._slots: queue.Queue = queue.Queue()
        for _ in range(QUEUE_DEPTH):
            for actor in actors:
                self._slots.put(actor)

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        batch = list(sentences)
        if not batch:
            return []
        actor = self._slots.get()
        try:
            return self._ray.get(actor.translate_batch.remote(batch))
        except self._ray.exceptions.RayTaskError as exc:  # the engine itself failed: its own error
            raise exc.cause if isinstance(exc.cause, Exception) else ClusterError(str(exc)) from None
        except self._ray.exceptions.RayError as exc:
            raise ClusterError(f"an engine actor was lost and could not be restarted: {first_line(exc)}") from None
        finally:
            self._slots.put(actor)

    def info(self) -> EngineInfo:
        return self._info

    def pids(self) -> list[int]:
        """The process id of every actor (tests kill one)."""
        return self._ray.get([actor.pid.remote() for actor in self.actors])


def start_pool(ray, engine_name: str | None, options: dict, *, actors: int, threads: int,
               gpus_per_actor: float) -> ActorPoolEngine:
    """Start ``actors`` engine actors and wait until each has loaded its engine.

    On CPU each actor reserves ``threads`` CPUs and the engine runs on as many
    threads; with ``gpus_per_actor`` each reserves that share of a GPU and the
    engine runs on ``cuda`` (unless ``options`` names a device).
    """
    options = dict(options)
    resources: dict = {"num_cpus": threads}
    if gpus_per_actor:
        resources = {"num_cpus": 1, "num_gpus": gpus_per_actor}
        options.setdefault("device", "cuda")
    if engine_name != "apertium":
        options.setdefault("threads", threads)
    remote_class = ray.remote(max_restarts=-1, max_task_retries=-1)(EngineHost)
    handles = [remote_class.options(**resources).remote(engine_name, options) for _ in range(actors)]
    errors = [error for error in ray.get([handle.ready.remote() for handle in handles]) if error]
    if errors:
        for handle in handles:
            ray.kill(handle)
        raise ModelError(errors[0])
    infos = ray.get([handle.info.remote() for handle in handles])
    if any(info != infos[0] for info in infos):
        raise ClusterError("the engine actors loaded different engines or models: "
                           "install the same model on every node")
    return ActorPoolEngine(ray, handles, infos[0])

