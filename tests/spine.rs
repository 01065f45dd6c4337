//! The spine end to end: a loopback site whose feed and pages change between
//! passes, the real `marsad once` binary, a real SQLite file and a webhook
//! receiver that checks every signature.

mod common;
use common::*;

/// Revisits every hour after first sight; pass `i` runs `i` hours (+1 min)
/// in the future, so each pass revisits every article.
const REVISIT: &str = "revisit = [\"1h\",\"2h\",\"3h\",\"4h\",\"5h\",\"6h\",\"7h\",\"8h\",\"9h\",\"10h\",\"11h\",\"12h\"]";

fn pass(env: &Env, i: u32) -> std::process::Output {
    let out = env.marsad_env(&["once"], &[("MARSAD_CLOCK_OFFSET", &format!("{i}h1m"))]);
    assert!(out.status.success(), "pass {i} failed:\n{}", stderr(&out));
    out
}

fn setup(site: &Site, rx: &Receiver) -> Env {
    let env = Env::new();
    env.write_config(&format!(
        "[poll]\n{REVISIT}\n\n[delivery]\ninitial_backoff = \"5s\"\n\n[[feed]]\nurl = \"{}\"\nname = \"Loopback News\"\nlang = \"en\"\n\n[[webhook]]\nurl = \"{}\"\nsecret = \"{}\"\n",
        site.url("/feed.xml"),
        rx.url(),
        Receiver::SECRET
    ));
    env
}

const P1: &str = "Government forces entered the outskirts of the town on Monday.";
const P2: &str = "Residents said the electricity was cut for several hours.";
const P3: &str = "Officials gave no figure for casualties.";
const NEW: &str = "The army said later that it had taken control of the dam.";

#[test]
fn first_sight_is_silent_a_rewrite_alerts_once_and_boilerplate_never() {
    let site = Site::start();
    let rx = Receiver::start();
    let env = setup(&site, &rx);
    site.set(
        "/feed.xml",
        Page::rss(&rss(
            "Loopback",
            &[("a1", "Town entered", &site.url("/news/a1?utm_source=rss"))],
        ))
        .with_etag("\"f1\""),
    );
    site.set(
        "/news/a1",
        Page::html(&article_page(
            "Town entered",
            &[P1, P2, P3],
            "Most read: weather",
        )),
    );

    pass(&env, 0);
    assert!(
        rx.all().is_empty(),
        "first sight must not alert: {:?}",
        rx.all()
    );
    assert_eq!(
        site.hits("/news/a1"),
        1,
        "the page is fetched once, under its canonical URL"
    );

    // Boilerplate, timestamps outside the body and whitespace change: nothing.
    site.set(
        "/news/a1",
        Page::html(&article_page(
            "Town entered",
            &[P1, &format!("  {P2}  "), P3],
            "Most read: elections, updated 10:42",
        )),
    );
    pass(&env, 1);
    assert!(
        rx.all().is_empty(),
        "boilerplate churn must not alert: {:?}",
        rx.all()
    );

    // The feed is unchanged: the poll carried the validators and got a 304.
    let feed_reqs = site.requests("/feed.xml");
    assert_eq!(feed_reqs.len(), 2);
    assert_eq!(
        feed_reqs[1]
            .get("if-none-match")
            .and_then(|v| v.to_str().ok()),
        Some("\"f1\"")
    );
    assert_eq!(site.not_modified(), 1);

    // A rewritten body: exactly one article.updated, v2 after v1, only the new sentence added.
    site.set(
        "/news/a1",
        Page::html(&article_page(
            "Town entered",
            &[P1, P2, NEW, P3],
            "Most read: elections",
        )),
    );
    pass(&env, 2);
    let got = rx.accepted("article.updated");
    assert_eq!(got.len(), 1, "{:?}", rx.all());
    let d = &got[0].body["data"];
    assert_eq!(d["version"], 2);
    assert_eq!(d["previous_version"], 1);
    assert_eq!(d["diff"]["added"], serde_json::json!([NEW]));
    assert_eq!(d["diff"]["removed"], serde_json::json!([]));
    assert!(d["diff"]["unified"]
        .as_str()
        .unwrap()
        .contains(&format!("+{NEW}")));
    assert_eq!(d["article"]["url"], site.url("/news/a1"));
    assert_eq!(d["article"]["feed"], "Loopback News");
    assert!(got[0].id.starts_with("evt_") && got[0].body["id"] == got[0].id.as_str());
    assert!(
        rx.all().iter().all(|r| r.signature_ok),
        "every POST is signed"
    );

    // Every version keeps the page as fetched (later ones as zstd deltas).
    let store = env.store();
    let a = store
        .article_by_url(&site.url("/news/a1"))
        .unwrap()
        .unwrap();
    let served = article_page("Town entered", &[P1, P2, NEW, P3], "Most read: elections");
    assert_eq!(
        store.version_page(a.id, 2).unwrap().unwrap(),
        served.as_bytes()
    );
    assert!(store
        .version_page(a.id, 1)
        .unwrap()
        .unwrap()
        .starts_with(b"<!doctype html>"));

    // Nothing new: nothing sent again.
    pass(&env, 3);
    assert_eq!(rx.all().len(), 1);

    let h = env.marsad(&["history", &site.url("/news/a1"), "--json"]);
    let h: serde_json::Value = serde_json::from_slice(&h.stdout).unwrap();
    assert_eq!(h["versions"].as_array().unwrap().len(), 2);
    let d = env.marsad(&["diff", &site.url("/news/a1")]);
    assert!(stdout(&d).contains(&format!("+ {NEW}")), "{}", stdout(&d));
}

