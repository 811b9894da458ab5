#!/usr/bin/env python3
"""Generate a synthetic viikko site: a week's programme in the format of README.md.

    python3 bench/generate.py --entries 10000 --out /tmp/site10k [--seed 1]
    target/release/viikko check --root /tmp/site10k

Writes OUT/content/: site.yaml, 40 organisers (programme/<organiser>/_index.md), N entries
over 16.-22.11.2026 (Europe/Helsinki; some all-day, online-only, cancelled, in a series...),
each with a ~3 KB body (headings, lists, external links, a table, sometimes a link to another
entry), about N/50 discussion memos and 3 pages. Standard library only; the same arguments
give byte-identical files. OUT/content is replaced.
"""
import argparse
import datetime as dt
import os
import random
import re
import shutil

TOWNS = ["Pori", "Rauma", "Ulvila", "Kankaanpää", "Harjavalta", "Eura", "Huittinen", "Kokemäki",
         "Nakkila", "Eurajoki", "Säkylä", "Merikarvia", "Pomarkku", "Jämijärvi", "Siikainen",
         "Karvia", "Luvia", "Honkajoki", "Pyhäranta", "Köyliö"]
KINDS = ["kaupungin sosiaalipalvelut", "seurakunta", "nuorisopalvelut", "kansalaisopisto",
         "asukasyhdistys", "mielenterveysyhdistys", "kirjasto", "eläkeläiset ry"]
VENUES = ["kirjasto", "kaupungintalo", "seurakuntatalo", "nuorisotila", "monitoimitalo",
          "asukastupa", "kansalaisopisto", "palvelukeskus", "koulu", "työväentalo"]
STREETS = ["Kauppakatu", "Keskuskatu", "Asemakatu", "Koulukatu", "Puistokatu", "Rantatie",
           "Kirkkotie", "Myllytie", "Satakunnantie", "Hallituskatu", "Isokatu", "Rauhankatu"]
FORMATS = {"keskustelu": "Keskustelu", "luento": "Luento", "tyopaja": "Työpaja",
           "nayttely": "Näyttely", "webinaari": "Webinaari", "avoimet-ovet": "Avoimet ovet",
           "seminaari": "Seminaari", "asukaskahvila": "Asukaskahvila"}
AUDIENCES = {"kaikki": "Kaikille avoin", "ammattilaiset": "Sosiaalialan ammattilaiset",
             "asiakkaat": "Palvelujen asiakkaat ja kokemusasiantuntijat", "nuoret": "Nuoret",
             "ikaantyneet": "Ikääntyneet", "paattajat": "Päättäjät", "opiskelijat": "Opiskelijat",
             "perheet": "Lapsiperheet", "jarjestot": "Järjestöt"}
SERIES = {"so-sotessa": "SO sotessa -keskustelut", "nuorten-aani": "Nuorten ääni"}
TOPICS = ["asuminen ja toimeentulo", "lapsiperheiden arki", "asunnottomuuden ehkäisy",
          "ikääntyneiden yksinäisyys", "nuorten osallisuus", "toimeentulotuen muutokset",
          "päihde- ja mielenterveystyö", "omaishoitajien jaksaminen", "velkaneuvonta",
          "maahan muuttaneiden palvelut", "sosiaalinen raportointi", "työllisyys ja koulutus",
          "vammaispalvelulaki", "lähisuhdeväkivallan ehkäisy", "digituki ja asiointi",
          "kyläyhteisöt ja lähipalvelut", "rakenteellinen sosiaalityö", "ruoka-apu"]
LEADS = ["SO sotessa", "Asukaskahvila", "Iltakeskustelu", "Työpaja", "Luento", "Webinaari",
         "Avoimet ovet", "Paneeli", "Aamukahvit", "Infotilaisuus"]
