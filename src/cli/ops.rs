//! Read-side and operator commands: history, diff, state, feeds, outbox, backup.

use super::{exit, open_store, OutboxAction};
use crate::config::Config;
use crate::events::rfc3339;
use anyhow::{anyhow, bail, Result};
use serde_json::json;
use std::path::Path;

fn canonical(url: &str) -> String {
    url::Url::parse(url.trim())
        .map(|u| crate::feed::canon::canonicalize(&u).to_string())
        .unwrap_or_else(|_| url.trim().to_string())
}

fn when(ms: Option<i64>) -> String {
    ms.map(rfc3339).unwrap_or_else(|| "-".into())
}

pub fn history(cfg: &Config, url: &str, json: bool) -> Result<i32> {
    let store = open_store(cfg)?;
    let Some(a) = store.article_by_url(&canonical(url))? else {
        bail!("no article with URL {url} (use the canonical URL shown in alerts)");
    };
    let versions = store.versions(a.id)?;
    if json {
        let vs: Vec<_> = versions.iter().map(|v| json!({"version": v.number, "fetched": rfc3339(v.fetched_at), "title": v.title, "published": v.published, "chars": v.body.chars().count(), "hash": v.body_hash})).collect();
        println!(
            "{}",
            json!({"url": a.url, "title": a.title, "feed": a.feed_name, "live_version": a.live_version, "versions": vs})
        );
        return Ok(exit::OK);
    }
    println!(
        "{}\n  {}\n  feed: {}",
        a.title.as_deref().unwrap_or("(untitled)"),
        a.url,
        a.feed_name.as_deref().unwrap_or("-")
    );
    for v in &versions {
        let live = if v.number == a.live_version {
            "  (live)"
        } else {
            ""
        };
        println!(
            "  v{:<3} {}  {:>6} chars  {}{live}",
            v.number,
            rfc3339(v.fetched_at),
            v.body.chars().count(),
            v.title.as_deref().unwrap_or("")
        );
    }
    if versions.is_empty() {
        println!(
            "  no versions yet{}",
            a.last_error
                .as_deref()
                .map(|e| format!(" (last error: {e})"))
                .unwrap_or_default()
        );
    }
    Ok(exit::OK)
}

pub fn page(cfg: &Config, url: &str, version: Option<i64>) -> Result<i32> {
    let store = open_store(cfg)?;
    let a = store
        .article_by_url(&canonical(url))?
        .ok_or_else(|| anyhow!("no article with URL {url}"))?;
    let n = version.unwrap_or(a.current_version);
    match store.version_page(a.id, n)? {
        Some(page) => {
            std::io::Write::write_all(&mut std::io::stdout().lock(), &page)?;
            Ok(exit::OK)
        }
        None if n >= 1 && n <= a.current_version => {
            bail!("{url}: version {n} was stored without its page")
        }
        None => bail!(
            "{url} has versions 1..{}; no version {n}",
            a.current_version
        ),
    }
}

pub fn diff(
    cfg: &Config,
    url: &str,
    from: Option<i64>,
    to: Option<i64>,
    json: bool,
) -> Result<i32> {
    let store = open_store(cfg)?;
    let a = store
        .article_by_url(&canonical(url))?
        .ok_or_else(|| anyhow!("no article with URL {url}"))?;
    let to_n = to.unwrap_or(a.current_version);
    let from_n = from.unwrap_or(to_n - 1);
    let (Some(old), Some(new)) = (store.version(a.id, from_n)?, store.version(a.id, to_n)?) else {
        bail!(
            "{url} has versions 1..{}; cannot diff v{from_n} → v{to_n}",
            a.current_version
        );
    };
    let change = crate::diff::diff(
        &old.body,
        &new.body,
        (&format!("v{from_n}"), &format!("v{to_n}")),
    );
    if json {
        println!(
            "{}",
            json!({"url": a.url, "from": from_n, "to": to_n, "title": {"from": old.title, "to": new.title}, "diff": change})
        );
        return Ok(exit::OK);
    }
    if old.title != new.title {
        println!(
            "title: {} → {}",
            old.title.as_deref().unwrap_or(""),
            new.title.as_deref().unwrap_or("")
        );
    }
    print!("{}", render_change(&change));
    Ok(exit::OK)
}

