#!/usr/bin/env python3
"""NetworkX reference timing for the analytics benchmark.

Reads the tie graph and team list that kith_analytics_bench exported (the digest's current 4-week window)
and times what NetworkX needs for the same metrics: building the graph, local clustering, neighbourhood
overlap (Jaccard) of every tie, Burt's constraint, modularity of the team split, Louvain communities (NetworkX
has no Leiden) and per-team density. Prints one "name value" line per measurement and the ratio
networkx/kith against the digest time in results_<size>.txt.

Per-node and per-tie metrics whose full run would not fit the time budget are run on a random sample and
extrapolated linearly; such lines say so. Louvain cannot be sampled: if it exceeds its budget it is stopped
and reported as a lower bound. NetworkX always gets the easier job: one window, ties already aggregated,
no privacy filtering, while the kith figure is the whole digest (two windows, from raw events).
"""
import argparse
import pathlib
import random
import signal
import sys
import time

import networkx as nx


class Budget(Exception):
    pass


def on_alarm(signum, frame):
    raise Budget()


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def per_item(name, items, run, step_budget, out):
    """Times run(items); when a pilot shows the full run would exceed step_budget, samples and extrapolates."""
    items = list(items)
    shuffled = random.Random(1).sample(items, len(items))
    # Pilot on a growing prefix until it takes a second: some NetworkX metrics cost seconds per node.
    size = 5
    while True:
        pilot = shuffled[:size]
        pilot_seconds, _ = timed(lambda: run(pilot))
        if pilot_seconds >= 1 or size >= min(len(items), 200):
            break
        size = min(size * 4, len(items), 200)
    estimate = pilot_seconds * len(items) / max(1, len(pilot))
    if estimate <= step_budget:
        seconds, _ = timed(lambda: run(items))
        out(f"networkx_{name}_seconds {seconds:.6g}")
        return seconds, False
    n = max(len(pilot), int(len(items) * step_budget / max(estimate, 1e-9) / 2))
    sample = random.Random(2).sample(items, n)
    seconds, _ = timed(lambda: run(sample))
    full = seconds * len(items) / n
    out(f"networkx_{name}_seconds {full:.6g} (extrapolated from {n} of {len(items)})")
    return full, True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["small", "large"], default="small")
    parser.add_argument("--dir", default="bench-out", help="directory kith_analytics_bench wrote to")
    parser.add_argument("--budget", type=float, default=600, help="seconds NetworkX may use in total")
    args = parser.parse_args()
    directory = pathlib.Path(args.dir)
    lines = []

    def out(line):
        print(line, flush=True)
        lines.append(line)

    def build():
        g = nx.Graph()
        with open(directory / f"teams_{args.size}.tsv") as f:
            team_of = {int(v): int(t) for v, t in (line.split() for line in f)}
        g.add_nodes_from(team_of)
        with open(directory / f"ties_{args.size}.tsv") as f:
            g.add_weighted_edges_from((int(a), int(b), float(w)) for a, b, w in (line.split() for line in f))
        return g, team_of

    started = time.perf_counter()
    seconds, (g, team_of) = timed(build)
    out(f"networkx_build_seconds {seconds:.6g}")
    out(f"networkx_nodes {g.number_of_nodes()}")
    out(f"networkx_ties {g.number_of_edges()}")
    total = seconds
    any_extrapolated = False
    step_budget = max(10.0, (args.budget - seconds) / 6)

    teams = {}
    for v, t in team_of.items():
        teams.setdefault(t, set()).add(v)
    seconds, _ = timed(lambda: nx.community.modularity(g, list(teams.values()), weight="weight"))
    out(f"networkx_modularity_seconds {seconds:.6g}")
    total += seconds
    seconds, _ = timed(lambda: [nx.density(g.subgraph(members)) for members in teams.values()])
    out(f"networkx_team_density_seconds {seconds:.6g}")
    total += seconds

    constraint_seconds = 0.0
    for name, items, run in [
        ("clustering", g.nodes(), lambda nodes: nx.clustering(g, nodes)),
        ("jaccard", g.edges(), lambda edges: sum(1 for _ in nx.jaccard_coefficient(g, edges))),
        ("constraint", g.nodes(), lambda nodes: nx.constraint(g, nodes, weight="weight")),
    ]:
        seconds, extrapolated = per_item(name, items, run, step_budget, out)
        total += seconds
        any_extrapolated |= extrapolated
        if name == "constraint":
            constraint_seconds = seconds

    louvain_budget = max(10, int(args.budget - (time.perf_counter() - started)))
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(louvain_budget)
    louvain_start = time.perf_counter()
    try:
        communities = nx.community.louvain_communities(g, weight="weight", seed=1)
        signal.alarm(0)
        seconds = time.perf_counter() - louvain_start
        out(f"networkx_louvain_seconds {seconds:.6g}")
        out(f"networkx_louvain_communities {len(communities)}")
        bound = ""
    except Budget:
        seconds = time.perf_counter() - louvain_start
        out(f"networkx_louvain_seconds >{seconds:.6g} (stopped at the {louvain_budget} s budget)")
        bound = ">"
    total += seconds

    kith = None
    with open(directory / f"results_{args.size}.txt") as f:
        for line in f:
            key, value = line.split()
            if key == "digest_seconds":
                kith = float(value)
    note = " (includes extrapolated steps)" if any_extrapolated else ""
    out(f"networkx_total_seconds {bound}{total:.6g}{note}")
    # NetworkX's constraint is so slow that it alone decides the ratio; the second ratio leaves it out.
    out(f"networkx_total_without_constraint_seconds {bound}{total - constraint_seconds:.6g}")
    if kith:
        out(f"ratio_networkx_over_kith {bound}{total / kith:.3g}{note}")
        out(f"ratio_networkx_over_kith_without_constraint {bound}{(total - constraint_seconds) / kith:.3g}")
    (directory / f"networkx_{args.size}.txt").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
