//! Crash safety: `marsad run` is killed with SIGKILL at random moments while
//! feeds and articles keep changing, restarted each time, and finally left
//! to run to quiescence. Nothing may be lost or stored twice: every stored
//! change has its alert, every alert reaches the receiver (at least once,
//! always under the same id), and the database stays intact. Also: an online
//! backup of a live database is consistent.

mod common;
use common::*;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const FEEDS: usize = 4;
const ARTICLES_PER_FEED: usize = 4;
const TRIALS: usize = 24;

/// Serves generation `g` of every feed and article.
fn publish(site: &Site, g: u32) {
    for f in 0..FEEDS {
        let items: Vec<(String, String, String)> = (0..ARTICLES_PER_FEED)
            .map(|a| {
                (
                    format!("f{f}a{a}"),
                    // The entry changes every other generation, so some visits
                    // come from the feed and some from the revisit schedule.
                    format!("Story {f}-{a}, edition {}", g / 2),
                    site.url(&format!("/f{f}/a{a}")),
                )
            })
            .collect();
        let refs: Vec<(&str, &str, &str)> = items
            .iter()
            .map(|(i, t, l)| (i.as_str(), t.as_str(), l.as_str()))
            .collect();
        site.set(
            &format!("/f{f}.xml"),
            Page::rss(&rss(&format!("Feed {f}"), &refs)),
        );
        for a in 0..ARTICLES_PER_FEED {
            let lead = format!("Officials in district {f}-{a} said the situation was developing.");
            let update = format!(
                "Update {g}: reporters in district {f}-{a} confirmed new details this hour."
            );
            site.set(
                &format!("/f{f}/a{a}"),
                Page::html(&article_page(
                    &format!("Story {f}-{a}"),
                    &[
                        &lead,
                        "Residents said the electricity was cut for several hours.",
                        &update,
                    ],
                    "Most read",
                )),
            );
        }
    }
}

/// Publishes a new generation every `every` until stopped.
struct Mutator {
    stop: Arc<AtomicBool>,
    generation: Arc<AtomicU32>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Mutator {
    fn start(site: &Site, every: Duration) -> Mutator {
        let stop = Arc::new(AtomicBool::new(false));
        let generation = Arc::new(AtomicU32::new(0));
        publish(site, 0);
        let (s, g, site) = (stop.clone(), generation.clone(), site.clone());
        let handle = std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                std::thread::sleep(every);
                let n = g.fetch_add(1, Ordering::SeqCst) + 1;
                publish(&site, n);
            }
        });
        Mutator {
            stop,
            generation,
            handle: Some(handle),
        }
    }

    fn stop(&mut self) -> u32 {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            h.join().unwrap();
        }
        self.generation.load(Ordering::SeqCst)
    }
}

fn setup(site: &Site, rx: &Receiver) -> Env {
    let env = Env::new();
    // Revisit every second for two minutes after first sight.
    let revisit: Vec<String> = (1..=120).map(|s| format!("\"{s}s\"")).collect();
    let mut text = format!(
        "[poll]\ninterval = \"1s\"\nrevisit = [{}]\n\n[delivery]\ninitial_backoff = \"1s\"\nmax_backoff = \"2s\"\ntimeout = \"2s\"\n\n[fetch]\ntimeout = \"3s\"\n\n",
        revisit.join(",")
    );
    for f in 0..FEEDS {
        text.push_str(&format!(
            "[[feed]]\nurl = \"{}\"\nname = \"Feed {f}\"\nlang = \"en\"\n\n",
            site.url(&format!("/f{f}.xml"))
        ));
    }
    text.push_str(&format!(
        "[[webhook]]\nurl = \"{}\"\nsecret = \"{}\"\n",
        rx.url(),
        Receiver::SECRET
    ));
    env.write_config(&text);
    env
}

