//! `marsad demo`: an offline first run on a bundled scenario.
//!
//! A loopback site serves an Arabic RSS feed (pages in windows-1256, as many
//! Arabic sites still do) and an English Atom feed whose articles develop over
//! four passes, modelled on north-east Syria in January 2026. The real
//! pipeline runs against a temporary database and posts signed webhooks to a
//! local receiver, which prints each alert as it arrives. Nothing outside the
//! binary is needed.

use crate::alert::webhook;
use crate::cli::ops::render_change;
use crate::config;
use crate::pipeline::{run_pass, Context};
use crate::store::Store;
use anyhow::Result;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const WATCHLIST: &str = include_str!("../../config/watchlist.toml");
const SECRET: &[u8] = b"demo-secret";

/// One article as it reads at one stage.
struct Story {
    path: &'static str,
    lang: &'static str,
    /// First stage at which it is published.
    from: usize,
    /// (stage from which this text applies, title, paragraphs)
    texts: &'static [(usize, &'static str, &'static [&'static str])],
}

const STAGES: &[&str] = &[
    "pass 1 — first sight of both feeds (a headline already reports a loss of control)",
    "pass 2 — the English report is rewritten: the army took the al-Omar field",
    "pass 3 — a new Arabic report (Conoco gas field); the prison report gains a warning and a denial",
    "pass 4 — a second outlet repeats the al-Omar news, and a denial about the Tabqa Dam: no new alert",
];

const STORIES: &[Story] = &[
    Story {
        path: "/ar/news/shaddadi",
        lang: "ar",
        from: 0,
        texts: &[
            (
                0,
                "قسد تعلن خروج سجن الشدادي عن سيطرتها",
                &[
                    "أعلنت قوات سوريا الديمقراطية مساء الاثنين أن سجن الشدادي الذي يضم معتقلين من تنظيم داعش خرج عن سيطرتها بعد هجمات متكررة.",
                    "وقالت قـسد في بيان إن فصائل تابعة للحكومة تواصل هجماتها في محيط البلدة رغم إعلان وقف إطلاق النار.",
                    "ولم يصدر تعليق فوري من دمشق.",
                ],
            ),
            (
                2,
                "قسد تعلن خروج سجن الشدادي عن سيطرتها.. ودمشق تحذر",
                &[
                    "أعلنت قوات سوريا الديمقراطية مساء الاثنين أن سجن الشدادي الذي يضم معتقلين من تنظيم داعش خرج عن سيطرتها بعد هجمات متكررة.",
                    "وقالت قـسد في بيان إن فصائل تابعة للحكومة تواصل هجماتها في محيط البلدة رغم إعلان وقف إطلاق النار.",
                    "وحذرت الحكومة السورية قسد من تسهيل فرار محتجزي داعش، مؤكدة أن أي خرق أمني ستكون مسؤوليته على الجهة المسيطرة.",
                    "ونفت مصادر حكومية أن تكون القوات الحكومية قد دخلت السجن.",
                ],
            ),
        ],
    },
    Story {
        path: "/ar/news/conoco",
        lang: "ar",
        from: 2,
        texts: &[(
            2,
            "الجيش السوري يستعيد السيطرة على حقل كونكو للغاز",
            &[
                "أعلنت مصادر عسكرية أن الجيش السوري استعاد السيطرة على حقل كونكو للغاز في ريف دير الزور بعد انسحاب مقاتلي قسد منه.",
                "وأوضح مدير في الشركة السورية للبترول أن التنسيق جار لتسلم بقية الحقول حال تأمين المنطقة.",
            ],
        )],
    },
    Story {
        path: "/en/news/omar",
        lang: "en",
        from: 0,
        texts: &[
            (
                0,
                "Clashes reported near al-Omar oil field",
                &[
                    "Fighting broke out on Monday between government forces and the SDF near the al-Omar oil field in Deir ez-Zor province, residents said.",
                    "The field, Syria's largest, has been run by the Syrian Democratic Forces since 2017.",
                    "There was no immediate word on casualties.",
                ],
            ),
            (
                1,
                "Syrian army takes al-Omar oil field",
                &[
                    "Fighting broke out on Monday between government forces and the SDF near the al-Omar oil field in Deir ez-Zor province, residents said.",
                    "The Syrian army took control of the al-Omar oil field on Tuesday, a military source told state media.",
                    "The field, Syria's largest, has been run by the Syrian Democratic Forces since 2017.",
                    "There was no immediate word on casualties.",
                ],
            ),
        ],
    },
    Story {
        path: "/en/news/fields",
        lang: "en",
        from: 3,
        texts: &[(
            3,
            "Army consolidates its hold on eastern oil fields",
            &[
                "Government troops remain in control of the al-Omar oil field, the defence ministry said on Wednesday.",
                "The SDF denied reports that it had handed over the Tabqa Dam.",
            ],
        )],
    },
];

