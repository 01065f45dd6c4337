//! Small text helpers for extraction: whitespace collapsing, removal of
//! invisible formatting characters, and phrase tests for boilerplate lines.

/// True for characters that only steer rendering and carry no text: bidi
/// controls (LRM/RLM, embeddings and overrides, isolates, the Arabic letter
/// mark), zero-width space, BOM and soft hyphen. They must not reach the
/// stored text: a page that toggles an `&rlm;` would otherwise make a "new
/// version" that no reader can see. ZWJ/ZWNJ are kept: they change how
/// Persian and Urdu words are spelled.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            | '\u{061C}' | '\u{FEFF}' | '\u{00AD}' | '\u{2060}'
    )
}

/// Appends `raw` to `out`, collapsing runs of whitespace into one space and
/// dropping invisible characters. `out` carries the state: no space is added
/// at its start or after a space it already ends with.
pub fn push_collapsed(out: &mut String, raw: &str) {
    for c in raw.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

/// Collapses whitespace and strips invisible characters of a whole string.
pub fn normalize(raw: &str) -> String {
    let mut s = String::with_capacity(raw.len());
    push_collapsed(&mut s, raw);
    s.trim_end().to_string()
}

/// Number of characters that are not whitespace (our unit of "text length":
/// independent of how a page indents its markup).
pub fn text_len(s: &str) -> usize {
    s.chars()
        .filter(|c| !c.is_whitespace() && !is_invisible(*c))
        .count()
}

/// Commas of Latin, Arabic and CJK scripts: a cheap sign of running prose.
pub fn commas(s: &str) -> usize {
    s.chars()
        .filter(|c| matches!(c, ',' | '،' | '，' | '、'))
        .count()
}

/// A short line that is a stock piece of page furniture rather than text
/// ("Advertisement", "Share this article", "اقرأ أيضا"...). Matched on the
/// whole line, case-insensitively, so prose that merely mentions the words
/// is kept.
pub fn is_furniture_line(line: &str) -> bool {
    if line.chars().count() > 60 {
        return false;
    }
    let l = line
        .trim()
        .trim_end_matches([':', '.', '…', '»', '›', '>', '?', '!'])
        .trim()
        .to_lowercase();
    const EXACT: &[&str] = &[
        "advertisement",
        "advert",
        "text size",
        "font size",
        "advertising",
        "sponsored",
        "sponsored content",
        "ad",
        "share",
        "share this",
        "share this article",
        "share this story",
        "share on facebook",
        "share on twitter",
        "tweet",
        "email",
        "print",
        "read more",
        "read next",
        "related",
        "related articles",
        "related stories",
        "related content",
        "more stories",
        "recommended",
        "most read",
        "most popular",
        "share this",
        "like this",
        "tags",
        "related posts",
        "you may also like",
        "about the author",
        "see also",
        "skip to content",
        "skip to main content",
        "back to top",
        "comments",
        "leave a comment",
        "loading",
        "loading...",
        "auch interessant",
        "lesen sie auch",
        "lesen sie mehr",
        "mehr zum thema",
        "das könnte sie auch interessieren",
        "das könnte dich auch interessieren",
        "weitere artikel",
        "weitere beiträge",
        "weiterlesen",
        "verwandte themen",
        "verwandte artikel",
        "ähnliche artikel",
        "empfohlene artikel",
        "mehr themen",
        "schon gelesen",
        "schlagworte",
        "diesen artikel teilen",
        "teilen mit",
        "über den autor",
        "über die autorin",
        "weitere informationen",
        "zusatzinformationen",
        "quellen",
        "quellenangaben",
        "kontakt",
        "anzeige",
        "werbung",
        "teilen",
        "lire aussi",
        "à lire aussi",
        "publicité",
        "à lire également",
        "sur le même sujet",
        "lee también",
        "noticias relacionadas",
        "artículos relacionados",
        "publicidad",
        "te puede interesar",
        "اقرأ أيضا",
        "اقرأ أيضاً",
        "اقرأ ايضا",
        "اقرأ المزيد",
        "إعلان",
        "شارك",
        "شارك المقال",
        "مواضيع ذات صلة",
        "أخبار ذات صلة",
        "الأكثر قراءة",
        "تابعونا",
    ];
    if EXACT.contains(&l.as_str()) {
        return true;
    }
    is_timestamp_line(&l)
}

/// A short subscription prompt or copyright line ("Subscribe now for the
/// full story", "© 2025 Example Media"): page furniture that sites put
/// inside the article container.
pub fn is_notice(line: &str) -> bool {
    let n = line.chars().count();
    if n > 220 {
        return false;
    }
    let l = line.to_lowercase();
    if l.starts_with('©') || l.starts_with("(c) ") || l.starts_with("copyright") {
        return true;
    }
    const MARKERS: &[&str] = &[
        "subscribe now",
        "subscribe to our",
        "subscribe to continue",
        "subscribe to read",
        "subscribe for ",
        "please subscribe",
        "already a subscriber",
        "become a subscriber",
        "sign up for our newsletter",
        "sign up to our newsletter",
        "newsletter abonnieren",
        "jetzt abonnieren",
        "all rights reserved",
        "alle rechte vorbehalten",
        "copyrighted property",
        "this slideshow requires javascript",
        "enable javascript",
        "اشترك في النشرة",
        "جميع الحقوق محفوظة",
    ];
    MARKERS.iter().any(|m| l.contains(m))
}

/// A short line of items between bars ("Home | Impressum | Datenschutz",
/// "Freitag | 14. Juni | 0 Comments"): a menu or a metadata line, not prose.
pub fn is_bar_list(line: &str) -> bool {
    line.chars().count() < 150 && line.matches('|').count() >= 2
}

/// A short image caption or credit line ("Foto: AFP", "(Credit: Grist)",
/// "Marco Odermatt. © AFP / M. Bertorello", "Abbildung 3: …"): captions
/// are left out of the text, and pages often set them as plain
/// paragraphs rather than `<figcaption>`.
pub fn is_credit_line(line: &str) -> bool {
    if line.chars().count() >= 200 {
        return false;
    }
    if line.contains('©') {
        return true;
    }
    let l = line.to_lowercase();
    const MARKERS: &[&str] = &[
        "foto:",
        "fotos:",
        "photo:",
        "photos:",
        "bild:",
        "credit:",
        "credits:",
        "image:",
        "bildquelle",
        "crédit photo",
        "crédits photo",
        "(foto",
        "(photo",
        "(bild",
        "(credit",
        "(image",
        "صورة:",
        "الصورة:",
        "تصوير:",
    ];
    if MARKERS.iter().any(|m| l.contains(m)) {
        return true;
    }
    // "Abbildung 3:", "Figure 2:", "Fig. 1:" open a figure caption.
    ["abbildung", "figure", "fig."].iter().any(|w| {
        l.strip_prefix(w).is_some_and(|r| {
            let r = r.trim_start();
            r.starts_with(|c: char| c.is_ascii_digit())
                && r.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
                    .starts_with(':')
        })
    })
}

/// A line that is only a timestamp ("Updated 5 minutes ago", "Last updated:
/// 14:05 GMT", "آخر تحديث: ...", "منذ 3 ساعات"). Relative times change on
/// every fetch, so keeping them would make a false "article updated" alert;
/// a live blog's entries keep their text, only the stamp line goes.
pub fn is_timestamp_line(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    if l.is_empty() || l.chars().count() > 60 {
        return false;
    }
    let prefixes = [
        "updated",
        "last updated",
        "published",
        "posted",
        "first published",
        "آخر تحديث",
        "تم التحديث",
        "نشر في",
        "تاريخ النشر",
        "محدث",
    ];
    let rest = prefixes
        .iter()
        .find_map(|p| l.strip_prefix(p))
        .map(|r| r.trim_start_matches([':', ' ', '-', '–']))
        .unwrap_or(&l);
    if rest.is_empty() {
        return false;
    }
    // "5 minutes ago", "منذ 3 ساعات", "just now".
    let relative =
        rest.ends_with(" ago") || rest.starts_with("منذ ") || rest == "just now" || rest == "الآن";
    if relative && rest.chars().count() <= 30 {
        return true;
    }
    // Otherwise a clock or calendar stamp: digits and separators, plus only
    // words that belong in a stamp (month and weekday names, time zones).
    let digits = rest.chars().filter(|c| c.is_numeric()).count();
    let words_ok = rest
        .split(|c: char| {
            c.is_whitespace() || matches!(c, ',' | '|' | '(' | ')' | '/' | '-' | '.' | '،')
        })
        .filter(|w| {
            !w.is_empty()
                && !w.chars().any(|c| c.is_numeric())
                && w.chars().any(|c| c.is_alphabetic())
        })
        .all(is_stamp_word);
    let has_clock = rest.contains(':') && digits >= 3;
    let has_date = digits >= 4
        && rest
            .chars()
            .any(|c| matches!(c, '/' | '-' | '.' | ',' | ' '));
    (has_clock || has_date) && words_ok
}

/// Words that may stand in a timestamp line.
fn is_stamp_word(w: &str) -> bool {
    const WORDS: &[&str] = &[
        "jan",
        "january",
        "feb",
        "february",
        "mar",
        "march",
        "apr",
        "april",
        "may",
        "jun",
        "june",
        "jul",
        "july",
        "aug",
        "august",
        "sep",
        "sept",
        "september",
        "oct",
        "october",
        "nov",
        "november",
        "dec",
        "december",
        "mon",
        "monday",
        "tue",
        "tuesday",
        "wed",
        "wednesday",
        "thu",
        "thursday",
        "fri",
        "friday",
        "sat",
        "saturday",
        "sun",
        "sunday",
        "am",
        "pm",
        "a.m",
        "p.m",
        "gmt",
        "utc",
        "bst",
        "cet",
        "cest",
        "est",
        "edt",
        "pst",
        "pdt",
        "ast",
        "at",
        "on",
        "local",
        "time",
        "كانون",
        "الثاني",
        "الأول",
        "شباط",
        "آذار",
        "نيسان",
        "أيار",
        "حزيران",
        "تموز",
        "آب",
        "أيلول",
        "تشرين",
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "إبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
        "السبت",
        "الأحد",
        "الاثنين",
        "الإثنين",
        "الثلاثاء",
        "الأربعاء",
        "الخميس",
        "الجمعة",
        "صباحا",
        "مساء",
        "مساءً",
        "صباحاً",
        "ص",
        "م",
        "بتوقيت",
        "غرينتش",
        "دمشق",
        "مكة",
        "المكرمة",
        "ت",
        "ك",
    ];
    WORDS.contains(&w.trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_and_strips_bidi() {
        assert_eq!(normalize("  a \u{200F}b\n\n c\u{202B}d\u{202C} "), "a b cd");
        assert_eq!(normalize("x\u{200C}y"), "x\u{200C}y");
        assert_eq!(text_len(" a b\u{200E} "), 2);
    }

    #[test]
    fn furniture() {
        assert!(is_furniture_line("Advertisement"));
        assert!(is_furniture_line("اقرأ أيضاً:"));
        assert!(!is_furniture_line(
            "Advertisement revenue fell sharply in the third quarter, the company said."
        ));
    }

    #[test]
    fn notices() {
        assert!(is_notice(
            "Subscribe now to our eNATION edition for the full story."
        ));
        assert!(is_notice("© 2025 Example Media. All rights reserved."));
        assert!(!is_notice("The company said 40,000 people subscribe to its magazine, a record number for a title of its kind, and it hopes to double the figure before next year."));
    }

    #[test]
    fn bar_lists() {
        assert!(is_bar_list("IMPRESSUM | DATENSCHUTZ | COPYRIGHT"));
        assert!(!is_bar_list("Prices rose by 3 percent | a record."));
    }

    #[test]
    fn credits() {
        assert!(is_credit_line("(Credit: Clayton Aldern / Grist)"));
        assert!(is_credit_line(
            "Marco Odermatt, Ski-Star. © AFP / MARCO BERTORELLO"
        ));
        assert!(is_credit_line("Abbildung 3: Grosser Schneekristall."));
        assert!(is_credit_line("Titelbild: Geyres Christophe/ABACA"));
        assert!(!is_credit_line(
            "Figure skating returns to the games next week."
        ));
        assert!(!is_credit_line(
            "The photo agency said it would appeal, and the court agreed."
        ));
    }

    #[test]
    fn timestamps() {
        assert!(is_timestamp_line("Updated 5 minutes ago"));
        assert!(is_timestamp_line("Last updated: 14:05 GMT"));
        assert!(is_timestamp_line("منذ 3 ساعات"));
        assert!(is_timestamp_line("12/04/2025 10:32"));
        assert!(is_timestamp_line("آخر تحديث: 2025-04-12 10:32"));
        assert!(!is_timestamp_line("The meeting starts at 10:30 in Geneva."));
        assert!(!is_timestamp_line("Published"));
        assert!(!is_timestamp_line("In 2019, 40,000 people fled"));
    }
}
