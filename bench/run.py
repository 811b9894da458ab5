#!/usr/bin/env python3
"""Build-time benchmark of viikko (and optionally Hugo) on generated programmes.

    python3 bench/run.py [--sizes 1000,10000,50000] [--runs 5] [--hugo KIT [--hugo-max 10000]]
                         [--serve-max N] [--kill-rounds N [--kill-max 10000]] [--no-build]
                         [--json FILE] [--work DIR]

Builds `target/release/viikko` (cargo build --release; --no-build uses the existing binary) and
copies it aside so that rebuilds in the repository during the run do not mix versions. For each
size it generates a programme with bench/generate.py (cached under /tmp/viikko-bench-cache, keyed
by size, seed and the generator's hash) and measures, with SOURCE_DATE_EPOCH fixed:
  full      build into an empty output folder, with no cache folder (`.viikko-cache/`)
  nochange  build again over the previous output
  oneedit   change one entry's title, then build (only the build is timed)
Wall time is measured around the process; peak RSS comes from `/usr/bin/time -f '%e %M'`.
"files written" counts output files whose inode changed (a build replaces only changed files).
For the last one-edit build it also reports the bytes of those files, and the time copying them
once takes (the least that replacing them can cost, whatever makes their bytes).
The last one-edit build is compared byte for byte with a clean build of the same content.
For sizes up to --serve-max it also starts `viikko serve` and times, over at least 7 edits, from
replacing an entry's file to the reload event the browser gets (debounce and check included), and
to the edited entry's page arriving with its new title.
--kill-rounds N: for each size up to --kill-max, N rounds of the kill -9 loop: each round changes
a title and adds or removes an entry, kills the rebuild at a random moment within the time a
rebuild takes, checks that every output file is its old or its new version, then that the next
build equals a clean build of the same content.
--hugo KIT: for each size up to --hugo-max also runs KIT/gen_content.py (the Hugo comparison kit:
it writes the same programme in our format and as a Hugo site) and times
`hugo --quiet -s TMP/hugo -d OUT` against viikko on TMP/content, interleaved, both into empty
output folders (and viikko without its cache folder). Prints tables, then each goal measured
(GOALS: one edit at 10,000 entries within 0.5 s, ...) with whether it is met, then the results
as JSON.
"""
import argparse
import hashlib
import queue
import random
import socket
import threading
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = os.path.join(REPO, "bench", "generate.py")
CACHE = "/tmp/viikko-bench-cache"
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1790000000")


def run_timed(cmd):
    """Runs cmd; returns (wall seconds, peak RSS in MB, stdout). Fails loudly on a non-zero exit."""
    with tempfile.NamedTemporaryFile("r") as stats:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", stats.name, *cmd],
                           env=ENV, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}{p.stderr[-4000:]}")
        rss_kb = int(stats.read().split()[-1])
    return wall, rss_kb / 1024, p.stdout


TRASH = []  # [folder, whether it is in memory] once main() has made it


def rmtree(path):
    """Moves an output tree aside; on disk, trees are deleted only when the run ends. Deleting
    thousands of files right before a timed build would charge that build for the kernel's slow
    inode allocation next to recently freed inodes (on ext4 without a journal it skips inodes
    freed in the last ~30 s), which made timings of either tool vary by 2x or more. In memory
    (tmpfs) a tree kept is memory taken: three 50,000-entry outputs outgrew 24 GB."""
    for p in (path, path + ".viikko-new", path + ".viikko-old"):
        if os.path.exists(p):
            aside = os.path.join(TRASH[0], str(len(os.listdir(TRASH[0]))))
            os.rename(p, aside)
            if TRASH[1]:
                shutil.rmtree(aside)


def in_memory(path):
    """Whether `path` is on tmpfs, by the longest mount point in /proc/mounts that holds it."""
    path, kind, longest = os.path.realpath(path), None, -1
    with open("/proc/mounts") as mounts:
        for line in mounts:
            _, mount, fs = line.split()[:3]
            inside = path == mount or path.startswith(mount.rstrip("/") + "/")
            if inside and len(mount) > longest:
                kind, longest = fs, len(mount)
    return kind == "tmpfs"