WORDS = ("sosiaalityö palvelut asukkaat kunta hyvinvointialue järjestöt yhteistyö tieto arki tuki "
         "tarve muutos ilmiö perhe lapset nuoret ikääntyneet ammattilaiset kokemus asiakas "
         "työntekijä päätöksenteko verkosto kohtaaminen toimeentulo asuminen yksinäisyys "
         "mielenterveys työllisyys koulutus yhteisö kylä kirjasto neuvonta ohjaus arviointi "
         "tutkimus kehittäminen osallisuus vaikuttaminen lähipalvelu matka aika raha "
         "ja sekä myös kuten että jotta kun koska mutta tai on ovat voi pitää tulee "
         "kerrotaan esitellään pohditaan kuullaan jaetaan sovitaan yhdessä paikallisesti "
         "käytännössä erityisesti hyvin uusi tärkeä yhteinen avoin maksuton").split()
HEADINGS = ["Taustaa", "Kenelle?", "Mitä tilaisuudessa tapahtuu?", "Puhujat",
            "Saavutettavuus", "Lisätietoja", "Ilmoittautuminen"]
DOMAINS = ["www.thl.fi", "www.sosiaalikollega.fi", "www.kela.fi", "www.finlex.fi",
           "www.soste.fi", "www.talentia.fi", "www.satasote.fi", "www.ara.fi"]
WEEK = [dt.date(2026, 11, 16) + dt.timedelta(days=d) for d in range(7)]
DAY_WEIGHTS = [18, 20, 20, 19, 15, 5, 3]  # weekdays busier than the weekend


def slug(text):
    text = text.lower().translate(str.maketrans("äåöé", "aaoe"))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sentence(r, lo=7, hi=16):
    words = [r.choice(WORDS) for _ in range(r.randint(lo, hi))]
    words[0] = words[0].capitalize()
    i = r.randrange(len(words))
    roll = r.random()
    if roll < 0.12:
        words[i] = f"*{words[i]}*"
    elif roll < 0.2:
        words[i] = f"**{words[i]}**"
    elif roll < 0.32:
        words[i] = f"[{words[i]}](https://{r.choice(DOMAINS)}/{slug(words[i])}-{r.randint(1, 99)})"
    return " ".join(words) + r.choice("....?")


def paragraph(r, n=(3, 6)):
    return " ".join(sentence(r) for _ in range(r.randint(*n)))


def times(r, start, minutes):
    t, rows = start, []
    while minutes > 0:
        step = min(minutes, r.choice([15, 20, 30, 45]))
        rows.append(f"| {t:%H.%M} | {sentence(r, 2, 6)[:-1]} | {r.choice(['Sali', 'Kahvio', 'Verkko', 'Aula'])} |")
        t += dt.timedelta(minutes=step)
        minutes -= step
    return rows


def body(r, start, minutes, siblings):
    blocks = [paragraph(r)]
    for head in r.sample(HEADINGS, r.randint(3, 5)):
        blocks += [f"## {head}", paragraph(r, (2, 4))]
        if r.random() < 0.5:
            blocks.append("\n".join(f"- {sentence(r, 3, 8)}" for _ in range(r.randint(3, 6))))
    rows = times(r, start, minutes if minutes else r.choice([120, 240, 360]))[:10]
    blocks += ["## Aikataulu", "| Aika | Ohjelma | Paikka |\n| --- | --- | :---: |\n" + "\n".join(rows)]
    links = [f"- [{r.choice(TOPICS).capitalize()}](https://{r.choice(DOMAINS)}/aiheet/{r.randint(100, 999)})"
             for _ in range(r.randint(1, 3))]
    if siblings and r.random() < 0.3:
        links.append(f"- [Järjestäjän toinen tilaisuus]({r.choice(siblings)}.md)")
    if r.random() < 0.2:
        links.append("- [Tietoa viikosta](../../pages/tietoa.md)")
    blocks += ["## Linkit", "\n".join(links)]
    if r.random() < 0.2:
        blocks.append("> " + sentence(r))
    return "\n\n".join(blocks) + "\n"