fn count(db: &rusqlite::Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn kill_9_at_random_moments_loses_nothing_and_stores_nothing_twice() {
    let started = Instant::now();
    let site = Site::start();
    let rx = Receiver::start();
    let env = setup(&site, &rx);
    let mut mutator = Mutator::start(&site, Duration::from_millis(300));

    let mut rng = fastrand::Rng::with_seed(
        std::env::var("CRASH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| fastrand::u64(..)),
    );
    eprintln!("crash test seed: {}", rng.get_seed());
    for _ in 0..TRIALS {
        let mut d = env.spawn_daemon(&[]);
        std::thread::sleep(Duration::from_millis(rng.u64(150..1000)));
        d.kill9();
    }
    let generations = mutator.stop();

    // Quiescence: a clean run until every alert is delivered.
    let mut d = env.spawn_daemon(&[]);
    let pending = |env: &Env| {
        count(
            &env.db_readonly(),
            "SELECT COUNT(*) FROM outbox WHERE status != 'delivered'",
        )
    };
    let mut quiet = 0;
    let done = wait_until(Duration::from_secs(20), || {
        // Twice in a row, a little apart: nothing pending and no new versions.
        let versions = count(&env.db_readonly(), "SELECT COUNT(*) FROM versions");
        let ok = pending(&env) == 0;
        std::thread::sleep(Duration::from_millis(300));
        let still = count(&env.db_readonly(), "SELECT COUNT(*) FROM versions") == versions;
        quiet = if ok && still { quiet + 1 } else { 0 };
        quiet >= 2
    });
    let status = d.terminate(Duration::from_secs(15));
    assert!(
        done,
        "no quiescence: {} pending\n{}",
        pending(&env),
        env.daemon_log()
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "clean stop: {status:?}"
    );

    let db = env.db_readonly();
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM pragma_foreign_key_check"),
        0
    );

    // Versions: numbered 1..n per article, never the same content twice in a row.
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM (SELECT 1 FROM versions GROUP BY article_id, number HAVING COUNT(*) > 1)"
        ),
        0,
        "duplicate (article, number)"
    );
    let mut st = db
        .prepare(
            "SELECT id, article_id, number, body_hash FROM versions ORDER BY article_id, number",
        )
        .unwrap();
    let versions: Vec<(i64, i64, i64, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut by_article: HashMap<i64, Vec<&(i64, i64, i64, String)>> = HashMap::new();
    for v in &versions {
        by_article.entry(v.1).or_default().push(v);
    }
    assert_eq!(
        by_article.len(),
        FEEDS * ARTICLES_PER_FEED,
        "every article stored"
    );
    for (article, vs) in &by_article {
        let numbers: Vec<i64> = vs.iter().map(|v| v.2).collect();
        assert_eq!(
            numbers,
            (1..=vs.len() as i64).collect::<Vec<_>>(),
            "article {article}"
        );
        for w in vs.windows(2) {
            assert_ne!(
                w[0].3, w[1].3,
                "article {article}: v{} and v{} have the same content",
                w[0].2, w[1].2
            );
        }
        let current = count(
            &db,
            &format!("SELECT current_version FROM articles WHERE id = {article}"),
        );
        assert_eq!(
            current,
            vs.len() as i64,
            "article {article}: current_version"
        );
    }
    let updates = versions.iter().filter(|v| v.2 >= 2).count();
    assert!(
        updates >= 20,
        "too little happened to prove anything: {updates} updates"
    );

    // Every version ≥ 2 has exactly one article.updated, naming it.
    let mut st = db
        .prepare("SELECT id, version_id, payload FROM events WHERE type = 'article.updated'")
        .unwrap();
    let events: Vec<(String, i64, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut event_of_version: HashMap<i64, &str> = HashMap::new();
    for (id, vid, payload) in &events {
        assert!(
            event_of_version.insert(*vid, id).is_none(),
            "two events for version row {vid}"
        );
        let v = versions
            .iter()
            .find(|v| v.0 == *vid)
            .expect("event's version exists");
        let p: serde_json::Value = serde_json::from_str(payload).unwrap();
        assert_eq!(p["data"]["version"], v.2);
        assert_eq!(p["id"], id.as_str());
    }
    for v in versions.iter().filter(|v| v.2 >= 2) {
        assert!(
            event_of_version.contains_key(&v.0),
            "version {v:?} has no article.updated"
        );
    }
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM events"),
        events.len() as i64,
        "only article.updated events expected"
    );

    // Delivery: every event delivered, the receiver got exactly those ids,
    // and repeats (a kill between the POST and its bookkeeping) carry the same body.
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM outbox WHERE status = 'delivered'"
        ),
        events.len() as i64
    );
    let got = rx.all();
    assert!(got.iter().all(|r| r.signature_ok && r.accepted));
    let mut bodies: HashMap<&str, &serde_json::Value> = HashMap::new();
    let mut repeats = 0;
    for r in &got {
        if let Some(prev) = bodies.insert(&r.id, &r.body) {
            assert_eq!(prev, &r.body, "{}: same id, different body", r.id);
            repeats += 1;
        }
    }
    let stored_ids: HashSet<&str> = events.iter().map(|e| e.0.as_str()).collect();
    let received_ids: HashSet<&str> = bodies.keys().copied().collect();
    assert_eq!(received_ids, stored_ids, "received ids = stored ids");
    // One id per (article, version) at the receiver.
    let mut per_version: HashMap<(String, i64), &str> = HashMap::new();
    for (id, body) in &bodies {
        let key = (
            body["data"]["article"]["url"].as_str().unwrap().to_string(),
            body["data"]["version"].as_i64().unwrap(),
        );
        if let Some(other) = per_version.insert(key.clone(), id) {
            panic!("{key:?} alerted under two ids: {other} and {id}");
        }
    }
    assert!(
        repeats <= TRIALS,
        "at most one repeat per kill (POSTed, killed before it was marked delivered): {repeats}"
    );
    eprintln!(
        "{TRIALS} kills, {generations} generations, {} versions ({updates} updates), {} POSTs ({repeats} repeats), {:?}",
        versions.len(),
        got.len(),
        started.elapsed()
    );
}

