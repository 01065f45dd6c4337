//! `marsad run` under a supervisor: the sd_notify protocol (READY, WATCHDOG,
//! RELOADING…READY on SIGHUP, STOPPING on SIGTERM) and the metrics endpoint.

mod common;
use common::*;
use std::os::unix::net::UnixDatagram;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn signal(child: &Child, sig: &str) {
    assert!(Command::new("kill")
        .args([&format!("-{sig}"), &child.id().to_string()])
        .status()
        .unwrap()
        .success());
}

/// Reads notifications until one contains `want` (or the timeout passes).
fn expect(sock: &UnixDatagram, want: &str, timeout: Duration, seen: &mut Vec<String>) -> bool {
    let end = Instant::now() + timeout;
    let mut buf = [0u8; 4096];
    while Instant::now() < end {
        sock.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        if let Ok(n) = sock.recv(&mut buf) {
            let msg = String::from_utf8_lossy(&buf[..n]).to_string();
            let hit = msg
                .lines()
                .any(|l| l == want || l.starts_with(&format!("{want}\n")));
            seen.push(msg);
            if hit {
                return true;
            }
        }
    }
    false
}

fn wait_exit(child: &mut Child, timeout: Duration) -> Option<std::process::ExitStatus> {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        if let Some(s) = child.try_wait().unwrap() {
            return Some(s);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

#[test]
fn notify_ready_watchdog_reload_and_stop() {
    let site = Site::start();
    let env = Env::new();
    let cfg = |feeds: &[&str]| {
        let feeds: String = feeds
            .iter()
            .map(|p| format!("[[feed]]\nurl = \"{}\"\ninterval = \"1h\"\n\n", site.url(p)))
            .collect();
        env.write_config(&format!("[poll]\ninterval = \"1h\"\n\n{feeds}"));
    };
    site.set("/one.xml", Page::rss(&empty_rss("One")));
    site.set("/two.xml", Page::rss(&empty_rss("Two")));
    cfg(&["/one.xml"]);
    let sock_path = env.dir.path().join("notify.sock");
    let sock = UnixDatagram::bind(&sock_path).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_marsad"))
        .args(["run", "--config"])
        .arg(env.config_path())
        .env("NOTIFY_SOCKET", &sock_path)
        .env("WATCHDOG_USEC", "1000000")
        .env("RUST_LOG", "marsad=info")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut seen = Vec::new();
    assert!(
        expect(&sock, "READY=1", Duration::from_secs(20), &mut seen),
        "no READY: {seen:?}"
    );
    // READY comes after the database was migrated.
    assert_eq!(env.store().integrity_check().unwrap(), "ok");
    let mut watchdogs = 0;
    for _ in 0..3 {
        if expect(&sock, "WATCHDOG=1", Duration::from_secs(3), &mut seen) {
            watchdogs += 1;
        }
    }
    assert_eq!(
        watchdogs, 3,
        "periodic WATCHDOG=1 at half of WATCHDOG_USEC: {seen:?}"
    );
    assert!(
        seen.iter()
            .any(|m| m.starts_with("STATUS=") && m.contains("feeds")),
        "{seen:?}"
    );
    assert!(wait_until(Duration::from_secs(10), || site
        .hits("/one.xml")
        >= 1));
    assert_eq!(site.hits("/two.xml"), 0);

    // SIGHUP with an invalid config: refused, old config kept, still READY.
    std::fs::write(env.config_path(), "[poll]\ninterval = \"soon\"\n").unwrap();
    signal(&child, "HUP");
    assert!(
        expect(&sock, "RELOADING=1", Duration::from_secs(10), &mut seen),
        "{seen:?}"
    );
    assert!(
        expect(&sock, "READY=1", Duration::from_secs(10), &mut seen),
        "{seen:?}"
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "an invalid reload must not stop the daemon"
    );

    // SIGHUP with a feed added: it is polled afterwards.
    cfg(&["/one.xml", "/two.xml"]);
    signal(&child, "HUP");
    assert!(
        expect(&sock, "RELOADING=1", Duration::from_secs(10), &mut seen),
        "{seen:?}"
    );
    assert!(
        expect(&sock, "READY=1", Duration::from_secs(10), &mut seen),
        "{seen:?}"
    );
    assert!(
        wait_until(Duration::from_secs(10), || site.hits("/two.xml") >= 1),
        "the added feed was not polled"
    );

    signal(&child, "TERM");
    assert!(
        expect(&sock, "STOPPING=1", Duration::from_secs(10), &mut seen),
        "{seen:?}"
    );
    let status = wait_exit(&mut child, Duration::from_secs(15))
        .expect("did not exit within the grace period");
    assert!(status.success(), "{status:?}");
}

fn scrape(addr: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn metric(body: &str, name: &str) -> f64 {
    body.lines()
        .find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1.0)
}

#[test]
fn metrics_move_after_a_poll_and_health_endpoints_answer() {
    let site = Site::start();
    let env = Env::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    env.write_config(&format!(
        "[http]\nlisten = \"{addr}\"\n\n[poll]\ninterval = \"1h\"\n\n[[feed]]\nurl = \"{}\"\n",
        site.url("/f.xml")
    ));
    site.set(
        "/f.xml",
        Page::rss(&rss("F", &[("a", "A", &site.url("/a"))])),
    );
    site.set(
        "/a",
        Page::html(&article_page(
            "A",
            &["Troops entered the town on Monday.", "Residents fled."],
            "x",
        )),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_marsad"))
        .args(["run", "--config"])
        .arg(env.config_path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(20), || std::net::TcpStream::connect(
            &addr
        )
        .is_ok()),
        "endpoint not listening"
    );
    assert_eq!(scrape(&addr, "/healthz").0, 200);
    assert!(wait_until(Duration::from_secs(20), || metric(
        &scrape(&addr, "/metrics").1,
        "marsad_versions"
    ) >= 1.0));
    let (status, body) = scrape(&addr, "/metrics");
    assert_eq!(status, 200);
    assert_eq!(
        metric(&body, "marsad_polls_total{outcome=\"200\"}"),
        1.0,
        "{body}"
    );
    assert_eq!(
        metric(&body, "marsad_pages_total{outcome=\"ok\"}"),
        1.0,
        "{body}"
    );
    assert_eq!(metric(&body, "marsad_articles"), 1.0, "{body}");
    assert!(
        metric(&body, "marsad_poll_duration_seconds_count") >= 1.0,
        "{body}"
    );
    assert_eq!(
        metric(&body, "marsad_outbox_depth{status=\"pending\"}"),
        0.0,
        "{body}"
    );
    assert_eq!(scrape(&addr, "/readyz").0, 200);
    signal(&child, "TERM");
    assert!(wait_exit(&mut child, Duration::from_secs(15)).is_some_and(|s| s.success()));
}