#[test]
fn a_failing_receiver_gets_the_same_event_later_and_nothing_twice_after_restart() {
    let site = Site::start();
    let rx = Receiver::start();
    let env = setup(&site, &rx);
    site.set(
        "/feed.xml",
        Page::rss(&rss("Loopback", &[("a1", "T", &site.url("/news/a1"))])),
    );
    site.set("/news/a1", Page::html(&article_page("T", &[P1, P2], "x")));
    pass(&env, 0);
    site.set(
        "/news/a1",
        Page::html(&article_page("T", &[P1, P2, NEW], "x")),
    );
    rx.fail_with(Some(503));
    pass(&env, 1);
    let failed = rx.all();
    assert_eq!(failed.len(), 1);
    assert!(!failed[0].accepted);

    let pending = env.marsad(&["outbox", "--json"]);
    let pending: serde_json::Value = serde_json::from_slice(&pending.stdout).unwrap();
    assert_eq!(pending.as_array().unwrap().len(), 1, "{pending}");
    assert_eq!(pending[0]["last_error"], "HTTP 503");

    rx.fail_with(None);
    pass(&env, 2);
    let ok = rx.accepted("article.updated");
    assert_eq!(ok.len(), 1);
    assert_eq!(
        ok[0].id, failed[0].id,
        "the retry carries the same webhook-id"
    );
    assert_eq!(
        ok[0].body, failed[0].body,
        "the retry carries the same body"
    );

    // Restarts (new processes) never re-send a delivered event.
    pass(&env, 3);
    pass(&env, 4);
    assert_eq!(rx.all().len(), 2, "{:?}", rx.all());
}

