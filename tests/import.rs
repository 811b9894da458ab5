//! Imports from the places partners keep their events: calendar exports as Outlook and Google
//! write them, and questionnaire answers as Microsoft Forms and Google Forms export them. Each
//! imported entry's exact times and fields, and a re-import that updates without duplicating.

mod common;

use common::*;
use std::fs;
use std::path::Path;
use std::process::Output;

fn import(root: &Path, args: &[&str]) -> Output {
    let mut all = vec!["import"];
    all.extend(args);
    all.extend(["--root", root.to_str().unwrap()]);
    viikko(&all)
}

fn ok(out: Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn calendar(name: &str) -> String {
    repo()
        .join("tests/fixtures/import")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

const ORG: &str = "content/programme/porin-kaupunki";

/// The lines of an imported entry's fields, without the line that records its origin.
fn fields(root: &Path, name: &str) -> Vec<String> {
    read(root.join(ORG).join(name))
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn an_outlook_export_with_windows_zones_a_recurrence_and_a_moved_occurrence() {
    let site = site("site");
    let root = site.path();
    let out = ok(import(
        root,
        &[
            "calendar",
            &calendar("outlook.ics"),
            "--organiser",
            "porin-kaupunki",
            "--audience",
            "kaikki",
            "--format",
            "keskustelu",
        ],
    ));
    // Tuesdays and Thursdays from 3 November: 3, 5, 10 and 12 November are before the week,
    // the 17th was moved (its own event), the 19th is an EXDATE.
    assert!(out.contains("4 tapahtumaa viikon ulkopuolella"), "{out}");
    let moved = fields(root, "so-sotessa-toimeentulo-siirretty.md");
    assert!(
        moved.contains(&"aika: ti 17.11.2026 klo 16–17.30".to_string()),
        "{moved:#?}"
    );
    assert!(
        moved.contains(&"verkossa: https://teams.example.fi/so-sotessa".to_string()),
        "{moved:#?}"
    );
    assert!(
        !root.join(ORG).join("so-sotessa-toimeentulo.md").exists(),
        "a removed occurrence was imported"
    );
    let single = fields(root, "asukasilta.md");
    assert!(
        single.contains(&"aika: pe 20.11.2026 klo 18–20".to_string()),
        "{single:#?}"
    );
    assert!(single.contains(&"paikka: Itätuulen asukastupa, Tuulikuja 4, Pori".to_string()));
    // A Teams meeting whose link is not in the invitation: how to join, in its words.
    let told = fields(root, "etakahvit.md");
    assert!(
        told.contains(&"verkossa: Microsoft Teams -kokous".to_string()),
        "{told:#?}"
    );
    assert!(
        single.contains(&"kohderyhmä: kaikki".to_string())
            && single.contains(&"tyyppi: keskustelu".to_string())
    );
    build_ok(root, &root.join("public"));
}

#[test]
fn a_google_export_in_utc_an_all_day_event_and_a_cancellation() {
    let site = site("site");
    let root = site.path();
    let out = ok(import(
        root,
        &[
            "calendar",
            &calendar("google.ics"),
            "--organiser",
            "porin-kaupunki",
            "--audience",
            "nuoret",
        ],
    ));
    assert!(out.contains("1 tapahtumaa viikon ulkopuolella"), "{out}");
    // 16:00 UTC is 18:00 in Helsinki in November.
    let evening = fields(root, "nuorten-ilta.md");
    assert!(
        evening.contains(&"aika: ke 18.11.2026 klo 18–19.30".to_string()),
        "{evening:#?}"
    );
    assert!(evening.contains(&"avainsanat: nuoret, asuminen".to_string()));
    // DTEND of an all-day event is the day after its last.
    let exhibition = fields(root, "nayttely-arjen-aanet.md");
    assert!(
        exhibition.contains(&"aika: ma 16.11.2026 – pe 20.11.2026".to_string()),
        "{exhibition:#?}"
    );
    let cancelled = fields(root, "tietoisku.md");
    assert!(
        cancelled.contains(&"tila: peruttu".to_string()),
        "{cancelled:#?}"
    );
    let public = root.join("public");
    build_ok(root, &public);
    let feed = read(public.join("kalenteri/koko-ohjelma.ics"));
    assert!(
        feed.contains("DTSTART;VALUE=DATE:20261116\r\nDTEND;VALUE=DATE:20261121"),
        "{feed}"
    );
}

#[test]
fn importing_again_updates_what_it_made_and_keeps_what_a_person_edited() {
    let site = site("site");
    let root = site.path();
    let args = [
        "calendar",
        &calendar("google.ics"),
        "--organiser",
        "porin-kaupunki",
        "--audience",
        "nuoret",
    ];
    ok(import(root, &args));
    let count = || fs::read_dir(root.join(ORG)).unwrap().count();
    let files = count();
    let again = ok(import(root, &args));
    assert!(
        again.contains("ennallaan") && !again.contains("kirjoitettu"),
        "{again}"
    );
    assert_eq!(count(), files, "a re-import duplicated entries");

    // The calendar moves one event; a person has meanwhile edited another imported file.
    let changed = read(calendar("google.ics"))
        .replace("DTSTART:20261118T160000Z", "DTSTART:20261118T150000Z");
    let moved = root.join("google.ics");
    fs::write(&moved, changed).unwrap();
    let edited = root.join(ORG).join("tietoisku.md");
    fs::write(
        &edited,
        read(&edited).replace("Tietoisku", "Tietoisku, korjattu"),
    )
    .unwrap();
    let args = [
        "calendar",
        moved.to_str().unwrap(),
        "--organiser",
        "porin-kaupunki",
        "--audience",
        "nuoret",
    ];
    let out = ok(import(root, &args));
    assert!(
        out.contains("päivitetty") && out.contains("nuorten-ilta.md"),
        "{out}"
    );
    assert!(
        fields(root, "nuorten-ilta.md").contains(&"aika: ke 18.11.2026 klo 17–19.30".to_string())
    );
    assert!(out.contains("tietoisku.md: sitä on muokattu"), "{out}");
    assert!(read(&edited).contains("Tietoisku, korjattu"));
    assert_eq!(count(), files);
    let mut forced = args.to_vec();
    forced.push("--force");
    ok(import(root, &forced));
    assert!(!read(&edited).contains("korjattu"));
}

fn fixture_file(name: &str) -> String {
    calendar(name)
}

#[test]
fn a_microsoft_forms_spreadsheet_with_finnish_headers_and_excel_dates() {
    let site = site("site");
    let root = site.path();
    let out = import(
        root,
        &[
            "table",
            &fixture_file("forms.xlsx"),
            "--columns",
            &fixture_file("forms-columns.yaml"),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The bad row is reported with its row and columns, and nothing is made of it.
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("forms.xlsx: rivi 4, \"Päivämäärä + Alkaa\": `31.11.2026 10.00`: marraskuussa on 30 päivää"),
        "{stderr}"
    );
    assert!(!root.join(ORG).join("virheellinen.md").exists());
    assert!(
        stdout.contains("sarakkeita ei käytetty: Aloitusaika, Valmistumisaika, Sähköposti, Nimi"),
        "{stdout}"
    );
    // An existing organiser matched by its name; Excel's date and time cells; a Forms choice list.
    let family = fields(root, "perhekahvila.md");
    assert!(
        family.contains(&"aika: ti 17.11.2026 klo 10–11.30".to_string()),
        "{family:#?}"
    );
    assert!(family.contains(&"paikka: Perhekeskus, Isolinnankatu 12, Pori".to_string()));
    assert!(family.contains(&"kohderyhmä: kaikki, nuoret".to_string()));
    // A new organiser gets a folder and a profile; a start alone is open-ended.
    let new = root.join("content/programme/rauman-setlementti");
    assert!(read(new.join("_index.md")).contains("nimi: \"Rauman Setlementti\""));
    let cooking = read(new.join("nuorten-kokkikerho.md"));
    assert!(
        cooking.contains("aika: to 19.11.2026 klo 17 alkaen"),
        "{cooking}"
    );
    build_ok(root, &root.join("public"));
}

#[test]
fn csv_exports_of_google_forms_and_of_finnish_excel() {
    let site = site("site");
    let root = site.path();
    ok(import(root, &["table", &fixture_file("google-forms.csv")]));
    ok(import(root, &["table", &fixture_file("excel-1252.csv")]));
    let folder = root.join("content/programme/sosped-ry");
    let evening = read(folder.join("mielenterveysilta.md"));
    assert!(
        evening.contains("aika: ke 18.11.2026 klo 18–20"),
        "{evening}"
    );
    assert!(
        evening.contains("kohderyhmä: kaikki, ammattilaiset")
            && evening.contains("tyyppi: keskustelu")
    );
    assert!(evening.contains("Keskustelua, kahvia ja tietoa."));
    // Windows-1252 and semicolons, as Excel saves a CSV on a Finnish Windows.
    let day = read(folder.join("paihdetyon-paiva.md"));
    assert!(
        day.contains("otsikko: Päihdetyön päivä") && day.contains("aika: pe 20.11.2026 klo 9–15"),
        "{day}"
    );
    let files = fs::read_dir(&folder).unwrap().count();
    let again = ok(import(root, &["table", &fixture_file("google-forms.csv")]));
    assert!(again.contains("ennallaan"), "{again}");
    assert_eq!(fs::read_dir(&folder).unwrap().count(), files);
    build_ok(root, &root.join("public"));
}