/// A readable rendering of a change, for terminals.
pub fn render_change(c: &crate::diff::Change) -> String {
    let mut out = String::new();
    for r in &c.changed {
        out.push_str(&format!("  ~ {}\n", r.words));
    }
    let rewritten_to: Vec<&str> = c.changed.iter().map(|r| r.to.as_str()).collect();
    let rewritten_from: Vec<&str> = c.changed.iter().map(|r| r.from.as_str()).collect();
    for s in c
        .added
        .iter()
        .filter(|s| !rewritten_to.contains(&s.as_str()))
    {
        out.push_str(&format!("  + {s}\n"));
    }
    for s in c
        .removed
        .iter()
        .filter(|s| !rewritten_from.contains(&s.as_str()))
    {
        out.push_str(&format!("  - {s}\n"));
    }
    for s in &c.moved {
        out.push_str(&format!("  ↕ {s}\n"));
    }
    if out.is_empty() {
        out.push_str("  (no change)\n");
    }
    out
}

pub fn state(cfg: &Config, json: bool) -> Result<i32> {
    let store = open_store(cfg)?;
    let rows = store.facility_states()?;
    let wl = &cfg.watchlist;
    if json {
        let mut out = Vec::new();
        for f in &wl.facilities {
            let s = rows.iter().find(|r| r.facility == f.id);
            out.push(json!({
                "facility": f.id, "name": f.names.first(), "kind": f.kind,
                "controller": s.map(|s| s.controller.clone()).unwrap_or(f.controller.clone()),
                "since": s.map(|s| rfc3339(s.since)), "evidence": s.and_then(|s| s.sentence.clone()),
                "article": s.and_then(|s| s.article_url.clone()), "sources": s.map(|s| s.sources).unwrap_or(0),
            }));
        }
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(exit::OK);
    }
    for f in &wl.facilities {
        let s = rows.iter().find(|r| r.facility == f.id);
        let controller = s
            .map(|s| s.controller.clone())
            .unwrap_or(f.controller.clone())
            .unwrap_or_else(|| "unknown".into());
        let name = f.names.first().map(String::as_str).unwrap_or(&f.id);
        println!("{name} [{}] ({}): {controller}", f.id, f.kind);
        match s {
            Some(s) => println!(
                "    since {} · {} source{}\n    “{}”\n    {}",
                rfc3339(s.since),
                s.sources,
                if s.sources == 1 { "" } else { "s" },
                s.sentence.as_deref().unwrap_or(""),
                s.article_url.as_deref().unwrap_or("")
            ),
            None => println!(
                "    {}",
                if f.controller.is_some() {
                    "from the watchlist; no report yet"
                } else {
                    "no report yet"
                }
            ),
        }
    }
    Ok(exit::OK)
}

pub fn feeds(cfg: &Config, json: bool) -> Result<i32> {
    let store = open_store(cfg)?;
    store.sync_feeds(&cfg.feeds, crate::clock::now_ms())?;
    let feeds = store.feeds(false)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&feeds)?);
        return Ok(exit::OK);
    }
    for f in &feeds {
        let status = match (f.active, f.error_count) {
            (false, _) => "removed".to_string(),
            (true, 0) => f
                .last_status
                .clone()
                .map(|s| format!("ok ({s})"))
                .unwrap_or_else(|| "never polled".into()),
            (true, n) => format!("failing ({n} errors since {})", when(f.failing_since)),
        };
        println!(
            "{}\n    {}\n    status: {status}; last poll {}; next poll {}; {} entries",
            f.display_name(),
            f.url,
            when(f.last_poll_at),
            when(Some(f.next_poll_at).filter(|&t| t > 0)),
            f.articles
        );
        if let Some(e) = &f.last_error {
            println!("    last error: {e}");
        }
    }
    Ok(exit::OK)
}

