//! The calendar feeds of the fixture site, read back by the `ical` crate's parser and checked
//! strictly for what clients trip over; and the calendar record across builds.

mod common;

use common::*;
use std::fs;
use std::io::BufReader;
use std::path::Path;

type Event = ical::parser::ical::component::IcalEvent;

fn ics_files(out: &Path) -> Vec<String> {
    files(out)
        .into_iter()
        .filter(|f| f.ends_with(".ics"))
        .collect()
}

/// Parses a feed with the `ical` crate, failing the test on any parse error.
fn parse(path: &Path) -> ical::parser::ical::component::IcalCalendar {
    let reader = BufReader::new(fs::File::open(path).unwrap());
    let mut calendars: Vec<_> = ical::IcalParser::new(reader).collect();
    assert_eq!(calendars.len(), 1, "{}", path.display());
    calendars
        .pop()
        .unwrap()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn prop<'a>(event: &'a Event, name: &str) -> Option<&'a ical::property::Property> {
    event.properties.iter().find(|p| p.name == name)
}

fn value(event: &Event, name: &str) -> String {
    prop(event, name)
        .and_then(|p| p.value.clone())
        .unwrap_or_default()
}

fn event<'a>(calendar: &'a ical::parser::ical::component::IcalCalendar, id: &str) -> &'a Event {
    let uid = format!("{id}@satakunta.example.fi");
    calendar
        .events
        .iter()
        .find(|e| value(e, "UID") == uid)
        .unwrap_or_else(|| panic!("no event {uid}"))
}

fn built(envs: &[(&str, &str)]) -> (tempfile::TempDir, std::path::PathBuf) {
    let site = site("site");
    let out = site.path().join("public");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_viikko"))
        .args(["build", "--root", site.path().to_str().unwrap()])
        .envs(envs.iter().copied())
        .status()
        .unwrap();
    assert!(status.success());
    (site, out)
}

fn rebuild(root: &Path, epoch: &str) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_viikko"))
        .args(["build", "--root", root.to_str().unwrap()])
        .env("SOURCE_DATE_EPOCH", epoch)
        .status()
        .unwrap();
    assert!(status.success());
}

/// The instant a DTSTART/DTEND line means (dates at midnight UTC, which is enough to order them).
fn instant(line: &str) -> jiff::Timestamp {
    let (head, value) = line.split_once(':').unwrap();
    if let Some(utc) = value.strip_suffix('Z') {
        return jiff::civil::DateTime::strptime("%Y%m%dT%H%M%S", utc)
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp();
    }
    if head.contains("VALUE=DATE") {
        return jiff::civil::Date::strptime("%Y%m%d", value)
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp();
    }
    let tz = jiff::tz::TimeZone::get(head.split("TZID=").nth(1).unwrap()).unwrap();
    jiff::civil::DateTime::strptime("%Y%m%dT%H%M%S", value)
        .unwrap()
        .to_zoned(tz)
        .unwrap()
        .timestamp()
}

#[test]
fn every_feed_is_written_and_parses() {
    let (_site, out) = built(&[]);
    let feeds = ics_files(&out);
    for feed in [
        "kalenteri/koko-ohjelma.ics",
        "kalenteri/paiva/2026-11-17.ics",
        "kalenteri/jarjestaja/porin-kaupunki.ics",
        "kalenteri/kohderyhma/nuoret.ics",
        "kalenteri/sarja/so-sotessa.ics",
        "ohjelma/porin-kaupunki/asukaskahvila/asukaskahvila.ics",
    ] {
        assert!(feeds.contains(&feed.to_string()), "{feed} missing");
    }
    for feed in &feeds {
        let calendar = parse(&out.join(feed));
        assert!(
            !calendar.events.is_empty() || feed.contains("koko"),
            "{feed} is empty"
        );
    }
    let whole = parse(&out.join("kalenteri/koko-ohjelma.ics"));
    assert_eq!(whole.events.len(), 6);
}

