use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use viikko::Failure;
use viikko::messages::Text;
use viikko::text;
use viikko::translations::Translations;

// A build allocates and frees millions of small values across threads; against the system
// allocator mimalloc made a 10,000-entry build a third faster with a third less peak memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// viikko builds the website of an event week from organisers' Markdown files.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site from ROOT/content into the output folder.
    Build {
        /// The site folder, holding `content/` (and optionally `themes/`).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where the site is written [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Publish what is valid: a file with errors stays at its last published version, or is
        /// left out if it has none; exits 3 when any was.
        #[arg(long)]
        keep_going: bool,
    },
    /// Preview the site: build, serve it, rebuild and reload the browser on every change.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The address to listen on; only this machine can connect to the default.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// The port; the next free one is used if it is taken.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the browser.
        #[arg(long)]
        open: bool,
        /// Poll for changes, for file systems that do not report them (network drives, some containers).
        #[arg(long)]
        poll: bool,
        /// Show what is valid, as `build --keep-going` publishes it.
        #[arg(long)]
        keep_going: bool,
    },
    /// Print the participation figures (the same as the statistics page and tilastot.csv).
    Stats {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// List the entries and sessions held so far without an attendance figure, by
        /// organiser with its email, to ask for them.
        #[arg(long)]
        missing: bool,
    },
    /// Write files to start from: a site, an organiser or an entry. Never overwrites a file.
    New {
        #[command(subcommand)]
        what: New,
    },
    /// Turn a calendar export or a questionnaire's answers into entry files.
    Import {
        #[command(subcommand)]
        what: Import,
    },
    /// Check the content and report every problem, without writing anything.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Report only the problems of these files (the whole site is still checked).
        files: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum New {
    /// A working site for the coming week in DIR: settings, pages, one organiser, one entry.
    Site { dir: PathBuf },
    /// An organiser's profile, content/programme/<folder>/_index.md.
    Organiser {
        name: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// An entry in the organiser's folder, listing the site's audiences and formats.
    Entry {
        /// The organiser's folder under content/programme/.
        organiser: String,
        title: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Subcommand)]
enum Import {
    /// Entries from an iCalendar file (.ics) exported from Outlook, Google, Apple or Thunderbird.
    Calendar {
        file: PathBuf,
        /// The organiser's folder under content/programme/.
        #[arg(long)]
        organiser: String,
        #[command(flatten)]
        options: ImportOptions,
    },
    /// Entries from a questionnaire's answers exported as .xlsx, .xls, .ods or .csv.
    Table {
        file: PathBuf,
        /// A file of `"Header as in the file": field` lines, for headers that are not field names.
        #[arg(long)]
        columns: Option<PathBuf>,
        /// The organiser's folder, for rows that do not name their organiser.
        #[arg(long)]
        organiser: Option<String>,
        #[command(flatten)]
        options: ImportOptions,
    },
}

#[derive(clap::Args)]
struct ImportOptions {
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// An audience key for every entry, which a calendar does not carry (repeatable).
    #[arg(long)]
    audience: Vec<String>,
    /// A format key for every entry.
    #[arg(long)]
    format: Option<String>,
    /// Overwrite entries a person has edited since they were imported.
    #[arg(long)]
    force: bool,
}

fn main() -> ExitCode {
    // mimalloc asks for transparent huge pages, and the kernel zeroes each 2 MB page when it is
    // first touched, however little of it a build's short-lived values use: that zeroing was a
    // sixth of a one-edit 10,000-entry build (4.98 s with them, 4.11 s without).
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            keep_going,
        } => {
            let output = output.unwrap_or_else(|| root.join("public"));
            let options = viikko::Options {
                keep_going,
                ..viikko::Options::default()
            };
            match viikko::build(&root, &output, &options) {
                Ok(report) => {
                    eprint!("{}", report.diagnostics);
                    let held_back = held_back(&report.held_back, report.diagnostics.lang());
                    let built = text!(
                        "built",
                        pages = report.pages,
                        entries = report.entries,
                        memos = report.memos,
                        output = output.display(),
                        ms = report.elapsed.as_millis()
                    );
                    println!(
                        "{}{}",
                        built.words(report.diagnostics.lang()),
                        warnings(&report.diagnostics)
                    );
                    match held_back {
                        true => ExitCode::from(3),
                        false => ExitCode::SUCCESS,
                    }
                }
                Err(failure) => fail(failure, text!("not_built")),
            }
        }
        Command::Serve {
            root,
            bind,
            port,
            open,
            poll,
            keep_going,
        } => {
            let config = viikko::serve::Config {
                root,
                bind,
                port,
                open,
                poll,
                keep_going,
            };
            match viikko::serve::serve(config) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => fail(Failure::Io(error.to_string()), text!("not_served")),
            }
        }
        Command::Stats { root, missing } => match viikko::check(&root) {
            Ok((mut site, _)) if missing => {
                site.today = viikko::revisions::build_time()
                    .to_zoned(site.config.tz.clone())
                    .date();
                let lang = site.config.lang;
                let missing = viikko::stats::missing(&site, site.today);
                let count: usize = missing.iter().map(|(_, _, e)| e.len()).sum();
                println!("{}", text!("missing_count", count = count).words(lang));
                for (organiser, email, entries) in missing {
                    let email = email.map(|e| format!(" <{e}>")).unwrap_or_default();
                    println!("\n{organiser}{email}");
                    for (date, title) in entries {
                        println!("  {} {title}", lang.date(date));
                    }
                }
                ExitCode::SUCCESS
            }
            Ok((site, _)) => {
                match Translations::load(&root, &site.config.theme, site.config.lang.code()) {
                    Ok(t) => {
                        print!(
                            "{}",
                            viikko::stats::text(&viikko::stats::stats(&site, &t), &t)
                        );
                        ExitCode::SUCCESS
                    }
                    Err(problems) => fail(Failure::Content(problems), text!("fix_and_rerun")),
                }
            }
            Err(failure) => fail(failure, text!("fix_and_rerun")),
        },
        Command::New { what } => new(what),
        Command::Import { what } => import(what),
        Command::Check { root, files } if !files.is_empty() => check_files(&root, &files),
        Command::Check { root, .. } => match viikko::check(&root) {
            Ok((site, diagnostics)) => {
                eprint!("{diagnostics}");
                let ok = text!(
                    "check_ok",
                    entries = site.entries.len(),
                    organisers = site.organisers.len(),
                    memos = site.memos.len(),
                    pages = site.pages.len()
                );
                println!("{}{}", ok.words(diagnostics.lang()), warnings(&diagnostics));
                ExitCode::SUCCESS
            }
            Err(failure) => fail(failure, text!("fix_and_rerun")),
        },
    }
}

