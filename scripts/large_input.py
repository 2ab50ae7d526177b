"""Peak memory and time of ``align translate`` (Apertium) and ``align align`` on large inputs.

    python3 scripts/large_input.py [--mb 1 2 4 8] [--skip-translate | --skip-align] [--method anchors]

For each size, a French text of that many megabytes (newstest2013's French, repeated, one
paragraph per line with the sentences of five lines per paragraph) and its English translation
(newstest2013's English, repeated the same way) are written to a temporary folder; then

* ``align translate FR.txt --engine apertium --no-cache`` and
* ``align align FR.txt EN.txt --method anchors``

run in a child process each, and the child's peak resident memory (ru_maxrss), wall time and CPU
time (with Apertium's processes) are printed, with memory and CPU time per input megabyte: if either
grew with the square of the input, the per-megabyte figures would double with each doubling of the size. The 50 MB run of issue 21 is
``--mb 50`` (ALIGN_MAX_INPUT_MB is raised for the runs; at the default limit, 64 MB, it passes).

Measured (issue 21, shared 2-core machine, so CPU seconds rather than wall):
translate 1/2/4/8/50 MB: peak 66/103/176/322/1836 MB, 36.6/30.4/30.1/30.3/29.3 CPU s per MB;
align (anchors) 1/2/4/50 MB: peak 207/313/478/4984 MB, 30.6/29.9/23.5/19.1 CPU s per MB. Linear in both.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ALIGN_SHARED", REPO.parent / "shared"))
LINES_PER_PARAGRAPH = 5


def write_repeated(source: Path, target: Path, megabytes: float) -> int:
    """``source``'s lines repeated into ``target`` until it holds ``megabytes``; returns the lines written."""
    lines = source.read_text(encoding="utf-8").splitlines()
    wanted = int(megabytes * 2**20)
    written = count = 0
    with open(target, "w", encoding="utf-8") as handle:
        while written < wanted:
            for start in range(0, len(lines), LINES_PER_PARAGRAPH):
                paragraph = " ".join(lines[start:start + LINES_PER_PARAGRAPH]) + "\n"
                handle.write(paragraph)
                written += len(paragraph.encode("utf-8"))
                count += LINES_PER_PARAGRAPH
                if written >= wanted:
                    break
    return count


def measure(args: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak MB, exit code) of ``python -m align ARGS``, counting the
    processes it starts (Apertium). CPU seconds are the figure to compare on a shared machine."""
    script = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
              "stderr=subprocess.DEVNULL); u = resource.getrusage(resource.RUSAGE_CHILDREN); "
              "print(p.returncode, u.ru_maxrss, u.ru_utime + u.ru_stime)")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script, sys.executable, "-m", "align", *args],
                          capture_output=True, text=True, env=env, cwd=REPO)
    seconds = time.monotonic() - started
    code, peak_kb, cpu = done.stdout.split()
    return seconds, float(cpu), int(peak_kb) / 1024, int(code)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[1, 2, 4])
    parser.add_argument("--skip-translate", action="store_true", help="only align (Apertium is the slow part)")
    parser.add_argument("--method", default="anchors", choices=["anchors", "gale-church"])
    parser.add_argument("--skip-align", action="store_true", help="only translate")
    args = parser.parse_args()
    env = {**os.environ, "ALIGN_MAX_INPUT_MB": str(max(args.mb) * 2 + 1), "PYTHONPATH": str(REPO)}
    mt = SHARED / "data" / "mt"
    print(f"{'job':<10} {'MB':>6} {'lines':>8} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'CPU s/MB':>9} "
          f"{'peak MB/MB':>10}  exit")
    with tempfile.TemporaryDirectory(prefix="align-large-") as folder:
        work = Path(folder)
        for size in args.mb:
            french, english = work / f"fr-{size:g}.txt", work / f"en-{size:g}.txt"
            lines = write_repeated(mt / "newstest2013.fr-en.fr", french, size)
            write_repeated(mt / "newstest2013.fr-en.en", english, size)
            jobs = [] if args.skip_translate else [
                ("translate", ["translate", str(french), "-o", str(work / "out"), "--engine", "apertium",
                               "--no-cache", "--force"])]
            if not args.skip_align:
                jobs.append(("align", ["align", str(french), str(english), "-o", str(work / "pair.tei.xml"),
                                       "--method", args.method]))
            for name, job in jobs:
                seconds, cpu, peak, code = measure(job, env)
                print(f"{name:<10} {size:>6g} {lines:>8} {seconds:>8.1f} {cpu:>8.1f} {peak:>8.0f} {cpu / size:>9.1f} "
                      f"{peak / size:>10.1f}  {code}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
