"""Writes a CSV of scale scores: school_type (20 groups), respondent, score.

Usage: gen_scores.py FILE ROWS. Deterministic (seed 7). Scores are means of
1-5 Likert items with a group effect, printed with up to 4 decimals.
"""
import sys
import numpy as np

path, rows = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(7)
types = [f"{t}{i}" for t in ("PO", "SO", "VO", "VSO", "MBO") for i in range(1, 5)]
with open(path, "w") as out:
    out.write("school_type,respondent,score\n")
    chunk = 1_000_000
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        g = rng.integers(0, len(types), n)
        score = np.round(3 + 0.05 * (g % 7) + rng.normal(0, 0.8, n), 4)
        lines = [f"{types[a]},{start + i},{s}\n" for i, (a, s) in enumerate(zip(g, score))]
        out.writelines(lines)
