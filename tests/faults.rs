//! Faults and hostile input: the output and the calendar record are never lost or lowered, no
//! input holds the build up, and every problem has a line. Each test reproduces one way the
//! build once lost or leaked something.

mod common;

use common::*;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const ENTRY: &str = "content/programme/porin-kaupunki/peruttu.md";
const WHOLE: &str = "kalenteri/koko-ohjelma.ics";

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `viikko build` with the clock fixed, so that changed events are stamped alike.
fn build_at(root: &Path, output: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_viikko"))
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .args(["build", "--root", root.to_str().unwrap()])
        .args(["--output", output.to_str().unwrap()])
        .output()
        .unwrap()
}

fn check(root: &Path) -> Output {
    viikko(&["check", "--root", root.to_str().unwrap()])
}

/// Each event's UID (its entry id) and SEQUENCE in a feed.
fn sequences(feed: &str) -> Vec<(String, u32)> {
    let mut found = Vec::new();
    let mut uid = String::new();
    for line in feed.lines() {
        if let Some(value) = line.strip_prefix("UID:") {
            uid = value.split('@').next().unwrap().to_string();
        }
        if let Some(value) = line.strip_prefix("SEQUENCE:") {
            found.push((uid.clone(), value.trim().parse().unwrap()));
        }
    }
    found.sort();
    found
}

fn leftovers(output: &Path) -> Vec<PathBuf> {
    let name = output.file_name().unwrap().to_string_lossy().into_owned();
    fs::read_dir(output.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with(&format!("{name}.viikko-"))
        })
        .collect()
}

// 1. `--output` never removes what viikko did not make.

#[test]
fn an_output_that_viikko_did_not_make_is_refused_and_kept() {
    let site = site("site");
    let root = site.path();
    let docs = root.join("docs");
    fs::create_dir(&docs).unwrap();
    fs::write(docs.join("thesis.docx"), "years of work").unwrap();
    fs::write(root.join("notes.txt"), "a file").unwrap();
    let content_before = snapshot(&root.join("content"));
    for output in [
        docs.clone(),
        root.join("notes.txt"),
        root.join("content"),
        root.to_path_buf(),
        root.join("content/programme"),
    ] {
        let out = build(root, &output);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}: {}",
            output.display(),
            stderr(&out)
        );
        assert!(stderr(&out).contains("output"), "{}", stderr(&out));
    }
    assert_eq!(read(docs.join("thesis.docx")), "years of work");
    assert_eq!(read(root.join("notes.txt")), "a file");
    assert!(
        snapshot(&root.join("content")) == content_before,
        "the content changed"
    );
    // An empty folder, or the output of an earlier build, is the build's to replace.
    let empty = root.join("empty");
    fs::create_dir(&empty).unwrap();
    build_ok(root, &empty);
    build_ok(root, &empty);
    assert!(empty.join("index.html").is_file() && empty.join(".viikko-output").is_file());
}

#[test]
fn an_output_link_is_followed_to_an_output_of_viikko_and_kept_a_link() {
    let site = site("site");
    let served = site.path().join("served");
    build_ok(site.path(), &served);
    let link = site.path().join("public");
    std::os::unix::fs::symlink(&served, &link).unwrap();
    fs::write(
        site.path().join(ENTRY),
        read(site.path().join(ENTRY)).replace("title: ", "title: Uusi "),
    )
    .unwrap();
    build_ok(site.path(), &link);
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(read(served.join("index.html")).contains("Uusi"));
}

// 2. A static file or page never takes a generated file's place, and never writes into the
//    live site.

#[test]
fn content_that_would_replace_a_generated_file_is_an_error_naming_both() {
    let site = site("site");
    let root = site.path();
    let out = root.join("public");
    build_ok(root, &out);
    let live = snapshot(&out);
    let index_inode = fs::metadata(out.join("index.html")).unwrap().ino();
    let cases = [
        ("content/static/index.html", "index.html"),
        ("content/static/assets/style.css", "assets/style.css"),
        ("content/static/kalenteri/koko-ohjelma.ics", WHOLE),
        ("content/pages/viestit.md", "viestit"),
    ];
    for (file, generated) in cases {
        let path = root.join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "---\ntitle: Oma\n---\n<p>intruder</p>\n").unwrap();
        let result = build(root, &out);
        let report = stderr(&result);
        assert_eq!(result.status.code(), Some(1), "{file}: {report}");
        assert!(report.contains(file), "{file} is not named:\n{report}");
        assert!(
            report.contains(generated),
            "{generated} is not named:\n{report}"
        );
        fs::remove_file(&path).unwrap();
        assert!(snapshot(&out) == live, "{file} changed the live site");
        assert!(
            leftovers(&out).is_empty(),
            "{file} left {:?}",
            leftovers(&out)
        );
    }
    assert_eq!(
        fs::metadata(out.join("index.html")).unwrap().ino(),
        index_inode
    );
}