/// What no parser reliably catches: CRLF, line length in octets, TZIDs without VTIMEZONE,
/// METHOD (which makes libical demand an ORGANIZER), timestamps not in UTC.
#[test]
fn feeds_follow_rfc_5545_to_the_octet() {
    let (_site, out) = built(&[]);
    for feed in ics_files(&out) {
        let bytes = fs::read(out.join(&feed)).unwrap();
        let text = String::from_utf8(bytes).expect("UTF-8");
        assert!(text.ends_with("END:VCALENDAR\r\n"), "{feed}");
        assert!(
            !text.replace("\r\n", "").contains('\n') && !text.replace("\r\n", "").contains('\r'),
            "{feed}: bare LF or CR"
        );
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{feed}: {} octets: {line}", line.len());
        }
        let unfolded = text.replace("\r\n ", "");
        let lines: Vec<&str> = unfolded.split("\r\n").collect();
        assert!(lines.contains(&"VERSION:2.0") && lines.contains(&"CALSCALE:GREGORIAN"));
        assert!(lines.iter().any(|l| l.starts_with("PRODID:")));
        // A subscription names itself and says how often to look again; a single event's file
        // does neither, or clients offer it as a new calendar instead of adding the event.
        let subscription = [
            "X-WR-TIMEZONE:Europe/Helsinki",
            "REFRESH-INTERVAL;VALUE=DURATION:PT4H",
            "X-PUBLISHED-TTL:PT4H",
        ];
        let named = |l: &&str| {
            l.starts_with("NAME:") || l.starts_with("X-WR-CALNAME:") || l.starts_with("SOURCE")
        };
        if feed.starts_with("ohjelma/") {
            assert!(
                !lines.iter().any(named),
                "{feed}: a single event named as a calendar"
            );
            assert!(subscription.iter().all(|r| !lines.contains(r)), "{feed}");
        } else {
            assert!(subscription.iter().all(|r| lines.contains(r)), "{feed}");
            assert_eq!(lines.iter().filter(|l| named(l)).count(), 3, "{feed}");
        }
        assert!(
            !lines.iter().any(|l| l.starts_with("METHOD")),
            "{feed}: METHOD"
        );
        if unfolded.contains("TZID=Europe/Helsinki") {
            assert!(
                lines.contains(&"TZID:Europe/Helsinki"),
                "{feed}: TZID without VTIMEZONE"
            );
        }
        let vtimezone = unfolded
            .split("BEGIN:VTIMEZONE")
            .nth(1)
            .map(|t| t.split("END:VTIMEZONE").next().unwrap());
        if let Some(vtimezone) = vtimezone {
            assert!(
                !vtimezone.contains("UID:") && !vtimezone.contains("DTSTAMP:"),
                "{feed}"
            );
            assert!(vtimezone.contains("BEGIN:STANDARD"));
        }
        for line in &lines {
            if line.starts_with("DTSTAMP:") || line.starts_with("LAST-MODIFIED:") {
                assert!(
                    line.ends_with('Z') && line.len() == line.find(':').unwrap() + 17,
                    "{feed}: {line}"
                );
            }
        }
        assert_eq!(
            unfolded.matches("BEGIN:VEVENT").count(),
            unfolded.matches("\r\nUID:").count()
        );
        let mut uids: Vec<&str> = lines
            .iter()
            .filter(|l| l.starts_with("UID:"))
            .copied()
            .collect();
        let count = uids.len();
        uids.sort_unstable();
        uids.dedup();
        assert_eq!(uids.len(), count, "{feed}: duplicate UIDs");
        // DTEND after DTSTART, compared as instants.
        let events = unfolded.rsplit("END:VTIMEZONE").next().unwrap();
        let times: Vec<(bool, jiff::Timestamp)> = events
            .split("\r\n")
            .filter(|l| l.starts_with("DTSTART") || l.starts_with("DTEND"))
            .map(|l| (l.starts_with("DTSTART"), instant(l)))
            .collect();
        for pair in times
            .chunks(2)
            .filter(|p| p.len() == 2 && p[0].0 && !p[1].0)
        {
            assert!(pair[1].1 > pair[0].1, "{feed}: DTEND not after DTSTART");
        }
    }
}

