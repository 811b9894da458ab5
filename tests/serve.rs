//! `viikko serve` over real HTTP: the binary on a free port, serving a temp copy of the fixture.

mod common;

use common::*;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
    site: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start() -> Server {
    start_with(|_| {})
}

/// Starts the server on the fixture after `prepare` has changed it.
fn start_with(prepare: impl FnOnce(&std::path::Path)) -> Server {
    let site = site("site");
    prepare(site.path());
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_viikko"))
        .args([
            "serve",
            "--root",
            site.path().to_str().unwrap(),
            "--port",
            &port.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (ready, wait) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("serving") {
                let _ = ready.send(line);
            }
        }
    });
    let line = wait
        .recv_timeout(Duration::from_secs(20))
        .expect("the server starts");
    assert!(
        line.contains(&format!("http://127.0.0.1:{port}/rsv/")),
        "{line}"
    );
    Server { child, port, site }
}

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

fn request(port: u16, method: &str, path: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (headers, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = headers
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        headers: headers.to_lowercase(),
        body: body.to_string(),
    }
}

fn get(port: u16, path: &str) -> Reply {
    request(port, "GET", path)
}

/// Opens the event stream; each event name arrives on the channel.
fn events(port: u16) -> mpsc::Receiver<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET /__viikko/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let Some(event) = line.strip_prefix("event: ") {
                if send.send(event.to_string()).is_err() {
                    break;
                }
            }
        }
    });
    std::thread::sleep(Duration::from_millis(200));
    receive
}

