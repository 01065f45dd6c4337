//! Receiver outages: the webhook receiver answers 503 for hours (time moved
//! with `MARSAD_CLOCK_OFFSET` across passes of `marsad once`); retries back
//! off exponentially up to `[delivery] max_backoff`, nothing is lost, and
//! once the receiver is back every event arrives, in order per ordering key.
//! Permanent failures (404, 410) are dead-lettered after a few tries and can
//! be re-queued by hand.

mod common;
use common::*;
use std::collections::{BTreeMap, HashMap, HashSet};

const REVISIT: &str = "revisit = [\"1h\",\"2h\",\"3h\",\"4h\",\"5h\",\"6h\",\"7h\",\"8h\",\"9h\",\"10h\",\"11h\",\"12h\",\"13h\",\"14h\",\"15h\"]";
const INITIAL_BACKOFF_MS: i64 = 5_000;
const MAX_BACKOFF_MS: i64 = 600_000;

const P1: &str = "Government forces entered the outskirts of the town on Monday.";
const P2: &str = "Residents said the electricity was cut for several hours.";

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn hours_ms(offset_h: u32, offset_m: u32) -> i64 {
    (offset_h as i64 * 3600 + offset_m as i64 * 60) * 1000
}

fn set_articles(site: &Site, generation: u32) {
    set_n_articles(site, generation, 2)
}

fn set_n_articles(site: &Site, generation: u32, n: usize) {
    for i in 1..=n {
        let a = format!("a{i}");
        let update = format!(
            "Update {generation} for {a}: officials confirmed further details about the situation."
        );
        let paras: Vec<&str> = if generation == 0 {
            vec![P1, P2]
        } else {
            vec![P1, P2, &update]
        };
        site.set(
            &format!("/news/{a}"),
            Page::html(&article_page(&format!("Story {a}"), &paras, "Most read")),
        );
    }
}

fn setup(site: &Site, hooks: &[&Receiver]) -> Env {
    let urls: Vec<String> = hooks.iter().map(|r| r.url()).collect();
    setup_n(site, &urls, 2)
}

fn setup_n(site: &Site, hooks: &[String], n: usize) -> Env {
    let items: Vec<(String, String, String)> = (1..=n)
        .map(|i| {
            (
                format!("a{i}"),
                format!("Story a{i}"),
                site.url(&format!("/news/a{i}")),
            )
        })
        .collect();
    site.set("/feed.xml", Page::rss(&rss("Loopback", &items)));
    set_n_articles(site, 0, n);
    let env = Env::new();
    let mut text = format!(
        "[poll]\n{REVISIT}\n\n[delivery]\ninitial_backoff = \"5s\"\nmax_backoff = \"10m\"\nmax_age = \"72h\"\ntimeout = \"2s\"\n\n[[feed]]\nurl = \"{}\"\nname = \"Loopback\"\n\n",
        site.url("/feed.xml")
    );
    for url in hooks {
        text.push_str(&format!(
            "[[webhook]]\nurl = \"{url}\"\nsecret = \"{}\"\n\n",
            Receiver::SECRET
        ));
    }
    env.write_config(&text);
    env
}

/// `marsad once` at `h` hours `m` minutes in the future; returns the wall
/// clock (ms, unshifted) just before and just after.
fn pass(env: &Env, h: u32, m: u32) -> (i64, i64) {
    let before = now_ms();
    let out = env.marsad_env(&["once"], &[("MARSAD_CLOCK_OFFSET", &format!("{h}h{m}m"))]);
    let after = now_ms();
    assert!(
        out.status.success(),
        "pass at {h}h{m}m failed:\n{}",
        stderr(&out)
    );
    (before, after)
}

fn expected_backoff(attempts: i64) -> i64 {
    (INITIAL_BACKOFF_MS << (attempts - 1).min(30)).min(MAX_BACKOFF_MS)
}

