//! `--keep-going`: one partner's broken file does not stop another's cancellation from going
//! out, and what was published of the broken one stays exactly as it was.

mod common;

use common::*;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn build_with(root: &Path, output: &Path, flags: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_viikko"))
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .args(["build", "--root", root.to_str().unwrap()])
        .args(["--output", output.to_str().unwrap()])
        .args(flags)
        .output()
        .unwrap()
}

/// The VEVENT of `id` in a feed, as published.
fn event(feed: &str, id: &str) -> String {
    let uid = format!("UID:{id}@");
    feed.split("BEGIN:VEVENT")
        .find(|e| e.contains(&uid))
        .unwrap_or_else(|| panic!("no event {id}"))
        .split("END:VEVENT")
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn a_broken_entry_stays_as_published_while_another_is_cancelled() {
    let site = site("site");
    let root = site.path();
    let out = root.join("public");
    let org = root.join("content/programme/porin-kaupunki");
    assert!(build_with(root, &out, &[]).status.success());
    let page = "ohjelma/porin-kaupunki/digituki/index.html";
    let before_page = fs::read(out.join(page)).unwrap();
    let before_ics = fs::read(out.join("ohjelma/porin-kaupunki/digituki/digituki.ics")).unwrap();
    let before_event = event(
        &read(out.join("kalenteri/koko-ohjelma.ics")),
        "porin-kaupunki/digituki",
    );

    // One partner breaks their entry, another cancels theirs, a third adds a broken new one.
    let broken = org.join("digituki.md");
    fs::write(
        &broken,
        read(&broken).replace("start: 2026-11-19T09:15", "start: huomenna"),
    )
    .unwrap();
    let cancelled = org.join("asukaskahvila.md");
    fs::write(
        &cancelled,
        read(&cancelled).replace("format: keskustelu", "format: keskustelu\ntila: peruttu"),
    )
    .unwrap();
    fs::write(
        org.join("uusi.md"),
        "---\notsikko: Uusi\naika: ke 17.11.\n---\n",
    )
    .unwrap();

    let refused = build_with(root, &out, &[]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(fs::read(out.join(page)).unwrap(), before_page);

    let kept = build_with(root, &out, &["--keep-going"]);
    let report = String::from_utf8_lossy(&kept.stderr);
    assert_eq!(kept.status.code(), Some(3), "{report}");
    assert!(report.contains("`huomenna` ei ole aika"), "{report}");
    assert!(
        report.contains("julkaistu edellisenä toimivana versiona"),
        "{report}"
    );
    assert!(
        report.contains("content/programme/porin-kaupunki/digituki.md"),
        "{report}"
    );
    assert!(report.contains("jätetty pois"), "{report}");
    assert!(
        report.contains("content/programme/porin-kaupunki/uusi.md"),
        "{report}"
    );

    assert_eq!(
        fs::read(out.join(page)).unwrap(),
        before_page,
        "the broken entry's page changed"
    );
    assert_eq!(
        fs::read(out.join("ohjelma/porin-kaupunki/digituki/digituki.ics")).unwrap(),
        before_ics
    );
    let feed = read(out.join("kalenteri/koko-ohjelma.ics"));
    assert_eq!(event(&feed, "porin-kaupunki/digituki"), before_event);
    assert!(event(&feed, "porin-kaupunki/asukaskahvila").contains("STATUS:CANCELLED"));
    assert!(read(out.join("ohjelma/porin-kaupunki/asukaskahvila/index.html")).contains("Peruttu"));
    assert!(
        !out.join("ohjelma/porin-kaupunki/uusi").exists(),
        "a broken new entry was published"
    );

    // Fixed, it is published as it now is.
    fs::write(
        &broken,
        read(&broken).replace("start: huomenna", "start: 2026-11-19T10:15"),
    )
    .unwrap();
    fs::remove_file(org.join("uusi.md")).unwrap();
    let fixed = build_with(root, &out, &["--keep-going"]);
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fixed.stderr)
    );
    assert!(
        event(
            &read(out.join("kalenteri/koko-ohjelma.ics")),
            "porin-kaupunki/digituki"
        )
        .contains("T101500")
    );
}

#[test]
fn the_settings_or_the_theme_broken_still_stop_the_build() {
    let site = site("site");
    let root = site.path();
    let out = root.join("public");
    assert!(build_with(root, &out, &[]).status.success());
    let settings = root.join("content/site.yaml");
    fs::write(
        &settings,
        read(&settings).replace("timezone: Europe/Helsinki", "timezone: Europe/Pori"),
    )
    .unwrap();
    let refused = build_with(root, &out, &["--keep-going"]);
    assert_eq!(
        refused.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}
