//! `viikko serve`: the same build as `viikko build`, run again on every change, served over
//! HTTP with live reload.
//!
//! Each change is checked whole, and the server switches to it only once it passed, so no request
//! sees a half-checked site; only the files the watcher names are read again (all of them when it
//! lost count). Pages are then rendered in memory as they are asked for (a page is the same as
//! `viikko build` writes), and everything else (feeds, open data, the search index, earlier weeks)
//! once, when first asked for: an edit costs a check and the page looked at, not the whole site.
//! After a failed check the last good site stays served, with the errors laid over every page.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{self, EventKind, RecursiveMode};
use tiny_http::{Header, Method, Request, Response, StatusCode};

use crate::cache::Cache;
use crate::output::{OutputFile, Sink};
use crate::{Failure, Options, diagnostics::Diagnostics};

pub struct Config {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    pub open: bool,
    pub poll: bool,
    /// Show what is valid, each broken file at its last good version, as `build --keep-going`.
    pub keep_going: bool,
}

/// What the server shows: the last good build and the problems of the last one.
struct State {
    site: Option<Arc<Built>>,
    base_path: String,
    errors: Option<String>,
}

/// A checked site, below its base path: its pages rendered when first asked for, the rest of its
/// files made once, and the content's own files (images, documents) by the path they are
/// published at, read when asked for.
struct Built {
    prepared: crate::Prepared,
    /// What this and earlier builds made; the next build starts from it.
    cache: Arc<Cache>,
    options: Options,
    /// The file of every page.
    pages: foldhash::HashSet<String>,
    /// Pages rendered so far.
    made: Memory,
    /// The theme's assets and the site's QR code.
    assets: OnceLock<Files>,
    /// Every other file, or what stopped them being made.
    rest: OnceLock<Result<Files, String>>,
    statics: HashMap<String, PathBuf>,
    /// `content/static/`, the only folder the content's own files are served from.
    static_root: PathBuf,
}

impl Built {
    /// The page written to `file`, rendered now if it was not yet; `None` when no page is, and
    /// the problem's report when rendering it failed.
    fn page(&self, file: &str) -> Option<Result<Arc<Vec<u8>>, String>> {
        if !self.pages.contains(file) {
            return None;
        }
        if let Some(made) = self.made.get(file) {
            return Some(Ok(made));
        }
        let pages = self.prepared.pages(Some(&self.cache));
        Some(match pages.render_one(file, &self.made) {
            Some(Ok(())) => self.made.get(file).ok_or_else(|| "not made".to_string()),
            Some(Err(failure)) => Err(failure_text(failure)),
            None => Err("not made".to_string()),
        })
    }

    /// Feeds, open data, the search index and earlier weeks: made once, when first asked for.
    /// While someone is editing, each save then costs only its check and the page looked at.
    fn rest(&self) -> &Result<Files, String> {
        self.rest.get_or_init(|| {
            let memory = Memory::default();
            let ledger = crate::output::Ledger::new(&memory);
            // The pages' files are claimed first: a file that would replace one is an error.
            for file in &self.pages {
                ledger.claim(file);
            }
            let (prepared, options) = (&self.prepared, &self.options);
            let pages = prepared.pages(Some(&self.cache));
            prepared
                .put_published(&ledger)
                .map_err(crate::Failure::from)
                .and_then(|()| prepared.render_rest(&pages, None, options, &ledger))
                .and_then(|record| prepared.render_late(record, None, options, &ledger))
                .and_then(|_| collisions(ledger, prepared))
                .map_err(failure_text)?;
            Ok(memory.0.into_inner().unwrap_or_default())
        })
    }

    /// A file that is not a page, by its path below the base path. When they could not be
    /// made, their problems are laid over the pages instead.
    fn other(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        // What every page loads is made at once, without waiting for the rest.
        let assets = self.assets.get_or_init(|| {
            let pages = self.prepared.pages(Some(&self.cache));
            pages
                .assets()
                .into_iter()
                .map(|f| (f.path, f.bytes))
                .collect()
        });
        if let Some(asset) = assets.get(path) {
            return Some(asset.clone());
        }
        self.rest().as_ref().ok()?.get(path).cloned()
    }
}