def inodes(tree):
    found = {}
    for d, _, names in os.walk(tree):
        for n in names:
            p = os.path.join(d, n)
            found[os.path.relpath(p, tree)] = os.stat(p).st_ino
    return found


def tree_size(tree):
    """(file count, bytes), counting hard-linked files once."""
    sizes = {}
    for d, _, names in os.walk(tree):
        for n in names:
            st = os.stat(os.path.join(d, n))
            sizes[st.st_ino] = st.st_size
    return len(inodes(tree)), sum(sizes.values())


def written(before, after):
    return sum(1 for path, ino in after.items() if before.get(path) != ino)


def rewritten(before, after, tree):
    """The files of `tree` a build replaced (their inode changed), and their bytes in all."""
    paths = [p for p, ino in after.items() if before.get(p) != ino]
    return paths, sum(os.stat(os.path.join(tree, p)).st_size for p in paths)


def copy_seconds(tree, paths, work):
    """Seconds copying `paths` of `tree` once takes, into a folder beside the output."""
    dest = os.path.join(work, "copy-floor")
    rmtree(dest)
    os.makedirs(dest)
    start = time.perf_counter()
    for i, p in enumerate(paths):
        shutil.copyfile(os.path.join(tree, p), os.path.join(dest, str(i)))
    elapsed = time.perf_counter() - start
    rmtree(dest)
    return elapsed


def differences(a, b):
    """Paths that are missing on one side or whose bytes differ."""
    fa, fb = set(inodes(a)), set(inodes(b))
    diff = sorted(fa ^ fb)
    for rel in sorted(fa & fb):
        with open(os.path.join(a, rel), "rb") as x, open(os.path.join(b, rel), "rb") as y:
            if x.read() != y.read():
                diff.append(rel)
    return diff


def snapshot(tree):
    """Each file's digest, by path below `tree`."""
    found = {}
    for d, _, names in os.walk(tree):
        for n in names:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                found[os.path.relpath(p, tree)] = hashlib.sha1(f.read()).digest()
    return found


def bench_kills(viikko, n, rounds, seed, work):
    """`kill -9` at random moments of rebuilds of an n-entry site: after each kill every file of
    the output must be its old or its new version (absent counting as a version), and the next
    build must finish the job and equal a clean build of the same content."""
    src = cached("ours", n, seed, GENERATOR, [GENERATOR, "--entries", str(n)])
    root = os.path.join(work, f"kills-{n}")
    rmtree(root)
    shutil.copytree(src, root)
    out, reference = os.path.join(root, "public"), os.path.join(work, f"kills-{n}-reference")
    build = lambda target: run_timed([viikko, "build", "--root", root, "--output", target])
    build(out)
    programme = os.path.join(root, "content", "programme")
    org = sorted(os.listdir(programme))[0]
    entry = os.path.join(programme, org, sorted(os.listdir(os.path.join(programme, org)))[1])
    extra = os.path.join(programme, org, "valilla.md")
    original = open(entry, encoding="utf-8").read()
    with open(entry, "w", encoding="utf-8") as f:
        f.write(original.replace("title: \"", "title: \"Mitattu ", 1))
    span = build(out)[0]
    rng = random.Random(seed)
    killed = journals = 0
    for r in range(rounds):
        old = snapshot(out)
        with open(entry, "w", encoding="utf-8") as f:
            f.write(original.replace("title: \"", f"title: \"Versio {r} ", 1))
        if r % 2 == 0:
            shutil.copy(entry, extra)
        else:
            os.remove(extra)
        child = subprocess.Popen([viikko, "build", "--root", root, "--output", out], env=ENV,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, span))
        if child.poll() is None:
            killed += 1
        elif child.returncode != 0:
            sys.exit(f"kills: round {r}: the build failed")
        child.kill()
        child.wait()
        now = snapshot(out)
        journals += os.path.exists(out + ".viikko-journal")
        # Not kept for the end, as timed trees are: rounds would fill the disk.
        shutil.rmtree(reference, ignore_errors=True)
        build(reference)
        new = snapshot(reference)
        for path in set(now) | set(old) | set(new):
            if now.get(path) not in (old.get(path), new.get(path)):
                sys.exit(f"kills: round {r}: {path} is neither the old nor the new version")
        build(out)
        if snapshot(out) != new:
            sys.exit(f"kills: round {r}: the build after the kill differs from a clean one")
        left = [p for p in os.listdir(root) if p.startswith("public.viikko-")]
        if left:
            sys.exit(f"kills: round {r}: left behind {left}")
        print(f"  round {r + 1}/{rounds}: {killed} killed mid-way so far", file=sys.stderr)
    rmtree(out)
    rmtree(reference)
    rmtree(root)
    return {"entries": n, "rounds": rounds, "killed": killed, "journals": journals,
            "rebuild_s": span}


