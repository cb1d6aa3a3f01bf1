"""Benchmark the exposure scanner against ripgrep and Presidio on one corpus.

    python bench/exposure_scan.py                      # 25,000 people, 64 MB
    python bench/exposure_scan.py --people 2000 --mb 8 # quick run

SYNTHETIC TEST DATA: the roster and corpus are generated with a fixed seed
(Faker and random choice); no real person's data is used.

Prints, from one run: index build time, the scanner's end-to-end MB/s
(JSON parsing and normalisation included), ripgrep ``-F -f`` over the same
corpus with the literal roster values, Presidio's deny-list recognizer over
the first --presidio-mb MB, their ratios, p95 latency on 10 KB documents,
peak memory (``resource.getrusage`` max RSS of this process) and recall and
precision on the planted exposures, plus the alert rate on clean background.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exposure.scanner import Scanner, build_index, scan_jsonl
from exposure.scanner.eval.generate import flyer, relative_post
from exposure.scanner.eval.synthetic import Synthetic, iter_background, ocr_noise

KEY = b"benchmark-key-synthetic-not-secret"


def load_average() -> str:
    """Return the 1/5/15-minute load averages: the machine is shared."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def rss_mb() -> float:
    """Return this process's peak resident set size in MB (Linux: ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """Return this process's current resident set size in MB."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


def write_corpus(
    path: Path, synthetic: Synthetic, roster: list, megabytes: float, plant_every: int
) -> dict[str, list[str]]:
    """Write the JSONL corpus; return id -> expected exposed roster ids."""
    rng = synthetic.rng
    labels: dict[str, list[str]] = {}
    total = int(megabytes * 2**20)
    written = 0
    number = 0
    with open(path, "w", encoding="utf-8") as handle:
        for text in iter_background(synthetic, total):
            number += 1
            expected: list[str] = []
            if number % plant_every == 0:
                person = rng.choice(roster)
                kind = rng.random()
                if kind < 0.75:
                    planted = flyer(
                        person,
                        synthetic,
                        rng.random() < 0.35,
                        rng.sample(["address", "phone", "email", "plate"], rng.randint(1, 2)),
                    )
                else:
                    planted = relative_post(person, synthetic)
                if rng.random() < 0.2:
                    planted = ocr_noise(planted, rng.uniform(0.01, 0.04), rng)
                cut = rng.randint(0, len(text))
                text = text[:cut] + "\n" + planted + "\n" + text[cut:]
                expected = [person.id]
            document_id = f"B{number:07d}"
            labels[document_id] = expected
            line = json.dumps({"id": document_id, "text": text}, ensure_ascii=False) + "\n"
            handle.write(line)
            written += len(line.encode())
            if written >= total:
                break
    return labels


def write_patterns(path: Path, roster: list) -> int:
    """Write the literal roster values, one per line, for ``rg -F -f``."""
    values: set[str] = set()
    for person in roster:
        values.add(person.full_name)
        values.update(person.aliases)
        values.update(address.split(",")[0] for address in person.addresses)
        values.update(person.phones)
        values.update(person.emails)
        values.update(person.plates)
        values.update(relative.name for relative in person.relative_list())
    values.discard("")
    path.write_text("\n".join(sorted(values)) + "\n", encoding="utf-8")
    return len(values)