/// The file of every page of `prepared`; two pages, or a page and a content file, for one path
/// fail the build as they do `viikko build`.
fn page_files(
    prepared: &crate::Prepared,
    cache: &Cache,
) -> Result<foldhash::HashSet<String>, Failure> {
    let pages = prepared.pages(Some(cache));
    let files = pages.files();
    let mut set = foldhash::HashSet::with_capacity_and_hasher(files.len(), Default::default());
    let mut distinct = true;
    for file in files {
        distinct &= set.insert(file);
    }
    let statics = &prepared.site.statics;
    if distinct && !statics.iter().any(|s| set.contains(&s.output)) {
        return Ok(set);
    }
    // Rare: listed again through the ledger, which names what collided.
    let memory = Memory::default();
    let ledger = crate::output::Ledger::new(&memory);
    for file in pages.files() {
        ledger.claim(&file);
    }
    collisions(ledger, prepared)?;
    Ok(set)
}

/// The files `ledger` saw twice, as the failure of the build, in the site's language.
fn collisions(ledger: crate::output::Ledger, prepared: &crate::Prepared) -> Result<(), Failure> {
    let found = ledger.collisions(&prepared.site);
    match found.has_errors() {
        true => Err(Failure::Content(
            found.sorted().in_language(prepared.site.config.lang),
        )),
        false => Ok(()),
    }
}

fn failure_text(failure: Failure) -> String {
    match failure {
        Failure::Content(diagnostics) => report_text(&diagnostics),
        Failure::Io(message) => format!("error: {message}\n"),
    }
}

/// Files by their path below the base path.
type Files = HashMap<String, Arc<Vec<u8>>>;

/// The sink a preview build renders into.
#[derive(Default)]
struct Memory(Mutex<Files>);

impl Memory {
    fn get(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        self.0.lock().ok()?.get(path).cloned()
    }
}

impl Sink for Memory {
    fn put(&self, file: OutputFile) -> io::Result<()> {
        self.0
            .lock()
            .map_err(|_| io::Error::other("a build thread failed"))?
            .insert(file.path, file.bytes);
        Ok(())
    }
}

struct Shared {
    state: RwLock<State>,
    clients: Mutex<Vec<Sender<&'static str>>>,
}

const EVENTS: &str = "/__viikko/events";
const SCRIPT: &str = "/__viikko/reload.js";
const HEARTBEAT: Duration = Duration::from_secs(10);

pub fn serve(config: Config) -> io::Result<()> {
    let (server, address) = bind(&config.bind, config.port)?;
    let shared = Arc::new(Shared {
        state: RwLock::new(State {
            site: None,
            base_path: "/".into(),
            errors: None,
        }),
        clients: Mutex::new(Vec::new()),
    });
    let origin = format!("http://{address}");
    // Watched before the first read, so that no change is missed between the two.
    let (changes, events) = mpsc::channel();
    let mut watcher = watch(&config.root, config.poll, changes)?;
    let first = Changed::default();
    let (mut cache, mut read) = rebuild(&config, &shared, &origin, &Cache::default(), None, first);
    let url = format!(
        "{origin}{}",
        shared
            .state
            .read()
            .map(|s| s.base_path.clone())
            .unwrap_or_default()
    );
    println!("serving {} at {url} (Ctrl-C stops)", config.root.display());
    if config.open {
        open_browser(&url);
    }

    let server = Arc::new(server);
    {
        let server = server.clone();
        let _ = ctrlc::set_handler(move || server.unblock());
    }
    {
        let shared = shared.clone();
        std::thread::spawn(move || {
            let mut changed = Changed::default();
            for heard in events.iter() {
                changed.add(heard);
                events.try_iter().for_each(|more| changed.add(more));
                if !changed.relevant {
                    continue;
                }
                // Watched again first, so that whatever arrives while the build runs is heard.
                changed.whole |= watcher.follow();
                let now = std::mem::take(&mut changed);
                (cache, read) = rebuild(&config, &shared, &origin, &cache, read, now);
            }
        });
    }
    for request in server.incoming_requests() {
        let shared = shared.clone();
        std::thread::spawn(move || handle(request, &shared));
    }
    println!("stopped");
    Ok(())
}

