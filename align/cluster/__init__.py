"""Running align's jobs on a Ray cluster (``--ray [ADDRESS]``).

Nothing here imports Ray at module level: ``align translate`` and ``align
align`` without ``--ray`` never load it, and with ``--ray`` but without the
``ray`` extra installed they stop with one line saying what to install.

* ``runtime.py``: joining a cluster (or starting a small local one), the
  environment the workers need.
* ``engines.py``: a pool of actors, each holding one loaded engine, seen by the
  driver as one ordinary Engine (``translate_batch`` / ``info``).
* ``translate.py``: the translation stream (segmentation on workers, engine
  calls on the actors, translation memory, glossary and TEI on the driver).
* ``pairs.py``: aligning the French/English pairs of a manifest, one task a pair.
"""