def summary(samples):
    walls, rss = [s[0] for s in samples], [s[1] for s in samples]
    return {"median_s": statistics.median(walls), "min_s": min(walls),
            "median_rss_mb": statistics.median(rss), "max_rss_mb": max(rss),
            "internal_ms": [s[2] for s in samples]}


def internal_ms(stdout):
    m = re.search(r"(\d+) ms", stdout)
    return int(m.group(1)) if m else None


def cached(kind, n, seed, source, command):
    """A generated tree under CACHE, made once per size, seed and generator version."""
    with open(source, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:10]
    path = os.path.join(CACHE, f"{kind}-{n}-s{seed}-{digest}")
    if not os.path.isdir(path):
        subprocess.run([sys.executable, *command, "--out", path + ".tmp", "--seed", str(seed)],
                       check=True, stdout=subprocess.DEVNULL)
        os.rename(path + ".tmp", path)
    return path


def bench_ours(viikko, n, runs, seed, work):
    src = cached("ours", n, seed, GENERATOR, [GENERATOR, "--entries", str(n)])
    root, out = os.path.join(work, f"site-{n}"), os.path.join(work, f"out-{n}")
    rmtree(root)
    shutil.copytree(src, root)
    check = subprocess.run([viikko, "check", "--root", root], env=ENV, capture_output=True, text=True)
    if check.returncode != 0:
        sys.exit(f"generated {n}-entry site does not pass `viikko check`:\n{check.stderr[-4000:]}")
    build = [viikko, "build", "--root", root, "--output", out]
    rmtree(out)
    run_timed(build)  # warm-up: writes calendar.lock and fills the page cache
    res = {"entries": n}

    full = []
    for _ in range(runs):
        rmtree(out)
        rmtree(os.path.join(root, ".viikko-cache"))
        wall, rss, so = run_timed(build)
        full.append((wall, rss, internal_ms(so)))
    res["full"] = summary(full)
    res["output_files"], res["output_bytes"] = tree_size(out)

    lock = os.path.join(root, "content", "calendar.lock")
    nochange, counts = [], []
    for _ in range(runs):
        before, lock_before = inodes(out), open(lock, "rb").read()
        wall, rss, so = run_timed(build)
        nochange.append((wall, rss, internal_ms(so)))
        counts.append(written(before, inodes(out)))
        if open(lock, "rb").read() != lock_before:
            counts[-1] = f"{counts[-1]} (calendar.lock changed!)"
    res["nochange"] = summary(nochange) | {"files_written": counts}

    programme = os.path.join(root, "content", "programme")
    entry = sorted(os.path.join(o, f) for o in os.listdir(programme)
                   for f in os.listdir(os.path.join(programme, o)) if f != "_index.md")[n // 2]
    path = os.path.join(programme, entry)
    text = open(path, encoding="utf-8").read()
    title = re.search(r'^title: "(.*)"$', text, re.M).group(1)
    edits, counts = [], []
    verify = os.path.join(work, f"verify-{n}")
    for i in range(runs):
        changed = text.replace(f'title: "{title}"', f'title: "{title} (muutos {i + 1})"', 1)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(changed)
        os.replace(path + ".tmp", path)
        if i == runs - 1:  # keep the inputs of the last edit for the clean build
            rmtree(verify)
            shutil.copytree(os.path.join(root, "content"), os.path.join(verify, "content"))
        before = inodes(out)
        wall, rss, so = run_timed(build)
        edits.append((wall, rss, internal_ms(so)))
        after = inodes(out)
        counts.append(written(before, after))
    res["oneedit"] = summary(edits) | {"files_written": counts, "entry": entry}
    paths, size = rewritten(before, after, out)
    copies = [copy_seconds(out, paths, work) for _ in range(runs)]
    res["oneedit"]["bytes_written"] = size
    res["oneedit"]["copy_written_median_s"] = statistics.median(copies)

    clean = os.path.join(work, f"verify-out-{n}")
    rmtree(clean)
    run_timed([viikko, "build", "--root", verify, "--output", clean])
    diff = differences(out, clean)
    same_lock = open(lock, "rb").read() == open(os.path.join(verify, "content", "calendar.lock"), "rb").read()
    res["oneedit"]["identical_to_clean_build"] = not diff and same_lock
    res["oneedit"]["differences"] = diff[:20] + ([] if same_lock else ["content/calendar.lock"])
    for p in (root, verify):
        rmtree(p)
    rmtree(out)
    rmtree(clean)
    return res


def bench_serve(viikko, n, runs, seed, work):
    """Save-to-reload in `viikko serve`: from replacing an entry file to the reload event, and to
    the edited entry's page arriving with the new title (the page is rendered when asked for).
    Timed in the steady state: a feed is fetched first, so the server has made everything."""
    src = cached("ours", n, seed, GENERATOR, [GENERATOR, "--entries", str(n)])
    root = os.path.join(work, f"serve-{n}")
    rmtree(root)
    shutil.copytree(src, root)
    server = subprocess.Popen([viikko, "serve", "--root", root, "--port", "18111"], env=ENV,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in server.stdout], daemon=True).start()
    try:
        port = None
        while port is None:
            m = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*)", lines.get(timeout=300))
            port, base = (int(m.group(1)), m.group(2)) if m else (None, None)
        events = socket.create_connection(("127.0.0.1", port))
        events.sendall(b"GET /__viikko/events HTTP/1.1\r\nHost: x\r\n\r\n")
        reader = events.makefile("rb")
        reloads = queue.Queue()
        threading.Thread(target=lambda: [reloads.put(time.perf_counter()) for l in reader
                                         if l.startswith(b"event: reload")], daemon=True).start()
        programme = os.path.join(root, "content", "programme")
        org = sorted(os.listdir(programme))[0]
        name = sorted(os.listdir(os.path.join(programme, org)))[1]
        path = os.path.join(programme, org, name)
        page = f"{base}ohjelma/{org}/{name[:-3]}/"
        get = lambda url: urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=120).read()
        get(f"{base}kalenteri/koko-ohjelma.ics")
        get(page)
        time.sleep(1)
        text = open(path, encoding="utf-8").read()
        latencies, to_page, internal = [], [], []
        for i in range(runs):
            while not lines.empty():
                lines.get()
            title = f"({i + 1}) "
            with open(path + ".tmp", "w", encoding="utf-8") as f:
                f.write(text.replace("title: \"", f"title: \"{title}", 1))
            started = time.perf_counter()
            os.replace(path + ".tmp", path)
            latencies.append(reloads.get(timeout=60) - started)
            body = get(page).decode()
            to_page.append(time.perf_counter() - started)
            if title not in body:
                sys.exit(f"serve: {page} lacks the new title {title!r} after the reload")
            internal.append(internal_ms(lines.get(timeout=5)))
            time.sleep(0.5)
        events.close()
    finally:
        server.terminate()
        server.wait()
        rmtree(root)
    return {"entries": n, "median_s": statistics.median(latencies), "min_s": min(latencies),
            "page_median_s": statistics.median(to_page), "build_ms": internal}


