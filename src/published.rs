//! The text of every file partners write, kept in the output as a build published it, so that
//! a later build with `--keep-going` can fall back to a file's last good version: one JSON file
//! per folder of the content under `.viikko-sources/`, so that an edit rewrites its own
//! folder's file, not the whole content's.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::cache::Fingerprint;
use crate::load::{SourceFile, Sources};
use crate::output::{OutputFile, Sink};

/// Each file's text by its path in the content.
pub type Published = BTreeMap<String, String>;

/// The folder in the output that holds [`Published`].
pub const FOLDER: &str = ".viikko-sources";

/// Where builds before the folder kept it, whole: still read, so that an update of viikko does
/// not lose the last good versions.
const OLD_FILE: &str = ".viikko-sources.json";

/// The text of every file partners write, as these sources hold it.
pub fn of(sources: &Sources) -> Published {
    sources
        .written()
        .map(|f| (f.rel.clone(), f.text.to_string()))
        .collect()
}

/// Puts [`Published`] in `sink`, a file per folder. A folder's file is known by its files'
/// names and texts: unchanged, it is kept without being made.
pub fn put(sources: &Sources, sink: &dyn Sink) -> std::io::Result<()> {
    let mut folders: BTreeMap<&str, Vec<&SourceFile>> = BTreeMap::new();
    for file in sources.written() {
        folders.entry(file.dir()).or_default().push(file);
    }
    folders.par_iter().try_for_each(|(folder, files)| {
        let key = files
            .iter()
            .fold(Fingerprint::default().text(crate::identity()), |key, f| {
                key.text(&f.rel).number(f.digest())
            })
            .finish();
        // Named by a hash of the folder: any folder name gives a file name, and no two the same.
        let name = Fingerprint::default().text(folder).finish();
        let path = format!("{FOLDER}/{name:016x}.json");
        if sink.keep(&path, key) {
            return Ok(());
        }
        let texts: BTreeMap<&str, &str> =
            files.iter().map(|f| (f.rel.as_str(), &*f.text)).collect();
        // Texts by names: serialising cannot fail.
        let bytes = serde_json::to_vec(&texts).unwrap_or_default();
        sink.put_made(
            OutputFile {
                path,
                bytes: Arc::new(bytes),
            },
            key,
        )
    })
}

/// What the build into `output` published, if it kept it; a file that cannot be read or parsed
/// is passed over, as if its folder's files had never been published.
pub fn read(output: &Path) -> Option<Published> {
    let parse = |path: &Path| -> Option<Published> {
        serde_json::from_slice(&std::fs::read(path).ok()?).ok()
    };
    let Ok(items) = std::fs::read_dir(output.join(FOLDER)) else {
        return parse(&output.join(OLD_FILE));
    };
    let mut paths: Vec<_> = items.flatten().map(|item| item.path()).collect();
    paths.sort();
    Some(
        paths
            .iter()
            .filter_map(|path| parse(path))
            .flatten()
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_put_is_read_back_whole_and_an_edit_rewrites_its_folder_alone() {
        let root = tempfile::tempdir().unwrap();
        let content = root.path().join("content");
        for (rel, text) in [
            ("programme/a/yksi.md", "---\ntitle: \"Yksi\"\n---\n"),
            ("programme/a/kaksi.md", "---\ntitle: \"Kaksi\"\n---\n"),
            ("programme/b/kolme.md", "---\ntitle: \"Kolme\"\n---\n"),
            ("memos/2026/muistio.md", "---\ntitle: \"Muistio\"\n---\n"),
        ] {
            let path = content.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let output = root.path().join("public");
        let build = |output: &Path| {
            let (sources, _) = crate::load::load(root.path()).unwrap();
            let manifest = root.path().join("manifest");
            let update = crate::write::Update::new(output, &manifest).unwrap();
            put(&sources, &update).unwrap();
            update.commit("").unwrap();
            of(&sources)
        };
        let published = build(&output);
        assert_eq!(published.len(), 4, "{published:?}");
        assert_eq!(read(&output), Some(published));
        let times = || -> BTreeMap<_, _> {
            std::fs::read_dir(output.join(FOLDER))
                .unwrap()
                .flatten()
                .map(|f| (f.path(), f.metadata().unwrap().modified().unwrap()))
                .collect()
        };
        let before = times();
        assert_eq!(before.len(), 3, "one file per folder");

        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(
            content.join("programme/b/kolme.md"),
            "---\ntitle: \"Kolme!\"\n---\n",
        )
        .unwrap();
        let published = build(&output);
        assert_eq!(read(&output), Some(published.clone()));
        assert!(published["content/programme/b/kolme.md"].contains("Kolme!"));
        let after = times();
        let rewritten = before.iter().filter(|(path, time)| after[*path] != **time);
        assert_eq!(rewritten.count(), 1, "{before:?}\n{after:?}");
    }

    #[test]
    fn the_single_file_of_earlier_builds_is_read_too() {
        let output = tempfile::tempdir().unwrap();
        std::fs::write(
            output.path().join(OLD_FILE),
            r#"{"programme/a/yksi.md":"teksti"}"#,
        )
        .unwrap();
        let published = read(output.path()).unwrap();
        assert_eq!(published["programme/a/yksi.md"], "teksti");
    }
}
