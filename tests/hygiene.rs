//! Version hygiene: a version means "the article really changed". Each case
//! runs `marsad once` pass by pass against a loopback site and counts alerts.

mod common;
use common::*;

const REVISIT: &str = "revisit = [\"1h\",\"2h\",\"3h\",\"4h\",\"5h\",\"6h\",\"7h\",\"8h\",\"9h\",\"10h\",\"11h\",\"12h\"]";

fn pass(env: &Env, i: u32) {
    let out = env.marsad_env(&["once"], &[("MARSAD_CLOCK_OFFSET", &format!("{i}h1m"))]);
    assert!(out.status.success(), "pass {i} failed:\n{}", stderr(&out));
}

fn setup(feeds: &[String], rx: &Receiver, extra: &str) -> Env {
    let env = Env::new();
    let feeds: String = feeds
        .iter()
        .map(|u| format!("[[feed]]\nurl = \"{u}\"\n\n"))
        .collect();
    env.write_config(&format!("[poll]\n{REVISIT}\n\n[versions]\nrecheck_delay = \"50ms\"\n{extra}\n\n{feeds}[[webhook]]\nurl = \"{}\"\nsecret = \"{}\"\n", rx.url(), Receiver::SECRET));
    env
}

const PARAS: [&str; 4] = [
    "Government forces reached the outskirts of the city on Monday, the army said.",
    "Residents reported heavy gunfire through the night in several districts.",
    "Aid agencies said they had suspended convoys until the fighting stopped.",
    "The local council called for a ceasefire and the reopening of the main road.",
];

fn one_article(site: &Site, guid: &str) {
    site.set(
        "/feed.xml",
        Page::rss(&rss("F", &[(guid, "Story", &site.url("/story"))])),
    );
}

#[test]
fn ab_title_test_over_six_passes_gives_exactly_one_alert() {
    let (site, rx) = (Site::start(), Receiver::start());
    let env = setup(&[site.url("/feed.xml")], &rx, "");
    one_article(&site, "g");
    for i in 0..6 {
        let title = if i % 2 == 0 {
            "Army reaches the city"
        } else {
            "Army enters the city after night of fighting"
        };
        site.set("/story", Page::html(&article_page(title, &PARAS, "x")));
        pass(&env, i);
    }
    assert_eq!(
        rx.all().len(),
        1,
        "{:#?}",
        rx.all().iter().map(|r| r.body.clone()).collect::<Vec<_>>()
    );
    assert_eq!(rx.accepted("article.updated").len(), 1);
    let a = env
        .store()
        .article_by_url(&site.url("/story"))
        .unwrap()
        .unwrap();
    assert_eq!(a.current_version, 2, "two distinct contents, two versions");
}

#[test]
fn flip_flops_with_alert_on_revert_give_one_alert_per_distinct_content() {
    let (site, rx) = (Site::start(), Receiver::start());
    let env = setup(&[site.url("/feed.xml")], &rx, "alert_on_revert = true");
    one_article(&site, "g");
    for i in 0..6 {
        let paras: Vec<&str> = if i % 2 == 0 {
            PARAS.to_vec()
        } else {
            vec![
                PARAS[0],
                PARAS[1],
                "A correction was issued later.",
                PARAS[3],
            ]
        };
        site.set("/story", Page::html(&article_page("Story", &paras, "x")));
        pass(&env, i);
    }
    assert_eq!(rx.accepted("article.updated").len(), 1);
    assert_eq!(
        rx.accepted("article.reverted").len(),
        1,
        "only the first return to v1 is news"
    );
}