#[test]
fn backup_of_a_live_database_is_consistent() {
    let site = Site::start();
    let rx = Receiver::start();
    let env = setup(&site, &rx);
    let mut mutator = Mutator::start(&site, Duration::from_millis(200));
    let mut d = env.spawn_daemon(&[]);
    assert!(
        wait_until(Duration::from_secs(15), || rx
            .accepted("article.updated")
            .len()
            >= 5),
        "the daemon works: {}",
        env.daemon_log()
    );
    // Back up while it writes.
    let copy = env.dir.path().join("backup.db");
    let out = env.marsad(&["backup", copy.to_str().unwrap()]);
    assert!(out.status.success(), "backup failed: {}", stderr(&out));
    // Refuses to overwrite.
    let again = env.marsad(&["backup", copy.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("exists"), "{}", stderr(&again));
    mutator.stop();
    assert!(d
        .terminate(Duration::from_secs(15))
        .is_some_and(|s| s.success()));

    let db =
        rusqlite::Connection::open_with_flags(&copy, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM schema_migrations"),
        count(&db, "SELECT MAX(version) FROM schema_migrations"),
        "every migration recorded"
    );
    assert!(count(&db, "SELECT COUNT(*) FROM versions") >= FEEDS as i64 * ARTICLES_PER_FEED as i64);
    // A consistent snapshot: every version ≥ 2 in the copy has its event.
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM versions v WHERE v.number >= 2 AND NOT EXISTS (SELECT 1 FROM events e WHERE e.version_id = v.id)"
        ),
        0
    );
    // The copy is a working marsad database.
    let store = marsad::store::Store::open(&copy).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
}
