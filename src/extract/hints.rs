//! What an element's tag, class, id and role say about it: boilerplate
//! (navigation, share bars, related links, comments, cookie and subscription
//! banners, ads) or content.
//!
//! Class and id values are split into lower-case tokens (`related-posts` →
//! `related`, `posts`; `shareBar` → `sharebar`) and the tokens are tested
//! against word stems: a substring test on the raw attribute would read
//! `ad` in `header` or `shadow`.

use super::dom::Tag;
use aho_corasick::AhoCorasick;
use std::sync::OnceLock;

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
    "skip",
    "share",
    "aside",
    "extra",
    "secondary",
    "rail",
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

/// Whole tokens that name an article's lead: the first paragraph of the
/// text, which pages set apart in the article header next to the headline
/// and byline (where it would be dropped with them). A subtitle or dek
/// (`subtitle`, `dek`, `standfirst`) is display furniture of the headline,
/// like the headline itself, and is not text.
const LEAD_TOKENS: &[&str] = &[
    "lead",
    "lede",
    "leadtext",
    "leadin",
    "intro",
    "introtext",
    "introduction",
    "teaser",
    "teasertext",
    "summary",
    "excerpt",
    "abstract",
    "chapo",
    "chapeau",
    "bajada",
];

/// Whole tokens of headline furniture: an element named both lead and
/// title (`post__title__excerpt`, `c-entry-summary p-dek`) is a dek.
const HEADLINE_TOKENS: &[&str] = &[
    "title",
    "headline",
    "head",
    "subtitle",
    "subheadline",
    "subhead",
    "dek",
    "deck",
    "standfirst",
    "strapline",
];

fn split_tokens(lower: &str) -> impl Iterator<Item = &str> {
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
}

/// One automaton per stem list, built once: every element with a class is
/// tested, so this is on the hot path.
fn strong_matcher() -> &'static AhoCorasick {
    static M: OnceLock<AhoCorasick> = OnceLock::new();
    M.get_or_init(|| AhoCorasick::new(STRONG).expect("static patterns"))
}

fn positive_matcher() -> &'static AhoCorasick {
    static M: OnceLock<AhoCorasick> = OnceLock::new();
    M.get_or_init(|| AhoCorasick::new(POSITIVE).expect("static patterns"))
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
    strong_matcher().is_match(tok)
}

fn is_comment_token(t: &str) -> bool {
    (t.starts_with("comment") && !t.starts_with("commentar")) || t.contains("disqus")
}

fn is_paywall_token(t: &str) -> bool {
    t.contains("paywall")
        || t.contains("regwall")
        || t.contains("subscriberonly")
        || t.contains("subscribersonly")
        || t == "locked"
        || t == "piano"
}

/// Everything the class, id, role and itemprop of one element say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Analysis {
    pub hint: Hint,
    /// Readability-style class weight: +25 for content-like names, -25 for
    /// boilerplate-like ones, on class and id each.
    pub weight: i32,
    /// A paywall overlay or teaser cut-off.
    pub paywall: bool,
    /// Named as the article's lead or subtitle (see [`LEAD_TOKENS`]), or
    /// microdata `itemprop="description"`.
    pub lead: bool,
}

