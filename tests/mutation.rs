//! A seeded mutation campaign over a real site: each round breaks one or more of its files the
//! way hands and tools break them (a stray colon, a cut line, pasted HTML, a second `---`, bad
//! bytes) and checks the site in this process. No round may panic or take long, every problem
//! must name its file, and a site that still builds must carry no script from its content.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use viikko::output::{OutputFile, Sink};

const ROUNDS: usize = 1000;

/// Pieces that have broken parsers, or that a careless paste brings in.
const FRAGMENTS: &[&str] = &[
    "---",
    "--- x",
    "...",
    "title:",
    "title: \"Webinaari: digituki",
    "start: 31.11.2026 klo 25.00",
    "end: 2026-11-17 13:00:60",
    "audience: [kaikki, [nuoret]]",
    "status: peruttu",
    "a: &a [x, x, x, x, x, x, x, x]\nb: [*a, *a, *a, *a, *a, *a, *a, *a]",
    "*a",
    "!!binary aGVsbG8=",
    "? [a, b]\n: c",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[linkki](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=\"https://example.com\"></iframe>",
    "[muu](../../pages/eiole.md)",
    "## Sama\n## Sama\n## Sama {#sama}",
    "{{ site.title }} {% if %}",
    "\u{202e}\u{0}\u{feff}",
    "\t- sisennys",
    "| a | b |\n|---|---|\n| 1 |",
    "[^1]\n\n[^1]: alaviite",
];

/// Characters that mean something to YAML, Markdown or HTML.
const SPECIAL: &[char] = &[
    ':', '-', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', '\t',
    '\n', ' ', '\\', '<', '\0', 'ä', '\u{feff}', '\r',
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(7) {
            0 => {
                let mut c = [0; 4];
                let c = SPECIAL[rng.below(SPECIAL.len())].encode_utf8(&mut c);
                bytes.splice(at..at, c.bytes());
            }
            1 if at < bytes.len() => bytes[at] = rng.next() as u8,
            2 => {
                let end = (at + rng.below(40)).min(bytes.len());
                bytes.drain(at..end);
            }
            3 => {
                let line = at
                    - bytes[..at]
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |i| at - i - 1);
                let fragment = format!("{}\n", FRAGMENTS[rng.below(FRAGMENTS.len())]);
                bytes.splice(line..line, fragment.bytes());
            }
            4 => {
                let end = (at + rng.below(80)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
            5 => bytes.truncate(at),
            _ => {
                let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())];
                bytes.splice(at..at, fragment.bytes());
            }
        }
    }
    bytes
}

#[derive(Default)]
struct Files(Mutex<BTreeMap<String, Arc<Vec<u8>>>>);

impl Sink for Files {
    fn put(&self, file: OutputFile) -> std::io::Result<()> {
        self.0.lock().unwrap().insert(file.path, file.bytes);
        Ok(())
    }
}

/// Script that came from the content, in any published file: a tag (not escaped text) with an
/// event handler, a script URL, a frame, or the content's own script.
fn injected(files: &Files) -> Option<String> {
    let files = files.0.lock().unwrap();
    files
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .find_map(|(path, bytes)| {
            let text = String::from_utf8_lossy(bytes).to_lowercase();
            let script =
                text.contains("<script>alert") || text.split('<').skip(1).any(dangerous_tag);
            script.then(|| path.clone())
        })
}

/// Whether the start of a tag (after its `<`) is a frame, or has a handler or a script URL
/// among its attributes; text inside quoted values is only looked at as a URL.
fn dangerous_tag(tag: &str) -> bool {
    let tag = tag.split('>').next().unwrap_or_default();
    let mut bare = String::new();
    let mut parts = tag.split('"');
    while let Some(outside) = parts.next() {
        bare.push_str(outside);
        let Some(value) = parts.next() else { break };
        let url = ["href=", "src=", "action="]
            .iter()
            .any(|a| bare.ends_with(a));
        if url && value.trim_start().starts_with("javascript:") {
            return true;
        }
        bare.push_str("\"\"");
    }
    bare.starts_with("iframe")
        || bare
            .split_whitespace()
            .any(|word| word.starts_with("on") && word.contains('='))
        || bare.contains("=javascript:")
}

fn content_files(root: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    found.sort();
    found
}

#[test]
fn a_thousand_broken_sites_never_panic_hang_or_leak_script() {
    let site = site("site");
    let root = site.path();
    let files = content_files(root);
    let originals: Vec<Vec<u8>> = files.iter().map(|f| fs::read(f).unwrap()).collect();
    let options = viikko::Options {
        update_record: false,
        now: "2026-11-01T12:00:00Z".parse().unwrap(),
        ..viikko::Options::default()
    };
    let mut rng = Rng(0x7669696b6b6f);
    let (mut failed, mut built) = (0, 0);
    for round in 0..ROUNDS {
        let chosen = rng.below(files.len());
        fs::write(&files[chosen], mutate(&originals[chosen], &mut rng)).unwrap();
        let started = Instant::now();
        let sink = Files::default();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            viikko::render_site(root, &options, &sink, None)
        }));
        let took = started.elapsed();
        let shown = String::from_utf8_lossy(&fs::read(&files[chosen]).unwrap()).into_owned();
        let Ok(outcome) = outcome else {
            panic!(
                "round {round} panicked on {}:\n{shown}",
                files[chosen].display()
            );
        };
        assert!(
            took < Duration::from_secs(2),
            "round {round} took {took:?} on {}:\n{shown}",
            files[chosen].display()
        );
        match outcome {
            Ok(_) => {
                built += 1;
                if let Some(path) = injected(&sink) {
                    panic!("round {round}: script from the content reached {path}:\n{shown}");
                }
            }
            Err(viikko::Failure::Content(problems)) => {
                failed += 1;
                assert!(
                    problems.has_errors(),
                    "round {round}: failed without an error"
                );
                for problem in problems.iter() {
                    assert!(
                        problem.file.starts_with("content/"),
                        "round {round}: a problem names no content file: {problem}"
                    );
                }
            }
            Err(viikko::Failure::Io(message)) => panic!("round {round}: {message}\n{shown}"),
        }
        fs::write(&files[chosen], &originals[chosen]).unwrap();
    }
    eprintln!("{ROUNDS} mutated sites: {built} built, {failed} refused with their problems");
    assert!(
        built > ROUNDS / 10 && failed > ROUNDS / 10,
        "{built} built, {failed} refused"
    );
}