def bench_hugo(kit, viikko, n, runs, seed, work):
    generator = os.path.join(kit, "gen_content.py")
    src = cached("hugo", n, seed, generator, [generator, "--events", str(n)])
    root = os.path.join(work, f"hugo-{n}")
    rmtree(root)
    shutil.copytree(src, root)
    out_h, out_v = os.path.join(work, f"hugo-out-{n}"), os.path.join(work, f"viikko-out-{n}")
    cmds = {"hugo": (["hugo", "--quiet", "-s", os.path.join(root, "hugo"), "-d", out_h], out_h),
            "viikko": ([viikko, "build", "--root", root, "--output", out_v], out_v)}
    samples = {"hugo": [], "viikko": []}
    for i in range(runs + 1):  # the first round is a warm-up
        for tool, (cmd, out) in cmds.items():
            rmtree(out)
            rmtree(os.path.join(root, ".viikko-cache"))
            wall, rss, so = run_timed(cmd)
            if i:
                samples[tool].append((wall, rss, internal_ms(so)))
    res = {"entries": n}
    for tool, (cmd, out) in cmds.items():
        res[tool] = summary(samples[tool])
        res[tool]["output_files"], res[tool]["output_bytes"] = tree_size(out)
        rmtree(out)
    res["time_ratio"] = res["viikko"]["median_s"] / res["hugo"]["median_s"]
    res["rss_ratio"] = res["viikko"]["median_rss_mb"] / res["hugo"]["median_rss_mb"]
    rmtree(root)
    return res