def when(r, day):
    """Front matter lines for start/end, and (start datetime, minutes) for the schedule table."""
    if r.random() < 0.07:  # all-day, sometimes several days
        last = min(WEEK[-1], day + dt.timedelta(days=r.choice([0, 0, 1, 2, 4])))
        lines = [f"start: {day.isoformat()}"] + ([f"end: {last.isoformat()}"] if last > day else [])
        return lines, dt.datetime.combine(day, dt.time(9)), 0
    start = dt.datetime.combine(day, dt.time(r.randint(8, 19), r.choice([0, 0, 15, 30, 45])))
    minutes = r.choice([45, 60, 90, 90, 120, 120, 180, 240])
    end = start + dt.timedelta(minutes=minutes)
    style = r.choice(["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y klo %H.%M", "%Y-%m-%dT%H:%M"])
    return [f"start: {start:{style}}", f"end: {end:{style}}"], start, minutes


def entry(r, org, town, i, siblings):
    day = r.choices(WEEK, DAY_WEIGHTS)[0]
    fmt = r.choice(sorted(FORMATS))
    lead = FORMATS[fmt] if r.random() < 0.6 else r.choice(LEADS)
    title = f"{lead}: {r.choice(TOPICS)} {r.choice(['', '', town + 'ssa', 'arjessa', '2026'])}".strip()
    lines, start, minutes = when(r, day)
    fm = [f"title: {quoted(title)}"]
    if r.random() < 0.7:
        fm.append(f"summary: {quoted(sentence(r, 6, 12))}")
    fm += lines
    online_only = fmt == "webinaari" or r.random() < 0.08
    if not online_only:
        venue = f"{r.choice(VENUES).capitalize()}, {town}"
        fm.append(f"place: {{name: {quoted(venue)}, address: {quoted(f'{r.choice(STREETS)} {r.randint(1, 60)}')}, "
                  f"municipality: {town}}}")
    status = r.choices(["scheduled", "cancelled", "postponed", "moved-online"], [92, 5, 1.5, 1.5])[0]
    if online_only or status == "moved-online" or r.random() < 0.2:
        fm.append(f"online: https://meet.example.fi/{slug(org)[:20]}-{i}")
    fm.append("audience: [" + ", ".join(r.sample(sorted(AUDIENCES), r.randint(1, 3))) + "]")
    fm.append(f"format: {fmt}")
    if r.random() < 0.05:
        fm.append(f"language: {r.choice(['sv', 'en'])}")
    if r.random() < 0.1:
        fm.append(f"price: {r.choice(['5 €', '10 €', 'Maksuton, kahvi 2 €'])}")
    if r.random() < 0.3:
        note = ", note: Kahvitarjoilu." if r.random() < 0.5 else ""
        fm.append(f"registration: {{url: https://lomake.example.fi/{i}, deadline: 2026-11-{r.randint(9, 13):02d}{note}}}")
    if r.random() < 0.4:
        fm.append(f"accessibility: {r.choice(['Esteetön sisäänkäynti, induktiosilmukka.', 'Hissi toiseen kerrokseen; esteetön wc.', 'Tulkkaus viittomakielelle pyydettäessä.'])}")
    if status != "scheduled":
        fm.append(f"status: {status}")
    if r.random() < 0.1:
        fm.append(f"series: {r.choice(sorted(SERIES))}")
    if r.random() < 0.15:
        fm.append(f"feedback: https://palaute.example.fi/{i}")
    if status == "scheduled" and r.random() < 0.4:
        fm.append(f"attendance: {r.randint(5, 150)}")
    tags = r.sample(TOPICS, r.randint(0, 3))
    if tags:
        fm.append("tags: [" + ", ".join(quoted(t) for t in tags) + "]")
    name = f"{slug(title)[:48].strip('-')}-{i}"
    return name, title, "---\n" + "\n".join(fm) + "\n---\n" + body(r, start, minutes, siblings)


