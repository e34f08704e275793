"""Lists the licence of every distribution in this Python environment, from its installed metadata
(License-Expression, License, or the licence classifiers), and fails on AGPL or GPL code, or a licence it cannot find: Kith
takes none, tests included. `--require NAME=VERSION=LICENCE` also checks one distribution exactly
(Synapse: 1.98.0 is its last Apache-2.0 release)."""
import argparse
import re
import sys
from importlib import metadata


def licence_of(dist):
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    text = (meta.get("License") or "").strip()
    # A License field holding the whole licence text says less than its classifier.
    if classifiers and (not text or len(text) > 60):
        return "; ".join(classifiers)
    if text and text != "UNKNOWN":
        return text.splitlines()[0]
    if classifiers:
        return "; ".join(classifiers)
    # No licence in the metadata at all: the first words of the licence file the wheel ships.
    for file in dist.files or []:
        if file.name.upper().startswith(("LICENSE", "LICENCE", "COPYING")):
            return "file: " + " ".join(file.read_text().split()[:4])
    return "UNKNOWN"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--require", action="append", default=[], metavar="NAME=VERSION=LICENCE")
    args = parser.parse_args()
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"].lower()
        found[name] = (dist.version, licence_of(dist))
    bad = []
    for name in sorted(found):
        version, licence = found[name]
        print(f"{name} {version}: {licence}")
        # GPL, AGPL and their long names; the LGPL is not excluded.
        if re.search(r"(?<!L)A?GPL|Affero|GNU General Public|UNKNOWN", licence):
            bad.append(f"{name} {version} is under {licence}")
    for requirement in args.require:
        name, version, licence = requirement.split("=")
        got = found.get(name.lower())
        if not got or got[0] != version or got[1] != licence:
            bad.append(f"{name}: wanted {version} under {licence}, found {got}")
    for message in bad:
        print(f"licences: {message}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