#[test]
fn a_truncated_page_that_recovers_on_refetch_gives_no_alert() {
    let (site, rx) = (Site::start(), Receiver::start());
    let env = setup(&[site.url("/feed.xml")], &rx, "");
    one_article(&site, "g");
    site.set("/story", Page::html(&article_page("Story", &PARAS, "x")));
    pass(&env, 0);
    site.set_once(
        "/story",
        Page::html(&article_page("Story", &PARAS[..1], "x")),
    );
    let out = env.marsad_env(&["once"], &[("MARSAD_CLOCK_OFFSET", "1h1m")]);
    assert!(rx.all().is_empty(), "{:?}", rx.all());
    assert_eq!(
        site.hits("/story"),
        3,
        "the suspect page was fetched again: {}",
        stderr(&out)
    );
    assert_eq!(
        env.store()
            .article_by_url(&site.url("/story"))
            .unwrap()
            .unwrap()
            .current_version,
        1
    );

    // A page with no text at all is not a version either.
    site.set_once(
        "/story",
        Page::html("<html><body><nav>Loading…</nav></body></html>"),
    );
    pass(&env, 2);
    assert!(rx.all().is_empty());

    // Shrinkage that a second fetch confirms is a real version, with its diff.
    site.set(
        "/story",
        Page::html(&article_page("Story", &PARAS[..1], "x")),
    );
    pass(&env, 3);
    let got = rx.accepted("article.updated");
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].body["data"]["diff"]["removed"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn a_guid_change_gives_no_alert_and_no_new_article() {
    let (site, rx) = (Site::start(), Receiver::start());
    let env = setup(&[site.url("/feed.xml")], &rx, "");
    one_article(&site, "guid-1");
    site.set("/story", Page::html(&article_page("Story", &PARAS, "x")));
    pass(&env, 0);
    one_article(&site, "https://cms.example/guid-2");
    pass(&env, 1);
    assert!(rx.all().is_empty());
    let feeds = env.marsad(&["feeds", "--json"]);
    let n_articles: i64 = env.store().stats().unwrap().articles;
    assert_eq!(n_articles, 1, "{}", stdout(&feeds));
}

#[test]
fn the_same_article_in_two_feeds_has_one_history() {
    let (site, rx) = (Site::start(), Receiver::start());
    let env = setup(&[site.url("/a.xml"), site.url("/b.xml")], &rx, "");
    site.set(
        "/a.xml",
        Page::rss(&rss("A", &[("a-1", "Story", &site.url("/story"))])),
    );
    site.set(
        "/b.xml",
        Page::rss(&rss(
            "B",
            &[(
                "b-77",
                "Story (B)",
                &format!("{}?utm_source=b#top", site.url("/story")),
            )],
        )),
    );
    site.set("/story", Page::html(&article_page("Story", &PARAS, "x")));
    pass(&env, 0);
    site.set(
        "/story",
        Page::html(&article_page(
            "Story",
            &[
                PARAS[0],
                PARAS[1],
                "The army said it had taken the city.",
                PARAS[2],
                PARAS[3],
            ],
            "x",
        )),
    );
    pass(&env, 1);
    assert_eq!(env.store().stats().unwrap().articles, 1);
    assert_eq!(
        rx.accepted("article.updated").len(),
        1,
        "one history, one alert"
    );
}

#[test]
fn a_moved_paragraph_is_shown_as_moved() {
    let (site, rx) = (Site::start(), Receiver::start());
    let env = setup(&[site.url("/feed.xml")], &rx, "");
    one_article(&site, "g");
    site.set("/story", Page::html(&article_page("Story", &PARAS, "x")));
    pass(&env, 0);
    site.set(
        "/story",
        Page::html(&article_page(
            "Story",
            &[PARAS[3], PARAS[0], PARAS[1], PARAS[2]],
            "x",
        )),
    );
    pass(&env, 1);
    let got = rx.accepted("article.updated");
    assert_eq!(got.len(), 1);
    let diff = &got[0].body["data"]["diff"];
    assert_eq!(diff["moved"], serde_json::json!([PARAS[3]]), "{diff}");
    assert_eq!(diff["added"], serde_json::json!([]));
    assert_eq!(diff["removed"], serde_json::json!([]));
}

#[test]
fn arabic_indic_digits_punctuation_and_tatweel_are_not_changes() {
    let (site, rx) = (Site::start(), Receiver::start());
    let env = setup(&[site.url("/feed.xml")], &rx, "");
    one_article(&site, "g");
    let v1 = [
        "قتل 3 جنود وأصيب 12 آخرون في هجوم على مواقع الجيش.",
        "وقالت قسد إن الهجمات مستمرة منذ 2 يناير.",
    ];
    let v2 = [
        "قتل ٣ جنود، وأصيب ١٢ آخرون في هجوم على مواقع الجيـش.",
        "وقالت «قسد» إن الهجمات مستمرة منذ ٢ يناير",
    ];
    site.set("/story", Page::html(&article_page("هجوم", &v1, "x")));
    pass(&env, 0);
    site.set("/story", Page::html(&article_page("هجوم", &v2, "x")));
    pass(&env, 1);
    assert!(rx.all().is_empty(), "{:?}", rx.all());
    assert_eq!(
        env.store()
            .article_by_url(&site.url("/story"))
            .unwrap()
            .unwrap()
            .current_version,
        1
    );
}

#[test]
fn a_correction_line_is_news() {
    let (site, rx) = (Site::start(), Receiver::start());
    let env = setup(&[site.url("/feed.xml")], &rx, "");
    one_article(&site, "g");
    site.set("/story", Page::html(&article_page("Story", &PARAS, "x")));
    pass(&env, 0);
    site.set(
        "/story",
        Page::html(&article_page(
            "Story",
            &[
                PARAS[0],
                PARAS[1],
                PARAS[2],
                PARAS[3],
                "Correction: an earlier version misstated the date of the attack.",
            ],
            "x",
        )),
    );
    pass(&env, 1);
    let got = rx.accepted("article.updated");
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].body["data"]["diff"]["added"],
        serde_json::json!(["Correction: an earlier version misstated the date of the attack."])
    );
}