def memo(r, k, entries):
    if entries and r.random() < 0.8:
        eid, title, day = r.choice(entries)
        year, fm = 2026, [f"title: {quoted('Keskustelumuistio: ' + title)}", f"date: {day.isoformat()}",
                          f"event: {eid}"]
    else:
        year = 2025
        fm = [f"title: {quoted('Keskustelumuistio: ' + r.choice(TOPICS))}",
              f"date: 2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"]
    fm.append("themes: [" + ", ".join(slug(t) for t in r.sample(TOPICS, r.randint(1, 3))) + "]")
    fm.append(f"participants: {r.randint(6, 60)}")
    fm.append("points:\n" + "\n".join(f"  - {quoted(sentence(r, 6, 12))}" for _ in range(r.randint(2, 4))))
    text = "\n\n".join([paragraph(r), "## Mitä keskustelussa nousi esiin",
                        "\n".join(f"- {sentence(r, 4, 9)}" for _ in range(r.randint(3, 6))), paragraph(r)])
    return f"memos/{year}/muistio-{k:05d}.md", "---\n" + "\n".join(fm) + "\n---\n" + text + "\n"


SITE = """title: Rakenteellisen sosiaalityön viikko 2026
description: Synteettinen ohjelma suorituskyvyn mittaamiseen.
base_url: https://satakunta.example.fi/rsv/
language: fi
timezone: Europe/Helsinki
week: {start: 2026-11-16, end: 2026-11-22}
audiences:
%s
formats:
%s
series:
%s
contact: {name: Viikon koordinaatio, email: rsv-viikko@example.fi}
"""
PAGES = {"tietoa": "Tietoa viikosta", "saavutettavuusseloste": "Saavutettavuusseloste",
         "ohjeet-jarjestajille": "Ohjeet järjestäjille"}


def generate(n, out, seed):
    r = random.Random(seed)
    files = {}
    terms = lambda d: "\n".join(f"  {k}: {v}" for k, v in d.items())
    files["site.yaml"] = SITE % (terms(AUDIENCES), terms(FORMATS), terms(SERIES))
    orgs = [f"{town} {kind}" for town, kind in zip(TOWNS * 2, KINDS * 5)][:40]
    towns = {o: o.split(" ")[0] for o in orgs}
    for org in orgs:
        files[f"programme/{slug(org)}/_index.md"] = (
            f"---\nname: {quoted(org.capitalize())}\nmunicipality: {towns[org]}\n"
            f"website: https://www.example.fi/{slug(org)}\nemail: {slug(org)[:20]}@example.fi\n"
            f"phone: \"044 {r.randint(100, 999)} {r.randint(1000, 9999)}\"\n---\n{paragraph(r)}\n")
    weights = [r.uniform(0.3, 3) for _ in orgs]  # some organisers are much busier
    siblings = {org: [] for org in orgs}
    entries = []
    for i in range(n):
        org = r.choices(orgs, weights)[0]
        name, title, text = entry(r, org, towns[org], i, siblings[org][-20:])
        files[f"programme/{slug(org)}/{name}.md"] = text
        siblings[org].append(name)
        day = re.search(r"start: (\S+)", text).group(1)
        if "." in day:  # 17.11.2026
            d, m, y = day.split(".")
            day = f"{y}-{m}-{d}"
        entries.append((f"{slug(org)}/{name}", title, dt.date.fromisoformat(day[:10])))
    for k in range(max(1, n // 50)):
        path, text = memo(r, k, entries)
        files[path] = text
    for page, title in PAGES.items():
        files[f"pages/{page}.md"] = (f"---\ntitle: {title}\n---\n{paragraph(r)}\n\n## Yhteystiedot\n\n"
                                     f"{paragraph(r, (1, 2))} Katso myös [tietoa viikosta](tietoa.md).\n")
    root = os.path.join(out, "content")
    shutil.rmtree(root, ignore_errors=True)
    for rel, text in sorted(files.items()):
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    return len(files), sum(len(t.encode()) for t in files.values())


def main():
    ap = argparse.ArgumentParser(description="Generate a synthetic viikko site.")
    ap.add_argument("--entries", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    count, size = generate(a.entries, a.out, a.seed)
    print(f"{count} files, {size / 1e6:.1f} MB -> {a.out}/content")


if __name__ == "__main__":
    main()