/// Binds the port asked for, or the next free one (and says so).
fn bind(host: &str, port: u16) -> io::Result<(tiny_http::Server, SocketAddr)> {
    let mut last = None;
    for candidate in port..port.saturating_add(20) {
        match tiny_http::Server::http((host, candidate)) {
            Ok(server) => {
                let address = server
                    .server_addr()
                    .to_ip()
                    .ok_or_else(|| io::Error::other("not an IP address"))?;
                if candidate != port {
                    println!("port {port} is taken; using {candidate}");
                }
                return Ok((server, address));
            }
            Err(error) => last = Some(error),
        }
    }
    Err(io::Error::other(format!(
        "cannot listen on {host}:{port}: {}",
        last.map(|e| e.to_string()).unwrap_or_default()
    )))
}

/// The content as the last check read it from disk.
type Read = (crate::load::Sources, Diagnostics);

/// Loads and checks the site; the server switches to it only when it passed. Only the files
/// `changed` names are read again, when `read` has the rest; what the last build made is taken
/// from `last`'s cache when its inputs are unchanged. Returns the cache of this build and the
/// content it read, for the next.
fn rebuild(
    config: &Config,
    shared: &Shared,
    origin: &str,
    last: &Cache,
    read: Option<Read>,
    changed: Changed,
) -> (Arc<Cache>, Option<Read>) {
    let root = &config.root;
    let started = Instant::now();
    let cache = Arc::new(last.successor());
    let read = read
        .filter(|_| !changed.whole)
        .and_then(|read| crate::load::reload(root, read, &changed.paths, Some(&cache)))
        .map_or_else(|| crate::load::load_cached(root, Some(&cache)), Ok)
        .map_err(|e| Failure::Io(e.to_string()));
    let kept = read.as_ref().ok().cloned();
    let options = Options {
        update_record: false,
        origin: Some(origin.to_string()),
        keep_going: config.keep_going,
        previous: config.keep_going.then(|| published(shared)).flatten(),
        ..Options::default()
    };
    let prepared = read.and_then(|read| crate::prepare(root, Some(read), &options, Some(&cache)));
    match prepared.and_then(|prepared| {
        let files = page_files(&prepared, &cache)?;
        Ok((prepared, files))
    }) {
        Ok((prepared, files)) => {
            eprint!("{}", prepared.diagnostics);
            println!(
                "checked {} entries in {} ms",
                prepared.site.entries.len(),
                started.elapsed().as_millis()
            );
            // Files held back by --keep-going are shown over the pages until fixed.
            let held = &prepared.held_back;
            let errors = (!held.is_empty()).then(|| report_text(&held.problems));
            let statics = prepared.site.statics.iter();
            let built = Arc::new(Built {
                statics: statics
                    .map(|s| (s.output.clone(), s.path.clone()))
                    .collect(),
                static_root: root.join("content/static"),
                prepared,
                cache: cache.clone(),
                options,
                pages: files,
                made: Memory::default(),
                assets: OnceLock::new(),
                rest: OnceLock::new(),
            });
            let last = match shared.state.write() {
                Ok(mut state) => {
                    state.base_path = built.prepared.site.config.base_path.clone();
                    state.errors = errors;
                    state.site.replace(built.clone())
                }
                Err(_) => None,
            };
            notify_clients(shared, "reload");
            // Let go after the reload is sent: freeing a large site takes a while.
            drop(last);
        }
        Err(failure) => {
            let text = failure_text(failure);
            eprint!("{text}");
            println!("build failed; still serving the last good site");
            if let Ok(mut state) = shared.state.write() {
                state.errors = Some(text);
            }
            notify_clients(shared, "reload");
        }
    }
    (cache, kept)
}

