//! Webhook delivery with several receivers: each webhook is served on its
//! own, so a slow receiver delays only its own alerts.

mod common;
use common::*;
use std::time::{Duration, Instant};

const REVISIT: &str = "revisit = [\"1h\",\"2h\",\"3h\"]";

/// Regression: deliveries used to go out one at a time across all webhooks,
/// so a receiver taking seconds per POST held back every other receiver.
#[test]
fn a_slow_receiver_does_not_hold_back_another() {
    let site = Site::start();
    let slow = Receiver::start();
    let fast = Receiver::start();
    let env = Env::new();
    env.write_config(&format!(
        "[poll]\n{REVISIT}\n\n[delivery]\ntimeout = \"10s\"\n\n[[feed]]\nurl = \"{}\"\nname = \"Site\"\n\n[[webhook]]\nurl = \"{}\"\nsecret = \"{s}\"\n\n[[webhook]]\nurl = \"{}\"\nsecret = \"{s}\"\n",
        site.url("/feed.xml"),
        slow.url(),
        fast.url(),
        s = Receiver::SECRET
    ));
    let items: Vec<(String, String, String)> = (0..3)
        .map(|i| {
            (
                format!("g{i}"),
                format!("Story {i}"),
                site.url(&format!("/news/{i}")),
            )
        })
        .collect();
    site.set("/feed.xml", Page::rss(&rss("Site", &items)));
    let para = |i: usize, k: usize| {
        format!("Story {i}: residents of district {k} said the water supply had been restored on Sunday morning.")
    };
    for i in 0..3 {
        site.set(
            &format!("/news/{i}"),
            Page::html(&article_page(
                &format!("Story {i}"),
                &[&para(i, 1), &para(i, 2)],
                "More news",
            )),
        );
    }
    let first = env.marsad_env(&["once"], &[("MARSAD_CLOCK_OFFSET", "0h1m")]);
    assert!(first.status.success(), "{}", stderr(&first));

    // Three rewrites: three article.updated events for each webhook.
    for i in 0..3 {
        site.set(
            &format!("/news/{i}"),
            Page::html(&article_page(
                &format!("Story {i}"),
                &[
                    &para(i, 1),
                    "The army said later that it had taken control of the dam.",
                    &para(i, 2),
                ],
                "More news",
            )),
        );
    }
    slow.answer_after(Some(Duration::from_secs(2)));
    let mut once = std::process::Command::new(env!("CARGO_BIN_EXE_marsad"))
        .args(["once", "--config"])
        .arg(env.config_path())
        .env("MARSAD_CLOCK_OFFSET", "1h1m")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    assert!(
        wait_until(Duration::from_secs(20), || fast
            .accepted("article.updated")
            .len()
            == 3),
        "the fast receiver got {:?}",
        fast.all()
    );
    // The slow receiver is still on its first POST (it answers after 2 s).
    assert!(
        slow.all().len() <= 1,
        "after {:?} the slow receiver already had {} POSTs: the fast one waited for it",
        start.elapsed(),
        slow.all().len()
    );
    assert!(once.wait().unwrap().success());
    assert_eq!(
        slow.accepted("article.updated").len(),
        3,
        "the slow receiver gets everything too"
    );
    assert!(fast
        .all()
        .iter()
        .chain(slow.all().iter())
        .all(|r| r.signature_ok));
}