#[test]
fn pages_naming_one_canonical_url_are_one_article() {
    let (site, rx) = (Site::start(), Receiver::start());
    let env = setup(&[site.url("/a.xml"), site.url("/b.xml")], &rx, "");
    let with_canonical = |canonical: &str, paras: &[&str]| {
        article_page("Story", paras, "x").replace(
            "<title>",
            &format!("<link rel=\"canonical\" href=\"{canonical}\"><title>"),
        )
    };
    // Feed A links the article; feed B links its AMP/print variant, which names the article as canonical.
    site.set(
        "/a.xml",
        Page::rss(&rss("A", &[("a-1", "Story", &site.url("/news/story"))])),
    );
    site.set(
        "/b.xml",
        Page::rss(&rss(
            "B",
            &[("b-1", "Story", &site.url("/print/story?id=7"))],
        )),
    );
    site.set(
        "/news/story",
        Page::html(&with_canonical("/news/story", &PARAS)),
    );
    site.set(
        "/print/story?id=7",
        Page::html(&with_canonical(&site.url("/news/story"), &PARAS)),
    );
    pass(&env, 0);
    pass(&env, 1);
    let store = env.store();
    assert_eq!(
        store.stats().unwrap().articles,
        1,
        "the variant was merged into the article it names"
    );
    assert_eq!(
        store
            .article_by_url(&site.url("/print/story?id=7"))
            .unwrap()
            .unwrap()
            .url,
        site.url("/news/story")
    );

    // A change is one alert on the one history.
    let changed = [
        PARAS[0],
        PARAS[1],
        "The army said it had taken the city.",
        PARAS[2],
        PARAS[3],
    ];
    site.set(
        "/news/story",
        Page::html(&with_canonical("/news/story", &changed)),
    );
    site.set(
        "/print/story?id=7",
        Page::html(&with_canonical(&site.url("/news/story"), &changed)),
    );
    pass(&env, 2);
    assert_eq!(rx.accepted("article.updated").len(), 1, "{:?}", rx.all());

    // A canonical link pointing at the front page is not believed.
    site.set(
        "/a.xml",
        Page::rss(&rss(
            "A",
            &[
                ("a-1", "Story", &site.url("/news/story")),
                ("a-2", "Other", &site.url("/news/other")),
            ],
        )),
    );
    site.set(
        "/news/other",
        Page::html(&with_canonical(
            "/",
            &[
                "A different story about the harvest.",
                "Farmers said prices fell.",
            ],
        )),
    );
    pass(&env, 3);
    assert_eq!(env.store().stats().unwrap().articles, 2);
}