fn new(what: New) -> ExitCode {
    let today = jiff::Zoned::now().date();
    let (written, lang) = match what {
        New::Site { dir } => (viikko::new::site(&dir, today), viikko::times::Lang::Fi),
        New::Organiser { name, root } => match viikko::settings(&root) {
            Ok(config) => (viikko::new::organiser(&root, &name, &config), config.lang),
            Err(failure) => return fail(failure, text!("fix_and_rerun")),
        },
        New::Entry {
            organiser,
            title,
            root,
        } => match viikko::settings(&root) {
            Ok(config) => {
                let folder = root.join("content/programme").join(&organiser);
                if !folder.join("_index.md").is_file() {
                    let message = text!("new_no_organiser", folder = organiser).words(config.lang);
                    return fail(Failure::Io(message), text!("fix_and_rerun"));
                }
                (
                    viikko::new::entry(&root, &organiser, &title, &config),
                    config.lang,
                )
            }
            Err(failure) => return fail(failure, text!("fix_and_rerun")),
        },
    };
    match written {
        Ok(written) => {
            for path in &written.written {
                println!("{}", text!("new_wrote", file = path.display()).words(lang));
            }
            for path in &written.kept {
                println!("{}", text!("new_kept", file = path.display()).words(lang));
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(Failure::Io(error.to_string()), text!("fix_and_rerun")),
    }
}

fn import(what: Import) -> ExitCode {
    let (file, options) = match &what {
        Import::Calendar { file, options, .. } | Import::Table { file, options, .. } => {
            (file, options)
        }
    };
    let root = &options.root;
    let config = match viikko::settings(root) {
        Ok(config) => config,
        Err(failure) => return fail(failure, text!("fix_and_rerun")),
    };
    let lang = config.lang;
    let io_failure = |e: String| {
        fail(
            Failure::Io(format!("{}: {e}", file.display())),
            text!("fix_and_rerun"),
        )
    };
    let say = |key: Text| println!("{}", key.words(lang));
    let (mut drafts, problems) = match &what {
        Import::Calendar { organiser, .. } => {
            if !root
                .join("content/programme")
                .join(organiser)
                .join("_index.md")
                .is_file()
            {
                let message = text!("new_no_organiser", folder = organiser).words(lang);
                return fail(Failure::Io(message), text!("fix_and_rerun"));
            }
            let reader = match std::fs::File::open(file) {
                Ok(f) => std::io::BufReader::new(f),
                Err(e) => return io_failure(e.to_string()),
            };
            let read = match viikko::content::import::calendar::read(reader, &config) {
                Ok(read) => read,
                Err(e) => return io_failure(e),
            };
            if read.outside_week > 0 {
                say(text!("import_outside_week", count = read.outside_week));
            }
            read.unreadable
                .iter()
                .for_each(|e| say(text!("import_unreadable", event = e)));
            let mut drafts = read.drafts;
            drafts
                .iter_mut()
                .for_each(|d| d.organiser = Some(organiser.clone()));
            (drafts, false)
        }
        Import::Table {
            columns, organiser, ..
        } => {
            let map = match columns.as_ref().map(std::fs::read_to_string).transpose() {
                Ok(text) => {
                    serde_yaml::from_str(text.as_deref().unwrap_or("{}")).unwrap_or_default()
                }
                Err(e) => return io_failure(e.to_string()),
            };
            let rows = match viikko::content::import::table::rows(file) {
                Ok(rows) => rows,
                Err(e) => return io_failure(e),
            };
            let source = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let read = viikko::content::import::table::read(
                &rows,
                &map,
                &source,
                organiser.as_deref(),
                &config,
            );
            if !read.unused.is_empty() {
                say(text!("table_unused", columns = read.unused.join(", ")));
            }
            for bad in &read.bad {
                let row = text!(
                    "table_row",
                    file = file.display(),
                    row = bad.row,
                    column = bad.column,
                    message = bad.message.words(lang)
                );
                eprintln!(
                    "{}: {}
  = {}: {}",
                    text!("label_error").words(lang),
                    row.words(lang),
                    text!("label_help").words(lang),
                    bad.help.words(lang)
                );
            }
            (read.drafts, !read.bad.is_empty())
        }
    };
    for draft in &mut drafts {
        if draft.audiences.is_empty() {
            draft.audiences = options.audience.clone();
        }
        draft.format = draft.format.take().or_else(|| options.format.clone());
    }
    let touched = match write_drafts(root, drafts, &config, options.force) {
        Ok(imported) => {
            imported
                .written
                .iter()
                .for_each(|p| say(text!("new_wrote", file = p.display())));
            imported
                .updated
                .iter()
                .for_each(|p| say(text!("import_updated", file = p.display())));
            imported
                .unchanged
                .iter()
                .for_each(|p| say(text!("import_unchanged", file = p.display())));
            imported
                .kept
                .iter()
                .for_each(|p| say(text!("import_kept", file = p.display())));
            imported
                .written
                .into_iter()
                .chain(imported.updated)
                .collect::<Vec<_>>()
        }
        Err(e) => return fail(Failure::Io(e.to_string()), text!("fix_and_rerun")),
    };
    let checked = match touched.is_empty() {
        true => ExitCode::SUCCESS,
        false => check_files(root, &touched),
    };
    match problems {
        true => ExitCode::from(1),
        false => checked,
    }
}

/// Writes each draft into its organiser's folder: one named by folder or by the name in its
/// profile, or a new one (with a profile) for a name the site does not know.
fn write_drafts(
    root: &Path,
    drafts: Vec<viikko::content::import::Draft>,
    config: &viikko::model::Config,
    force: bool,
) -> std::io::Result<viikko::content::import::Imported> {
    let known = viikko::organisers(root).map_err(|f| std::io::Error::other(format!("{f:?}")))?;
    let mut by_folder: std::collections::BTreeMap<String, Vec<_>> = Default::default();
    for draft in drafts {
        let named = draft.organiser.clone().unwrap_or_default();
        let folder = known
            .iter()
            .find(|(folder, name)| *folder == named || name.to_lowercase() == named.to_lowercase())
            .map(|(folder, _)| folder.clone())
            .unwrap_or_else(|| viikko::slug::slugify(&named));
        if !root
            .join("content/programme")
            .join(&folder)
            .join("_index.md")
            .is_file()
        {
            viikko::new::organiser_in(root, &named, config.lang)?;
        }
        by_folder.entry(folder).or_default().push(draft);
    }
    let mut all = viikko::content::import::Imported::default();
    for (folder, drafts) in by_folder {
        let path = root.join("content/programme").join(folder);
        let imported = viikko::content::import::write(&path, &drafts, config, force)?;
        all.written.extend(imported.written);
        all.updated.extend(imported.updated);
        all.unchanged.extend(imported.unchanged);
        all.kept.extend(imported.kept);
    }
    Ok(all)
}

/// One partner's view: the whole site is checked, and only the problems of `files` are shown,
/// with how many other files have problems; it fails only for the files named.
fn check_files(root: &Path, files: &[PathBuf]) -> ExitCode {
    let Ok(base) = root.canonicalize() else {
        return fail(
            Failure::Io(format!("no site folder at {}", root.display())),
            text!("fix_and_rerun"),
        );
    };
    let mut named = Vec::new();
    for file in files {
        let inside = file.canonicalize().ok().and_then(|f| {
            let rel = f.strip_prefix(&base).ok()?;
            Some(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            )
        });
        match inside {
            Some(rel) => named.push(rel),
            None => {
                let message = format!(
                    "{} is not a file of the site at {}",
                    file.display(),
                    root.display()
                );
                return fail(Failure::Io(message), text!("fix_and_rerun"));
            }
        }
    }
    let diagnostics = match viikko::check(root) {
        Ok((_, diagnostics)) => diagnostics,
        Err(Failure::Content(diagnostics)) => diagnostics,
        Err(failure) => return fail(failure, text!("fix_and_rerun")),
    };
    let lang = diagnostics.lang();
    let (own, others) = diagnostics.only(&named);
    eprint!("{own}");
    let summary = match own.is_empty() {
        true => text!("check_files_ok", files = named.join(", ")),
        false => text!("check_files_problems", count = own.count()),
    };
    let others = match others {
        0 => String::new(),
        n => format!("; {}", text!("check_other_files", count = n).words(lang)),
    };
    eprintln!("{}{others}", summary.words(lang));
    match own.has_errors() {
        true => ExitCode::from(1),
        false => ExitCode::SUCCESS,
    }
}

/// Reports what `--keep-going` held back: the problems, then the files kept at their last
/// good version and those left out. Returns whether there were any.
fn held_back(held: &viikko::HeldBack, lang: viikko::times::Lang) -> bool {
    if held.is_empty() {
        return false;
    }
    eprint!("{}", held.problems);
    if !held.kept.is_empty() {
        eprintln!(
            "{}",
            text!("kept_previous", files = held.kept.join(", ")).words(lang)
        );
    }
    if !held.left_out.is_empty() {
        eprintln!(
            "{}",
            text!("left_out", files = held.left_out.join(", ")).words(lang)
        );
    }
    true
}

/// `, 1 varoitus` after a success line, in the report's language.
fn warnings(diagnostics: &viikko::diagnostics::Diagnostics) -> String {
    let lang = diagnostics.lang();
    match diagnostics.warnings() {
        0 => String::new(),
        1 => format!(", {}", text!("count_warning_one").words(lang)),
        n => format!(", {}", text!("count_warning_many", n = n).words(lang)),
    }
}

fn fail(failure: Failure, consequence: Text) -> ExitCode {
    match failure {
        Failure::Content(diagnostics) => {
            eprint!("{diagnostics}");
            let lang = diagnostics.lang();
            eprintln!("{}: {}", diagnostics.count(), consequence.words(lang));
            ExitCode::from(1)
        }
        Failure::Io(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