def print_tables(ours, hugo):
    print(f"\n{'entries':>8} {'case':<9} {'median s':>9} {'min s':>7} {'ms/1k':>7} {'RSS MB':>7} "
          f"{'files written':>14} {'out files':>9} {'out MB':>7}")
    for r in ours:
        for case in ("full", "nochange", "oneedit"):
            s = r[case]
            fw = [str(c) for c in s.get("files_written", ["all"])]
            fw = fw[0] if len(set(fw)) == 1 else ",".join(fw)
            print(f"{r['entries']:>8} {case:<9} {s['median_s']:>9.3f} {s['min_s']:>7.3f} "
                  f"{1000 * s['median_s'] / r['entries'] * 1000:>7.1f} {s['median_rss_mb']:>7.0f} "
                  f"{fw:>14} "
                  f"{r['output_files']:>9} {r['output_bytes'] / 1e6:>7.1f}")
        e = r["oneedit"]
        print(f"{'':>8} one edit replaced {e['bytes_written'] / 1e6:.1f} MB; copying those files "
              f"alone takes {e['copy_written_median_s']:.3f} s")
        ok = r["oneedit"]["identical_to_clean_build"]
        print(f"{'':>8} one-edit output identical to a clean build: {'yes' if ok else 'NO'}"
              + ("" if ok else f" {r['oneedit']['differences']}"))
    if hugo:
        print(f"\n{'entries':>8} {'tool':<7} {'median s':>9} {'min s':>7} {'RSS MB':>7} {'out files':>9} "
              f"{'out MB':>7}")
        for r in hugo:
            for tool in ("hugo", "viikko"):
                s = r[tool]
                print(f"{r['entries']:>8} {tool:<7} {s['median_s']:>9.3f} {s['min_s']:>7.3f} "
                      f"{s['median_rss_mb']:>7.0f} {s['output_files']:>9} {s['output_bytes'] / 1e6:>7.1f}")
            print(f"{'':>8} viikko/hugo: time {r['time_ratio']:.2f}x, peak RSS {r['rss_ratio']:.2f}x")


# The goals the benchmark is held to: (what, size, where in the results, at most, unit).
GOALS = [
    ("one entry changed", 10000, ("viikko", "oneedit", "median_s"), 0.5, "s"),
    ("nothing changed", 10000, ("viikko", "nochange", "median_s"), 0.4, "s"),
    ("one entry changed", 50000, ("viikko", "oneedit", "median_s"), 2.0, "s"),
    ("full build, peak memory", 50000, ("viikko", "full", "median_rss_mb"), 600, "MB"),
    ("serve, save to reload", 10000, ("serve", "median_s"), 0.15, "s"),
    ("serve, save to reload", 50000, ("serve", "median_s"), 0.5, "s"),
    ("full build, time against Hugo", 10000, ("hugo", "time_ratio"), 0.25, "x"),
    ("full build, memory against Hugo", 10000, ("hugo", "rss_ratio"), 0.25, "x"),
]