fn text_at(story: &Story, stage: usize) -> Option<(usize, &'static str, &'static [&'static str])> {
    if stage < story.from {
        return None;
    }
    story
        .texts
        .iter()
        .rev()
        .find(|(s, _, _)| *s <= stage)
        .copied()
}

fn page_html(story: &Story, stage: usize) -> Option<Vec<u8>> {
    let (_, title, paras) = text_at(story, stage)?;
    let (dir, charset, home) = if story.lang == "ar" {
        ("rtl", "windows-1256", "الرئيسية")
    } else {
        ("ltr", "utf-8", "Home")
    };
    let body: String = paras.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    let html = format!(
        "<!doctype html><html lang=\"{lang}\" dir=\"{dir}\"><head><meta charset=\"{charset}\"><title>{title}</title></head><body>\n<header><nav><a href=\"/\">{home}</a></nav></header>\n<main><article><h1>{title}</h1>\n{body}</article></main>\n<aside class=\"related\"><a href=\"/\">{home}</a></aside><footer>© 2026 · {stage}</footer></body></html>",
        lang = story.lang
    );
    if story.lang == "ar" {
        // Served in windows-1256, as many Arabic news sites still do.
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(&html);
        Some(bytes.into_owned())
    } else {
        Some(html.into_bytes())
    }
}

fn feed_xml(base: &str, lang: &str, stage: usize) -> String {
    let live: Vec<&Story> = STORIES
        .iter()
        .filter(|s| s.lang == lang && s.from <= stage)
        .collect();
    // The entry's date moves when its text changes, so the feed shows the update.
    let date = |s: &Story| text_at(s, stage).map(|(from, _, _)| from).unwrap_or(0);
    if lang == "ar" {
        let items: String = live
            .iter()
            .map(|s| {
                let (_, title, _) = text_at(s, stage).unwrap_or((0, "", &[]));
                format!("<item><title>{title}</title><link>{base}{}</link><guid>{base}{}</guid><pubDate>Mon, 19 Jan 2026 0{}:00:00 GMT</pubDate></item>\n", s.path, s.path, date(s))
            })
            .collect();
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>مرصد الأخبار</title><link>{base}/ar/</link><description>عرض تجريبي</description>\n{items}</channel></rss>")
    } else {
        let items: String = live
            .iter()
            .map(|s| {
                let (_, title, _) = text_at(s, stage).unwrap_or((0, "", &[]));
                format!("<entry><title>{title}</title><link href=\"{base}{}\"/><id>tag:demo,2026:{}</id><updated>2026-01-19T0{}:00:00Z</updated></entry>\n", s.path, s.path, date(s))
            })
            .collect();
        format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Demo Desk</title><id>tag:demo,2026:en</id><updated>2026-01-19T00:00:00Z</updated>\n{items}</feed>")
    }
}

#[derive(Clone)]
struct SiteState {
    stage: Arc<AtomicUsize>,
    base: Arc<Mutex<String>>,
}

async fn site(State(st): State<SiteState>, uri: Uri) -> Response {
    let stage = st.stage.load(Ordering::SeqCst);
    let base = st.base.lock().map(|b| b.clone()).unwrap_or_default();
    match uri.path() {
        "/ar/rss.xml" => (
            [("content-type", "application/rss+xml; charset=utf-8")],
            feed_xml(&base, "ar", stage),
        )
            .into_response(),
        "/en/atom.xml" => (
            [("content-type", "application/atom+xml; charset=utf-8")],
            feed_xml(&base, "en", stage),
        )
            .into_response(),
        path => match STORIES
            .iter()
            .find(|s| s.path == path)
            .and_then(|s| page_html(s, stage))
        {
            Some(body) => ([("content-type", "text/html")], body).into_response(),
            None => (StatusCode::NOT_FOUND, "not found").into_response(),
        },
    }
}

#[derive(Clone, Default)]
struct Inbox {
    count: Arc<AtomicUsize>,
}

async fn receiver(State(inbox): State<Inbox>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let h = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let text = String::from_utf8_lossy(&body);
    let ok = webhook::verify(
        SECRET,
        &h("webhook-id"),
        h("webhook-timestamp").parse().unwrap_or(0),
        &text,
        &h("webhook-signature"),
    );
    let n = inbox.count.fetch_add(1, Ordering::SeqCst) + 1;
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    println!("{}", render_alert(n, &v, ok));
    StatusCode::NO_CONTENT
}

/// A readable rendering of one webhook body.
pub fn render_alert(n: usize, v: &serde_json::Value, signature_ok: bool) -> String {
    let kind = v["type"].as_str().unwrap_or("?");
    let d = &v["data"];
    let s = |x: &serde_json::Value| x.as_str().unwrap_or("—").to_string();
    let mut out = format!(
        "\n  ── alert {n}: {kind}  [{} · signature {}]\n",
        s(&v["id"]),
        if signature_ok { "ok" } else { "INVALID" }
    );
    match kind {
        "article.updated" => {
            out.push_str(&format!(
                "     {}\n     {}  (v{} → v{})\n",
                s(&d["article"]["title"]),
                s(&d["article"]["url"]),
                d["previous_version"],
                d["version"]
            ));
            if let Ok(change) = serde_json::from_value::<DiffView>(d["diff"].clone()) {
                let c = crate::diff::Change {
                    added: change.added,
                    removed: change.removed,
                    moved: change.moved,
                    changed: Vec::new(),
                    unified: String::new(),
                };
                for line in render_change(&c).lines() {
                    out.push_str(&format!("   {line}\n"));
                }
            }
        }
        "control.changed" | "control.disputed" => {
            let f = &d["facility"];
            out.push_str(&format!(
                "     {} ({}): {} → {}\n",
                s(&f["name"]),
                s(&f["kind"]),
                d["from"].as_str().unwrap_or("unknown"),
                d["to"].as_str().unwrap_or("unknown")
            ));
            out.push_str(&format!(
                "     evidence: “{}”\n     in: {} — {} (v{})\n",
                s(&d["evidence"]["sentence"]),
                s(&d["evidence"]["article"]["title"]),
                s(&d["evidence"]["article"]["url"]),
                d["evidence"]["version"]
            ));
        }
        _ => out.push_str(&format!("     {d}\n")),
    }
    out
}

#[derive(serde::Deserialize)]
struct DiffView {
    #[serde(default)]
    added: Vec<String>,
    #[serde(default)]
    removed: Vec<String>,
    #[serde(default)]
    moved: Vec<String>,
}

async fn serve(app: axum::Router) -> Result<std::net::SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(addr)
}

