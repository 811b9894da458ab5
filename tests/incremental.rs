//! A rebuild costs what changed: over the sample site, an edit rewrites the files it changes and
//! no other, nothing changed writes nothing, what earlier builds made is taken from the cache
//! folder, and every result equals a clean build.

mod common;

use common::*;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

const DAY: &str = "2026-11-01";
const ENTRY: &str = "content/programme/porin-kaupunki/asukaskahvila-itatuuli.md";
const ENTRY_PAGE: &str = "ohjelma/porin-kaupunki/asukaskahvila-itatuuli/index.html";

/// Writes `to` for the first `from` in the entry's file.
fn edit_entry(root: &Path, from: &str, to: &str) {
    edit(root, ENTRY, from, to);
}

/// Each file's path with its inode and modification time: what a rewrite changes.
fn stamps(out: &Path) -> Vec<(String, u64, i64, i64)> {
    files(out)
        .into_iter()
        .map(|f| {
            let meta = fs::metadata(out.join(&f)).unwrap();
            (f, meta.ino(), meta.mtime(), meta.mtime_nsec())
        })
        .collect()
}

/// A clean build of the site as it is now, into a folder of its own.
fn clean(root: &Path, day: &str) -> Vec<(String, Vec<u8>)> {
    let fresh = tempfile::tempdir().unwrap();
    copy_tree(&root.join("content"), &fresh.path().join("content"));
    let out = fresh.path().join("public");
    build_at(fresh.path(), &out, day);
    snapshot(&out)
}

/// The sample site, built on `DAY` into its `public/`.
fn sample() -> (tempfile::TempDir, PathBuf) {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &site.path().join("content"));
    let out = site.path().join("public");
    build_at(site.path(), &out, DAY);
    (site, out)
}

/// The inode and time of the output's manifest in the cache: a build that made anything
/// saves a new one.
fn manifest(root: &Path) -> (u64, i64, i64) {
    let cache = fs::read_dir(root.join(".viikko-cache")).unwrap();
    let files: Vec<_> = cache.map(|f| f.unwrap().path()).collect();
    let files: Vec<_> = files
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "manifest"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let meta = fs::metadata(&files[0]).unwrap();
    (meta.ino(), meta.mtime(), meta.mtime_nsec())
}

#[test]
fn an_edit_rewrites_only_what_it_changes_and_equals_a_clean_build() {
    let (site, out) = sample();
    let root = site.path();
    let before = stamps(&out);
    // Nothing changed: nothing written, nothing made (the manifest is not even saved again).
    let record = manifest(root);
    build_at(root, &out, DAY);
    assert_eq!(stamps(&out), before);
    assert_eq!(manifest(root), record);

    edit_entry(root, "otsikko: \"", "otsikko: \"Muokattu ");
    build_at(root, &out, DAY);
    let after = stamps(&out);
    let rewritten: Vec<&String> = after
        .iter()
        .filter(|a| !before.contains(a))
        .map(|(f, ..)| f)
        .collect();
    assert!(rewritten.contains(&&ENTRY_PAGE.to_string()));
    assert!(read(out.join(ENTRY_PAGE)).contains("Muokattu"));
    // A page that does not show the entry is left alone.
    assert!(
        !rewritten.contains(&&"tietoa/index.html".to_string()),
        "{rewritten:?}"
    );
    assert!(
        rewritten.len() < after.len() / 3,
        "{} of {} files rewritten",
        rewritten.len(),
        after.len()
    );
    assert!(
        snapshot(&out) == clean(root, DAY),
        "the rebuild differs from a clean build"
    );

    // A removed entry's files go, with its folder; the rest equals a clean build.
    fs::remove_file(root.join(ENTRY)).unwrap();
    build_at(root, &out, DAY);
    assert!(
        !out.join("ohjelma/porin-kaupunki/asukaskahvila-itatuuli")
            .exists()
    );
    assert!(snapshot(&out) == clean(root, DAY));
}

/// Online entries are listed once, on `verkossa/`: an edit of one rewrites that page and
/// leaves every municipality's page as it was.
#[test]
fn an_edit_of_an_online_entry_rewrites_the_online_page_and_no_municipality_page() {
    let (site, out) = sample();
    let root = site.path();
    let before = stamps(&out);
    let file = "content/programme/satakunnan-hyvinvointialue/toimeentulo-webinaari.md";
    edit(root, file, "title: \"", "title: \"Muokattu ");
    build_at(root, &out, DAY);
    let rewritten: Vec<String> = stamps(&out)
        .into_iter()
        .filter(|a| !before.contains(a))
        .map(|(f, ..)| f)
        .collect();
    assert!(rewritten.contains(&"verkossa/index.html".to_string()));
    assert!(read(out.join("verkossa/index.html")).contains("Muokattu Toimeentulotuki"));
    let municipal: Vec<&String> = rewritten
        .iter()
        .filter(|f| f.starts_with("kunta/"))
        .collect();
    assert!(municipal.is_empty(), "{municipal:?}");
    assert!(
        snapshot(&out) == clean(root, DAY),
        "the rebuild differs from a clean build"
    );
}

