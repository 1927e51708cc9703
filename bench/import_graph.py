"""Print the import graph between Riverains' apps (docs/layers.md keeps a before and an after).

    .venv/bin/python bench/import_graph.py            # app → app edges, with one example line
    .venv/bin/python bench/import_graph.py --cycles   # also the file-level cycles inside each app
    .venv/bin/python bench/import_graph.py --cycles /tmp/old   # another checkout (git archive)

Every import counts, the lazy ones inside functions too (grimp reads the whole module): a lazy
import hides a dependency from Python's start-up, not from the layers.
"""

import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
APPS = ["riverains", "territories", "notices", "relay", "voice", "reports", "zones", "stats",
        "public", "api", "console", "demo", "textline"]
# The layers of .importlinter, bottom first; apps of one layer may not import each other.
LAYERS = [["riverains"], ["territories"], ["notices"], ["zones"], ["relay"], ["reports"], ["voice", "textline"],
          ["public", "api", "console", "stats"], ["demo"]]
RANK = {app: rank for rank, layer in enumerate(LAYERS) for app in layer}
SIBLINGS_ALLOWED = set()
# Test support, imported by tests only (like the tests themselves, left out of the graph).
TEST_SUPPORT = {"riverains.testing"}


def app_edges(graph):
    edges = {}
    apps = {m.split(".")[0] for m in graph.modules}
    for importer in sorted(apps):
        for imported in sorted(apps):
            if importer == imported:
                continue
            found = graph.find_matching_direct_imports(import_expression=f"{importer}.** -> {imported}.**")
            found += graph.find_matching_direct_imports(import_expression=f"{importer}.** -> {imported}")
            found = [f for f in found if "tests" not in f["importer"].split(".") and f["importer"] not in TEST_SUPPORT]
            if found:
                edges[(importer, imported)] = found
    return edges


def example(graph, imp):
    details = graph.get_import_details(importer=imp["importer"], imported=imp["imported"])
    line = details[0]["line_number"] if details else "?"
    return f"{imp['importer'].replace('.', '/')}.py:{line} → {imp['imported']}"


def file_cycles(graph, app):
    """Pairs of modules of one app that reach each other (a cycle of files)."""
    modules = sorted(m for m in graph.modules if m.split(".")[0] == app and ".tests" not in m)
    cycles = []
    for i, a in enumerate(modules):
        for b in modules[i + 1:]:
            if graph.chain_exists(importer=a, imported=b) and graph.chain_exists(importer=b, imported=a):
                chain = graph.find_shortest_chain(importer=a, imported=b)
                back = graph.find_shortest_chain(importer=b, imported=a)
                cycles.append(" → ".join(chain) + " → " + " → ".join(back[1:]))
    return cycles


def main():
    roots = [a for a in sys.argv[1:] if not a.startswith("--")]
    sys.path.insert(0, roots[0] if roots else str(ROOT))
    apps = [app for app in APPS if (Path(sys.path[0]) / app).is_dir()]  # textline came after issue 17
    graph = grimp.build_graph(*apps, cache_dir=None)
    edges = app_edges(graph)
    print("| importer | imports | files | e.g. |")
    print("| --- | --- | --- | --- |")
    for (importer, imported), found in sorted(edges.items()):
        files = len({f["importer"] for f in found})
        print(f"| {importer} | {imported} | {files} | {example(graph, found[0])} |")
    against = [
        (a, b) for a, b in sorted(edges)
        if RANK[b] > RANK[a] or (RANK[b] == RANK[a] and (a, b) not in SIBLINGS_ALLOWED)
    ]
    print()
    print("Against the layers:")
    for a, b in against:
        print(f"- {a} → {b}: " + "; ".join(sorted({example(graph, f) for f in edges[(a, b)]})))
    if not against:
        print("- none")
    cyclic = sorted({tuple(sorted(pair)) for pair in edges if (pair[1], pair[0]) in edges})
    print()
    print("App cycles (each imports the other): " + (", ".join(f"{a} ↔ {b}" for a, b in cyclic) or "none"))
    if "--cycles" in sys.argv:
        print()
        for app in sorted({m.split(".")[0] for m in graph.modules}):
            cycles = file_cycles(graph, app)
            if cycles:
                print(f"File cycles in {app}:")
                seen = set()
                for c in cycles:
                    if c not in seen:
                        seen.add(c)
                        print(f"- {c}")


if __name__ == "__main__":
    main()
