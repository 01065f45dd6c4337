//! What an element's tag, class, id and role say about it: boilerplate
//! (navigation, share bars, related links, comments, cookie and subscription
//! banners, ads) or content.
//!
//! Class and id values are split into lower-case tokens (`related-posts` →
//! `related`, `posts`; `shareBar` → `sharebar`) and the tokens are tested
//! against word stems: a substring test on the raw attribute would read
//! `ad` in `header` or `shadow`.

use super::dom::Tag;

/// The verdict on one element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    None,
    /// Page furniture by its markup (nav, footer, menus, headers…): dropped
    /// when inside the article, but a page-wide wrapper carrying such a
    /// class is not trusted (see `content`).
    Weak,
    /// Clearly not article text (comments, share bars, related links,
    /// cookie/newsletter banners, ads).
    Strong,
    /// Comment sections: furniture however much text they hold.
    Never,
}

/// Stems that mark an element as clearly not article text.
const STRONG: &[&str] = &[
    "comment",
    "disqus",
    "share",
    "sharing",
    "social",
    "related",
    "recommend",
    "cookie",
    "consent",
    "gdpr",
    "newsletter",
    "subscri",
    "signup",
    "advert",
    "sponsor",
    "promo",
    "outbrain",
    "taboola",
    "breadcrumb",
    "popup",
    "modal",
    "trending",
    "mostread",
    "mostpopular",
    "popular",
    "readmore",
    "readnext",
    "seealso",
    "moreread",
    "morestories",
    "banner",
    "byline",
    "dateline",
    "toolbar",
    "pagination",
    "pager",
    "tags",
    "taglist",
    "keywords",
    "print",
    "rating",
    "author",
    "widget",
    "sidebar",
    "skiplink",
    "jump",
    "masthead",
    "copyright",
    "disclaimer",
    "follow",
    "login",
    "donate",
];

/// Whole tokens that mark an element as furniture.
const WEAK_TOKENS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "footer",
    "header",
    "meta",
    "ad",
    "ads",
    "adv",
    "topbar",
    "bottom",
    "tools",
    "utility",
    "caption",
    "credit",
    "credits",
    "timestamp",
    "date",
    "time",
    "published",
    "updated",
    "hidden",
    "skip",
    "share",
    "aside",
    "extra",
    "secondary",
    "rail",
    "teaser",
    "teasers",
    "links",
    "more",
    "newsticker",
    "ticker",
];

/// Tokens that say "this is the content".
const POSITIVE: &[&str] = &[
    "article",
    "body",
    "content",
    "entry",
    "hentry",
    "main",
    "page",
    "post",
    "text",
    "blog",
    "story",
    "prose",
    "richtext",
    "paragraph",
    "detail",
    "details",
    "news",
];

/// Lower-case tokens of a class/id string.
pub fn tokens(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_ascii_lowercase)
}

fn has_strong(tok: &str) -> bool {
    // "commentary" is an opinion piece, not a comment section.
    if tok.starts_with("commentar") {
        return false;
    }
    // Exceptions where a strong stem is part of a content word.
    if tok.starts_with("author") && tok.len() > 12 {
        return false;
    }
    STRONG.iter().any(|s| tok.contains(s))
}

/// The hint of one element.
pub fn hint(tag: Tag, class: &str, id: &str, role: Option<&str>, itemprop: Option<&str>) -> Hint {
    if itemprop.is_some_and(|p| p.contains("articleBody") || p.contains("text")) {
        return Hint::None;
    }
    if let Some(r) = role {
        let r = r.trim().to_ascii_lowercase();
        if matches!(
            r.as_str(),
            "navigation"
                | "banner"
                | "contentinfo"
                | "complementary"
                | "dialog"
                | "alertdialog"
                | "menu"
                | "menubar"
                | "search"
        ) {
            return Hint::Weak;
        }
    }
    let structural = matches!(
        tag,
        Tag::Nav | Tag::Aside | Tag::Footer | Tag::Header | Tag::Form
    );
    if matches!(tag, Tag::Body | Tag::Main) {
        return Hint::None;
    }
    if is_comment_section(class, id) {
        return Hint::Never;
    }
    let toks: Vec<String> = tokens(class).chain(tokens(id)).collect();
    if toks.iter().any(|t| has_strong(t)) {
        return Hint::Strong;
    }
    let positive = toks.iter().any(|t| POSITIVE.contains(&t.as_str()));
    if toks.iter().any(|t| WEAK_TOKENS.contains(&t.as_str()))
        && !(positive && matches!(tag, Tag::Article))
    {
        return Hint::Weak;
    }
    if structural {
        return Hint::Weak;
    }
    Hint::None
}