/// Analyses one element's attributes. Lower-cases and tokenises each
/// attribute once: this runs for every element of every page.
pub fn analyze(
    tag: Tag,
    class: &str,
    id: &str,
    role: Option<&str>,
    itemprop: Option<&str>,
) -> Analysis {
    let structural = matches!(
        tag,
        Tag::Nav | Tag::Aside | Tag::Footer | Tag::Header | Tag::Form
    );
    let role_furniture = role.is_some_and(|r| {
        let r = r.trim();
        [
            "navigation",
            "banner",
            "contentinfo",
            "complementary",
            "dialog",
            "alertdialog",
            "menu",
            "menubar",
            "search",
        ]
        .iter()
        .any(|x| r.eq_ignore_ascii_case(x))
    });
    let body_marked = itemprop.is_some_and(|p| p.contains("articleBody") || p.contains("text"));
    // A heading marked as the description is a subtitle, not the lead.
    let described = !matches!(tag, Tag::H(_))
        && itemprop.is_some_and(|p| p.split_ascii_whitespace().any(|t| t == "description"));
    if class.is_empty() && id.is_empty() {
        let hint = if body_marked || matches!(tag, Tag::Body | Tag::Main) {
            Hint::None
        } else if role_furniture || structural {
            Hint::Weak
        } else {
            Hint::None
        };
        return Analysis {
            hint,
            weight: 0,
            paywall: false,
            lead: described,
        };
    }
    let lc = class.to_ascii_lowercase();
    let li = id.to_ascii_lowercase();
    let mut weight = 0;
    let (mut strong, mut never, mut weak, mut positive, mut paywall) =
        (false, false, false, false, false);
    let (mut lead, mut headline) = (described, false);
    for attr in [&lc, &li] {
        let (mut neg_here, mut pos_here) = (false, false);
        for t in split_tokens(attr) {
            let st = has_strong(t);
            let wk = WEAK_TOKENS.contains(&t);
            strong |= st;
            weak |= wk;
            never |= is_comment_token(t);
            paywall |= is_paywall_token(t);
            positive |= POSITIVE.contains(&t);
            lead |= LEAD_TOKENS.contains(&t);
            headline |= HEADLINE_TOKENS.contains(&t);
            neg_here |= st || wk;
            pos_here |= positive_matcher().is_match(t);
        }
        if neg_here {
            weight -= 25;
        }
        if pos_here {
            weight += 25;
        }
    }
    paywall |= lc.contains("subscriber-only")
        || lc.contains("subscribers-only")
        || lc.contains("premium-content");
    let hint = if body_marked {
        Hint::None
    } else if role_furniture {
        Hint::Weak
    } else if matches!(tag, Tag::Body | Tag::Main) {
        Hint::None
    } else if never {
        Hint::Never
    } else if strong {
        Hint::Strong
    } else if (weak && !(positive && tag == Tag::Article)) || structural {
        Hint::Weak
    } else {
        Hint::None
    };
    Analysis {
        hint,
        weight,
        paywall,
        lead: lead && !headline,
    }
}

#[cfg(test)]
/// The hint of one element (see [`analyze`]).
pub fn hint(tag: Tag, class: &str, id: &str, role: Option<&str>, itemprop: Option<&str>) -> Hint {
    analyze(tag, class, id, role, itemprop).hint
}

#[cfg(test)]
/// The class weight of one element (see [`analyze`]).
pub fn class_weight(class: &str, id: &str) -> i32 {
    analyze(Tag::Div, class, id, None, None).weight
}

#[cfg(test)]
/// A paywall marker in class/id (see [`analyze`]).
pub fn is_paywall(class: &str, id: &str) -> bool {
    analyze(Tag::Div, class, id, None, None).paywall
}

/// Text only for screen readers ("Advertisement", "Skip to content"), or
/// hidden by a utility class. Whole class names only: `hidden-xs` merely
/// hides on phones.
pub fn is_screen_reader_only(class: &str) -> bool {
    const NAMES: &[&str] = &[
        "sr-only",
        "visually-hidden",
        "visuallyhidden",
        "screen-reader-text",
        "screen-reader-only",
        "offscreen",
        "hidden",
        "hide",
        "d-none",
    ];
    class
        .split_ascii_whitespace()
        .any(|c| NAMES.iter().any(|n| c.eq_ignore_ascii_case(n)))
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
    fn leads() {
        let lead = |class: &str, itemprop| analyze(Tag::P, class, "", None, itemprop).lead;
        assert!(lead("article__lead", None));
        assert!(lead("ts-intro", None));
        assert!(lead("entry-excerpt", None));
        assert!(lead("", Some("description")));
        // Whole tokens only: a leaderboard is an ad slot.
        assert!(!lead("leaderboard", None));
        assert!(!lead("article-body", None));
        // A dek belongs to the headline.
        assert!(!lead("c-entry-summary p-dek", None));
        assert!(!lead("post__title__excerpt", None));
        assert!(!analyze(Tag::H(2), "", "", None, Some("description")).lead);
    }

    #[test]
    fn paywall_and_sr() {
        assert!(is_paywall("c-paywall", ""));
        assert!(!is_paywall("article", ""));
        assert!(is_screen_reader_only("sr-only"));
    }
}