/// What the last good build published, for `--keep-going` to fall back to.
fn published(shared: &Shared) -> Option<Arc<crate::Published>> {
    let state = shared.state.read().ok()?;
    Some(Arc::new(state.site.as_ref()?.prepared.published()))
}

fn report_text(diagnostics: &Diagnostics) -> String {
    format!("{diagnostics}{}\n", diagnostics.count())
}

fn notify_clients(shared: &Shared, message: &'static str) {
    if let Ok(mut clients) = shared.clients.lock() {
        clients.retain(|client| client.send(message).is_ok());
    }
}

/// What changed on disk, as the watcher heard it.
#[derive(Default)]
struct Changed {
    /// Every path written, moved or removed, whether it asks for a check or not: the calendar
    /// record, which builds write, is read again with the next check.
    paths: std::collections::BTreeSet<PathBuf>,
    /// Something a check is wanted for.
    relevant: bool,
    /// The watcher lost count (its queue overflowed, it failed, a folder was watched anew):
    /// everything is read again.
    whole: bool,
}

impl Changed {
    fn add(&mut self, more: Changed) {
        self.paths.extend(more.paths);
        self.relevant |= more.relevant;
        self.whole |= more.whole;
    }
}

/// Watches the site folder, and `content/` and `themes/` in it; each burst of changes sends one
/// message.
fn watch(root: &Path, poll: bool, changes: Sender<Changed>) -> io::Result<Watcher> {
    let root_owned = root.to_path_buf();
    let handler = move |result: notify_debouncer_full::DebounceEventResult| {
        let changed = match result {
            Ok(events) => Changed {
                relevant: events.iter().any(|e| is_relevant(&e.event, &root_owned)),
                whole: events.iter().any(|e| e.event.need_rescan()),
                // Reads are not changes: the build's own would have the next check read
                // every file again.
                paths: events
                    .into_iter()
                    .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
                    .flat_map(|e| e.event.paths)
                    .collect(),
            },
            Err(_) => Changed {
                relevant: true,
                whole: true,
                ..Changed::default()
            },
        };
        if changed.relevant || !changed.paths.is_empty() {
            let _ = changes.send(changed);
        }
    };
    // Long enough to take an editor's save (write, rename) as one change, short enough that the
    // page reloads about as soon as the rebuild allows.
    let delay = Duration::from_millis(20);
    let debouncer = if poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(300));
        Debouncer::Poll(
            notify_debouncer_full::new_debouncer_opt(
                delay,
                None,
                handler,
                notify_debouncer_full::NoCache,
                config,
            )
            .map_err(watch_error)?,
        )
    } else {
        Debouncer::Native(
            notify_debouncer_full::new_debouncer(delay, None, handler).map_err(watch_error)?,
        )
    };
    let mut watcher = Watcher {
        debouncer,
        root: root.to_path_buf(),
        watched: HashMap::new(),
    };
    // The site folder itself, not its subfolders: a `content/` deleted and made anew (restored
    // from a copy, switched by git) is seen, and watched again.
    watcher
        .debouncer
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(watch_error)?;
    let _ = watcher.follow();
    Ok(watcher)
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    let made = meta
        .created()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
    (0, made.map_or(0, |d| d.as_nanos() as u64))
}

fn watch_error(e: notify::Error) -> io::Error {
    io::Error::other(format!("cannot watch the site: {e}"))
}

enum Debouncer {
    Native(
        notify_debouncer_full::Debouncer<
            notify::RecommendedWatcher,
            notify_debouncer_full::RecommendedCache,
        >,
    ),
    Poll(notify_debouncer_full::Debouncer<notify::PollWatcher, notify_debouncer_full::NoCache>),
}

impl Debouncer {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Debouncer::Native(d) => d.watch(path, mode),
            Debouncer::Poll(d) => d.watch(path, mode),
        }
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        match self {
            Debouncer::Native(d) => d.unwatch(path),
            Debouncer::Poll(d) => d.unwatch(path),
        }
    }
}

