//! The programme beyond the site, over the sample site: open data in the shape of Linked
//! Events, the frab schedule and the embeds, each file checked against its schema by outside
//! validators (jsonschema, xmllint) and read by the c3voc schedule tools.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn checkers() -> PathBuf {
    let dir = repo().join("tests/checkers");
    assert!(
        dir.join(".venv/bin/python").exists() && dir.join(".venv-schedule/bin/python").exists(),
        "the outside checkers are not installed: run tests/run (or tests/checkers/setup)"
    );
    dir
}

fn built() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &dir.path().join("content"));
    let out = dir.path().join("public");
    build_at(dir.path(), &out, "2026-11-01");
    (dir, out)
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&read(path)).unwrap()
}

/// The Linked Events event with this entry id.
fn event<'a>(list: &'a Value, id: &str) -> &'a Value {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == format!("rsv:{id}"))
        .unwrap_or_else(|| panic!("no event {id}"))
}

#[test]
fn open_data_is_valid_linked_events_and_carries_each_kind_of_entry() {
    let dir = checkers();
    let (_site, out) = built();
    let mut files = vec![out.join("data/tapahtumat.json")];
    for organiser in std::fs::read_dir(out.join("data/jarjestaja")).unwrap() {
        files.push(organiser.unwrap().path());
    }
    assert!(files.len() > 5);
    run(Command::new(dir.join(".venv/bin/python"))
        .arg(dir.join("validate.py"))
        .arg(repo().join("src/exports/linked-events.schema.json"))
        .args(&files));
    // The published schema is the repository's.
    assert_eq!(
        read(out.join("data/tapahtumat.schema.json")),
        read(repo().join("src/exports/linked-events.schema.json"))
    );

    // Below `meta` and `data`, as Linked Events has them, keys in the order of their names at
    // every level, as the lists have always had them, so that a field added out of order cannot
    // change every file's bytes: each file is its parsed parts written again, whose maps are
    // sorted.
    for file in &files {
        let text = read(file);
        let list: Value = serde_json::from_str(&text).unwrap();
        let again = format!("{{\"meta\":{},\"data\":{}}}\n", list["meta"], list["data"]);
        assert_eq!(text, again, "{}", file.display());
    }

    let all = json(&out.join("data/tapahtumat.json"));
    assert_eq!(all["meta"]["count"], all["data"].as_array().unwrap().len());
    let cancelled = event(
        &all,
        "eura-harjavalta-yhteistoiminta/peruttu-iltakeskustelu",
    );
    assert_eq!(cancelled["event_status"], "EventCancelled");
    assert_eq!(cancelled["start_time"], "2026-11-18T18:00:00+02:00");
    assert_eq!(cancelled["location"]["address_locality"]["fi"], "Eura");

    let all_day = event(&all, "samk-sosionomiopiskelijat/nayttely-arjen-aania");
    assert_eq!(all_day["start_time"], "2026-11-16");
    assert_eq!(all_day["end_time"], "2026-11-20");
    assert_eq!(all_day["has_start_time"], false);
    assert_eq!(
        all_day["location"]["street_address"]["fi"],
        "Gallen-Kallelan katu 2"
    );
    assert_eq!(all_day["offers"][0]["is_free"], true);

    let online = event(&all, "satakunnan-hyvinvointialue/toimeentulo-webinaari");
    assert_eq!(online["is_virtualevent"], true);
    assert_eq!(
        online["virtualevent_url"],
        "https://meet.example.fi/toimeentulo"
    );
    assert_eq!(online["location"]["id"], "rsv:internet");
    assert_eq!(
        online["offers"][0]["info_url"]["fi"],
        "https://www.example.fi/ilmoittaudu/toimeentulo"
    );
    assert_eq!(online["in_language"][0]["id"], "fi");

    let moved = event(
        &all,
        "satakunnan-sosiaalialan-osaamiskeskus/verkkoon-siirretty",
    );
    assert_eq!(moved["event_status"], "EventMovedOnline");
    assert_eq!(
        moved["location"]["id"], "rsv:internet",
        "no venue for a moved-online event"
    );

    let session = event(&all, "so-sotessa-teams/2026-11-26");
    assert_eq!(session["super_event"]["id"], "rsv:sarja:so-sotessa-teams");
    let series = event(&all, "sarja:so-sotessa-teams");
    assert_eq!(series["super_event_type"], "recurring");
    assert!(
        session["last_modified_time"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );

    // An organiser's file holds its entries only.
    let own = json(&out.join("data/jarjestaja/samk-sosionomiopiskelijat.json"));
    let own = own["data"].as_array().unwrap();
    assert!(!own.is_empty());
    assert!(own.iter().all(|e| {
        e["id"]
            .as_str()
            .unwrap()
            .starts_with("rsv:samk-sosionomiopiskelijat/")
    }));
}

#[test]
fn the_schedule_is_valid_frab_and_the_c3voc_tools_read_it() {
    let dir = checkers();
    let (_site, out) = built();
    let schemas = repo().join("tests/schemas/frab");
    run(Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(schemas.join("schedule.xml.xsd"))
        .arg(out.join("schedule.xml")));
    run(Command::new(dir.join(".venv/bin/python"))
        .arg(dir.join("validate.py"))
        .arg(schemas.join("schema.json"))
        .arg(out.join("schedule.json")));
    let read_back: Value =
        serde_json::from_str(&run(Command::new(dir.join(".venv-schedule/bin/python"))
            .arg(dir.join("schedule.py"))
            .arg(out.join("schedule.json"))))
        .unwrap();
    assert_eq!(read_back["acronym"], "rsv2026");
    assert_eq!(read_back["days"], 7);
    let events = read_back["events"].as_array().unwrap();
    let by_title = |title: &str| -> Vec<&Value> {
        events
            .iter()
            .filter(|e| e["title"].as_str().unwrap().contains(title))
            .collect()
    };
    // Cancelled: still listed, and said so.
    let cancelled = by_title("Iltakeskustelu: yksinäisyys maaseudulla");
    assert_eq!(cancelled.len(), 1);
    assert!(
        cancelled[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Peruttu: ")
    );
    assert_eq!(cancelled[0]["start"], "2026-11-18T18:00:00+02:00");
    assert_eq!(cancelled[0]["duration"], "1:30");
    assert_eq!(cancelled[0]["room"], "Euran kirjasto, Eura");
    // All-day over five days: an event each day, each with its own guid.
    let exhibition = by_title("Näyttely: Arjen ääniä");
    assert_eq!(exhibition.len(), 5);
    let mut guids: Vec<&str> = exhibition
        .iter()
        .map(|e| e["guid"].as_str().unwrap())
        .collect();
    guids.sort();
    guids.dedup();
    assert_eq!(guids.len(), 5);
    assert_eq!(exhibition[0]["duration"], "24:00");
    // Online: in the online room.
    let online = by_title("Toimeentulotuki 2026");
    assert_eq!(online[0]["room"], "verkossa");
    // Sessions of a series outside the week are not in the week's schedule; an entry of the
    // SO sotessa series is on its track.
    assert!(by_title("SO sotessa Teamsissa").is_empty());
    let schedule = json(&out.join("schedule.json"));
    let days = schedule["schedule"]["conference"]["days"]
        .as_array()
        .unwrap();
    let in_series: Vec<&Value> = days
        .iter()
        .flat_map(|d| d["rooms"].as_object().unwrap().values())
        .flat_map(|events| events.as_array().unwrap())
        .filter(|e| e["track"] == "SO sotessa -keskustelut")
        .collect();
    assert!(in_series.len() >= 4, "{}", in_series.len());
    // Phones find it from the calendar page.
    let calendar = read(out.join("kalenteri/index.html"));
    assert!(calendar.contains("aria-label=\"QR: https://satakunta.example.fi/rsv/schedule.json\""));
    // Stable: the same guid in the XML, from the entry's address.
    let xml = read(out.join("schedule.xml"));
    assert!(xml.contains(&format!(
        "guid=\"{}\"",
        cancelled[0]["guid"].as_str().unwrap()
    )));
}

#[test]
fn each_organiser_offers_an_embed_a_fragment_and_a_snippet() {
    let (_site, out) = built();
    let embed = read(out.join("upota/jarjestaja/porin-kaupunki/index.html"));
    assert!(embed.contains("target=\"_top\""));
    assert!(embed.contains(
        "https://satakunta.example.fi/rsv/ohjelma/porin-kaupunki/asukaskahvila-itatuuli/"
    ));
    assert!(!embed.contains("site-header"), "no header in an embed");
    let fragment = read(out.join("upota/jarjestaja/porin-kaupunki/tapahtumat.html"));
    assert!(fragment.starts_with("<section") && !fragment.contains("<script"));
    assert!(fragment.contains(
        "https://satakunta.example.fi/rsv/ohjelma/porin-kaupunki/asukaskahvila-itatuuli/"
    ));
    for kind in ["kohderyhma/nuoret", "kunta/rauma", "sarja/so-sotessa-teams"] {
        assert!(
            out.join(format!("upota/{kind}/index.html")).is_file(),
            "{kind}"
        );
    }
    let page = read(out.join("ohjelma/porin-kaupunki/index.html"));
    assert!(page.contains(
        "&lt;iframe src=\"https://satakunta.example.fi/rsv/upota/jarjestaja/porin-kaupunki/\""
    ));
    assert!(page.contains("e.origin===\"https://satakunta.example.fi\""));
}

#[test]
fn an_embed_fits_its_frame_on_another_origin_from_320_px() {
    let dir = checkers();
    let (_site, out) = built();
    let shots = tempfile::tempdir().unwrap();
    let report: Value = serde_json::from_str(&run(Command::new("node")
        .arg(dir.join("embed.mjs"))
        .arg(&out)
        .arg("/rsv/")
        .arg("ohjelma/porin-kaupunki")
        .arg(shots.path())))
    .unwrap();
    for width in [320, 1024] {
        let height = report[format!("height{width}")].as_f64().unwrap();
        let content = report[format!("content{width}")].as_f64().unwrap();
        assert!(
            height >= content,
            "{width} px: a {height} px frame for {content} px"
        );
        assert!(shots.path().join(format!("embed-{width}.png")).is_file());
    }
    assert_ne!(report["height320"], report["snippetHeight"]);
    assert!(report["overflow280"].as_f64().unwrap() <= 0.0, "{report}");
    assert_eq!(report["violations"], serde_json::json!([]), "{report}");
}