#[test]
fn every_folder_the_site_makes_is_reserved_from_pages() {
    let site = site("site");
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    let pages: Vec<String> = fs::read_dir(site.path().join("content/pages"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    for item in fs::read_dir(&out).unwrap() {
        let item = item.unwrap();
        let name = item.file_name().to_string_lossy().into_owned();
        // A page's folder is its slug: a folder whose name is no slug (`.viikko-sources`)
        // cannot be taken.
        let takeable = viikko::slug::slugify(&name) == name;
        if item.file_type().unwrap().is_dir() && !pages.contains(&name) && takeable {
            assert!(
                viikko::content::RESERVED_PATHS.contains(&name.as_str()),
                "the site makes {name}/, which a page could take"
            );
        }
    }
}

// 3. Any file name makes a record line that the next build reads.

#[test]
fn an_entry_file_name_with_a_space_builds_again_and_again() {
    let site = site("site");
    let root = site.path();
    fs::copy(
        root.join(ENTRY),
        root.join("content/programme/porin-kaupunki/Avoin ilta.md"),
    )
    .unwrap();
    let out = root.join("public");
    build_ok(root, &out);
    let record = read(root.join("content/calendar.lock"));
    assert!(record.contains("porin-kaupunki/Avoin%20ilta "), "{record}");
    build_ok(root, &out);
    let feed = read(out.join(WHOLE));
    assert!(feed.contains("UID:porin-kaupunki/Avoin ilta@"), "{feed}");
}

// 4. The calendar record never lowers a SEQUENCE, and is saved before anything is published.

/// A site whose entry has been changed twice, so its events are at SEQUENCE 2.
fn site_at_sequence_two() -> (tempfile::TempDir, PathBuf) {
    let site = site("site");
    let out = site.path().join("public");
    let entry = site.path().join(ENTRY);
    assert!(build_at(site.path(), &out).status.success());
    for title in ["Muutettu", "Taas muutettu"] {
        let text = read(&entry).replacen("title: ", &format!("title: {title} "), 1);
        fs::write(&entry, text).unwrap();
        assert!(build_at(site.path(), &out).status.success());
    }
    (site, out)
}

fn sequence_of(out: &Path, id: &str) -> u32 {
    sequences(&read(out.join(WHOLE)))
        .into_iter()
        .find(|(uid, _)| uid == id)
        .unwrap_or_else(|| panic!("no event {id}"))
        .1
}

#[test]
fn a_lost_or_cut_record_never_lowers_a_published_sequence() {
    let id = "porin-kaupunki/peruttu";
    for damage in ["empty", "header only", "cut", "missing"] {
        let (site, out) = site_at_sequence_two();
        assert_eq!(sequence_of(&out, id), 2);
        let lock = site.path().join("content/calendar.lock");
        let text = read(&lock);
        match damage {
            "empty" => fs::write(&lock, "").unwrap(),
            "header only" => {
                let header: String = text
                    .lines()
                    .filter(|l| l.starts_with('#'))
                    .map(|l| format!("{l}\n"))
                    .collect();
                fs::write(&lock, header).unwrap();
            }
            "cut" => {
                let at = text.find(id).unwrap();
                fs::write(&lock, &text[..at]).unwrap();
            }
            _ => fs::remove_file(&lock).unwrap(),
        }
        let result = build_at(site.path(), &out);
        assert!(result.status.success(), "{damage}: {}", stderr(&result));
        assert!(
            stderr(&result).contains("pienempi SEQUENCE"),
            "{damage}: no warning"
        );
        let published = sequence_of(&out, id);
        assert!(
            published >= 2,
            "{damage}: SEQUENCE went back to {published}"
        );
        // The record now carries the published numbering.
        let again = build_at(site.path(), &out);
        assert!(
            !stderr(&again).contains("pienempi SEQUENCE"),
            "{damage}: {}",
            stderr(&again)
        );
        assert_eq!(sequence_of(&out, id), published, "{damage}");
    }
}

#[test]
fn duplicated_lines_keep_the_higher_sequence_and_the_top_one_never_wraps() {
    let (site, out) = site_at_sequence_two();
    let id = "porin-kaupunki/peruttu";
    let lock = site.path().join("content/calendar.lock");
    let text = read(&lock);
    let line = text
        .lines()
        .find(|l| l.starts_with(id))
        .unwrap()
        .to_string();
    let lower = line.replace(" 2 ", " 0 ");
    // A merge that kept both lines, the higher one first.
    fs::write(&lock, format!("{text}{lower}\n")).unwrap();
    assert!(build_at(site.path(), &out).status.success());
    assert_eq!(sequence_of(&out, id), 2);

    let top = line.replace(" 2 ", " 4294967295 ");
    let changed = read(&lock).replace(&line, &top);
    fs::write(&lock, changed).unwrap();
    let entry = site.path().join(ENTRY);
    fs::write(&entry, read(&entry).replacen("title: ", "title: Vielä ", 1)).unwrap();
    assert!(build_at(site.path(), &out).status.success());
    assert_eq!(sequence_of(&out, id), i32::MAX as u32, "SEQUENCE wrapped");
}

#[test]
fn a_record_that_cannot_be_saved_publishes_nothing() {
    let (site, out) = site_at_sequence_two();
    let live = snapshot(&out);
    let lock = site.path().join("content/calendar.lock");
    let record = read(&lock);
    // Something in the way of the record's temporary file: the save fails, as on a full disk.
    fs::create_dir(site.path().join("content/.calendar.lock.viikko-tmp")).unwrap();
    let entry = site.path().join(ENTRY);
    fs::write(
        &entry,
        read(&entry).replacen("title: ", "title: Kolmas ", 1),
    )
    .unwrap();
    let result = build_at(site.path(), &out);
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    assert!(
        stderr(&result).contains("calendar.lock"),
        "{}",
        stderr(&result)
    );
    assert!(
        snapshot(&out) == live,
        "the site was published without its record"
    );
    assert_eq!(read(&lock), record);
    assert!(leftovers(&out).is_empty());
}

#[test]
fn a_record_that_is_a_link_is_refused_and_its_target_untouched() {
    let site = site("site");
    let target = site.path().join("elsewhere.txt");
    fs::write(&target, "someone's file").unwrap();
    std::os::unix::fs::symlink(&target, site.path().join("content/calendar.lock")).unwrap();
    let out = build_at(site.path(), &site.path().join("public"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("content/calendar.lock"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&target), "someone's file");
    assert!(
        fs::symlink_metadata(site.path().join("content/calendar.lock"))
            .unwrap()
            .is_symlink()
    );
}

// 5. The update: `kill -9` at any moment leaves each file old or new, and the next build
// finishes the job.

/// Whether each file of `now` is as in `old` or as in `new` (absent counting as a version).
fn file_by_file(
    now: &[(String, Vec<u8>)],
    old: &[(String, Vec<u8>)],
    new: &[(String, Vec<u8>)],
) -> Result<(), String> {
    let find = |set: &[(String, Vec<u8>)], path: &str| {
        set.iter().find(|(p, _)| p == path).map(|(_, b)| b.clone())
    };
    let mut paths: Vec<&String> = now.iter().chain(old).chain(new).map(|(p, _)| p).collect();
    paths.sort();
    paths.dedup();
    for path in paths {
        let here = find(now, path);
        if here != find(old, path) && here != find(new, path) {
            return Err(format!("{path} is neither the old nor the new version"));
        }
    }
    Ok(())
}

#[test]
fn killed_at_any_moment_a_build_leaves_each_file_old_or_new_and_the_next_one_finishes() {
    let site = site("site");
    let root = site.path();
    let entry = root.join(ENTRY);
    let original = read(&entry);
    // More entries, so that a build lasts long enough to be killed in every step.
    for n in 0..60 {
        let copy = original.replacen("title: ", &format!("title: Kopio {n} "), 1);
        fs::write(
            root.join(format!("content/programme/sosped-ry/kopio-{n}.md")),
            copy,
        )
        .unwrap();
    }
    let out = root.join("public");
    let reference = root.join("reference");
    assert!(build_at(root, &out).status.success());
    // Timed on a rebuild that has work to do, as every round's has.
    fs::write(&entry, original.replacen("title: ", "title: Mitattu ", 1)).unwrap();
    let started = Instant::now();
    assert!(build_at(root, &out).status.success());
    // Kills spread over the time a rebuild takes, starting the process included.
    let span = started.elapsed().as_micros() as u64 + 1;
    let mut seed: u64 = 0x5eed;
    let mut killed = 0;
    let mut journals = 0;
    for round in 0..40 {
        let old = snapshot(&out);
        // Each round changes a title, and every other one adds or removes an entry, so that
        // builds both replace and remove files.
        let text = original.replacen("title: ", &format!("title: Versio {round} "), 1);
        fs::write(&entry, text).unwrap();
        let extra = root.join("content/programme/sosped-ry/valilla.md");
        match round % 2 {
            0 => fs::write(&extra, &original).unwrap(),
            _ => fs::remove_file(&extra).unwrap(),
        }
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = Duration::from_micros((seed >> 33) % span);
        let mut child = Command::new(env!("CARGO_BIN_EXE_viikko"))
            .env("SOURCE_DATE_EPOCH", "1790000000")
            .args(["build", "--root", root.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        match child.try_wait().unwrap() {
            None => killed += 1,
            Some(status) => assert!(status.success(), "round {round}: the build failed"),
        }
        let _ = child.kill();
        child.wait().unwrap();
        let now = snapshot(&out);
        if out.with_file_name("public.viikko-journal").exists() {
            journals += 1;
        }
        // What the killed build would have published, had it finished: the same content with
        // the record as the killed build left it.
        let _ = fs::remove_dir_all(&reference);
        assert!(build_at(root, &reference).status.success());
        let new = snapshot(&reference);
        if let Err(problem) = file_by_file(&now, &old, &new) {
            panic!("round {round}: after a kill at {delay:?}, {problem}");
        }
        // The next build finishes what the killed one left and equals a clean build.
        let result = build_at(root, &out);
        assert!(result.status.success(), "{}", stderr(&result));
        assert!(
            snapshot(&out) == new,
            "round {round}: the next build differs from a clean one"
        );
        assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
    }
    eprintln!("{killed} of 40 builds were killed mid-way, {journals} while moving files in");
    assert!(
        killed >= 15,
        "only {killed} of 40 builds were killed mid-way"
    );
}

// 6. No input holds the build up.

fn with_entry_text(text: &str) -> tempfile::TempDir {
    let site = site("site");
    fs::write(site.path().join(ENTRY), text).unwrap();
    site
}

#[test]
fn hostile_input_is_answered_within_seconds() {
    let original = read(fixture("site").join(ENTRY));
    let front = |extra: &str| original.replacen("---\n", &format!("---\n{extra}\n"), 1);
    let cases = [
        (
            "100,000 [",
            front(&format!("tags: {}", "[".repeat(100_000))),
            false,
        ),
        (
            "a million {",
            front(&format!("tags: {}", "{".repeat(1_000_000))),
            false,
        ),
        (
            "100,000 equal headings",
            format!("{original}\n{}", "## Sama\n\n".repeat(100_000)),
            true,
        ),
        (
            "100,000 nested div",
            format!("{original}\n{}", "<div>".repeat(100_000)),
            false,
        ),
        (
            "50,000 nested quotes",
            format!("{original}\n{} x\n", ">".repeat(50_000)),
            true,
        ),
        (
            "a 3 MB file",
            format!("{original}\n{}", "sana ".repeat(600_000)),
            false,
        ),
    ];
    for (name, text, builds) in cases {
        let site = with_entry_text(&text);
        let started = Instant::now();
        let out = build(site.path(), &site.path().join("public"));
        let took = started.elapsed();
        assert!(took < Duration::from_secs(5), "{name} took {took:?}");
        assert_eq!(out.status.success(), builds, "{name}: {}", stderr(&out));
        if !builds {
            let report = stderr(&out);
            assert!(
                report.contains(&format!("{ENTRY}:")),
                "{name} has no line:\n{report}"
            );
        }
    }
}

// 7. Every problem has a line, and one cause is reported once.

#[test]
fn problems_serde_yaml_reports_without_a_position_get_a_line() {
    let original = read(fixture("site").join(ENTRY));
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]";
    let cases = [
        (
            original.replacen("---\n", &format!("---\n{bomb}\n"), 1),
            ENTRY,
            2,
        ),
        (original.replacen("status:", "--- x\nstatus:", 1), ENTRY, 8),
    ];
    for (text, file, line) in cases {
        let site = with_entry_text(&text);
        let report = stderr(&check(site.path()));
        assert!(
            report.contains(&format!("{file}:{line}:")),
            "no line:\n{report}"
        );
    }
    let site = site("site");
    let settings = site.path().join("content/site.yaml");
    let text = read(&settings);
    fs::write(&settings, text.replace("audiences:", "---\naudiences:")).unwrap();
    let report = stderr(&check(site.path()));
    let line = text
        .lines()
        .position(|l| l.starts_with("audiences:"))
        .unwrap()
        + 1;
    assert!(
        report.contains(&format!("content/site.yaml:{line}:")),
        "{report}"
    );

    fs::write(&settings, format!("{text}theme: /etc\n")).unwrap();
    let report = stderr(&check(site.path()));
    let line = text.lines().count() + 1;
    assert!(
        report.contains(&format!("content/site.yaml:{line}:")),
        "{report}"
    );
    assert!(
        report.contains("teema on kansion nimi kansiossa themes/"),
        "{report}"
    );
}

#[test]
fn one_bad_byte_is_one_error_not_a_missing_file_and_a_cascade() {
    for file in [
        "content/site.yaml",
        "content/programme/porin-kaupunki/_index.md",
    ] {
        let site = site("site");
        let path = site.path().join(file);
        let mut bytes = fs::read(&path).unwrap();
        let at = bytes.iter().position(|&b| b == b'\n').unwrap() + 3;
        bytes.insert(at, 0xff);
        fs::write(&path, bytes).unwrap();
        let out = check(site.path());
        let report = stderr(&out);
        assert_eq!(out.status.code(), Some(1));
        assert!(report.contains(&format!("{file}:2:")), "{report}");
        let errors = report.lines().filter(|l| l.starts_with("virhe:")).count();
        assert_eq!(errors, 1, "{file}: more than one error:\n{report}");
        assert!(
            !report.contains("esittelyä") && !report.contains("asetustiedostoa"),
            "{report}"
        );
    }
}

// 9. Smaller holes.

#[test]
fn links_in_the_content_are_reported_not_silently_skipped() {
    let site = site("site");
    let elsewhere = site.path().join("elsewhere.md");
    fs::copy(site.path().join(ENTRY), &elsewhere).unwrap();
    let link = "content/programme/porin-kaupunki/linkki.md";
    std::os::unix::fs::symlink(&elsewhere, site.path().join(link)).unwrap();
    let out = check(site.path());
    assert!(out.status.success());
    assert!(stderr(&out).contains(link), "{}", stderr(&out));
}

#[test]
fn a_leap_second_and_a_thousand_audiences_are_refused() {
    let one = site("site");
    let entry = one.path().join(ENTRY);
    let text = read(&entry);
    let start = text.lines().find(|l| l.starts_with("start:")).unwrap();
    fs::write(&entry, text.replace(start, "start: 2026-11-17 13:00:60")).unwrap();
    let report = stderr(&check(one.path()));
    assert!(report.contains("13:00:60"), "{report}");

    let site = site("site");
    let settings = site.path().join("content/site.yaml");
    let many: String = (0..1000)
        .map(|n| format!("  ryhma-{n}: Ryhmä {n}\n"))
        .collect();
    let text = read(&settings).replace("audiences:\n", &format!("audiences:\n{many}"));
    fs::write(&settings, text).unwrap();
    let out = check(site.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("enintään 60"), "{}", stderr(&out));
}

#[test]
fn the_record_of_a_large_programme_is_read_whatever_its_size() {
    let site = site("site");
    let lines: String = (0..25_000)
        .map(|n| format!("vanha/tilaisuus-{n} 0123456789abcdef 3 2026-11-01T00:00:00Z\n"))
        .collect();
    assert!(lines.len() > 1024 * 1024);
    fs::write(site.path().join("content/calendar.lock"), lines).unwrap();
    let out = build_at(site.path(), &site.path().join("public"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read(site.path().join("content/calendar.lock")).contains("vanha/tilaisuus-24999 "));
}