/// The folders being watched, each known by its identity on disk: a folder deleted and made
/// again is a new folder, which a watch on the old one never hears from.
struct Watcher {
    debouncer: Debouncer,
    root: PathBuf,
    watched: HashMap<&'static str, (u64, u64)>,
}

impl Watcher {
    /// Watches `content/` and `themes/` as they are now; whether either is a new folder, whose
    /// files no event named.
    fn follow(&mut self) -> bool {
        let mut anew = false;
        for name in ["content", "themes"] {
            let folder = self.root.join(name);
            let now = std::fs::metadata(&folder)
                .ok()
                .filter(|m| m.is_dir())
                .map(|m| identity(&m));
            if now == self.watched.get(name).copied() {
                continue;
            }
            anew = true;
            if self.watched.remove(name).is_some() {
                let _ = self.debouncer.unwatch(&folder);
            }
            let Some(identity) = now else { continue };
            match self.debouncer.watch(&folder, RecursiveMode::Recursive) {
                Ok(()) => {
                    self.watched.insert(name, identity);
                }
                Err(error) => eprintln!("cannot watch {}: {error}", folder.display()),
            }
        }
        anew
    }
}

/// Whether a file-system event should rebuild: not reads, not editors' temporary files, not the
/// output or the calendar record, which builds write themselves.
pub fn is_relevant(event: &notify::Event, root: &Path) -> bool {
    if matches!(event.kind, EventKind::Access(_) | EventKind::Other) {
        return false;
    }
    event.paths.iter().any(|path| {
        let rel = path.strip_prefix(root).unwrap_or(path);
        let ignored = rel
            .components()
            .any(|c| crate::load::is_ignored(&c.as_os_str().to_string_lossy()));
        let in_output = rel.starts_with("public") || rel.to_string_lossy().contains(".viikko-");
        let record = rel == Path::new(crate::load::CALENDAR_LOCK_FILE);
        !ignored && !in_output && !record
    })
}

fn handle(request: Request, shared: &Shared) {
    let path = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    let response = if !matches!(request.method(), Method::Get | Method::Head) {
        text(405, "only GET and HEAD").with_header(header("Allow", "GET, HEAD"))
    } else if path == EVENTS {
        return stream_events(request, shared);
    } else if path == SCRIPT {
        bytes(
            200,
            "text/javascript; charset=utf-8",
            RELOAD_SCRIPT.as_bytes().to_vec(),
        )
    } else {
        match safe_path(&path) {
            None => text(400, "bad path"),
            Some(segments) => serve_file(shared, &path, &segments),
        }
    };
    let _ = request.respond(response);
}

type Reply = Response<io::Cursor<Vec<u8>>>;

fn text(status: u16, body: &str) -> Reply {
    bytes(
        status,
        "text/plain; charset=utf-8",
        body.as_bytes().to_vec(),
    )
}

fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
    Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| Header::from_bytes("X-Invalid", "1").expect("a valid header"))
}

/// The URL path as folder names, or `None` for anything that could leave the site folder:
/// `..` in any spelling, backslashes, NUL, drive letters.
pub fn safe_path(path: &str) -> Option<Vec<String>> {
    let decoded = crate::slug::percent_decode(path)?;
    if !decoded.starts_with('/') || decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut segments = Vec::new();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment == "." || segment.contains(':') {
            return None;
        }
        segments.push(segment.to_string());
    }
    Some(segments)
}