/// Writes `to` for the first `from` in the site's file `file`.
fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let text = read(root.join(file));
    assert!(text.contains(from), "{from} in {file}");
    fs::write(root.join(file), text.replacen(from, to, 1)).unwrap();
}

#[test]
fn what_an_entry_shows_of_its_organiser_memos_series_and_record_reaches_its_pages() {
    // An entry's page and poster are kept without being made when nothing they show changed:
    // each edit below is outside the entry's own file.
    let (site, out) = sample();
    let root = site.path();
    let poster = ENTRY_PAGE.replace("index.html", "juliste/index.html");
    edit(
        root,
        "content/programme/porin-kaupunki/_index.md",
        "name: Porin kaupunki,",
        "name: Porin kaupunki ja Ulvila,",
    );
    build_at(root, &out, DAY);
    for page in [ENTRY_PAGE, poster.as_str()] {
        assert!(
            read(out.join(page)).contains("Porin kaupunki ja Ulvila"),
            "{page}"
        );
    }
    edit(
        root,
        "content/memos/2026/so-sotessa-pori.md",
        "Keskustelumuistio: SO sotessa Porissa",
        "Muistio: SO sotessa Porissa",
    );
    build_at(root, &out, DAY);
    let event = read(out.join("ohjelma/satakunnan-hyvinvointialue/so-sotessa-pori/index.html"));
    assert!(event.contains("Muistio: SO sotessa Porissa"));
    // An entry of its own in a series, whose name its page shows.
    edit(
        root,
        "content/programme/rauman-kaupunki/so-sotessa-rauma.md",
        "series: so-sotessa\n",
        "series: so-sotessa-teams\n",
    );
    build_at(root, &out, DAY);
    edit(
        root,
        "content/series/so-sotessa-teams.md",
        "nimi: SO sotessa Teamsissa",
        "nimi: SO sotessa verkossa",
    );
    build_at(root, &out, DAY);
    let member = read(out.join("ohjelma/rauman-kaupunki/so-sotessa-rauma/index.html"));
    assert!(member.contains("SO sotessa verkossa"));
    // A change of time the calendar record brings (as a pull of the content would), its file
    // unchanged: its page says the time changed, and what it was.
    assert!(!read(out.join(ENTRY_PAGE)).contains("Aika muuttunut"));
    let record = read(root.join("content/calendar.lock"));
    let change =
        "! 2026-11-10T08:00:00Z porin-kaupunki/asukaskahvila-itatuuli time 20261116T100000Z\n";
    fs::write(root.join("content/calendar.lock"), record + change).unwrap();
    build_at(root, &out, DAY);
    assert!(read(out.join(ENTRY_PAGE)).contains("Aika muuttunut"));
    assert!(
        snapshot(&out) == clean(root, DAY),
        "the rebuild differs from a clean build"
    );
}

#[test]
fn the_day_and_files_changed_by_hand_are_inputs_too() {
    let (site, out) = sample();
    let root = site.path();
    // The same content a week after the week: the home page says it is over.
    build_at(root, &out, "2026-11-30");
    assert!(snapshot(&out) == clean(root, "2026-11-30"));
    // A page changed by hand in the output is made again.
    fs::write(out.join("tietoa/index.html"), "käsin").unwrap();
    build_at(root, &out, "2026-11-30");
    assert!(snapshot(&out) == clean(root, "2026-11-30"));
    // So is a deleted cache: the next build is the same.
    fs::remove_dir_all(root.join(".viikko-cache")).unwrap();
    let before = stamps(&out);
    build_at(root, &out, "2026-11-30");
    assert!(snapshot(&out) == clean(root, "2026-11-30"));
    assert_eq!(
        stamps(&out),
        before,
        "an output without a manifest is compared, not rewritten"
    );
}