#[test]
fn hours_of_503_then_every_event_arrives_in_order() {
    let site = Site::start();
    let rx = Receiver::start();
    let env = setup(&site, &[&rx]);
    rx.fail_with(Some(503));

    pass(&env, 0, 1); // first sight: versions 1, silent
    const OUTAGE_PASSES: u32 = 12;
    let mut capped_seen = false;
    for i in 1..=OUTAGE_PASSES {
        set_articles(&site, i);
        let (before, after) = pass(&env, i, 1);
        let shift = hours_ms(i, 1);
        let rows = env.outbox_json(false, &format!("{i}h1m"));
        assert_eq!(rows.len(), 2 * i as usize, "pass {i}: every event pending");
        for r in &rows {
            let attempts = r["attempts"].as_i64().unwrap();
            let next = r["next_attempt_at"].as_i64().unwrap();
            assert!(r["last_error"].is_null() || attempts > 0, "{r}");
            if attempts == 0 {
                // Held behind an earlier row of its article: never tried.
                assert_eq!(next, r["created_at"].as_i64().unwrap(), "{r}");
                continue;
            }
            // Retried in this pass (the head of each article's queue).
            let want = expected_backoff(attempts);
            assert!(want <= MAX_BACKOFF_MS);
            assert!(
                next - (before + shift) >= want && next - (after + shift) <= want,
                "pass {i}: attempt {attempts} retries {} ms later, want {want} ms (capped at {MAX_BACKOFF_MS})",
                next - (before + shift)
            );
            assert!(
                next - (before + shift) <= MAX_BACKOFF_MS + (after - before),
                "never more than max_backoff"
            );
            assert!(
                r["last_error"].as_str().unwrap_or("").contains("HTTP 503"),
                "{r}"
            );
            capped_seen |= want == MAX_BACKOFF_MS;
        }
        assert_eq!(
            rows.iter()
                .filter(|r| r["attempts"].as_i64() > Some(0))
                .count(),
            2,
            "pass {i}: only the head of each article's queue is tried"
        );
    }
    assert!(capped_seen, "the backoff reached its cap during the outage");
    assert!(rx.accepted("article.updated").is_empty());
    let failed_posts = rx.count();
    assert_eq!(
        failed_posts,
        2 * OUTAGE_PASSES as usize,
        "one try per article per pass"
    );

    // Back up: one pass delivers everything, and nothing new is written.
    rx.fail_with(None);
    pass(&env, OUTAGE_PASSES + 1, 1);
    assert!(
        env.outbox_json(false, "14h").is_empty(),
        "nothing left pending"
    );
    assert!(env.outbox_json(true, "14h").is_empty(), "nothing dead");

    let db = env.db_readonly();
    let mut st = db
        .prepare("SELECT id, ordering_key FROM events ORDER BY created_at, rowid")
        .unwrap();
    let stored: Vec<(String, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stored.len(), 2 * OUTAGE_PASSES as usize);

    let accepted = rx.accepted("article.updated");
    assert!(rx.all().iter().all(|r| r.signature_ok));
    let ids: Vec<&str> = accepted.iter().map(|r| r.id.as_str()).collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "each event accepted exactly once");
    let stored_ids: HashSet<&str> = stored.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        unique, stored_ids,
        "every stored event arrived, nothing else did"
    );

    // In order per article, for the accepted deliveries and for every POST.
    for posts in [accepted.clone(), rx.all()] {
        let mut per_article: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for r in &posts {
            let url = r.body["data"]["article"]["url"]
                .as_str()
                .unwrap()
                .to_string();
            per_article
                .entry(url)
                .or_default()
                .push(r.body["data"]["version"].as_i64().unwrap());
        }
        assert_eq!(per_article.len(), 2);
        for (url, versions) in &per_article {
            assert!(
                versions.windows(2).all(|w| w[0] <= w[1]),
                "{url}: out of order: {versions:?}"
            );
        }
    }
    let mut per_article: HashMap<String, Vec<i64>> = HashMap::new();
    for r in &accepted {
        per_article
            .entry(r.body["data"]["article"]["url"].as_str().unwrap().into())
            .or_default()
            .push(r.body["data"]["version"].as_i64().unwrap());
    }
    for versions in per_article.values() {
        assert_eq!(
            *versions,
            (2..=OUTAGE_PASSES as i64 + 1).collect::<Vec<_>>(),
            "every version's alert, in order"
        );
    }
    // The failed tries were all of the same event ids (stable across retries).
    for r in rx.all().iter().filter(|r| !r.accepted) {
        assert!(stored_ids.contains(r.id.as_str()));
    }
}

