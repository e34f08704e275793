#!/usr/bin/env python3
"""After `kith privacy forget`: nothing of the person is left in Kith's data, and no one's words are in its log.

Usage: no_trace.py DATA_DIR DEMO_SCRIPT_CPP USER_ID NAME...

The database is copied and the one record Kith must keep (the person's opt-out in `consent`) deleted from the
copy with secure_delete on; then the copy's raw bytes must not contain the user id, any NAME, or the person's
"about" line. The words are read from the demo script itself, so a new line in it is checked too: what people
say (lines that are not commands) and what they type after a command must not be in kith.log.
"""
import os
import re
import shutil
import sqlite3
import sys
import tempfile


def script_lines(path):
    with open(path, encoding="utf-8") as f:
        return [bytes(m.group(1), "utf-8").decode("unicode_escape") for m in re.finditer(r'^\s*"(.*)",?\s*$', f.read(), re.M)]


def main():
    data_dir, script, user_id, *names = sys.argv[1:]
    lines = script_lines(script)
    about = [l.split(" ", 2)[2] for l in lines if l.startswith("/kith about ")]
    said = [l for l in lines if l and l[0] not in "/#" and len(l) >= 12]
    typed_after = [l.split(" ", 2)[2] for l in lines if re.match(r"^/kith (thanks|kudos) ", l)]
    failures = []
    if not about or not said:
        failures.append("the demo script has no 'about' line or no message to check; the check would prove nothing")

    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "kith.sqlite3")
        shutil.copy(os.path.join(data_dir, "kith.sqlite3"), copy)
        if os.path.exists(os.path.join(data_dir, "kith.sqlite3-wal")):
            failures.append("kith.sqlite3-wal is left behind: Kith did not close the database cleanly")
        db = sqlite3.connect(copy)
        db.execute("PRAGMA secure_delete = ON")
        kept = db.execute("SELECT count(*) FROM consent WHERE user_id = ? AND scope = 'all' AND opted_out = 1",
                          (user_id,)).fetchone()[0]
        if kept != 1:
            failures.append(f"the opt-out of {user_id} is not recorded (rows: {kept})")
        db.execute("DELETE FROM consent WHERE user_id = ?", (user_id,))
        db.commit()
        db.close()
        with open(copy, "rb") as f:
            raw = f.read()
    for needle in [user_id, *names, *about]:
        if needle.encode() in raw:
            failures.append(f"the database file still contains {needle!r}")

    with open(os.path.join(data_dir, "kith.log"), encoding="utf-8", errors="replace") as f:
        log = f.read()
    if not log:
        failures.append("kith.log is empty: nothing was checked")
    for words in [*about, *said, *typed_after]:
        if words in log:
            failures.append(f"kith.log contains what someone wrote: {words!r}")

    for failure in failures:
        print("FAIL:", failure)
    if not failures:
        print(f"no trace of {user_id} ({', '.join(names)}) and no one's words in the log "
              f"({len(about) + len(said) + len(typed_after)} lines checked)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