#[test]
fn an_output_on_another_file_system_than_the_cache_is_updated() {
    let memory = Path::new("/dev/shm");
    if !memory.is_dir() {
        return;
    }
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    copy_tree(&repo().join("content"), &root.join("content"));
    let output = tempfile::tempdir_in(memory).unwrap();
    let out = output.path().join("public");
    build_at(root, &out, DAY);
    edit_entry(root, "otsikko: \"", "otsikko: \"Muokattu ");
    build_at(root, &out, DAY);
    assert!(read(out.join(ENTRY_PAGE)).contains("Muokattu"));
    assert!(snapshot(&out) == clean(root, DAY));
}

/// What earlier builds made that lasts: entry files as read, rendered bodies, cards and search
/// words.
const KEPT: &str = ".viikko-cache/made";

#[test]
fn an_edit_takes_the_rest_from_what_earlier_builds_kept_and_a_damaged_cache_costs_nothing() {
    let (site, out) = sample();
    let root = site.path();
    let kept = root.join(KEPT);
    let whole = fs::read(&kept).unwrap();
    assert!(whole.len() > 10_000, "the first build keeps what it made");

    // An edit adds what it made anew to the file as it was: the file was read, and the rest
    // taken from it. Were nothing taken, everything would be made and added again.
    let added_by_an_edit = |to: &str| {
        let before = fs::read(&kept).unwrap();
        edit_entry(root, "otsikko: \"", &format!("otsikko: \"{to} "));
        build_at(root, &out, DAY);
        assert!(read(out.join(ENTRY_PAGE)).contains(to));
        assert!(snapshot(&out) == clean(root, DAY), "after {to}");
        let after = fs::read(&kept).unwrap();
        assert!(after.starts_with(&before), "{to}: the file was added to");
        after.len() - before.len()
    };
    let added = added_by_an_edit("Muokattu");
    assert!(added > 0 && added < whole.len() / 10, "{added} bytes added");

    // A new entry first in the programme moves every other entry's place in it; what they
    // show is the same, so their cards are still taken from the file.
    let before = fs::read(&kept).unwrap();
    let first = "content/programme/porin-kaupunki/aamukahvi.md";
    let entry = "---\ntitle: Aamukahvi\nstart: 2026-11-16 07:00\naudience: [kaikki]\nonline: https://example.fi/kahvi\n---\nTervetuloa.\n";
    fs::write(root.join(first), entry).unwrap();
    build_at(root, &out, DAY);
    assert!(snapshot(&out) == clean(root, DAY), "after a new entry");
    let added = fs::read(&kept).unwrap().len() - before.len();
    assert!(
        added < whole.len() / 10,
        "{added} bytes added for one new entry"
    );

    // A file damaged in the middle, or cut short, is read up to the damage; the build is the
    // same, and the file is written anew, to be added to by the next edit.
    for damage in [Damage::Overwrite, Damage::Cut] {
        let mut bytes = fs::read(&kept).unwrap();
        let middle = bytes.len() / 2;
        match damage {
            Damage::Overwrite => bytes[middle..middle + 64].fill(b'x'),
            Damage::Cut => bytes.truncate(middle),
        }
        fs::write(&kept, &bytes).unwrap();
        edit_entry(root, "Muokattu", &format!("Muokattu {damage:?}"));
        build_at(root, &out, DAY);
        assert!(read(out.join(ENTRY_PAGE)).contains(&format!("Muokattu {damage:?}")));
        assert!(snapshot(&out) == clean(root, DAY), "after {damage:?}");
        let rewritten = fs::read(&kept).unwrap();
        assert!(
            !rewritten.windows(64).any(|w| w == [b'x'; 64]),
            "{damage:?}"
        );
        assert!(
            rewritten.len() > whole.len() / 2,
            "{damage:?}: written whole again"
        );
        added_by_an_edit(&format!("{damage:?} taas"));
    }

    // What a build killed while writing the file anew left beside it goes.
    let unfinished = root.join(".viikko-cache/.made.4242.viikko-tmp");
    fs::write(&unfinished, "viikko cache 1\n").unwrap();
    added_by_an_edit("Kesken");
    assert!(!unfinished.exists());

    // What another program wrote is not taken, though every record in it is whole: the file
    // is written anew.
    let file = fs::read(&kept).unwrap();
    let second_line = file.iter().position(|&b| b == b'\n').unwrap() + 1;
    let end = second_line
        + file[second_line..]
            .iter()
            .position(|&b| b == b'\n')
            .unwrap();
    let mut other = file[..second_line].to_vec();
    other.extend_from_slice(b"0.0.0 another program");
    other.extend_from_slice(&file[end..]);
    fs::write(&kept, &other).unwrap();
    edit_entry(root, "otsikko: \"", "otsikko: \"Toinen ");
    build_at(root, &out, DAY);
    assert!(snapshot(&out) == clean(root, DAY));
    assert!(
        !fs::read(&kept)
            .unwrap()
            .starts_with(&other[..second_line + 8])
    );

    // The settings are read anew, and so is everything read with them: a label the cards
    // show, and the zone every entry's times are read in.
    let settings = root.join("content/site.yaml");
    let text = read(&settings);
    fs::write(&settings, text.replace("Kaikille avoin", "Avoin kaikille")).unwrap();
    build_at(root, &out, DAY);
    assert!(read(out.join(ENTRY_PAGE)).contains("Avoin kaikille"));
    assert!(snapshot(&out) == clean(root, DAY));
    let text = read(&settings);
    let zone = text.replace("timezone: Europe/Helsinki", "timezone: Europe/Stockholm");
    assert_ne!(zone, text);
    fs::write(&settings, zone).unwrap();
    build_at(root, &out, DAY);
    assert!(snapshot(&out) == clean(root, DAY), "after a change of zone");
}

