"""kith export on the demo's data, after kith privacy forget ada: one JSON document with the pairing rounds,
recognitions and quiz scores the scripted demo produced, every person it names listed once, and nothing Kith
must not give away: no message text, no pseudonym key, no interaction edges, nothing of the forgotten person.
--to writes a new private file and never overwrites one.
Usage: export_check.py KITH CONFIG DATA_DIR WORK_DIR"""
import json
import os
import stat
import subprocess
import sys

kith, config, data_dir, work = sys.argv[1:5]


def run(*args):
    return subprocess.run([kith, "export", "--format", "json", "--config", config, *args],
                          capture_output=True, text=True, timeout=120)


out = run()
assert out.returncode == 0, out.stderr
text = out.stdout
doc = json.loads(text)
assert doc["kith_export"] == 1, doc.keys()
assert set(doc) == {"kith_export", "generated_at", "adapter", "pairings", "recognitions", "quiz", "people"}, doc.keys()
people = {p["id"]: p for p in doc["people"]}
assert len(people) == len(doc["people"]), "each person is listed once"


def known(ref):
    assert ref in people, f"{ref} is referred to but not in people"
    return people[ref]


# Pairings: the demo's coffee program ran rounds of pairs (or one trio) of distinct people.
programs = {p["program"]: p for p in doc["pairings"]}
assert "coffee" in programs, programs.keys()
rounds = programs["coffee"]["rounds"]
assert rounds, "the demo ran a coffee round"
assert [r["round"] for r in rounds] == sorted(r["round"] for r in rounds), "rounds oldest first"
groups = [g for r in rounds for g in r["groups"]]
assert groups and all(2 <= len(g["members"]) <= 3 and len(set(g["members"])) == len(g["members"]) for g in groups), groups
for g in groups:
    for m in g["members"]:
        known(m)
assert all(isinstance(g["met"], bool) for g in groups)

# Recognitions: giver and receiver are people, never the same one; weights in (0, 1].
assert doc["recognitions"], "the demo recognised people"
for r in doc["recognitions"]:
    assert known(r["giver"]) and known(r["receiver"]) and r["giver"] != r["receiver"], r
    assert 0 < r["weight"] <= 1, r
    assert set(r) == {"at", "giver", "receiver", "channel", "value", "weight"}, r
usernames = {people[r["receiver"]]["username"] for r in doc["recognitions"]}
assert "femi" in usernames or "kemi" in usernames, usernames

# Quiz scores: per player, consistent counts.
assert doc["quiz"], "the demo played the quiz"
for q in doc["quiz"]:
    known(q["player"])
    assert 0 <= q["correct"] <= q["answers"] and 0 <= q["colleagues_named"] <= q["colleagues_seen"], q

# Nothing Kith must not give away.
assert "u-ada" not in text and "Ada Okafor" not in text, "the forgotten person is not in the export"
for words in ["quick review", "for pairing on the incident", "Thanks @femi"]:
    assert words not in text, f"message text {words!r} in the export"
for key in ["interactions", "pseudonym", "edges", "src", "dst"]:
    assert f'"{key}"' not in text, f"{key} in the export"
with open(os.path.join(data_dir, "pseudonym.key"), "rb") as f:
    key = f.read()
assert key.hex() not in text and key.hex().upper() not in text, "the pseudonym key is not in the export"

# --to: a new file, mode 0600, the same document; never written over.
target = os.path.join(work, "kith-export.json")
if os.path.exists(target):
    os.remove(target)
written = run("--to", target)
assert written.returncode == 0, written.stderr
assert "(mode 0600)" in written.stdout, written.stdout
assert stat.S_IMODE(os.stat(target).st_mode) == 0o600, oct(os.stat(target).st_mode)
with open(target) as f:
    again = json.load(f)
again["generated_at"] = doc["generated_at"]
assert again == doc, "the file holds the same document"
refused = run("--to", target)
assert refused.returncode == 1, refused
assert "exists already" in refused.stderr, refused.stderr
with open(target) as f:
    assert json.load(f)["kith_export"] == 1, "the first export is intact"
print("export ok:", len(rounds), "rounds,", len(doc["recognitions"]), "recognitions,", len(doc["quiz"]), "players")