#[test]
fn permanent_failures_are_dead_lettered_and_retried_by_hand() {
    let site = Site::start();
    let gone = Receiver::start();
    let missing = Receiver::start();
    gone.fail_with(Some(410));
    missing.fail_with(Some(404));
    let env = setup(&site, &[&gone, &missing]);

    pass(&env, 0, 1);
    // One change of a1 only.
    site.set(
        "/news/a1",
        Page::html(&article_page(
            "Story a1",
            &[
                P1,
                P2,
                "The army said later that it had taken control of the dam.",
            ],
            "Most read",
        )),
    );
    pass(&env, 1, 1);
    assert_eq!(gone.count(), 1);
    assert_eq!(missing.count(), 1);
    // Two more tries, then dead: minutes apart, past the 5 s and 10 s backoffs.
    pass(&env, 1, 2);
    assert!(
        env.outbox_json(true, "1h2m").is_empty(),
        "not dead after 2 tries"
    );
    pass(&env, 1, 3);
    let dead = env.outbox_json(true, "1h3m");
    assert_eq!(dead.len(), 2, "{dead:?}");
    for d in &dead {
        assert_eq!(d["status"], "dead");
        assert_eq!(d["attempts"], 3);
        assert_eq!(d["type"], "article.updated");
        let e = d["last_error"].as_str().unwrap_or("");
        assert!(
            (e.contains("HTTP 404") || e.contains("HTTP 410")) && e.contains("permanent"),
            "{e}"
        );
    }
    assert!(env.outbox_json(false, "1h3m").is_empty());
    // Dead rows are not tried again.
    pass(&env, 1, 4);
    assert_eq!(gone.count(), 3);
    assert_eq!(missing.count(), 3);
    let event_id = dead[0]["event_id"].as_str().unwrap().to_string();
    assert_eq!(dead[1]["event_id"], event_id.as_str());

    // Fixed receivers; re-queue by hand.
    gone.fail_with(None);
    missing.fail_with(None);
    let out = env.marsad_env(
        &["outbox", "retry", "--all"],
        &[("MARSAD_CLOCK_OFFSET", "1h5m")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("2 deliveries queued again"),
        "{}",
        stdout(&out)
    );
    assert!(env.outbox_json(true, "1h5m").is_empty());
    assert_eq!(env.outbox_json(false, "1h5m").len(), 2);
    pass(&env, 1, 6);
    for rx in [&gone, &missing] {
        let got = rx.accepted("article.updated");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].id, event_id, "the same event id after the re-queue");
        assert!(got[0].signature_ok);
        assert_eq!(rx.count(), 4);
    }
    assert!(env.outbox_json(false, "1h6m").is_empty());
    assert!(env.outbox_json(true, "1h6m").is_empty());
}

#[test]
fn a_hanging_receiver_costs_one_timeout_per_round_not_one_per_article() {
    // Accepts the connection, reads the request head, never answers.
    let hang = RawServer::start(|mut s| {
        read_request_head(&mut s);
        std::thread::sleep(std::time::Duration::from_secs(20));
    });
    let site = Site::start();
    let rx = Receiver::start();
    const N: usize = 6;
    let env = setup_n(&site, &[hang.url("/hook"), rx.url()], N);
    pass(&env, 0, 1);
    set_n_articles(&site, 1, N);
    // [delivery] timeout is 2 s: six articles, six ordering keys.
    let (before, after) = pass(&env, 1, 1);
    let took = after - before;
    assert!(
        took < 3 * 2_000,
        "a pass against a hanging receiver took {took} ms: one 2 s timeout per article?"
    );
    let rows = env.outbox_json(false, "1h1m");
    assert_eq!(rows.len(), N, "nothing lost");
    assert!(rows.iter().all(|r| r["webhook"] == hang.url("/hook")));
    // The other webhook is not held up.
    assert_eq!(rx.accepted("article.updated").len(), N);
    let tried: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| r["attempts"].as_i64() > Some(0))
        .collect();
    assert_eq!(
        tried.len(),
        1,
        "one try per round for a receiver that is down: {rows:?}"
    );
    let e = tried[0]["last_error"].as_str().unwrap_or("");
    assert!(!e.is_empty());
    assert_eq!(hang.connections(), 1);
}