#[derive(Debug, Clone, Copy)]
enum Damage {
    Overwrite,
    Cut,
}

#[test]
fn a_kept_body_is_made_again_when_a_file_it_links_to_goes() {
    let site = site("site");
    let (root, out) = (site.path(), site.path().join("public"));
    build_ok(root, &out);
    assert!(fs::read(root.join(KEPT)).is_ok(), "the bodies are kept");
    // The linking entry is unchanged; its kept body would still point at the page that went.
    fs::remove_file(root.join("content/programme/porin-kaupunki/naiset-nayttely.md")).unwrap();
    let failed = build(root, &out);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success(), "{stderr}");
    assert!(
        stderr.contains("asukaskahvila.md") && stderr.contains("naiset-nayttely.md"),
        "{stderr}"
    );
}

#[test]
fn a_listing_follows_a_change_around_the_entries_it_lists() {
    // Day, audience, organiser and municipality pages are known by the keys of the entries they
    // list, without making their values: each edit below changes what a page shows besides
    // those entries' own cards.
    let (site, out) = sample();
    let root = site.path();
    // A day between two others: the day before links to it as the next one, though none of
    // its own entries changed.
    edit_entry(root, "aika: ma 16.11.", "aika: ma 23.11.");
    build_at(root, &out, DAY);
    let before = read(out.join("paiva/2026-11-22/index.html"));
    assert!(
        before.contains("paiva/2026-11-23/\" rel=\"next\""),
        "the day before does not link to the new day"
    );
    // The organiser's own page, with its new name.
    edit(
        root,
        "content/programme/porin-kaupunki/_index.md",
        "name: Porin kaupunki,",
        "name: Porin kaupunki ja Ulvila,",
    );
    // Another audience and another municipality for the entry.
    edit_entry(
        root,
        "kohderyhmä: kaikki, ikaantyneet",
        "kohderyhmä: nuoret",
    );
    edit_entry(root, "kunta: Pori}", "kunta: Ulvila}");
    build_at(root, &out, DAY);
    let organiser = read(out.join("ohjelma/porin-kaupunki/index.html"));
    assert!(organiser.contains("Porin kaupunki ja Ulvila"));
    for (page, shows) in [
        ("kohderyhma/nuoret/index.html", true),
        ("kohderyhma/ikaantyneet/index.html", false),
        ("kunta/ulvila/index.html", true),
        ("kunta/pori/index.html", false),
    ] {
        let html = read(out.join(page));
        assert_eq!(html.contains("Asukaskahvila Itätuulessa"), shows, "{page}");
    }
    assert!(
        snapshot(&out) == clean(root, DAY),
        "the rebuild differs from a clean build"
    );
}

#[test]
fn a_kept_event_follows_the_calendar_record() {
    // A record that gives the same content another SEQUENCE (an older record restored, a
    // pull) is published, though the entry did not change: nothing an earlier build made and
    // kept may hide it.
    let (site, out) = sample();
    let root = site.path();
    let lock = root.join("content/calendar.lock");
    let id = "porin-kaupunki/asukaskahvila-itatuuli ";
    let record: String = read(&lock)
        .lines()
        .map(|line| match line.strip_prefix(id) {
            Some(rest) => {
                let (hash, rest) = rest.split_once(' ').unwrap();
                let (_, rest) = rest.split_once(' ').unwrap();
                format!("{id}{hash} 7 {rest}\n")
            }
            None => format!("{line}\n"),
        })
        .collect();
    fs::write(&lock, record).unwrap();
    build_at(root, &out, DAY);
    let feed = "ohjelma/porin-kaupunki/asukaskahvila-itatuuli/asukaskahvila-itatuuli.ics";
    assert!(read(out.join(feed)).contains("SEQUENCE:7"));
    assert!(
        snapshot(&out) == clean(root, DAY),
        "the rebuild differs from a clean build"
    );
}

