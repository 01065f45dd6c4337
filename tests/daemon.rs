//! `marsad run` as a process: it polls, revisits and delivers on its own
//! schedule, and stops cleanly on SIGTERM.

mod common;
use common::*;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn run_alerts_within_seconds_and_stops_cleanly_on_sigterm() {
    let site = Site::start();
    let rx = Receiver::start();
    let env = Env::new();
    env.write_config(&format!(
        "[poll]\ninterval = \"1s\"\nrevisit = [\"1s\", \"2s\", \"3s\", \"4s\", \"5s\", \"6s\", \"8s\", \"10s\", \"15s\", \"20s\"]\n\n[[feed]]\nurl = \"{}\"\n\n[[webhook]]\nurl = \"{}\"\nsecret = \"{}\"\n",
        site.url("/feed.xml"),
        rx.url(),
        Receiver::SECRET
    ));
    site.set(
        "/feed.xml",
        Page::rss(&rss("Loopback", &[("a", "Dam", &site.url("/a"))])),
    );
    site.set(
        "/a",
        Page::html(&article_page(
            "Dam",
            &[
                "Fighting continued near the dam on Monday.",
                "Residents fled the area.",
            ],
            "x",
        )),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_marsad"))
        .args(["run", "--config"])
        .arg(env.config_path())
        .env("RUST_LOG", "marsad=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    let store_has = |n: i64| {
        env.store()
            .article_by_url(&site.url("/a"))
            .ok()
            .flatten()
            .is_some_and(|a| a.current_version >= n)
    };
    assert!(
        wait_until(Duration::from_secs(20), || store_has(1)),
        "first version not stored"
    );
    site.set(
        "/a",
        Page::html(&article_page(
            "Dam",
            &[
                "Fighting continued near the dam on Monday.",
                "The army said it had taken the dam.",
                "Residents fled the area.",
            ],
            "x",
        )),
    );
    assert!(
        wait_until(Duration::from_secs(30), || !rx
            .accepted("article.updated")
            .is_empty()),
        "no alert from the daemon"
    );
    assert!(rx.all().iter().all(|r| r.signature_ok));

    let start = Instant::now();
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "did not stop within the grace period"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(status.success(), "exit status {status:?}\n{err}");
    assert!(err.contains("stopped"), "{err}");
    assert_eq!(env.store().integrity_check().unwrap(), "ok");
    assert_eq!(
        rx.accepted("article.updated").len(),
        1,
        "one change, one alert"
    );
}