pub async fn run(pause: Duration) -> Result<()> {
    let stage = Arc::new(AtomicUsize::new(0));
    let base = Arc::new(Mutex::new(String::new()));
    let site_addr = serve(axum::Router::new().fallback(site).with_state(SiteState {
        stage: stage.clone(),
        base: base.clone(),
    }))
    .await?;
    *base.lock().map_err(|_| anyhow::anyhow!("lock"))? = format!("http://{site_addr}");
    let inbox = Inbox::default();
    let hook_addr = serve(
        axum::Router::new()
            .route("/hook", axum::routing::post(receiver))
            .with_state(inbox.clone()),
    )
    .await?;

    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("watchlist.toml"), WATCHLIST)?;
    let cfg_text = format!(
        "[storage]\npath = \"demo.db\"\n\n[watchlist]\npath = \"watchlist.toml\"\n\n[[feed]]\nurl = \"http://{site_addr}/ar/rss.xml\"\nname = \"مرصد الأخبار (demo)\"\nlang = \"ar\"\n\n[[feed]]\nurl = \"http://{site_addr}/en/atom.xml\"\nname = \"Demo Desk\"\nlang = \"en\"\n\n[[webhook]]\nurl = \"http://{hook_addr}/hook\"\nsecret = \"demo-secret\"\n"
    );
    let cfg_path = dir.path().join("marsad.toml");
    std::fs::write(&cfg_path, &cfg_text)?;
    let cfg = config::load(&cfg_path).map_err(|e| anyhow::anyhow!("{e}"))?;
    let store = Arc::new(Store::open(&cfg.storage.path)?);
    store.sync_feeds(&cfg.feeds, crate::clock::now_ms())?;
    let ctx = Context::new(Arc::new(cfg.clone()), store.clone())?;
    let dispatcher = ctx.dispatcher().map_err(anyhow::Error::msg)?;

    println!("marsad demo — an offline run of the real pipeline on a bundled scenario");
    println!("  site      http://{site_addr}  (Arabic RSS, pages in windows-1256; English Atom)");
    println!("  webhooks  http://{hook_addr}/hook  (every signature is checked)");
    println!("  database  {}", cfg.storage.path.display());
    for (i, title) in STAGES.iter().enumerate() {
        stage.store(i, Ordering::SeqCst);
        println!("\n▶ {title}");
        let before = inbox.count.load(Ordering::SeqCst);
        let report = run_pass(&ctx, &dispatcher).await?;
        // Deliveries are synchronous within the pass; give the printer a moment.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let got = inbox.count.load(Ordering::SeqCst) - before;
        println!(
            "  ({} feeds polled, {} pages fetched, {} new versions, {} alert{})",
            report.feeds,
            report.articles_visited,
            report.versions,
            got,
            if got == 1 { "" } else { "s" }
        );
        tokio::time::sleep(pause).await;
    }
    println!("\n▶ facility control now (marsad state):");
    for f in &cfg.watchlist.facilities {
        if let Some(s) = store.facility_state(&f.id)? {
            println!(
                "  {} — {} (since {}, {} source{})",
                f.names.first().map(String::as_str).unwrap_or(&f.id),
                s.controller.as_deref().unwrap_or("unknown"),
                crate::events::rfc3339(s.since),
                s.sources,
                if s.sources == 1 { "" } else { "s" }
            );
        }
    }
    println!("\n{} alerts received. Run it for real: cargo run --release -- run --config config/marsad.toml", inbox.count.load(Ordering::SeqCst));
    Ok(())
}