fn serve_file(shared: &Shared, raw_path: &str, segments: &[String]) -> Reply {
    let (site, base, errors) = match shared.state.read() {
        Ok(state) => (
            state.site.clone(),
            state.base_path.clone(),
            state.errors.clone(),
        ),
        Err(_) => return text(500, "server state unavailable"),
    };
    let Some(site) = site else {
        // No good build yet: every page is the error report.
        let report = errors.unwrap_or_else(|| "building…".into());
        return bytes(
            500,
            "text/html; charset=utf-8",
            overlay_page(&report).into_bytes(),
        );
    };
    let base_segments: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    let inside = segments.len() >= base_segments.len()
        && segments.iter().zip(&base_segments).all(|(a, b)| a == b);
    if !inside {
        if segments.is_empty() {
            return redirect(&base);
        }
        return not_found(&site, errors.as_deref());
    }
    let path = segments[base_segments.len()..].join("/");
    let index = if path.is_empty() {
        "index.html".to_string()
    } else {
        format!("{path}/index.html")
    };
    // Pages first: only a file that is not one waits for the rest of the site to be made.
    let found = site
        .page(&path)
        .map(|found| (path.as_str(), found))
        .or_else(|| site.page(&index).map(|found| (index.as_str(), found)))
        .or_else(|| site.other(&path).map(|found| (path.as_str(), Ok(found))));
    // A problem found making the rest (a content file in the place of a feed) is shown over
    // every page from then on, as a failed build's are.
    let errors = match site.rest.get() {
        Some(Err(problems)) => Some(problems.clone()),
        _ => errors,
    };
    let (name, body) = match found {
        Some((name, Ok(body))) => {
            if name == index && !raw_path.ends_with('/') {
                return redirect(&folder_url(raw_path));
            }
            (name, body.to_vec())
        }
        // A page the theme cannot render: its problem in place of the page.
        Some((_, Err(problems))) => {
            return bytes(
                500,
                "text/html; charset=utf-8",
                overlay_page(&problems).into_bytes(),
            );
        }
        None => match site
            .statics
            .get(&path)
            .map(|file| read_static(&site.static_root, file))
        {
            Some(Ok(body)) => (path.as_str(), body),
            _ => return not_found(&site, errors.as_deref()),
        },
    };
    let kind = content_type(Path::new(name));
    let body = if kind.starts_with("text/html") {
        inject(body, errors.as_deref())
    } else {
        body
    };
    bytes(200, kind, body)
}

/// `//rsv/ohjelma` → `/rsv/ohjelma/`: a redirect goes to a path of this server, never to
/// what a browser would read as another host (`//host/…`).
fn folder_url(raw_path: &str) -> String {
    let segments: Vec<&str> = raw_path.split('/').filter(|s| !s.is_empty()).collect();
    format!("/{}/", segments.join("/"))
}

/// A file of `content/static/` as it is now: only a regular file inside that folder, not a link
/// the folder gained after the build (to `/etc/passwd`, say).
fn read_static(static_root: &Path, file: &Path) -> io::Result<Vec<u8>> {
    let real = std::fs::canonicalize(file)?;
    let inside = std::fs::canonicalize(static_root).is_ok_and(|root| real.starts_with(root));
    if !inside || !std::fs::symlink_metadata(file)?.is_file() {
        return Err(io::ErrorKind::NotFound.into());
    }
    std::fs::read(real)
}

fn redirect(location: &str) -> Reply {
    text(301, "moved").with_header(header("Location", location))
}

fn not_found(site: &Built, errors: Option<&str>) -> Reply {
    let body = match site.page("404.html") {
        Some(Ok(body)) => body.to_vec(),
        _ => b"404".to_vec(),
    };
    bytes(404, "text/html; charset=utf-8", inject(body, errors))
}

pub fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("ics") => "text/calendar; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("csv") => "text/csv; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("pdf") => "application/pdf",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Adds the reload script, and the error report over the page when the last build failed.
fn inject(body: Vec<u8>, errors: Option<&str>) -> Vec<u8> {
    let mut html = String::from_utf8_lossy(&body).into_owned();
    let mut addition = format!("<script src=\"{SCRIPT}\"></script>");
    if let Some(errors) = errors {
        addition.push_str(&overlay(errors));
    }
    match html.rfind("</body>") {
        Some(at) => html.insert_str(at, &addition),
        None => html.push_str(&addition),
    }
    html.into_bytes()
}