/// Readability-style class weight: +25 for content-like names, −25 for
/// boilerplate-like ones, on class and id each.
pub fn class_weight(class: &str, id: &str) -> i32 {
    let mut w = 0;
    for s in [class, id] {
        if s.is_empty() {
            continue;
        }
        let toks: Vec<String> = tokens(s).collect();
        if toks
            .iter()
            .any(|t| has_strong(t) || WEAK_TOKENS.contains(&t.as_str()))
        {
            w -= 25;
        }
        if toks.iter().any(|t| POSITIVE.iter().any(|p| t.contains(p))) {
            w += 25;
        }
    }
    w
}

/// A paywall overlay or teaser cut-off by its class/id.
pub fn is_paywall(class: &str, id: &str) -> bool {
    tokens(class).chain(tokens(id)).any(|t| {
        t.contains("paywall")
            || t.contains("regwall")
            || t == "premium-content"
            || t.contains("subscriberonly")
            || t.contains("subscribersonly")
            || t == "locked"
            || t == "piano"
    }) || class.to_ascii_lowercase().contains("subscriber-only")
        || class.to_ascii_lowercase().contains("subscribers-only")
}

/// Text only for screen readers ("Advertisement", "Skip to content"), or
/// hidden by a utility class. Whole class names only: `hidden-xs` merely
/// hides on phones.
pub fn is_screen_reader_only(class: &str) -> bool {
    class.split_ascii_whitespace().any(|c| {
        matches!(
            c.to_ascii_lowercase().as_str(),
            "sr-only"
                | "visually-hidden"
                | "visuallyhidden"
                | "screen-reader-text"
                | "screen-reader-only"
                | "offscreen"
                | "hidden"
                | "hide"
                | "d-none"
        )
    })
}

/// Comment sections: never article text, even when large.
pub fn is_comment_section(class: &str, id: &str) -> bool {
    tokens(class)
        .chain(tokens(id))
        .any(|t| (t.starts_with("comment") && !t.starts_with("commentar")) || t.contains("disqus"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_matching_avoids_substrings() {
        assert_eq!(
            hint(Tag::Div, "shadow header-x", "", None, None),
            Hint::Weak
        );
        assert_eq!(hint(Tag::Div, "shadow", "", None, None), Hint::None);
        assert_eq!(hint(Tag::Div, "loaded", "", None, None), Hint::None);
        assert_eq!(hint(Tag::Div, "ad-slot", "", None, None), Hint::Weak);
    }

    #[test]
    fn strong_and_structural() {
        assert_eq!(
            hint(Tag::Div, "related-posts", "", None, None),
            Hint::Strong
        );
        assert_eq!(hint(Tag::Section, "", "comments", None, None), Hint::Never);
        assert_eq!(hint(Tag::Nav, "", "", None, None), Hint::Weak);
        assert_eq!(hint(Tag::Div, "", "", Some("navigation"), None), Hint::Weak);
        assert_eq!(hint(Tag::Div, "article-body", "", None, None), Hint::None);
        assert_eq!(
            hint(Tag::Div, "social", "", None, Some("articleBody")),
            Hint::None
        );
    }

    #[test]
    fn weights() {
        assert_eq!(class_weight("article-content", ""), 25);
        assert_eq!(class_weight("sidebar", "comments"), -50);
    }

    #[test]
    fn paywall_and_sr() {
        assert!(is_paywall("c-paywall", ""));
        assert!(!is_paywall("article", ""));
        assert!(is_screen_reader_only("sr-only"));
    }
}
