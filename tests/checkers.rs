//! The outside checkers as witnesses, over the sample site and the fixture with hard cases: the
//! Nu HTML checker, axe-core in Chromium, Python's icalendar and vobject, ical.js, and a check of
//! every internal link and fragment. `tests/run` installs them (tests/checkers/setup).

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn checkers() -> PathBuf {
    let dir = repo().join("tests/checkers");
    assert!(
        dir.join("node_modules/vnu-jar").is_dir() && dir.join(".venv/bin/python").exists(),
        "the outside checkers are not installed: run tests/run (or tests/checkers/setup)"
    );
    dir
}

/// Builds `content` (a folder holding `content/`) into a temporary folder.
fn built(root: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root.join("content"), &dir.path().join("content"));
    let out = dir.path().join("public");
    build_ok(dir.path(), &out);
    (dir, out)
}

#[test]
fn the_nu_html_checker_finds_no_errors() {
    let dir = checkers();
    for root in [
        repo(),
        fixture("site"),
        fixture("ilmoitus"),
        fixture("vuodet"),
    ] {
        let (_tmp, out) = built(&root);
        // Every page; the embeds' fragments are made to be pasted into other pages, not
        // to stand alone.
        let pages: Vec<PathBuf> = files(&out)
            .into_iter()
            .filter(|f| f.ends_with(".html") && !f.ends_with("/tapahtumat.html"))
            .map(|f| out.join(f))
            .collect();
        assert!(!pages.is_empty());
        run(Command::new("java")
            .args([
                "-jar",
                dir.join("node_modules/vnu-jar/build/dist/vnu.jar")
                    .to_str()
                    .unwrap(),
            ])
            .args(["--errors-only", "--format", "gnu"])
            .args(&pages));
    }
}

#[test]
fn axe_core_finds_no_violations_on_any_page_type_and_search_finds_inflected_words() {
    let dir = checkers();
    let (_tmp, out) = built(&repo());
    let shots = repo().join("target/screenshots");
    let pages = [
        "",
        "paiva/2026-11-17/",
        "ohjelma/",
        "ohjelma/satakunnan-hyvinvointialue/so-sotessa-pori/",
        "ohjelma/eura-harjavalta-yhteistoiminta/peruttu-iltakeskustelu/",
        "ohjelma/satakunnan-hyvinvointialue/toimeentulo-webinaari/",
        "ohjelma/satakunnan-hyvinvointialue/",
        "jarjestajat/",
        "kohderyhma/nuoret/",
        "muistiot/",
        "muistiot/2026/so-sotessa-pori/",
        "muistiot/teemat/asuminen/",
        "kalenteri/",
        "saavutettavuusseloste/",
        "ohjeet/",
        "ilmoita/",
        "sarja/so-sotessa-teams/",
        "raportti/2026/",
        "arkisto/",
        "tilastot/",
        "viestit/",
        "haku/?q=kahvilassa",
        "haku/?q=nuorten%20asumisesta",
        "haku/?q=rauma%20tiistaina",
        "ei-ole-olemassa/",
        "kunta/",
        "kunta/rauma/",
        "verkossa/",
        "kunta/rauma/tulosta/",
        "ohjelma/tulosta/",
        "ohjelma/porin-kaupunki/asukaskahvila-itatuuli/juliste/",
        "ohjelma/satakunnan-sosiaalialan-osaamiskeskus/verkkoon-siirretty/",
        "oma-ohjelma/",
        "muutokset/",
    ];
    let report = run(Command::new("node")
        .arg(dir.join("browser.mjs"))
        .arg(&out)
        .arg("/rsv/")
        .arg(&shots)
        .args(pages));
    let report: serde_json::Value = serde_json::from_str(report.trim()).unwrap();
    for page in pages {
        assert_eq!(report[page]["violations"], 0, "{page}");
        let header = report[page]["header"].as_f64().unwrap();
        assert!(
            header < 130.0,
            "{page}: the header takes {header} px of a 360 px phone"
        );
        assert!(report[page]["heading"].as_f64().unwrap() < 300.0, "{page}");
    }
    let found = |q: &str| report[format!("haku/?q={q}")]["found"].to_string();
    assert!(
        found("kahvilassa").contains("Asukaskahvila Itätuulessa"),
        "{}",
        found("kahvilassa")
    );
    assert!(found("nuorten%20asumisesta").contains("Nuorten ilta: raha, asuminen ja oma elämä"));
    // Weekday names are indexed: Tuesday's events in Rauma, not Monday's.
    let rauma = found("rauma%20tiistaina");
    assert!(rauma.contains("SO sotessa Raumalla"), "{rauma}");
    assert!(!rauma.contains("Nuorten ääni"), "{rauma}");
    assert!(shots.join("home-360.png").is_file() && shots.join("paiva_2026-11-17.pdf").is_file());
    assert!(shots.join("ohjelma_tulosta.pdf").is_file());
}

