//! A series held all year: its sessions from a rule and a list, one of them overridden by an
//! entry file, each its own event with an id that survives changes to the rule.

mod common;

use common::*;
use std::fs;

type Event = ical::parser::ical::component::IcalEvent;

fn value(event: &Event, name: &str) -> String {
    event
        .properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.clone())
        .unwrap_or_default()
}

/// Each event of a feed: UID → (DTSTART, DTEND) as written.
fn events(path: &std::path::Path) -> Vec<(String, String, String)> {
    let reader = std::io::BufReader::new(fs::File::open(path).unwrap());
    let calendar = ical::IcalParser::new(reader).next().unwrap().unwrap();
    let mut found: Vec<_> = calendar
        .events
        .iter()
        .map(|e| (value(e, "UID"), value(e, "DTSTART"), value(e, "DTEND")))
        .collect();
    found.sort();
    found
}

#[test]
fn every_session_is_its_own_event_with_a_stable_uid() {
    let site = site("vuodet");
    let out = site.path().join("public");
    let report = build_ok(site.path(), &out);
    assert!(
        !report.contains("ulkopuolella"),
        "sessions outside the week are normal: {report}"
    );
    let feed = events(&out.join("kalenteri/sarja/so-sotessa.ics"));
    let uid = |date: &str| format!("so-sotessa/{date}@satakunta.example.fi");
    // Every two weeks from 6 October, 3 November skipped; 20 October and 1 December listed with
    // themes; 17 November an entry of its own.
    let expected = [
        ("2026-10-06", "20261006T140000", "20261006T153000"),
        ("2026-10-20", "20261020T140000", "20261020T153000"),
        ("2026-11-17", "20261117T170000", "20261117T190000"),
        ("2026-12-01", "20261201T140000", "20261201T153000"),
        ("2026-12-15", "20261215T140000", "20261215T153000"),
    ];
    let got: Vec<(String, String, String)> = expected
        .iter()
        .map(|(d, s, e)| (uid(d), s.to_string(), e.to_string()))
        .collect();
    assert_eq!(feed, got);
    let moved = read(out.join("sarja/so-sotessa/2026-11-17/index.html"));
    assert!(
        moved.contains("Pääkirjasto") && moved.contains("viikon erikoiskerta"),
        "{moved}"
    );
    let themed = read(out.join("sarja/so-sotessa/2026-10-20/index.html"));
    assert!(
        themed.contains("Asuminen") && themed.contains("SO sotessa: asuminen"),
        "the memo is shown"
    );
    let page = read(out.join("sarja/so-sotessa/index.html"));
    assert!(
        page.contains("Anna Virtanen") && page.contains("Asumisneuvontaa tarvitaan lisää."),
        "{page}"
    );

    // Extending the rule keeps every existing session's UID and adds the new ones.
    let file = site.path().join("content/series/so-sotessa.md");
    fs::write(
        &file,
        read(&file).replace("asti: 15.12.2026", "asti: 26.1.2027"),
    )
    .unwrap();
    build_ok(site.path(), &out);
    let longer = events(&out.join("kalenteri/sarja/so-sotessa.ics"));
    for event in &got {
        assert!(longer.contains(event), "{event:?} changed");
    }
    assert!(
        longer
            .iter()
            .any(|(u, s, _)| u == &uid("2027-01-12") && s == "20270112T140000")
    );
}

/// Every file below `dir/<year>/`, for comparing a year's addresses across builds.
fn files_of_year(out: &std::path::Path, year: &str) -> Vec<String> {
    files(&out.join(year))
}

