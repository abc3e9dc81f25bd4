#!/usr/bin/env python3
"""Writes a student export of N rows (default 100,000) as a Dutch student
administration would: semicolons, Dutch headers, dd-mm-jjjj dates; with one
guardian a row unless the third argument is "plain"."""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
out = sys.argv[2] if len(sys.argv) > 2 else "students-100k.csv"
guardians = not (len(sys.argv) > 3 and sys.argv[3] == "plain")
rng = random.Random(42)
first = ["Emma", "Daan", "Sophie", "Noah", "Julia", "Sem", "Tess", "Liam", "Zoë", "Mohamed", "Noor", "Finn", "Sara", "Levi", "Aya"]
particles = ["", "", "", "van", "de", "van der", "van den", "ter"]
last = ["Jansen", "Vries", "Berg", "Dijk", "Bakker", "Visser", "Smit", "Meijer", "Boer", "Mulder", "Yılmaz", "El Amrani", "Öztürk"]
with open(out, "w", encoding="utf-8") as f:
    f.write("Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;Groep" + (";Verzorger 1 naam;Verzorger 1 e-mail" if guardians else "") + "\n")
    for i in range(n):
        year = rng.randint(2008, 2021)
        group = f"{rng.randint(1, 8)}{'abcdefgh'[rng.randint(0, 7)]}"
        ln = rng.choice(last)
        f.write(f"{200000 + i};{rng.choice(first)};{rng.choice(particles)};{ln};"
                f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-{year};{group}"
                + (f";Ouder {ln};ouder{i}@mail.example" if guardians else "") + "\n")
print(out)