/// Each parser's reading of every feed: file → UID → [start, end] in UTC.
type Readings = BTreeMap<String, BTreeMap<String, Vec<String>>>;

#[test]
fn icalendar_vobject_and_ical_js_read_every_feed_alike() {
    let dir = checkers();
    for root in [
        repo(),
        fixture("site"),
        fixture("ilmoitus"),
        fixture("vuodet"),
    ] {
        let (_tmp, out) = built(&root);
        let feeds: Vec<PathBuf> = files(&out)
            .iter()
            .filter(|f| f.ends_with(".ics"))
            .map(|f| out.join(f))
            .collect();
        let python: Readings =
            serde_json::from_str(&run(Command::new(dir.join(".venv/bin/python"))
                .arg(dir.join("ics.py"))
                .args(&feeds)))
            .unwrap();
        let ical_js: Readings = serde_json::from_str(&run(Command::new("node")
            .arg(dir.join("icaljs.mjs"))
            .args(&feeds)))
        .unwrap();
        assert_eq!(python.len(), feeds.len());
        assert_eq!(python, ical_js, "the parsers disagree");
        let whole = &python[out.join("kalenteri/koko-ohjelma.ics").to_str().unwrap()];
        if root == fixture("site") {
            // 14:00 in Helsinki in November is 12:00 UTC; 03:30 summer time on 25 October is 00:30 UTC.
            assert_eq!(
                whole["porin-kaupunki/asukaskahvila@satakunta.example.fi"],
                ["2026-11-17T12:00:00Z", "2026-11-17T13:30:00Z"]
            );
            assert_eq!(
                whole["sosped-ry/kesaaika@satakunta.example.fi"],
                ["2026-10-25T00:30:00Z", "2026-10-25T03:00:00Z"]
            );
            assert_eq!(
                whole["porin-kaupunki/naiset-nayttely@satakunta.example.fi"],
                ["2026-11-16", "2026-11-19"]
            );
        }
        if root == fixture("vuodet") {
            // Every two weeks at 14:00 in Helsinki: 11:00 UTC in summer time, 12:00 after it.
            let series = &python[out.join("kalenteri/sarja/so-sotessa.ics").to_str().unwrap()];
            let uid = |date: &str| format!("so-sotessa/{date}@satakunta.example.fi");
            assert_eq!(
                series[&uid("2026-10-06")],
                ["2026-10-06T11:00:00Z", "2026-10-06T12:30:00Z"]
            );
            assert_eq!(
                series[&uid("2026-11-17")],
                ["2026-11-17T15:00:00Z", "2026-11-17T17:00:00Z"]
            );
            assert_eq!(
                series[&uid("2026-12-15")],
                ["2026-12-15T12:00:00Z", "2026-12-15T13:30:00Z"]
            );
            assert_eq!(series.len(), 5);
            let earlier = &python[out
                .join("2025/kalenteri/koko-ohjelma.ics")
                .to_str()
                .unwrap()];
            assert_eq!(earlier.len(), 3);
        }
        if root == fixture("ilmoitus") {
            // No DTEND: RFC 5545 ends a timed event at its start, and all three read it so.
            assert_eq!(
                whole["kaupunki/iltakahvila@satakunta.example.fi"],
                ["2026-11-18T16:30:00Z", "2026-11-18T16:30:00Z"]
            );
            assert_eq!(
                whole["kaupunki/YON-YLI@satakunta.example.fi"],
                ["2026-11-20T16:00:00Z", "2026-11-21T07:00:00Z"]
            );
        }
    }
}