#[test]
fn bad_input_is_recorded_on_the_feed_and_never_stops_the_pass() {
    let site = Site::start();
    let rx = Receiver::start();
    let env = Env::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap(); // dropped: nothing listens
    env.write_config(&format!(
        "[poll]\n{REVISIT}\n\n[fetch]\ntimeout = \"5s\"\n\n[[feed]]\nurl = \"http://{closed}/feed.xml\"\nname = \"unreachable\"\n\n[[feed]]\nurl = \"{}\"\nname = \"missing\"\n\n[[feed]]\nurl = \"{}\"\nname = \"not xml\"\n\n[[feed]]\nurl = \"{}\"\nname = \"good\"\n\n[[webhook]]\nurl = \"{}\"\nsecret = \"{}\"\n",
        site.url("/404.xml"),
        site.url("/notxml"),
        site.url("/good.xml"),
        rx.url(),
        Receiver::SECRET
    ));
    site.set(
        "/notxml",
        Page::html("<html><body>Sorry, we moved.</body></html>"),
    );
    site.set(
        "/good.xml",
        Page::rss(&rss(
            "Good",
            &[
                ("e", "Empty page", &site.url("/empty")),
                ("ok", "Fine", &site.url("/fine")),
            ],
        )),
    );
    site.set(
        "/empty",
        Page::html("<html><body><nav><a href='/'>Home</a></nav></body></html>"),
    );
    site.set("/fine", Page::html(&article_page("Fine", &[P1, P2], "x")));

    let out = pass(&env, 0);
    let feeds = env.marsad(&["feeds", "--json"]);
    let feeds: serde_json::Value = serde_json::from_slice(&feeds.stdout).unwrap();
    let by_name = |n: &str| {
        feeds
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == n)
            .unwrap()
            .clone()
    };
    for (name, needle) in [
        ("unreachable", "cannot connect"),
        ("missing", "HTTP 404"),
        ("not xml", ""),
    ] {
        let f = by_name(name);
        assert_eq!(f["error_count"], 1, "{name}: {f}");
        assert!(
            f["last_error"].as_str().unwrap().contains(needle),
            "{name}: {f}"
        );
        assert!(
            f["last_error"].as_str().unwrap().contains("http://"),
            "the error names the URL: {f}"
        );
        assert!(
            f["next_poll_at"].as_i64().unwrap() > f["last_poll_at"].as_i64().unwrap() + 30_000,
            "backoff: {f}"
        );
    }
    assert_eq!(by_name("good")["error_count"], 0);
    // The good feed's article was stored despite its neighbours.
    let store = env.store();
    let fine = store.article_by_url(&site.url("/fine")).unwrap().unwrap();
    assert_eq!(fine.current_version, 1);
    let empty = store.article_by_url(&site.url("/empty")).unwrap().unwrap();
    assert_eq!(empty.current_version, 0);
    assert!(
        empty.last_error.unwrap().contains("no article text"),
        "page with no article is recorded"
    );
    assert!(
        stderr(&out).contains("feed poll failed"),
        "{}",
        stderr(&out)
    );

    // Logged once per change of state: the same error again is not a warning.
    let out2 = pass(&env, 1);
    let warn_again = stderr(&out2)
        .lines()
        .filter(|l| l.contains("WARN") && l.contains("feed poll failed"))
        .count();
    assert_eq!(warn_again, 0, "{}", stderr(&out2));
    let feeds = env.marsad(&["feeds", "--json"]);
    let feeds: serde_json::Value = serde_json::from_slice(&feeds.stdout).unwrap();
    assert_eq!(
        feeds
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "missing")
            .unwrap()["error_count"],
        2
    );
}

#[test]
fn check_config_reports_every_problem_with_file_line_and_key() {
    let env = Env::new();
    std::fs::write(env.config_path(), "[storage]\npath = \"x.db\"\n\n[fetch]\nallow_private_networks = \"yes\"\n\n[[feed]]\nurl = \"not a url\"\ncolour = \"red\"\n\n[[webhook]]\nurl = \"http://127.0.0.1:9/h\"\nevents = [\"article.updated\", \"article.exploded\"]\n").unwrap();
    let out = env.marsad(&["check-config"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let path = env.config_path().display().to_string();
    assert!(
        err.contains(&format!("{path}:5: fetch.allow_private_networks")),
        "{err}"
    );
    assert!(err.contains(&format!("{path}:8: feed[0].url")), "{err}");
    assert!(
        err.contains(&format!("{path}:9: feed[0].colour: unknown key")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{path}:13: webhook[0].events")) && err.contains("article.exploded"),
        "{err}"
    );
    // `once` refuses a bad config with a non-zero status too.
    assert!(!env.marsad(&["once"]).status.success());
}