#[test]
fn events_carry_local_times_text_and_status() {
    let (_site, out) = built(&[]);
    let whole = parse(&out.join("kalenteri/koko-ohjelma.ics"));

    let cafe = event(&whole, "porin-kaupunki/asukaskahvila");
    let start = prop(cafe, "DTSTART").unwrap();
    assert_eq!(start.value.as_deref(), Some("20261117T140000"));
    assert_eq!(
        start.params.as_ref().unwrap()[0],
        ("TZID".to_string(), vec!["Europe/Helsinki".to_string()])
    );
    assert_eq!(value(cafe, "DTEND"), "20261117T153000");
    // The parser leaves TEXT escaped: commas and semicolons must be escaped on the wire.
    assert_eq!(
        value(cafe, "SUMMARY"),
        r"Asukaskahvila\; keskustelua toimeentulosta\, asumisesta ja arjesta Porissa"
    );
    assert_eq!(
        value(cafe, "LOCATION"),
        r"Porin kaupunginkirjasto\, Gallen-Kallelan katu 2\, Pori"
    );
    let description = value(cafe, "DESCRIPTION");
    assert!(
        description.starts_with(r"Tule kahville ja kerro\, mikä arjessa toimii ja mikä ei.\n\n"),
        "{description}"
    );
    assert!(
        description.ends_with(
            r"\n\nhttps://satakunta.example.fi/rsv/ohjelma/porin-kaupunki/asukaskahvila/"
        )
    );
    assert!(!description.contains('<'), "plain text, not HTML");
    assert_eq!(
        value(cafe, "URL"),
        "https://satakunta.example.fi/rsv/ohjelma/porin-kaupunki/asukaskahvila/"
    );
    assert_eq!(
        value(cafe, "CATEGORIES"),
        "Kaikille avoin,Nuoret,Keskustelu"
    );
    assert_eq!(value(cafe, "STATUS"), "CONFIRMED");
    let organizer = prop(cafe, "ORGANIZER").unwrap();
    assert_eq!(
        organizer.value.as_deref(),
        Some("mailto:sosiaalityo@example.fi")
    );

    let exhibition = event(&whole, "porin-kaupunki/naiset-nayttely");
    assert_eq!(value(exhibition, "DTSTART"), "20261116");
    assert_eq!(
        value(exhibition, "DTEND"),
        "20261119",
        "the day after the last day"
    );
    assert_eq!(
        prop(exhibition, "DTSTART")
            .unwrap()
            .params
            .as_ref()
            .unwrap()[0]
            .0,
        "VALUE"
    );

    let cancelled = event(&whole, "porin-kaupunki/peruttu");
    assert_eq!(value(cancelled, "STATUS"), "CANCELLED");
    assert_eq!(
        value(cancelled, "SUMMARY"),
        "PERUTTU: Iltakeskustelu nuorten palveluista"
    );

    let online = event(&whole, "porin-kaupunki/digituki");
    assert_eq!(
        value(online, "LOCATION"),
        "https://meet.example.fi/digituki"
    );
    assert!(prop(online, "ORGANIZER").is_some());
    let no_email = event(&whole, "sosped-ry/hybridi");
    assert!(
        prop(no_email, "ORGANIZER").is_none(),
        "no ORGANIZER without an email"
    );

    // 03:30 happens twice on 25 October; the summer-time one is meant, so it is written in UTC.
    let night = event(&whole, "sosped-ry/kesaaika");
    assert_eq!(value(night, "DTSTART"), "20261025T003000Z");
}

#[test]
fn the_vtimezone_comes_from_the_time_zone_data() {
    let (_site, out) = built(&[]);
    let feed = parse(&out.join("kalenteri/jarjestaja/sosped-ry.ics"));
    let zone = &feed.timezones[0];
    let tzid = zone.properties.iter().find(|p| p.name == "TZID").unwrap();
    assert_eq!(tzid.value.as_deref(), Some("Europe/Helsinki"));
    // The events run from October into November: the October change and the rule before it.
    let starts: Vec<String> = zone
        .transitions
        .iter()
        .map(|t| {
            t.properties
                .iter()
                .find(|p| p.name == "DTSTART")
                .unwrap()
                .value
                .clone()
                .unwrap()
        })
        .collect();
    assert!(
        starts.contains(&"20261025T040000".to_string()),
        "{starts:?}"
    );
    assert!(
        starts.contains(&"20260329T030000".to_string()),
        "{starts:?}"
    );
}

#[test]
fn unchanged_content_builds_byte_identical_feeds_and_record() {
    let (site, out) = built(&[("SOURCE_DATE_EPOCH", "1790000000")]);
    let record = read(site.path().join("content/calendar.lock"));
    let before: Vec<(String, Vec<u8>)> = ics_files(&out)
        .into_iter()
        .map(|f| (f.clone(), fs::read(out.join(&f)).unwrap()))
        .collect();
    rebuild(site.path(), "1800000000");
    assert_eq!(read(site.path().join("content/calendar.lock")), record);
    for (file, bytes) in before {
        assert!(
            fs::read(out.join(&file)).unwrap() == bytes,
            "{file} changed"
        );
    }
}

