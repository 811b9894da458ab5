//! Helpers shared by the integration tests: run the real binary on a copy of a fixture site.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Copies a folder tree (a fixture) so a test can change it freely.
pub fn copy_tree(from: &Path, to: &Path) {
    for item in walkdir::WalkDir::new(from) {
        let item = item.unwrap();
        let target = to.join(item.path().strip_prefix(from).unwrap());
        if item.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(item.path(), &target).unwrap();
        }
    }
}

/// A temporary site folder holding a copy of `fixture`'s content.
pub fn site(fixture_name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(fixture_name), dir.path());
    dir
}

pub fn viikko(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_viikko"))
        .args(args)
        .output()
        .expect("the viikko binary runs")
}

pub fn build(root: &Path, output: &Path) -> Output {
    viikko(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ])
}

/// Builds and insists it succeeded, returning stderr (warnings) for inspection.
pub fn build_ok(root: &Path, output: &Path) -> String {
    let out = build(root, output);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "build failed:\n{stderr}");
    stderr
}

pub fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file below `dir`, relative, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

/// Builds as on `day` (UTC midnight, through SOURCE_DATE_EPOCH), insisting it succeeded.
pub fn build_at(root: &std::path::Path, out: &std::path::Path, day: &str) -> String {
    let epoch = jiff::civil::Date::strptime("%Y-%m-%d", day)
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp()
        .as_second();
    let result = std::process::Command::new(env!("CARGO_BIN_EXE_viikko"))
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .args([
            "build",
            "--root",
            root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    assert!(result.status.success(), "{stderr}");
    stderr
}

/// Runs an outside checker, insisting it succeeded; its output.
pub fn run(command: &mut Command) -> String {
    let output = command.output().expect("the checker runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Every file of a folder with its bytes.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|f| {
            let bytes = fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}