def run_ripgrep(patterns: Path, corpus: Path) -> tuple[float | None, float | None, str]:
    """Time ``rg -F -c -f patterns corpus`` end to end (pattern compile included)."""
    rg = shutil.which("rg") or "/usr/bin/rg"
    if not Path(rg).exists():
        return None, None, "ripgrep not installed (apt-get install ripgrep)"
    version = subprocess.run([rg, "--version"], capture_output=True, text=True).stdout.split("\n")[
        0
    ]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(
        [rg, "-F", "-c", "-f", str(patterns), str(corpus)], capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    if completed.returncode not in (0, 1):
        return None, None, f"{version} failed: {completed.stderr.strip()[:200]}"
    return elapsed, cpu, f"{version}, matching lines={completed.stdout.strip()}"


def run_presidio(
    roster: list, corpus: Path, megabytes: float
) -> tuple[float | None, float | None, str]:
    """Time Presidio's PatternRecognizer(deny_list=roster names) over the first MBs."""
    try:
        from presidio_analyzer import PatternRecognizer
    except ImportError as error:
        return None, None, f"presidio-analyzer not installed ({error}); no figure"
    names = sorted({person.full_name for person in roster})
    started = time.perf_counter()
    recognizer = PatternRecognizer(supported_entity="ROSTER_NAME", deny_list=names)
    build = time.perf_counter() - started
    budget = int(megabytes * 2**20)
    texts: list[str] = []
    size = 0
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["text"]
            texts.append(text)
            size += len(text.encode())
            if size >= budget:
                break
    found = 0
    cpu_started = time.process_time()
    started = time.perf_counter()
    for text in texts:
        found += len(recognizer.analyze(text, entities=["ROSTER_NAME"]))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return (
        size / 2**20 / elapsed,
        size / 2**20 / cpu,
        (
            f"{len(names)} names, build {build:.1f} s, "
            f"{size / 2**20:.2f} MB in {elapsed:.1f} s wall, {cpu:.1f} s CPU, {found} results"
        ),
    )


def latency_p95(
    scanner: Scanner, corpus: Path, documents: int = 500
) -> tuple[float, float, float, float]:
    """Return wall (p50, p95) and CPU (p50, p95) ms to scan 10 KB documents from the corpus.

    On a shared machine the wall tail is mostly time spent descheduled; the
    thread CPU time shows what the scan itself costs.
    """
    chunks: list[str] = []
    buffer = ""
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            buffer += json.loads(line)["text"] + "\n"
            while len(buffer) >= 10_240 and len(chunks) < documents:
                chunks.append(buffer[:10_240])
                buffer = buffer[10_240:]
            if len(chunks) >= documents:
                break
    for chunk in chunks[:20]:
        scanner.scan(chunk)  # warm the caches, as a long-lived worker would be
    timings = []
    cpu_timings = []
    for chunk in chunks:
        cpu_started = time.thread_time()
        started = time.perf_counter()
        scanner.scan(chunk)
        timings.append((time.perf_counter() - started) * 1000)
        cpu_timings.append((time.thread_time() - cpu_started) * 1000)
    timings.sort()
    cpu_timings.sort()
    p95 = int(len(timings) * 0.95) - 1
    half = len(timings) // 2
    return timings[half], timings[p95], cpu_timings[half], cpu_timings[p95]


def main() -> None:
    """Generate the data, run every measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=25_000)
    parser.add_argument("--mb", type=float, default=64)
    parser.add_argument("--presidio-mb", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plant-every", type=int, default=4, help="plant into every Nth document")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating scanner and ripgrep runs (medians)"
    )
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "custos-exposure-bench"
    )
    arguments = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, load average {load_average()} at start")
    work = arguments.workdir
    work.mkdir(parents=True, exist_ok=True)
    random.seed(arguments.seed)

    started = time.perf_counter()
    synthetic = Synthetic(arguments.seed)
    roster = synthetic.roster(arguments.people)
    corpus, patterns = work / "corpus.jsonl", work / "patterns.txt"
    labels = write_corpus(corpus, synthetic, roster, arguments.mb, arguments.plant_every)
    pattern_count = write_patterns(patterns, roster)
    corpus_mb = corpus.stat().st_size / 2**20
    print(
        f"data: {len(roster)} synthetic people, {pattern_count} literal patterns, "
        f"corpus {corpus_mb:.1f} MB in {len(labels)} documents, "
        f"{sum(1 for v in labels.values() if v)} planted ({time.perf_counter() - started:.0f} s)"
    )

    gc.collect()
    rss_before = current_rss_mb()
    build_cpu_started = time.process_time()
    index = build_index(roster, key=KEY)
    build_cpu = time.process_time() - build_cpu_started
    # Making a scanner from the index (the compiled core copies the digests and
    # compiles its Hyperscan databases) is timed apart: like ripgrep compiling its
    # patterns, a one-off cost before the first document.
    construct_cpu_started = time.process_time()
    scanner = Scanner(index)
    construct_cpu = time.process_time() - construct_cpu_started
    route = "compiled core (exposure/native)" if scanner._core is not None else "pure Python"
    print(f"scanner route: {route}")
    rss_index = current_rss_mb() - rss_before
    print(
        f"index: build {index.stats.build_seconds:.2f} s wall, {build_cpu:.2f} s CPU; "
        f"scanner made from it in {construct_cpu:.2f} s CPU; "
        f"{index.stats.keys} keys, {index.stats.name_tokens} name-token digests, "
        f"{index.stats.prefix_triggers} prefix triggers, ~{rss_index:.0f} MB resident for "
        f"index+scanner; serialised {len(index.to_bytes()) / 2**20:.1f} MB"
    )

    # The bulk path as `custos exposure scan FILE.jsonl --out FILE` runs it: read the
    # JSONL file, parse each line, normalise, run every detector, decide, write a
    # result line. Quality is counted afterwards, outside the timed run. The scanner
    # and ripgrep run alternately --rounds times (a fresh scanner each round, so its
    # memos start cold as in one `custos exposure scan`), and the medians are
    # compared: this machine's speed drifts by tens of per cent within minutes.
    results_path = work / "results.jsonl"
    scan_rounds: list[tuple[float, float, float]] = []
    rg_rounds: list[tuple[float, float]] = []
    rg_note = ""
    for round_number in range(arguments.rounds):
        if round_number:
            construct_started = time.process_time()
            scanner = Scanner(index)
            construct_cpu = time.process_time() - construct_started
        cpu_started = time.process_time()
        started = time.perf_counter()
        with open(corpus, encoding="utf-8") as source, open(results_path, "w") as sink:
            scan_jsonl(source, sink, scanner)
        scan_rounds.append(
            (time.perf_counter() - started, time.process_time() - cpu_started, construct_cpu)
        )
        rg_wall, rg_cpu_round, rg_note = run_ripgrep(patterns, corpus)
        if rg_wall is not None and rg_cpu_round is not None:
            rg_rounds.append((rg_wall, rg_cpu_round))
    scan_seconds = statistics.median(wall for wall, _cpu, _make in scan_rounds)
    scan_cpu = statistics.median(cpu for _wall, cpu, _make in scan_rounds)
    construct_cpu = statistics.median(make for _wall, _cpu, make in scan_rounds)
    true_positive = false_positive = false_negative = 0
    background_alerts = 0
    background_chars = 0
    with open(corpus, encoding="utf-8") as source, open(results_path, encoding="utf-8") as results:
        for line, result_line in zip(source, results, strict=True):
            document, result = json.loads(line), json.loads(result_line)
            found = {exposure["person"] for exposure in result["exposures"]}
            expected = set(labels[document["id"]])
            true_positive += len(found & expected)
            false_positive += len(found - expected)
            false_negative += len(expected - found)
            if not expected:
                background_alerts += len(found)
                background_chars += len(document["text"])
    scanner_mbps = corpus_mb / scan_seconds
    print(
        f"scanner: {scan_seconds:.2f} s wall, {scan_cpu:.2f} s CPU end-to-end = "
        f"{scanner_mbps:.1f} MB/s wall, {corpus_mb / scan_cpu:.1f} MB/s per CPU-second "
        f"(scan_jsonl: read + JSON parse + normalisation + all detectors + decision + "
        f"result lines written, single thread)"
    )

    p50, p95, cpu_p50, cpu_p95 = latency_p95(scanner, corpus)
    print(
        f"latency 10 KB docs: wall p50 {p50:.2f} ms, p95 {p95:.2f} ms; "
        f"CPU p50 {cpu_p50:.2f} ms, p95 {cpu_p95:.2f} ms"
    )

    precision = true_positive / max(1, true_positive + false_positive)
    recall = true_positive / max(1, true_positive + false_negative)
    per_10mb = background_alerts / max(1e-9, background_chars / (10 * 2**20))
    print(
        f"quality on planted exposures: recall {recall:.4f}, precision {precision:.4f} "
        f"(tp={true_positive} fp={false_positive} fn={false_negative})"
    )
    print(
        f"alerts on clean background: {background_alerts} in {background_chars / 2**20:.1f} MB "
        f"= {per_10mb:.2f} per 10 MB"
    )
    print(
        f"peak memory (getrusage max RSS, whole process incl. data generation): {rss_mb():.0f} MB"
    )

    if not rg_rounds:
        print(f"ripgrep: NOT MEASURED: {rg_note}")
    else:
        rg_seconds = statistics.median(wall for wall, _cpu in rg_rounds)
        rg_cpu = statistics.median(cpu for _wall, cpu in rg_rounds)
        rg_mbps = corpus_mb / rg_seconds
        print(
            f"ripgrep -F -c -f ({pattern_count} literals): {rg_seconds:.2f} s wall, "
            f"{rg_cpu:.2f} s CPU = {rg_mbps:.1f} MB/s wall, {corpus_mb / rg_cpu:.1f} MB/s per "
            f"CPU-second end-to-end [{rg_note}]; scanner/rg = {scanner_mbps / rg_mbps:.2f}x wall, "
            f"{rg_cpu / scan_cpu:.2f}x CPU; scanner incl. making the scanner/rg = "
            f"{rg_cpu / (scan_cpu + construct_cpu):.2f}x CPU; scanner incl. index build and "
            f"making the scanner/rg = {rg_cpu / (scan_cpu + construct_cpu + build_cpu):.2f}x CPU"
        )
        print(
            "rounds (CPU s, scanner then ripgrep, alternating; medians above): "
            + "; ".join(
                f"{scan[1]:.2f} / {rg[1]:.2f}"
                for scan, rg in zip(scan_rounds, rg_rounds, strict=True)
            )
        )

    print(f"machine: load average {load_average()} after the scanner and ripgrep runs")
    presidio_mbps, presidio_cpu_mbps, presidio_note = run_presidio(
        roster, corpus, arguments.presidio_mb
    )
    if presidio_mbps is None or presidio_cpu_mbps is None:
        print(f"presidio: NOT MEASURED: {presidio_note}")
    else:
        print(
            f"presidio deny-list: {presidio_mbps:.4f} MB/s wall, {presidio_cpu_mbps:.4f} MB/s "
            f"per CPU-second ({presidio_note}); scanner/presidio = "
            f"{scanner_mbps / presidio_mbps:,.0f}x wall, "
            f"{corpus_mb / scan_cpu / presidio_cpu_mbps:,.0f}x CPU"
        )
    print(f"machine: load average {load_average()} at the end")


if __name__ == "__main__":
    main()