#[test]
fn a_changed_entry_gets_a_new_sequence_and_stamp_and_only_it() {
    let (site, out) = built(&[("SOURCE_DATE_EPOCH", "1790000000")]);
    let entry = site
        .path()
        .join("content/programme/porin-kaupunki/asukaskahvila.md");
    fs::write(&entry, read(&entry).replace("klo 15.30", "klo 16.00")).unwrap();
    rebuild(site.path(), "1800000000");
    let whole = parse(&out.join("kalenteri/koko-ohjelma.ics"));
    let changed = event(&whole, "porin-kaupunki/asukaskahvila");
    assert_eq!(value(changed, "SEQUENCE"), "1");
    assert_eq!(value(changed, "DTSTAMP"), "20270115T080000Z");
    assert_eq!(value(changed, "LAST-MODIFIED"), "20270115T080000Z");
    assert_eq!(value(changed, "DTEND"), "20261117T160000");
    let same = event(&whole, "porin-kaupunki/digituki");
    assert_eq!(value(same, "SEQUENCE"), "0");
    assert_eq!(value(same, "DTSTAMP"), "20260921T141320Z");

    // Cancelling is a change too.
    fs::write(
        &entry,
        read(&entry).replace(
            "series: so-sotessa",
            "series: so-sotessa\nstatus: cancelled",
        ),
    )
    .unwrap();
    rebuild(site.path(), "1810000000");
    let whole = parse(&out.join("kalenteri/koko-ohjelma.ics"));
    let cancelled = event(&whole, "porin-kaupunki/asukaskahvila");
    assert_eq!(
        (
            value(cancelled, "SEQUENCE").as_str(),
            value(cancelled, "STATUS").as_str()
        ),
        ("2", "CANCELLED")
    );
}

#[test]
fn a_fresh_clone_with_the_record_builds_the_same_feeds() {
    let (site, out) = built(&[("SOURCE_DATE_EPOCH", "1790000000")]);
    let clone = tempfile::tempdir().unwrap();
    copy_tree(&site.path().join("content"), &clone.path().join("content"));
    rebuild(clone.path(), "1900000000");
    for file in ics_files(&out) {
        assert!(
            fs::read(out.join(&file)).unwrap()
                == fs::read(clone.path().join("public").join(&file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn pages_link_their_feeds() {
    let (_site, out) = built(&[]);
    let alternate = |page: &str| {
        let html = read(out.join(page));
        let at = html
            .find(r#"<link rel="alternate" type="text/calendar""#)
            .expect("alternate link");
        html[at..at + html[at..].find('>').unwrap()].to_string()
    };
    assert!(alternate("index.html").contains(r#"href="/rsv/kalenteri/koko-ohjelma.ics""#));
    assert!(
        alternate("paiva/2026-11-17/index.html")
            .contains(r#"href="/rsv/kalenteri/paiva/2026-11-17.ics""#)
    );
    assert!(
        alternate("ohjelma/porin-kaupunki/index.html")
            .contains(r#"href="/rsv/kalenteri/jarjestaja/porin-kaupunki.ics""#)
    );
    assert!(
        alternate("kohderyhma/nuoret/index.html")
            .contains(r#"href="/rsv/kalenteri/kohderyhma/nuoret.ics""#)
    );
    assert!(
        alternate("ohjelma/porin-kaupunki/asukaskahvila/index.html")
            .contains("asukaskahvila/asukaskahvila.ics")
    );
    let calendar = read(out.join("kalenteri/index.html"));
    assert!(
        calendar.contains(r#"href="webcal://satakunta.example.fi/rsv/kalenteri/koko-ohjelma.ics""#)
    );
    assert!(
        calendar
            .contains(r#"value="https://satakunta.example.fi/rsv/kalenteri/sarja/so-sotessa.ics""#)
    );
    for client in ["Android", "iPhone", "Outlook", "Thunderbird"] {
        assert!(calendar.contains(client));
    }
    // Per feed: Google's add-by-URL and Outlook.com's add-from-web, which work on a phone.
    assert!(calendar.contains(
        r#"href="https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2Fsatakunta.example.fi%2Frsv%2Fkalenteri%2Fkoko-ohjelma.ics""#
    ));
    assert!(calendar.contains(
        r#"href="https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Fsatakunta.example.fi%2Frsv%2Fkalenteri%2Fkoko-ohjelma.ics&amp;name="#
    ));
    assert!(
        calendar.contains(r#"data-copy="u-kalenteri-koko-ohjelma-ics""#),
        "a copy button per address"
    );
}