pub fn outbox(cfg: &Config, action: Option<OutboxAction>, dead: bool, json: bool) -> Result<i32> {
    let store = open_store(cfg)?;
    if let Some(OutboxAction::Retry { id, all }) = action {
        if id.is_none() && !all {
            bail!("give a delivery ID or --all");
        }
        let n = store.outbox_retry(if all { None } else { id }, crate::clock::now_ms())?;
        println!(
            "{n} deliver{} queued again",
            if n == 1 { "y" } else { "ies" }
        );
        return Ok(exit::OK);
    }
    let rows = store.outbox(dead, 10_000)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(exit::OK);
    }
    if rows.is_empty() {
        println!(
            "no {} deliveries",
            if dead { "dead-lettered" } else { "pending" }
        );
    }
    for r in &rows {
        println!(
            "#{} {} {} → {}  attempts {}  next {}  {}",
            r.id,
            r.event_id,
            r.kind,
            r.webhook,
            r.attempts,
            when(Some(r.next_attempt_at)),
            r.last_error.as_deref().unwrap_or("")
        );
    }
    Ok(exit::OK)
}

pub fn backup(cfg: &Config, path: &Path) -> Result<i32> {
    if path.exists() {
        bail!("{} exists; refusing to overwrite it", path.display());
    }
    let store = open_store(cfg)?;
    store.backup(path)?;
    println!(
        "backed up {} to {}",
        cfg.storage.path.display(),
        path.display()
    );
    Ok(exit::OK)
}

/// Adds the feeds of an OPML file to the config file (comments and layout
/// kept), skipping feeds already listed. The result is validated before it
/// replaces the file.
pub fn import_opml(config_path: &Path, opml_path: &Path) -> Result<i32> {
    let opml =
        std::fs::read_to_string(opml_path).map_err(|e| anyhow!("{}: {e}", opml_path.display()))?;
    let feeds = crate::opml::parse(&opml).map_err(|e| anyhow!("{}: {e}", opml_path.display()))?;
    let text = std::fs::read_to_string(config_path)
        .map_err(|e| anyhow!("{}: {e}", config_path.display()))?;
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| anyhow!("{}: {e}", config_path.display()))?;
    let existing: Vec<String> = crate::config::parse(
        &text,
        &config_path.display().to_string(),
        config_path.parent(),
    )
    .map_err(|e| anyhow!("{e}"))?
    .feeds
    .iter()
    .map(|f| f.url.to_string())
    .collect();
    let (mut added, mut skipped, mut invalid) = (0, 0, 0);
    let mut seen = existing.clone();
    for f in feeds {
        let Ok(url) = url::Url::parse(&f.url) else {
            eprintln!("skipping {:?}: not a URL", f.url);
            invalid += 1;
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") {
            eprintln!("skipping {url}: not http(s)");
            invalid += 1;
            continue;
        }
        if seen.contains(&url.to_string()) {
            skipped += 1;
            continue;
        }
        seen.push(url.to_string());
        let mut t = toml_edit::Table::new();
        t.insert("url", toml_edit::value(url.as_str()));
        if let Some(n) = &f.title {
            t.insert("name", toml_edit::value(n.as_str()));
        }
        if let Some(l) = &f.lang {
            t.insert("lang", toml_edit::value(l.as_str()));
        }
        if let Some(c) = &f.category {
            t.insert("category", toml_edit::value(c.as_str()));
        }
        match doc.get_mut("feed").and_then(|i| i.as_array_of_tables_mut()) {
            Some(a) => a.push(t),
            None => {
                let mut a = toml_edit::ArrayOfTables::new();
                a.push(t);
                doc.insert("feed", toml_edit::Item::ArrayOfTables(a));
            }
        }
        added += 1;
    }
    let new_text = doc.to_string();
    crate::config::parse(
        &new_text,
        &config_path.display().to_string(),
        config_path.parent(),
    )
    .map_err(|e| anyhow!("the imported config would be invalid:\n{e}"))?;
    let tmp = config_path.with_extension("toml.tmp");
    std::fs::write(&tmp, new_text)?;
    std::fs::rename(&tmp, config_path)?;
    println!("{added} feeds added to {}, {skipped} already there, {invalid} invalid; reload marsad (systemctl reload marsad) to poll them", config_path.display());
    Ok(exit::OK)
}

pub fn export_opml(cfg: &Config) -> Result<i32> {
    let feeds: Vec<crate::opml::OpmlFeed> = cfg
        .feeds
        .iter()
        .map(|f| crate::opml::OpmlFeed {
            url: f.url.to_string(),
            title: f.name.clone(),
            html_url: None,
            lang: f.lang.clone(),
            category: f.category.clone(),
        })
        .collect();
    print!("{}", crate::opml::render("marsad feeds", &feeds));
    Ok(exit::OK)
}
