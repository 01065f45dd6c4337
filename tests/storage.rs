//! How pages are stored: every version keeps the page exactly as fetched,
//! compressed against the best dictionary. A new article's first page is a
//! delta against its site's template page; a page in another layout is
//! stored alone and becomes the template; later versions are deltas against
//! the article's first page. Real binary, loopback site, real SQLite file.

mod common;
use common::*;

const REVISIT: &str = "revisit = [\"1h\",\"2h\",\"3h\",\"4h\"]";

fn pass(env: &Env, i: u32) {
    let out = env.marsad_env(&["once"], &[("MARSAD_CLOCK_OFFSET", &format!("{i}h1m"))]);
    assert!(out.status.success(), "pass {i} failed:\n{}", stderr(&out));
}

/// A news site's page: a large shared chrome (scripts, menus, footer) around
/// a short article, as real sites serve them.
fn site_page(layout: &str, title: &str, paragraphs: &[String]) -> String {
    let menu: String = (0..300)
        .map(|i| {
            format!(
                "<li><a href=\"/{layout}/section-{i}\">{layout} section {}</a></li>\n",
                (i + 1) * layout.len() * 7919 % 1009
            )
        })
        .collect();
    let script: String = (0..200)
        .map(|i| {
            format!(
                "var {layout}_{i} = {};\n",
                (i + 1) * layout.len() * 104_729 % 65_537
            )
        })
        .collect();
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title><script>{script}</script></head><body>\
         <header><nav><ul>{menu}</ul></nav></header><main><article><h1>{title}</h1>\n{body}</article></main>\
         <footer><ul>{menu}</ul></footer></body></html>"
    )
}

fn story(n: usize) -> Vec<String> {
    (0..6)
        .map(|k| format!("Story {n}, paragraph {k}: officials said {} people had returned to district {} after the fighting.", n * 37 + k * 11, n * 7 + k))
        .collect()
}

fn zstd_alone(page: &str) -> usize {
    zstd::encode_all(page.as_bytes(), 3).unwrap().len()
}

/// (raw_dict, stored bytes) of an article's version.
fn stored(db: &rusqlite::Connection, url: &str, number: i64) -> (Option<i64>, usize, i64) {
    db.query_row(
        "SELECT v.raw_dict, LENGTH(v.raw_html), v.id FROM versions v JOIN articles a ON a.id = v.article_id WHERE a.url = ?1 AND v.number = ?2",
        rusqlite::params![url, number],
        |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize, r.get(2)?)),
    )
    .unwrap()
}

#[test]
fn first_pages_of_one_site_are_deltas_against_its_template_and_read_back_exactly() {
    let site = Site::start();
    let env = Env::new();
    env.write_config(&format!(
        // One page at a time: two first pages of a new site packed at the
        // same moment would both (harmlessly) be stored alone.
        "[poll]\n{REVISIT}\nper_host = 1\n\n[[feed]]\nurl = \"{}\"\nname = \"Site\"\n",
        site.url("/feed.xml")
    ));
    let urls: Vec<String> = (0..5).map(|i| site.url(&format!("/news/{i}"))).collect();
    let mut items: Vec<(String, String, String)> = (0..5)
        .map(|i| (format!("g{i}"), format!("Story {i}"), urls[i].clone()))
        .collect();
    site.set("/feed.xml", Page::rss(&rss("Site", &items)));
    let pages: Vec<String> = (0..5)
        .map(|i| site_page("main", &format!("Story {i}"), &story(i)))
        .collect();
    for (i, p) in pages.iter().enumerate() {
        site.set(&format!("/news/{i}"), Page::html(p));
    }
    pass(&env, 0);

    let store = env.store();
    let db = env.db_readonly();
    let template: i64 = db
        .query_row("SELECT version_id FROM page_templates", [], |r| r.get(0))
        .unwrap();
    let mut alone = 0;
    for (i, url) in urls.iter().enumerate() {
        let a = store.article_by_url(url).unwrap().unwrap();
        assert_eq!(
            store.version_page(a.id, 1).unwrap().unwrap(),
            pages[i].as_bytes(),
            "{url}: the page reads back exactly"
        );
        let (dict, bytes, id) = stored(&db, url, 1);
        match dict {
            None => {
                alone += 1;
                assert_eq!(id, template, "the one self-contained page is the template");
            }
            Some(d) => {
                assert_eq!(d, template);
                assert!(
                    bytes * 4 < zstd_alone(&pages[i]),
                    "{url}: {bytes} bytes as a delta vs {} alone",
                    zstd_alone(&pages[i])
                );
            }
        }
    }
    assert_eq!(alone, 1, "only the site's first page is stored alone");

    // A page in another layout (a redesign, a live blog) is stored alone and
    // becomes a second template; pages stored against the first still read
    // back, and the usual layout keeps its template.
    let redesigned = site_page("relaunch", "Story 5", &story(5));
    let url5 = site.url("/news/5");
    items.push(("g5".into(), "Story 5".into(), url5.clone()));
    site.set("/feed.xml", Page::rss(&rss("Site", &items)));
    site.set("/news/5", Page::html(&redesigned));
    pass(&env, 1);
    let (dict, _, id5) = stored(&db, &url5, 1);
    assert_eq!(dict, None);
    let templates: Vec<i64> = db
        .prepare("SELECT version_id FROM page_templates ORDER BY version_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(templates, vec![template, id5]);
    for (i, url) in urls.iter().enumerate() {
        let a = store.article_by_url(url).unwrap().unwrap();
        assert_eq!(
            store.version_page(a.id, 1).unwrap().unwrap(),
            pages[i].as_bytes()
        );
    }

    let usual = site_page("main", "Story 6", &story(6));
    let url6 = site.url("/news/6");
    items.push(("g6".into(), "Story 6".into(), url6.clone()));
    site.set("/feed.xml", Page::rss(&rss("Site", &items)));
    site.set("/news/6", Page::html(&usual));
    pass(&env, 2);
    assert_eq!(stored(&db, &url6, 1).0, Some(template));

    // A rewrite: version 2 is a delta against the article's own first page.
    let mut edited = story(2);
    edited.insert(
        3,
        "The army said later that it had taken control of the dam.".into(),
    );
    let v2 = site_page("main", "Story 2", &edited);
    site.set("/news/2", Page::html(&v2));
    pass(&env, 3);
    let (dict, bytes, _) = stored(&db, &urls[2], 2);
    let (_, _, v1_id) = stored(&db, &urls[2], 1);
    assert_eq!(dict, Some(v1_id));
    assert!(bytes < 300, "a one-paragraph edit costs {bytes} bytes");
    let a = store.article_by_url(&urls[2]).unwrap().unwrap();
    assert_eq!(store.version_page(a.id, 2).unwrap().unwrap(), v2.as_bytes());
    // `marsad page` prints the stored pages byte for byte.
    let out = env.marsad(&["page", &urls[2]]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout, v2.as_bytes());
    let out = env.marsad(&["page", &urls[2], "--version", "1"]);
    assert_eq!(out.stdout, pages[2].as_bytes());
    let out = env.marsad(&["page", &urls[2], "--version", "7"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no version 7"), "{}", stderr(&out));
    assert_eq!(store.integrity_check().unwrap(), "ok");
}