#[test]
fn every_internal_link_and_fragment_resolves() {
    for root in [
        repo(),
        fixture("site"),
        fixture("ilmoitus"),
        fixture("vuodet"),
    ] {
        let (_tmp, out) = built(&root);
        let mut broken = Vec::new();
        for page in files(&out).iter().filter(|f| f.ends_with(".html")) {
            let html = read(out.join(page));
            for target in attributes(&html, "href")
                .into_iter()
                .chain(attributes(&html, "src"))
            {
                if let Some(problem) = check_link(&out, page, &target) {
                    broken.push(format!("{page}: {target}: {problem}"));
                }
            }
        }
        assert!(broken.is_empty(), "{}", broken.join("\n"));
    }
}

fn attributes(html: &str, name: &str) -> Vec<String> {
    let marker = format!(" {name}=\"");
    html.match_indices(&marker)
        .filter_map(|(at, _)| {
            let rest = &html[at + marker.len()..];
            rest.find('"').map(|end| rest[..end].replace("&amp;", "&"))
        })
        .collect()
}

/// Root-relative links under `/rsv/` must name a file (a folder means its index.html) and an
/// existing id when they have a fragment.
fn check_link(out: &Path, page: &str, target: &str) -> Option<String> {
    if target.contains("://")
        || target.starts_with("mailto:")
        || target.starts_with("tel:")
        || target.starts_with("webcal:")
    {
        return None;
    }
    let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
    let path = path.split('?').next().unwrap_or_default();
    let file = if path.is_empty() {
        out.join(page)
    } else {
        let Some(inside) = path.strip_prefix("/rsv/") else {
            return Some("does not start with the base path".into());
        };
        let file = out.join(inside);
        if inside.is_empty() || inside.ends_with('/') {
            file.join("index.html")
        } else {
            file
        }
    };
    if !file.is_file() {
        return Some("no such file".into());
    }
    if !fragment.is_empty() && !read(&file).contains(&format!(" id=\"{fragment}\"")) {
        return Some("no such fragment".into());
    }
    None
}

