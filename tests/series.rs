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