/// Waits until `check` holds, for at most `limit`.
fn within(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Whether the next event is a reload, after which `page` soon answers with `status`.
fn reloaded_to(events: &mpsc::Receiver<String>, port: u16, page: &str, status: u16) -> bool {
    events.recv_timeout(Duration::from_secs(3)).as_deref() == Ok("reload")
        && within(Duration::from_secs(2), || get(port, page).status == status)
}

#[test]
fn serves_pages_and_feeds_with_their_types() {
    let server = start();
    let home = get(server.port, "/rsv/");
    assert_eq!(home.status, 200);
    assert!(
        home.headers
            .contains("content-type: text/html; charset=utf-8")
    );
    assert!(home.body.contains("Testiviikko 2026") && home.body.contains("/__viikko/reload.js"));
    let feed = get(server.port, "/rsv/kalenteri/koko-ohjelma.ics");
    assert_eq!(feed.status, 200);
    assert!(
        feed.headers
            .contains("content-type: text/calendar; charset=utf-8")
    );
    assert!(feed.body.starts_with("BEGIN:VCALENDAR"));
    assert!(
        get(server.port, "/rsv/assets/style.css")
            .headers
            .contains("text/css")
    );
    let head = request(server.port, "HEAD", "/rsv/ohjelma/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(request(server.port, "POST", "/rsv/").status, 405);
    let folder = get(server.port, "/rsv/ohjelma");
    assert_eq!(folder.status, 301);
    assert!(folder.headers.contains("location: /rsv/ohjelma/"));
    let missing = get(server.port, "/rsv/ei-ole/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Sivua ei löytynyt"));
    // Links in the preview point at the preview, under the site's base path.
    let port = server.port;
    assert!(home.body.contains(&format!(
        r#"<link rel="canonical" href="http://127.0.0.1:{port}/rsv/">"#
    )));
}

#[test]
fn an_edit_reloads_the_page_with_the_new_text() {
    let server = start();
    let events = events(server.port);
    let entry = server
        .site
        .path()
        .join("content/programme/porin-kaupunki/digituki.md");
    let text = read(&entry).replace("Webinaari: digituki", "Webinaari: digitaidot");
    let saved = Instant::now();
    fs::write(&entry, text).unwrap();
    assert_eq!(
        events.recv_timeout(Duration::from_secs(2)).as_deref(),
        Ok("reload")
    );
    assert!(saved.elapsed() < Duration::from_secs(2));
    assert!(
        get(server.port, "/rsv/ohjelma/porin-kaupunki/digituki/")
            .body
            .contains("Webinaari: digitaidot")
    );
    // Listings show it too: the cards kept from the last build are not reused for it.
    let programme = get(server.port, "/rsv/ohjelma/").body;
    assert!(
        programme.contains("Webinaari: digitaidot") && !programme.contains("Webinaari: digituki")
    );
    // The build output is untouched by the preview: no record written into the content.
    assert!(!server.site.path().join("content/calendar.lock").exists());
    assert!(!server.site.path().join("public").exists());
}

#[test]
fn a_template_edit_shows_on_every_page_it_makes() {
    // `themes/` is watched when it exists as the server starts.
    let server = start_with(|root| fs::create_dir_all(root.join("themes")).unwrap());
    let events = events(server.port);
    let templates = server.site.path().join("themes/default/templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(
        templates.join("base.html"),
        read(repo().join("themes/default/templates/base.html")).replace("<body", "<body data-oma"),
    )
    .unwrap();
    assert_eq!(
        events.recv_timeout(Duration::from_secs(3)).as_deref(),
        Ok("reload")
    );
    for page in [
        "/rsv/",
        "/rsv/ohjelma/",
        "/rsv/ohjelma/porin-kaupunki/digituki/",
    ] {
        assert!(
            get(server.port, page).body.contains("<body data-oma"),
            "{page}"
        );
    }
}

#[test]
fn added_and_deleted_entries_appear_and_disappear() {
    let server = start();
    let events = events(server.port);
    let folder = server.site.path().join("content/programme/sosped-ry");
    let source = read(folder.join("hybridi.md")).replace("Hybridikeskustelu", "Uusi tilaisuus");
    let page = "/rsv/ohjelma/sosped-ry/uusi/";
    fs::write(folder.join("uusi.md"), source).unwrap();
    assert!(reloaded_to(&events, server.port, page, 200));
    fs::remove_file(folder.join("uusi.md")).unwrap();
    assert!(reloaded_to(&events, server.port, page, 404));
}

/// A folder moved in is named by the watcher alone, not the files in it: they are read all the
/// same, and are gone once it is moved out.
#[test]
fn a_folder_moved_in_and_out_brings_and_takes_its_entries() {
    let server = start();
    let events = events(server.port);
    let programme = server.site.path().join("content/programme");
    let outside = tempfile::tempdir().unwrap();
    let folder = outside.path().join("uusi-ry");
    fs::create_dir(&folder).unwrap();
    let source = read(programme.join("sosped-ry/hybridi.md"));
    fs::write(folder.join("kahvila.md"), source).unwrap();
    fs::write(folder.join("_index.md"), "---\nname: Uusi ry\n---\n").unwrap();
    let page = "/rsv/ohjelma/uusi-ry/kahvila/";
    fs::rename(&folder, programme.join("uusi-ry")).unwrap();
    assert!(reloaded_to(&events, server.port, page, 200));
    fs::rename(programme.join("uusi-ry"), &folder).unwrap();
    assert!(reloaded_to(&events, server.port, page, 404));
}

#[test]
fn a_broken_file_shows_its_error_over_the_last_good_site_until_fixed() {
    let server = start();
    let events = events(server.port);
    let entry = server
        .site
        .path()
        .join("content/programme/porin-kaupunki/peruttu.md");
    let good = read(&entry);
    fs::write(
        &entry,
        good.replace("start: 2026-11-18 18:00", "strat: 2026-11-18 18:00"),
    )
    .unwrap();
    assert_eq!(
        events.recv_timeout(Duration::from_secs(3)).as_deref(),
        Ok("reload")
    );
    let page = get(server.port, "/rsv/paiva/2026-11-17/");
    assert_eq!(page.status, 200, "the last good site is still served");
    assert!(page.body.contains("Asukaskahvila"));
    assert!(page.body.contains("viikko-errors"), "{}", page.body);
    assert!(
        page.body
            .contains("content/programme/porin-kaupunki/peruttu.md:3:1")
    );
    assert!(page.body.contains("tuntematon kenttä `strat`"));
    fs::write(&entry, good).unwrap();
    assert_eq!(
        events.recv_timeout(Duration::from_secs(3)).as_deref(),
        Ok("reload")
    );
    assert!(
        !get(server.port, "/rsv/paiva/2026-11-17/")
            .body
            .contains("viikko-errors")
    );
}

#[test]
fn never_serves_a_file_outside_the_site() {
    let server = start();
    for path in [
        "/rsv/../../../etc/passwd",
        "/rsv/%2e%2e/%2e%2e/etc/passwd",
        "/rsv/%2E%2E%2F%2E%2E%2Fetc/passwd",
        "/rsv/..%5c..%5cetc/passwd",
        "/rsv/a%00.html",
        "//etc/passwd",
        "/rsv/C:/Windows/win.ini",
    ] {
        let reply = get(server.port, path);
        assert!(
            matches!(reply.status, 400 | 404),
            "{path}: {}",
            reply.status
        );
        assert!(!reply.body.contains("root:"), "{path}");
    }
}

#[test]
fn serves_many_requests_while_event_streams_are_open() {
    let server = start();
    let streams: Vec<_> = (0..10).map(|_| events(server.port)).collect();
    let port = server.port;
    let workers: Vec<_> = (0..50)
        .map(|i| {
            std::thread::spawn(move || {
                get(
                    port,
                    if i % 2 == 0 {
                        "/rsv/"
                    } else {
                        "/rsv/kalenteri/koko-ohjelma.ics"
                    },
                )
                .status
            })
        })
        .collect();
    for worker in workers {
        assert_eq!(worker.join().unwrap(), 200);
    }
    // Every open stream still receives the next reload.
    let entry = server.site.path().join("content/pages/tietoa.md");
    fs::write(&entry, read(&entry) + "\nLisää tekstiä.\n").unwrap();
    for stream in &streams {
        assert_eq!(
            stream.recv_timeout(Duration::from_secs(3)).as_deref(),
            Ok("reload")
        );
    }
}

#[test]
fn a_first_build_that_fails_still_serves_the_errors() {
    let site = site("site");
    fs::write(
        site.path()
            .join("content/programme/porin-kaupunki/rikki.md"),
        "---\ntitle: x\n",
    )
    .unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_viikko"))
        .args([
            "serve",
            "--root",
            site.path().to_str().unwrap(),
            "--port",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ok = within(Duration::from_secs(20), || {
        TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    let page = if ok {
        get(port, "/rsv/").body
    } else {
        String::new()
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        page.contains("content/programme/porin-kaupunki/rikki.md:1:1"),
        "{page}"
    );
    assert!(page.contains("kenttäosa ei pääty"));
}

#[test]
fn a_content_folder_deleted_and_restored_is_watched_again() {
    let server = start();
    let events = events(server.port);
    let content = server.site.path().join("content");
    let copy = server.site.path().join("kopio");
    copy_tree(&content, &copy);
    fs::remove_dir_all(&content).unwrap();
    assert_eq!(
        events.recv_timeout(Duration::from_secs(3)).as_deref(),
        Ok("reload")
    );
    // The first reload may follow a part of the deletion, which a slow machine hears apart.
    assert!(
        within(Duration::from_secs(5), || get(server.port, "/rsv/")
            .body
            .contains("viikko-errors")),
        "the deleted content was not reported"
    );
    copy_tree(&copy, &content);
    assert!(
        within(Duration::from_secs(5), || !get(server.port, "/rsv/")
            .body
            .contains("viikko-errors")),
        "the restored content was not built"
    );
    // Edits inside the restored folder are heard too.
    let entry = content.join("programme/porin-kaupunki/peruttu.md");
    fs::write(
        &entry,
        read(&entry).replace("title: ", "title: Palautettu "),
    )
    .unwrap();
    assert!(
        within(Duration::from_secs(5), || get(
            server.port,
            "/rsv/paiva/2026-11-18/"
        )
        .body
        .contains("Palautettu")),
        "an edit after the restore was not built"
    );
}

#[test]
fn a_static_file_replaced_by_a_link_is_never_served() {
    let server = start_with(|root| {
        fs::create_dir_all(root.join("content/static")).unwrap();
        fs::write(root.join("content/static/ohje.txt"), "ohje").unwrap();
        fs::write(root.join("salaisuus.txt"), "salainen").unwrap();
    });
    assert_eq!(get(server.port, "/rsv/ohje.txt").body, "ohje");
    let file = server.site.path().join("content/static/ohje.txt");
    fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(server.site.path().join("salaisuus.txt"), &file).unwrap();
    // Asked at once, before and after the rebuild the change starts.
    for _ in 0..10 {
        let reply = get(server.port, "/rsv/ohje.txt");
        assert!(!reply.body.contains("salainen"), "the link was followed");
        std::thread::sleep(Duration::from_millis(30));
    }
}

#[test]
fn redirects_stay_on_this_server_and_only_get_and_head_are_answered() {
    let server = start();
    let reply = get(server.port, "//rsv/ohjelma");
    assert_eq!(reply.status, 301);
    assert!(
        reply.headers.contains("location: /rsv/ohjelma/\r\n"),
        "{}",
        reply.headers
    );
    for method in ["POST", "DELETE", "PUT"] {
        for path in ["/__viikko/events", "/rsv/", "/__viikko/reload.js"] {
            assert_eq!(
                request(server.port, method, path).status,
                405,
                "{method} {path}"
            );
        }
    }
}

/// Feeds are made when first asked for: a content file in the place of one is then reported
/// over every page, as `viikko build` refuses it.
#[test]
fn a_content_file_in_the_place_of_a_feed_is_reported_once_feeds_are_made() {
    let server = start_with(|root| {
        let folder = root.join("content/static/kalenteri");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("koko-ohjelma.ics"), "BEGIN:VCALENDAR").unwrap();
    });
    let home = get(server.port, "/rsv/");
    assert_eq!(home.status, 200);
    assert!(!home.body.contains("viikko-errors"), "{}", home.body);
    get(server.port, "/rsv/kalenteri/koko-ohjelma.ics");
    let home = get(server.port, "/rsv/");
    assert!(home.body.contains("viikko-errors"), "{}", home.body);
    assert!(home.body.contains("koko-ohjelma.ics"), "{}", home.body);
}