fn overlay(errors: &str) -> String {
    format!(
        "<div id=\"viikko-errors\" role=\"alert\" style=\"position:fixed;inset:0;overflow:auto;z-index:99999;\
         background:rgba(20,20,20,.94);color:#fff;padding:1.5rem;font:15px/1.5 monospace\">\
         <p style=\"font:bold 18px sans-serif;color:#ff8a80\">The site was not rebuilt: fix these problems and save. \
         The pages below are from the last good build.</p><pre style=\"white-space:pre-wrap\">{}</pre></div>",
        crate::theme::escape_html(errors)
    )
}

fn overlay_page(errors: &str) -> String {
    format!("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head><body>{}</body></html>", overlay(errors))
        .replace("</body>", &format!("<script src=\"{SCRIPT}\"></script></body>"))
}

/// Server-Sent Events written straight to the socket: tiny_http's own responses are not
/// flushed per write, so events would arrive late.
fn stream_events(request: Request, shared: &Shared) {
    let (sender, receiver) = mpsc::channel();
    if let Ok(mut clients) = shared.clients.lock() {
        clients.push(sender);
    }
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
    if writer
        .write_all(head.as_bytes())
        .and_then(|_| writer.flush())
        .is_err()
    {
        return;
    }
    let _ = send_events(&mut writer, &receiver);
}

fn send_events(writer: &mut dyn Write, receiver: &Receiver<&'static str>) -> io::Result<()> {
    loop {
        let message = match receiver.recv_timeout(HEARTBEAT) {
            Ok(event) => format!("event: {event}\ndata: {event}\n\n"),
            Err(RecvTimeoutError::Timeout) => ": heartbeat\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        writer.write_all(message.as_bytes())?;
        writer.flush()?;
    }
}

const RELOAD_SCRIPT: &str = r#"(function () {
  var source = new EventSource("/__viikko/events");
  source.addEventListener("reload", function () { location.reload(); });
})();
"#;

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        println!("could not open a browser; open {url}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, ModifyKind};

    fn event(kind: EventKind, path: &str) -> notify::Event {
        notify::Event::new(kind).add_path(PathBuf::from("/site").join(path))
    }

    #[test]
    fn rebuilds_for_content_changes_only() {
        let root = Path::new("/site");
        let modify = EventKind::Modify(ModifyKind::Any);
        assert!(is_relevant(
            &event(modify, "content/programme/a/b.md"),
            root
        ));
        assert!(is_relevant(
            &event(
                EventKind::Create(CreateKind::File),
                "themes/x/templates/page.html"
            ),
            root
        ));
        assert!(is_relevant(
            &event(
                EventKind::Remove(notify::event::RemoveKind::File),
                "content/pages/a.md"
            ),
            root
        ));
        assert!(!is_relevant(
            &event(
                EventKind::Access(AccessKind::Any),
                "content/programme/a/b.md"
            ),
            root
        ));
        for temp in [
            "content/programme/a/.b.md.swp",
            "content/programme/a/b.md~",
            "content/pages/#a.md#",
            "content/.git/index",
            "content/x/4913.tmp",
        ] {
            assert!(!is_relevant(&event(modify, temp), root), "{temp}");
        }
        assert!(!is_relevant(&event(modify, "public/index.html"), root));
        assert!(!is_relevant(
            &event(modify, "public.viikko-new/index.html"),
            root
        ));
        assert!(!is_relevant(&event(modify, "content/calendar.lock"), root));
    }

    #[test]
    fn refuses_paths_that_leave_the_site() {
        for bad in [
            "/../etc/passwd",
            "/rsv/%2e%2e/%2E%2E/etc/passwd",
            "/a\\..\\b",
            "/a%00b",
            "/C:/x",
            "/a/%2",
            "/a/./b",
        ] {
            assert_eq!(safe_path(bad), None, "{bad}");
        }
        assert_eq!(
            safe_path("/rsv/ohjelma/"),
            Some(vec!["rsv".into(), "ohjelma".into()])
        );
        assert_eq!(
            safe_path("/rsv/p%C3%A4iv%C3%A4/"),
            Some(vec!["rsv".into(), "päivä".into()])
        );
    }
}
