//! `marsad import-opml` / `export-opml`: feeds from and to other readers.

mod common;
use common::*;

#[test]
fn opml_import_then_export_round_trips_nested_outlines() {
    let env = Env::new();
    env.write_config("# my feeds, keep this comment\n[[feed]]\nurl = \"https://already.example/rss\"\nname = \"Already\"\n");
    let opml = env.dir.path().join("in.opml");
    std::fs::write(
        &opml,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>From another reader</title></head><body>
  <outline text="Syria">
    <outline text="Arabic">
      <outline type="rss" text="عنب بلدي" xmlUrl="https://ar.example/feed" language="ar"/>
    </outline>
    <outline type="rss" text="Wire &amp; Co" xmlUrl="https://wire.example/rss"/>
  </outline>
  <outline type="rss" text="Already" xmlUrl="https://already.example/rss"/>
  <outline type="rss" text="Broken" xmlUrl="ftp://nope.example/x"/>
</body></opml>"#,
    )
    .unwrap();
    let out = env.marsad(&["import-opml", opml.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("2 feeds added")
            && stdout(&out).contains("1 already there")
            && stdout(&out).contains("1 invalid"),
        "{}",
        stdout(&out)
    );
    let text = std::fs::read_to_string(env.config_path()).unwrap();
    assert!(text.contains("# my feeds, keep this comment"));
    assert!(env.marsad(&["check-config"]).status.success());

    // Importing again adds nothing.
    let again = env.marsad(&["import-opml", opml.to_str().unwrap()]);
    assert!(
        stdout(&again).contains("0 feeds added"),
        "{}",
        stdout(&again)
    );

    let exported = env.marsad(&["export-opml"]);
    assert!(exported.status.success());
    let feeds = marsad::opml::parse(&stdout(&exported)).unwrap();
    let mut got: Vec<(String, Option<String>, Option<String>)> = feeds
        .into_iter()
        .map(|f| (f.url, f.title, f.category))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (
                "https://already.example/rss".into(),
                Some("Already".into()),
                None
            ),
            (
                "https://ar.example/feed".into(),
                Some("عنب بلدي".into()),
                Some("Syria/Arabic".into())
            ),
            (
                "https://wire.example/rss".into(),
                Some("Wire & Co".into()),
                Some("Syria".into())
            ),
        ]
    );
}