def print_goals(results):
    """Each goal measured in this run, its figure, and whether it is met."""
    rows = []
    for what, n, (kind, *keys), limit, unit in GOALS:
        found = [r for r in results[kind] if r["entries"] == n]
        if not found:
            continue
        value = found[0]
        for key in keys:
            value = value[key]
        rows.append(f"{n:>8} {what:<32} {value:>9.3f} {unit:<2} (goal <= {limit} {unit}): "
                     f"{'met' if value <= limit else 'not met'}")
    if rows:
        print("\ngoals:")
        print("\n".join(rows))


def main():
    ap = argparse.ArgumentParser(description="viikko build-time benchmark")
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hugo", metavar="KIT", help="also compare with Hugo, using KIT/gen_content.py")
    ap.add_argument("--hugo-max", type=int, default=10000, help="largest size to run Hugo on")
    ap.add_argument("--serve-max", type=int, default=1000,
                    help="largest size to time save-to-reload in viikko serve on")
    ap.add_argument("--kill-rounds", type=int, default=0,
                    help="rounds of the kill -9 loop at each size up to --kill-max")
    ap.add_argument("--kill-max", type=int, default=10000)
    ap.add_argument("--no-build", action="store_true", help="use the existing target/release/viikko")
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("--work", default="/tmp",
                    help="where sites are built: /dev/shm measures in memory, /tmp on disk")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    os.makedirs(CACHE, exist_ok=True)
    work = tempfile.mkdtemp(prefix="viikko-bench-", dir=a.work)
    TRASH.extend([os.path.join(work, "trash"), in_memory(work)])
    os.makedirs(TRASH[0])
    viikko = os.path.join(work, "viikko")
    shutil.copy2(os.path.join(REPO, "target", "release", "viikko"), viikko)
    rev = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO,
                         capture_output=True, text=True).stdout.strip()
    results = {"commit": rev, "runs": a.runs, "seed": a.seed, "viikko": [], "serve": [], "hugo": [],
               "kills": []}
    try:
        for n in sizes:
            print(f"viikko, {n} entries ...", file=sys.stderr)
            results["viikko"].append(bench_ours(viikko, n, a.runs, a.seed, work))
            if n <= a.serve_max:
                print(f"viikko serve, {n} entries ...", file=sys.stderr)
                results["serve"].append(bench_serve(viikko, n, max(a.runs, 7), a.seed, work))
            if a.kill_rounds and n <= a.kill_max:
                print(f"kill -9 loop, {n} entries ...", file=sys.stderr)
                results["kills"].append(bench_kills(viikko, n, a.kill_rounds, a.seed, work))
            if a.hugo and n > a.hugo_max:
                print(f"skipping Hugo at {n} entries (--hugo-max {a.hugo_max})", file=sys.stderr)
            elif a.hugo:
                print(f"hugo vs viikko, {n} events ...", file=sys.stderr)
                results["hugo"].append(bench_hugo(a.hugo, viikko, n, a.runs, a.seed, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"viikko {rev}, {a.runs} runs each, SOURCE_DATE_EPOCH=1790000000")
    print_tables(results["viikko"], results["hugo"])
    for r in results["serve"]:
        print(f"\n{r['entries']:>8} serve: save to reload median {1000 * r['median_s']:.0f} ms "
              f"(min {1000 * r['min_s']:.0f} ms), to the edited page "
              f"{1000 * r['page_median_s']:.0f} ms; checks {r['build_ms']} ms")
    for r in results["kills"]:
        print(f"\n{r['entries']:>8} kill -9 loop: {r['rounds']} rounds, {r['killed']} builds killed "
              f"mid-way ({r['journals']} while moving files in); after every kill each file was "
              f"old or new, and the next build equalled a clean one")
    print_goals(results)
    text = json.dumps(results, indent=1)
    print(text)
    if a.json:
        with open(a.json, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