/// The entry form filled in Chromium for three entries: each file it composes passes
/// `viikko check` unchanged, saved where the form says.
#[test]
fn a_file_made_by_the_entry_form_passes_check_unchanged() {
    let dir = checkers();
    let (site, out) = built(&repo());
    let entries = serde_json::json!([
        {
            "title": "Perhekahvila: \"tervetuloa\" kaikki",
            "organiser": "porin-kaupunki",
            "date": "2026-11-17", "start": "14:00", "end": "15:30",
            "place": "Perhekeskus", "address": "Isolinnankatu 12", "municipality": "Pori",
            "audience": ["kaikki", "nuoret"], "format": "keskustelu",
            "price": "5 €", "registration": "https://www.example.fi/ilmoittaudu",
            "description": "Kahvia ja keskustelua.\n\n- lapset mukaan"
        },
        {
            "title": "SO sotessa: asuminen",
            "organiser": "rauman-kaupunki",
            "date": "2026-11-18", "start": "18:30",
            "online": "https://meet.example.fi/so",
            "audience": ["ammattilaiset"]
        },
        {
            "title": "Näyttely #1",
            "organiser": "*", "new_organiser": "Uusi Yhdistys ry",
            "date": "2026-11-19",
            "place": "Kirjasto", "municipality": "Pori",
            "registration": "matti@example.fi",
            "audience": ["kaikki"]
        },
        {
            "title": "Etäkahvit",
            "organiser": "porin-kaupunki",
            "date": "2026-11-18", "start": "9:00",
            "online": "Teams, linkki lähetetään ilmoittautuneille",
            "registration": "10.11. mennessä: matti@example.fi",
            "audience": ["kaikki"]
        },
        {
            "title": "Teamsissa", "organiser": "porin-kaupunki",
            "date": "2026-11-18", "place": "Teams", "audience": ["kaikki"]
        },
        {
            "title": "Ilman kuntaa", "organiser": "porin-kaupunki",
            "date": "2026-11-18", "place": "Kirjasto", "audience": ["kaikki"]
        },
        {
            "title": "Väärin", "organiser": "porin-kaupunki",
            "date": "2026-11-17", "start": "15:00", "end": "14:00", "place": "Kirjasto",
            "online": "www.example.fi/so"
        }
    ]);
    let list = site.path().join("entries.json");
    std::fs::write(&list, entries.to_string()).unwrap();
    let mut results: Vec<serde_json::Value> = serde_json::from_str(&run(Command::new("node")
        .arg(dir.join("form.mjs"))
        .arg(&out)
        .arg("/rsv/")
        .arg(&list)))
    .unwrap();
    assert_eq!(results.len(), 7);
    // What the form shows for an entry: these errors, and a status saying `status`.
    let shows = |result: &serde_json::Value, errors: &[&str], status: &str| {
        let shown = result["errors"].to_string();
        assert!(errors.iter().all(|e| shown.contains(e)), "{result}");
        assert!(
            result["status"].as_str().unwrap().contains(status),
            "{result}"
        );
    };
    let blocked = "Täytä merkityt kohdat";
    shows(
        &results.pop().unwrap(),
        &[
            "Päättymisajan pitää olla alkamisajan jälkeen.",
            "Valitse vähintään yksi kohderyhmä.",
            "Verkko-osoitteen pitää alkaa https://.",
        ],
        blocked,
    );
    // A place without its municipality is told, as the build warns, but the file is made.
    shows(
        &results.pop().unwrap(),
        &["Kunta puuttuu"],
        "Tiedosto on valmis",
    );
    // A place that is only Teams is refused, as the build refuses it.
    shows(&results.pop().unwrap(), &["ei ole paikka"], blocked);
    let root = site.path();
    let new = viikko(&[
        "new",
        "organiser",
        "Uusi Yhdistys ry",
        "--root",
        root.to_str().unwrap(),
    ]);
    assert!(new.status.success());
    for result in &results {
        assert!(
            result["before"]
                .as_str()
                .unwrap()
                .contains("Täytä merkityt kohdat"),
            "{result}"
        );
        assert!(
            result["status"]
                .as_str()
                .unwrap()
                .contains("Tiedosto on valmis"),
            "{result}"
        );
        assert_eq!(result["errors"], serde_json::json!([]), "{result}");
        let folder = root
            .join("content/programme")
            .join(result["folder"].as_str().unwrap());
        let file = folder.join(result["file"].as_str().unwrap());
        std::fs::write(&file, result["text"].as_str().unwrap()).unwrap();
        let check = viikko(&[
            "check",
            "--root",
            root.to_str().unwrap(),
            file.to_str().unwrap(),
        ]);
        let report = String::from_utf8_lossy(&check.stderr);
        assert!(
            check.status.success() && report.contains("ei ongelmia"),
            "{}\n{report}",
            result["text"]
        );
        assert!(
            result["mail"]
                .as_str()
                .unwrap()
                .starts_with("mailto:rsv-viikko@example.fi?subject=")
        );
    }
    let texts: Vec<&str> = results
        .iter()
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert!(
        texts[0].contains("aika: ti 17.11.2026 klo 14–15.30"),
        "{}",
        texts[0]
    );
    assert!(
        texts[1].contains("aika: ke 18.11.2026 klo 18.30 alkaen"),
        "{}",
        texts[1]
    );
    assert!(texts[2].contains("aika: to 19.11.2026\n"), "{}", texts[2]);
    assert_eq!(results[2]["folder"], "uusi-yhdistys-ry");
    build_ok(root, &root.join("public2"));
}

#[test]
fn three_starred_entries_survive_a_reload_and_download_as_one_calendar() {
    let dir = checkers();
    let (tmp, out) = built(&repo());
    let ics = tmp.path().join("oma.ics");
    let entries = [
        "ohjelma/porin-kaupunki/asukaskahvila-itatuuli/",
        "ohjelma/eura-harjavalta-yhteistoiminta/peruttu-iltakeskustelu/",
        "ohjelma/samk-sosionomiopiskelijat/nayttely-arjen-aania/",
    ];
    let report = run(Command::new("node")
        .arg(dir.join("mine.mjs"))
        .arg(&out)
        .arg("/rsv/")
        .arg(&ics)
        .args(entries));
    let report: serde_json::Value = serde_json::from_str(report.trim()).unwrap();
    assert_eq!(
        report["pressed"],
        serde_json::json!(["true", "true", "true"])
    );
    assert_eq!(report["listed"].as_array().unwrap().len(), 3, "{report}");
    assert!(
        report["listed"]
            .to_string()
            .contains("Asukaskahvila Itätuulessa")
    );
    assert!(report["withoutJs"].as_str().unwrap().contains("JavaScript"));
    assert_eq!(report["file"], "oma-ohjelma.ics");

    let python: Readings = serde_json::from_str(&run(Command::new(dir.join(".venv/bin/python"))
        .arg(dir.join("ics.py"))
        .arg(&ics)))
    .unwrap();
    let ical_js: Readings = serde_json::from_str(&run(Command::new("node")
        .arg(dir.join("icaljs.mjs"))
        .arg(&ics)))
    .unwrap();
    assert_eq!(python, ical_js, "the parsers disagree");
    let events = &python[ics.to_str().unwrap()];
    assert_eq!(events.len(), 3);
    // The same UIDs as the published feeds, so a subscribed calendar does not show them twice.
    let whole = out.join("kalenteri/koko-ohjelma.ics");
    let published: Readings =
        serde_json::from_str(&run(Command::new(dir.join(".venv/bin/python"))
            .arg(dir.join("ics.py"))
            .arg(&whole)))
        .unwrap();
    for (uid, times) in events {
        assert_eq!(&published[whole.to_str().unwrap()][uid], times, "{uid}");
    }
}

