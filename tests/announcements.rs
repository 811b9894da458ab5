//! A site written the way partners write announcements: Finnish field names, `ti 17.11. klo
//! 14–15.30`, an open end (`klo 18.30 alkaen`), an all-day range, a night across two days,
//! Word's quotes, comma lists, a place given by its name, a file saved as `.MD`. Each must be
//! published at the exact local times written, on the pages and in the feeds.

mod common;

use common::*;
use std::fs;
use std::io::BufReader;

type Event = ical::parser::ical::component::IcalEvent;

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let site = site("ilmoitus");
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    (site, out)
}

fn events(path: &std::path::Path) -> Vec<Event> {
    let reader = BufReader::new(fs::File::open(path).unwrap());
    let calendar = ical::IcalParser::new(reader).next().unwrap().unwrap();
    calendar.events
}

/// Each property of the event `id` as `NAME;PARAMS:value` lines.
fn lines(events: &[Event], id: &str) -> Vec<String> {
    let uid = format!("{id}@satakunta.example.fi");
    let event = events
        .iter()
        .find(|e| {
            e.properties
                .iter()
                .any(|p| p.name == "UID" && p.value.as_deref() == Some(&uid))
        })
        .unwrap_or_else(|| panic!("no event {uid}"));
    event
        .properties
        .iter()
        .map(|p| {
            let params: String = p
                .params
                .iter()
                .flatten()
                .map(|(k, v)| format!(";{k}={}", v.join(",")))
                .collect();
            format!("{}{params}:{}", p.name, p.value.clone().unwrap_or_default())
        })
        .collect()
}

#[test]
fn every_notation_is_published_at_the_times_written() {
    let (_site, out) = built();
    let feed = events(&out.join("kalenteri/koko-ohjelma.ics"));
    let has = |id: &str, line: &str| {
        let lines = lines(&feed, id);
        assert!(
            lines.iter().any(|l| l == line),
            "{id}: no `{line}` in {lines:#?}"
        );
    };
    has(
        "kaupunki/tiistai",
        "DTSTART;TZID=Europe/Helsinki:20261117T140000",
    );
    has(
        "kaupunki/tiistai",
        "DTEND;TZID=Europe/Helsinki:20261117T153000",
    );
    has(
        "kaupunki/YON-YLI",
        "DTSTART;TZID=Europe/Helsinki:20261120T180000",
    );
    has(
        "kaupunki/YON-YLI",
        "DTEND;TZID=Europe/Helsinki:20261121T090000",
    );
    has("kaupunki/YON-YLI", "STATUS:CANCELLED");
    has("kaupunki/nayttely", "DTSTART;VALUE=DATE:20261116");
    has("kaupunki/nayttely", "DTEND;VALUE=DATE:20261121");
    has(
        "kaupunki/iltakahvila",
        "DTSTART;TZID=Europe/Helsinki:20261118T183000",
    );
    let open = lines(&feed, "kaupunki/iltakahvila");
    assert!(
        !open
            .iter()
            .any(|l| l.starts_with("DTEND") || l.starts_with("DURATION")),
        "{open:#?}"
    );
    assert!(
        open.iter()
            .any(|l| l.starts_with("DESCRIPTION:klo 18.30 alkaen.")),
        "{open:#?}"
    );
}

#[test]
fn an_open_end_is_said_and_never_invented_on_the_pages() {
    let (_site, out) = built();
    let page = read(out.join("ohjelma/kaupunki/iltakahvila/index.html"));
    assert!(page.contains("klo 18.30 alkaen"), "{page}");
    assert!(
        page.contains("<h1>Iltakahvila: avoin keskustelu</h1>"),
        "Word's quotes: {page}"
    );
    assert!(!page.contains('”'), "the quotes were published");
    assert!(page.contains("https://www.example.fi/ilmoittaudu"));
    assert!(page.contains("Asukastupa"));
    let json_ld = page.split("application/ld+json\">").nth(1).unwrap();
    let json_ld = json_ld.split("</script>").next().unwrap();
    assert!(
        json_ld.contains("\"startDate\":\"2026-11-18T18:30:00+02:00\""),
        "{json_ld}"
    );
    assert!(!json_ld.contains("endDate"), "{json_ld}");
    let day = read(out.join("paiva/2026-11-18/index.html"));
    assert!(day.contains("klo 18.30 alkaen"), "{day}");
    // Both audiences of the comma list.
    assert!(read(out.join("kohderyhma/nuoret/index.html")).contains("Iltakahvila"));
    assert!(read(out.join("kohderyhma/kaikki/index.html")).contains("Iltakahvila"));
}

#[test]
fn a_swedish_site_says_from_and_reports_in_swedish() {
    let site = site("ilmoitus");
    let settings = site.path().join("content/site.yaml");
    fs::write(&settings, read(&settings).replace("kieli: fi", "kieli: sv")).unwrap();
    let entry = site
        .path()
        .join("content/programme/kaupunki/iltakahvila.md");
    fs::write(
        &entry,
        read(&entry).replace("ke 18.11. klo 18.30 alkaen", "från ons 18.11 kl. 18.30"),
    )
    .unwrap();
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    let page = read(out.join("ohjelma/kaupunki/iltakahvila/index.html"));
    assert!(page.contains("från kl. 18.30"), "{page}");

    fs::write(
        &entry,
        read(&entry).replace("från ons 18.11", "från tis 18.11"),
    )
    .unwrap();
    let failed = build(site.path(), &out);
    let report = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        report.contains("18.11.2026 är en onsdag, inte `tis`"),
        "{report}"
    );
    assert!(report.contains("fel:"), "{report}");
}
