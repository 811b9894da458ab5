//! The only step that touches the output folder. The new site is written beside it and swapped
//! in by renaming, so readers (and `serve`) see the old site or the new one, never a mixture, and
//! a failed build leaves the old one in place.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::load::StaticFile;
use crate::render::OutputFile;

#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    pub files: usize,
    /// Files whose bytes matched the previous build and were linked instead of written.
    pub unchanged: usize,
}

pub fn write(output: &Path, files: &[OutputFile], statics: &[StaticFile]) -> io::Result<Written> {
    let staging = sibling(output, "viikko-new");
    let retired = sibling(output, "viikko-old");
    remove_if_exists(&retired)?;
    let previous = output.is_dir().then_some(output);
    let written = write_into(&staging, files, statics, previous)?;
    if output.exists() {
        fs::rename(output, &retired)?;
    }
    if let Err(error) = fs::rename(&staging, output) {
        // Put the old site back rather than leave none.
        let _ = fs::rename(&retired, output);
        return Err(error);
    }
    remove_if_exists(&retired)?;
    Ok(written)
}

/// Writes the site into a fresh folder `dir`, linking files that are unchanged in `previous`.
pub fn write_into(
    dir: &Path,
    files: &[OutputFile],
    statics: &[StaticFile],
    previous: Option<&Path>,
) -> io::Result<Written> {
    remove_if_exists(dir)?;
    fs::create_dir_all(dir)?;
    let mut folders: Vec<PathBuf> = files
        .iter()
        .map(|f| f.path.as_str())
        .chain(statics.iter().map(|s| s.output.as_str()))
        .filter_map(|p| Path::new(p).parent().map(Path::to_path_buf))
        .collect();
    folders.sort();
    folders.dedup();
    folders
        .par_iter()
        .try_for_each(|folder| fs::create_dir_all(dir.join(folder)))?;
    let unchanged: usize = files
        .par_iter()
        .map(|file| {
            put(
                &dir.join(&file.path),
                &file.bytes,
                previous.map(|p| p.join(&file.path)),
            )
        })
        .collect::<io::Result<Vec<bool>>>()?
        .into_iter()
        .filter(|same| *same)
        .count();
    for file in statics {
        fs::copy(&file.path, dir.join(&file.output))?;
    }
    Ok(Written {
        files: files.len() + statics.len(),
        unchanged,
    })
}

/// Writes `bytes` at `path`, or hard-links the previous build's file when it has the same bytes,
/// so an unchanged rebuild writes no data. Returns whether the file was unchanged.
fn put(path: &Path, bytes: &[u8], previous: Option<PathBuf>) -> io::Result<bool> {
    if let Some(previous) = previous {
        let same = fs::metadata(&previous).is_ok_and(|m| m.len() == bytes.len() as u64)
            && fs::read(&previous).is_ok_and(|old| old == bytes);
        if same && fs::hard_link(&previous, path).is_ok() {
            return Ok(true);
        }
    }
    fs::write(path, bytes)?;
    Ok(false)
}

/// `public` → `public.viikko-new`, in the same folder so the final rename stays on one file system.
pub fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map_or("public".into(), |n| n.to_string_lossy().into_owned());
    output.with_file_name(format!("{name}.{suffix}"))
}

pub fn remove_if_exists(path: &Path) -> io::Result<()> {
    match fs::remove_dir_all(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn replaces_the_output_and_links_unchanged_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write(&out, &[file("a/index.html", "A"), file("b.txt", "B")], &[]).unwrap();
        let written = write(&out, &[file("a/index.html", "A"), file("c.txt", "C")], &[]).unwrap();
        assert_eq!(written.unchanged, 1);
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "A");
        assert!(
            !out.join("b.txt").exists(),
            "files of the old build are gone"
        );
        assert!(!sibling(&out, "viikko-new").exists() && !sibling(&out, "viikko-old").exists());
    }
}