#[test]
fn the_municipality_filter_takes_online_events_and_a_day_and_the_copy_button_copies() {
    let dir = checkers();
    let (_tmp, out) = built(&repo());
    let report = run(Command::new("node")
        .arg(dir.join("filter.mjs"))
        .arg(&out)
        .arg("/rsv/"));
    let report: serde_json::Value = serde_json::from_str(report.trim()).unwrap();
    let list = |key: &str| -> Vec<String> {
        report[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    // What the cards say, read from the page the script filtered.
    let programme = read(out.join("ohjelma/index.html"));
    let cards: Vec<(&str, &str)> = programme
        .split("<li class=\"entry")
        .skip(1)
        .map(|card| {
            let municipality = card.split("data-municipality=\"").nth(1).unwrap();
            let href = card.split("<a href=\"").nth(1).unwrap();
            (
                &municipality[..municipality.find('"').unwrap()],
                &href[..href.find('"').unwrap()],
            )
        })
        .collect();
    let rauma: Vec<String> = cards
        .iter()
        .filter(|(m, _)| *m == "rauma")
        .map(|(_, h)| h.to_string())
        .collect();
    assert!(!rauma.is_empty());
    assert_eq!(list("municipality"), rauma);
    let with_online = list("withOnline");
    assert!(with_online.len() > rauma.len() && rauma.iter().all(|h| with_online.contains(h)));
    assert!(
        with_online.contains(
            &"/rsv/ohjelma/satakunnan-hyvinvointialue/toimeentulo-webinaari/".to_string()
        )
    );
    let tuesday = list("onTuesday");
    assert!(!tuesday.is_empty() && tuesday.len() < with_online.len());
    assert_eq!(report["address"], "?kunta=rauma&paiva=2026-11-17&verkko=1");
    assert_eq!(report["copied"], "Osoite kopioitu.");
    assert_eq!(
        report["clipboard"],
        "https://satakunta.example.fi/rsv/kalenteri/koko-ohjelma.ics"
    );
}

#[test]
fn a_camera_reads_the_address_from_the_qr_codes_of_printed_sheets() {
    let dir = checkers();
    let (_tmp, out) = built(Path::new(env!("CARGO_MANIFEST_DIR")));
    let shots = tempfile::tempdir().unwrap();
    let sheets = [
        (
            "ohjelma/porin-kaupunki/asukaskahvila-itatuuli/juliste/",
            "https://satakunta.example.fi/rsv/ohjelma/porin-kaupunki/asukaskahvila-itatuuli/",
        ),
        ("ohjelma/tulosta/", "https://satakunta.example.fi/rsv/"),
        // Any other page: the footer's image.
        ("tietoa/", "https://satakunta.example.fi/rsv/"),
    ];
    run(Command::new("node")
        .arg(dir.join("qr.mjs"))
        .arg(&out)
        .arg("/rsv/")
        .arg(shots.path())
        .args(sheets.map(|(page, _)| page)));
    for (n, (page, address)) in sheets.iter().enumerate() {
        let read = run(Command::new("zbarimg")
            .args(["--raw", "--quiet"])
            .arg(shots.path().join(format!("{n}.png"))));
        assert_eq!(read.trim(), *address, "{page}");
    }
}