#[test]
fn earlier_weeks_keep_their_addresses_when_the_current_week_moves_on() {
    let site = site("vuodet");
    let root = site.path();
    let out = root.join("public");
    let report = build_at(root, &out, "2026-11-25");
    assert!(!report.contains("ulkopuolella"), "{report}");
    // The current week at today's addresses, the earlier ones under their year.
    assert!(out.join("ohjelma/pori/kahvila-2026/index.html").is_file());
    assert!(
        out.join("2025/ohjelma/pori/kahvila-2025/index.html")
            .is_file()
    );
    assert!(
        out.join("2024/ohjelma/pori/kahvila-2024/index.html")
            .is_file()
    );
    assert!(!out.join("ohjelma/pori/kahvila-2025").exists());
    let earlier = read(out.join("2025/ohjelma/rauma/perheilta-2025/index.html"));
    assert!(
        earlier.contains("Tämä on vuoden 2025 viikon ohjelma."),
        "{earlier}"
    );
    assert!(
        read(out.join("2025/kalenteri/koko-ohjelma.ics")).contains("UID:rauma/perheilta-2025@")
    );
    let whole = read(out.join("kalenteri/koko-ohjelma.ics"));
    assert!(!whole.contains("perheilta-2025") && whole.contains("perheilta-2026"));
    assert!(read(out.join("arkisto/index.html")).contains("/rsv/2024/"));
    let years_2025 = files_of_year(&out, "2025");
    let years_2024 = files_of_year(&out, "2024");

    // A new year begins: 2026 becomes an earlier week, and no file is moved or renamed.
    let settings = root.join("content/site.yaml");
    let moved = read(&settings)
        .replace(
            "viikko: {alkaa: 2026-11-16, päättyy: 2026-11-22}",
            "viikko: {alkaa: 2027-11-15, päättyy: 2027-11-21}",
        )
        .replace(
            "aiemmat:\n",
            "aiemmat:\n  2026: {alkaa: 2026-11-16, päättyy: 2026-11-22}\n",
        );
    std::fs::write(&settings, moved).unwrap();
    build_at(root, &out, "2027-09-01");
    assert_eq!(files_of_year(&out, "2025"), years_2025);
    assert_eq!(files_of_year(&out, "2024"), years_2024);
    assert!(
        out.join("2026/ohjelma/pori/kahvila-2026/index.html")
            .is_file()
    );
}

#[test]
fn year_by_year_figures_and_the_missing_ones() {
    let site = site("vuodet");
    let root = site.path();
    let out = root.join("public");
    build_at(root, &out, "2026-11-25");
    let csv = read(out.join("tilastot.csv"));
    // Year; entries; organisers; reported; participants; sessions; their participants; memos;
    // memo participants; points — worked out by hand from the fixture.
    for row in [
        "2026;2;2;1;30;5;31;1;12;1",
        "2025;3;2;2;40;0;0;0;0;0",
        "2024;1;1;1;20;0;0;0;0;0",
    ] {
        assert!(csv.contains(row), "no `{row}` in\n{csv}");
    }
    assert!(
        read(out.join("tilastot/index.html"))
            .contains("<dt>Osallistujamäärä puuttuu</dt><dd>4</dd>")
    );
    let report = read(out.join("raportti/2025/index.html"));
    assert!(
        report.contains("Rauman perhetyö (2 tapahtumaa)")
            && report.contains("Porin sosiaalityö (1 tapahtuma)"),
        "{report}"
    );
    let epoch = "1795564800"; // 2026-11-25
    let missing = std::process::Command::new(env!("CARGO_BIN_EXE_viikko"))
        .env("SOURCE_DATE_EPOCH", epoch)
        .args(["stats", "--missing", "--root", root.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&missing.stdout);
    assert!(text.contains("puuttuu 4"), "{text}");
    assert!(text.contains("Rauman perhetyö <perhetyo@example.fi>\n  ke 19.11.2025 Webinaari 2025\n  to 19.11.2026 Perheilta 2026"), "{text}");
    assert!(
        text.contains("  ti 6.10.2026 SO sotessa -keskustelut\n"),
        "{text}"
    );
}

/// A series held at a place without its municipality gets the entries' warning, at its line.
#[test]
fn a_series_place_without_its_municipality_is_warned() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &dir.path().join("content"));
    let file = dir.path().join("content/series/so-sotessa-teams.md");
    let text = read(&file).replace(
        "verkossa: https://teams.example.fi/so-sotessa\n",
        "paikka: Järjestötalo Mikaeli, Mikonkatu 1, Pori\n",
    );
    fs::write(&file, text).unwrap();
    let report = build_ok(dir.path(), &dir.path().join("public"));
    assert!(
        report.contains("so-sotessa-teams.md:5:1")
            && report.contains("{nimi: Järjestötalo Mikaeli, osoite: Mikonkatu 1, kunta: Pori}"),
        "{report}"
    );
}
