//! Each folder under `tests/invalid/` is a broken site: `_base` plus the files of the case. The
//! build must fail with exit code 1, print every expected line (file:line, message, hint), and
//! leave the previous output exactly as it was.

mod common;

use common::*;
use std::fs;
use std::path::Path;

fn cases() -> Vec<String> {
    let mut cases: Vec<String> = fs::read_dir(repo().join("tests/invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "_base" && !name.ends_with(".rs"))
        .collect();
    cases.sort();
    cases
}

fn check_case(name: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let invalid = repo().join("tests/invalid");
    copy_tree(&invalid.join("_base"), dir.path());
    copy_tree(
        &invalid.join(name).join("content"),
        &dir.path().join("content"),
    );
    let out = dir.path().join("public");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("index.html"), "previous site").unwrap();
    // An earlier build's output: viikko may replace it.
    fs::write(out.join(".viikko-output"), "").unwrap();

    let result = build(dir.path(), &out);
    let stderr = String::from_utf8_lossy(&result.stderr);
    let mut problems = Vec::new();
    if result.status.code() != Some(1) {
        problems.push(format!("exit code {:?}, expected 1", result.status.code()));
    }
    if stderr.contains("panicked") {
        problems.push("the build panicked".into());
    }
    let expect = fs::read_to_string(invalid.join(name).join("expect.txt")).unwrap();
    for line in expect.lines().filter(|l| !l.is_empty()) {
        if !stderr.contains(line) {
            problems.push(format!("missing from the report: {line}"));
        }
    }
    if fs::read_to_string(out.join("index.html")).ok().as_deref() != Some("previous site") {
        problems.push("the previous output was changed".into());
    }
    if leftovers(dir.path()) {
        problems.push("a staging folder was left behind".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{name}:\n  {}\n--- stderr ---\n{stderr}",
            problems.join("\n  ")
        ))
    }
}

fn leftovers(root: &Path) -> bool {
    fs::read_dir(root).unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".viikko-")
    })
}

#[test]
fn every_invalid_fixture_fails_with_its_report_and_keeps_the_previous_output() {
    let failures: Vec<String> = cases().iter().filter_map(|c| check_case(c).err()).collect();
    assert!(cases().len() >= 15);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_base_of_the_invalid_fixtures_is_itself_valid() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/invalid/_base"), dir.path());
    build_ok(dir.path(), &dir.path().join("public"));
}
