//! Control developments end to end: an article gains a sentence saying a
//! facility fell to another actor → exactly one `control.changed`; a second
//! outlet repeating it → none; a denial → none.

mod common;
use common::*;

const WATCHLIST: &str = r#"
[[actor]]
id = "rsf"
names = ["Rapid Support Forces", "RSF", "قوات الدعم السريع", "الدعم السريع"]

[[actor]]
id = "saf"
names = ["Sudanese army", "Sudanese Armed Forces", "الجيش السوداني"]

[[facility]]
id = "heglig"
kind = "oil_field"
names = ["Heglig oil field", "Heglig field", "حقل هجليج", "حقل هجليج النفطي"]
controller = "saf"

[[facility]]
id = "jaili"
kind = "refinery"
names = ["al-Jaili refinery", "Jaili refinery", "مصفاة الجيلي"]
controller = "saf"
"#;

fn pass(env: &Env, i: u32) {
    let out = env.marsad_env(&["once"], &[("MARSAD_CLOCK_OFFSET", &format!("{i}h1m"))]);
    assert!(out.status.success(), "pass {i} failed:\n{}", stderr(&out));
}

#[test]
fn a_fall_alerts_once_a_repeat_and_a_denial_do_not() {
    let (site, rx) = (Site::start(), Receiver::start());
    let env = Env::new();
    std::fs::write(env.dir.path().join("watchlist.toml"), WATCHLIST).unwrap();
    env.write_config(&format!(
        "[poll]\nrevisit = [\"1h\",\"2h\",\"3h\",\"4h\",\"5h\"]\n\n[watchlist]\npath = \"watchlist.toml\"\n\n[[feed]]\nurl = \"{}\"\nlang = \"ar\"\n\n[[feed]]\nurl = \"{}\"\nlang = \"en\"\n\n[[webhook]]\nurl = \"{}\"\nsecret = \"{}\"\n",
        site.url("/ar.xml"),
        site.url("/en.xml"),
        rx.url(),
        Receiver::SECRET
    ));
    let p1 =
        "اندلعت اشتباكات عنيفة بين الجيش السوداني وقوات الدعم السريع في محيط حقل هجليج النفطي.";
    let p2 = "وقال سكان إن حركة النزوح تواصلت طوال الليل.";
    site.set(
        "/ar.xml",
        Page::rss(&rss(
            "عربي",
            &[("a1", "اشتباكات قرب هجليج", &site.url("/ar/1"))],
        )),
    );
    site.set("/en.xml", Page::rss(&empty_rss("English")));
    site.set(
        "/ar/1",
        Page::html(&article_page("اشتباكات قرب هجليج", &[p1, p2], "x")),
    );
    pass(&env, 0);
    assert!(
        rx.all().is_empty(),
        "clashes near a place are not a change: {:?}",
        rx.all()
    );

    // The article gains the sentence: the field fell to the RSF.
    let fell =
        "وأعلنت قوات الدعم السريع لاحقا سيطرتها الكاملة على حقل هجليج النفطي بعد انسحاب الجيش منه.";
    site.set(
        "/ar/1",
        Page::html(&article_page("اشتباكات قرب هجليج", &[p1, fell, p2], "x")),
    );
    pass(&env, 1);
    let changed = rx.accepted("control.changed");
    assert_eq!(
        changed.len(),
        1,
        "{:#?}",
        rx.all().iter().map(|r| r.body.clone()).collect::<Vec<_>>()
    );
    let d = &changed[0].body["data"];
    assert_eq!(d["facility"]["id"], "heglig");
    assert_eq!(d["facility"]["kind"], "oil_field");
    assert_eq!(d["from"], "saf");
    assert_eq!(d["to"], "rsf");
    assert_eq!(d["evidence"]["sentence"], fell);
    assert_eq!(d["evidence"]["article"]["url"], site.url("/ar/1"));
    assert_eq!(d["evidence"]["version"], 2);
    assert_eq!(rx.accepted("article.updated").len(), 1);

    // A second outlet repeats it, in English: corroboration, no alert.
    site.set(
        "/en.xml",
        Page::rss(&rss(
            "English",
            &[("e1", "RSF takes Heglig", &site.url("/en/1"))],
        )),
    );
    site.set("/en/1", Page::html(&article_page("RSF seizes Heglig oil field", &["The Rapid Support Forces seized the Heglig oil field on Sunday after the Sudanese army withdrew, witnesses said.", "Oil production had already stopped."], "x")));
    pass(&env, 2);
    assert_eq!(
        rx.accepted("control.changed").len(),
        1,
        "a repeat must not alert"
    );

    // A denial gives none.
    site.set(
        "/en.xml",
        Page::rss(&rss(
            "English",
            &[
                ("e1", "RSF takes Heglig", &site.url("/en/1")),
                ("e2", "Army denies", &site.url("/en/2")),
            ],
        )),
    );
    site.set(
        "/en/2",
        Page::html(&article_page(
            "Army denies losing refinery",
            &[
                "The Sudanese army denied reports that the Jaili refinery had fallen to the RSF.",
                "A spokesman said troops were still deployed there.",
            ],
            "x",
        )),
    );
    pass(&env, 3);
    assert_eq!(
        rx.accepted("control.changed").len(),
        1,
        "a denial must not alert"
    );
    assert!(rx.accepted("control.disputed").is_empty());

    let state = env.marsad(&["state", "--json"]);
    let state: serde_json::Value = serde_json::from_slice(&state.stdout).unwrap();
    let heglig = state
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["facility"] == "heglig")
        .unwrap();
    assert_eq!(heglig["controller"], "rsf");
    assert!(heglig["sources"].as_i64().unwrap() >= 2, "{heglig}");
    let jaili = state
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["facility"] == "jaili")
        .unwrap();
    assert_eq!(jaili["controller"], "saf");
}
