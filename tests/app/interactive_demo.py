#!/usr/bin/env python3
"""`kith demo` on a terminal, as a user meets it: a pseudo-terminal types into the interactive session.

Usage: interactive_demo.py KITH DATA_DIR. Checks that Kith answers what is typed, that colleagues act on
their own on the accelerated clock, and that /quit ends the demo with exit code 0.
"""
import os
import re
import select
import shutil
import subprocess
import sys
import time

kith, data_dir = sys.argv[1:3]
shutil.rmtree(data_dir, ignore_errors=True)  # a fresh organisation: nobody has used their budget yet
master, slave = os.openpty()
demo = subprocess.Popen([kith, "demo", "--data-dir", data_dir], stdin=slave, stdout=slave, stderr=slave,
                        close_fds=True)
os.close(slave)
seen = ""  # everything the terminal showed
checked = 0  # seen[:checked] has been matched already


def expect(pattern, what, seconds=30):
    """Reads the terminal until `pattern` appears after the previous match."""
    global seen, checked
    deadline = time.monotonic() + seconds
    while not (match := re.search(pattern, seen[checked:])):
        left = deadline - time.monotonic()
        if left <= 0 or demo.poll() is not None:
            sys.exit(f"interactive demo: no {what} (/{pattern}/) within {seconds} s; the terminal showed:\n{seen}")
        if select.select([master], [], [], left)[0]:
            try:
                seen += os.read(master, 65536).decode("utf-8", "replace")
            except OSError:  # the demo closed the terminal
                pass
    checked += match.end()


def type_line(text):
    os.write(master, (text + "\n").encode())


expect(r"Welcome to the Kith demo\. You are \w+", "welcome")
expect(r"> ", "prompt")
type_line("/kith help")
expect(r"Here is what I can do", "answer to /kith help")
type_line("/kith dance")
expect(r"I don't know the command", "answer to an unknown command")
# Every 8 s of real time a colleague writes, without anyone typing; half of what they write thanks someone,
# which Kith answers (a reaction, and a private note to the giver), so a minute and a half is plenty.
expect(r"Kith reacted :taco:|only (?!Ada Okafor)[^\]]+ sees this\] Kith:", "colleague activity", seconds=90)
type_line("/quit")
expect(r"Demo finished", "goodbye")
code = demo.wait(timeout=30)
if code != 0:
    sys.exit(f"interactive demo: exit code {code}; the terminal showed:\n{seen}")
print("interactive demo: ok")