#[test]
fn an_edit_of_the_text_alone_reaches_the_entry_page_and_feed() {
    // The text is in an entry's key beside its fields: a page kept by that key shows the
    // text as it is now.
    let (site, out) = sample();
    let root = site.path();
    edit_entry(root, "Tule kahville", "Tule teelle");
    build_at(root, &out, DAY);
    assert!(read(out.join(ENTRY_PAGE)).contains("Tule teelle"));
    let feed = ENTRY_PAGE.replace("index.html", "asukaskahvila-itatuuli.ics");
    assert!(read(out.join(feed)).contains("Tule teelle"));
    assert!(
        snapshot(&out) == clean(root, DAY),
        "the rebuild differs from a clean build"
    );
}

#[test]
fn open_data_the_schedule_and_the_calendar_take_unchanged_entries_from_the_files_as_left() {
    let (site, out) = sample();
    let root = site.path();
    let exports = [
        "data/tapahtumat.json",
        "schedule.json",
        "schedule.xml",
        "kalenteri/koko-ohjelma.ics",
    ];
    // Another entry's title changed in each file, as the build left it to the byte count and
    // the nanosecond: only a build that takes that entry's part from the file keeps it.
    for file in exports {
        let path = out.join(file);
        let time = fs::metadata(&path).unwrap().modified().unwrap();
        let text = read(&path);
        assert!(text.contains("Toimeentulotuki 2026"), "{file}");
        fs::write(
            &path,
            text.replace("Toimeentulotuki 2026", "TOIMEENTULOTUKI 2026"),
        )
        .unwrap();
        fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(time)
            .unwrap();
    }
    edit_entry(root, "otsikko: \"", "otsikko: \"Muokattu ");
    build_at(root, &out, DAY);
    for file in exports {
        let text = read(out.join(file));
        assert!(text.contains("TOIMEENTULOTUKI 2026"), "{file}: not taken");
        assert!(text.contains("Muokattu Asukaskahvila"), "{file}: not made");
    }
    // A file changed since, as any change by hand does, is made whole again.
    for file in exports {
        fs::File::options()
            .write(true)
            .open(out.join(file))
            .unwrap()
            .set_modified(std::time::SystemTime::now())
            .unwrap();
    }
    edit_entry(root, "otsikko: \"", "otsikko: \"Taas ");
    build_at(root, &out, DAY);
    assert!(
        snapshot(&out) == clean(root, DAY),
        "the rebuild differs from a clean build"
    );
    // Damaged marks cost nothing but the time to make the parts again.
    let marks: Vec<PathBuf> = fs::read_dir(root.join(".viikko-cache"))
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|f| f.extension().is_some_and(|e| e == "parts"))
        .flat_map(|folder| fs::read_dir(folder).unwrap().map(|f| f.unwrap().path()))
        .collect();
    assert_eq!(marks.len(), exports.len(), "{marks:?}");
    for (n, file) in marks.iter().enumerate() {
        let bytes = fs::read(file).unwrap();
        let damaged = match n % 3 {
            0 => bytes[..bytes.len() - 5].to_vec(),
            1 => bytes.iter().map(|b| b.wrapping_add(1)).collect(),
            // The first part's start.
            _ => [&bytes[..39], &[0; 8], &bytes[47..]].concat(),
        };
        fs::write(file, damaged).unwrap();
    }
    edit_entry(root, "otsikko: \"", "otsikko: \"Vielä ");
    build_at(root, &out, DAY);
    assert!(
        snapshot(&out) == clean(root, DAY),
        "the rebuild differs from a clean build"
    );
}

#[test]
fn a_label_every_entry_shows_reaches_the_parts_taken_from_earlier_files() {
    // A format's label is in the site's settings, not in any entry's file: the entries' parts of
    // open data, the schedule and the calendars are known by those settings too.
    let (site, out) = sample();
    let root = site.path();
    edit(
        root,
        "content/site.yaml",
        "keskustelu: Keskustelu",
        "keskustelu: Keskustelutilaisuus",
    );
    build_at(root, &out, DAY);
    for file in ["data/tapahtumat.json", "kalenteri/koko-ohjelma.ics"] {
        assert!(
            read(out.join(file)).contains("Keskustelutilaisuus"),
            "{file}"
        );
    }
    assert!(
        snapshot(&out) == clean(root, DAY),
        "the rebuild differs from a clean build"
    );
}
