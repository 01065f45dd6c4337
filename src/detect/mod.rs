//! Control claims: text + watchlist → `(facility, actor, kind)` claims.
//!
//! Pure: no I/O. Build a [`Detector`] once per watchlist (it compiles the name
//! automaton and the lexicons) and call [`Detector::detect`] on any text.
//!
//! How a sentence is read:
//! 1. The text is normalised once ([`crate::text::normalize`]) and split into
//!    sentences ([`crate::text::sentences`]); names are found once for the
//!    whole text ([`names`]).
//! 2. In each sentence, *control words* are found ([`lexicon`]): verbs such
//!    as "seized"/"سيطر" with their Arabic morphology, verbal nouns
//!    ("استعادة", "انسحاب"), and possession phrases ("under X control",
//!    "بيد", "تحت سيطرة", "fell to X", "out of its control", "خرج عن سيطرتها").
//! 3. Each control word is filtered (denial, threat, plan, expectation,
//!    condition, failed attempt, agreement, negation, future, question) and
//!    its roles are read: the subject (before it, or right after it in
//!    Arabic verb-first order), the object facilities (after it, or the
//!    antecedent of a pronoun), "from X" (loses), "to X"/"لصالح X" (gains),
//!    the expelled actor of "drove X out of" (loses). Attached pronouns
//!    ("سيطرتها", "its control") resolve to the nearest actor before them.
//! 4. Facilities introduced by "near", "on the outskirts of", "قرب", "محيط",
//!    "parts of", "the X countryside"… are reference points, and places
//!    introduced as locations ("captured soldiers in F") are not objects.
//! 5. A whole sentence reports nothing when it is a question or calls its
//!    own report false ("reports that … were false", "عارية عن الصحة").
//!
//! Nothing here names a conflict, a group or a place: names come only from
//! the watchlist, and the lexicons describe how control is reported.

pub mod jsonl;
pub mod lexicon;
pub mod names;
pub mod watchlist;

pub use watchlist::{Actor, Facility, Watchlist, WatchlistError};

use crate::model::{Claim, ClaimKind, Evidence};
use crate::text::normalize::{normalize, proclitic_stems, Normalized};
use crate::text::sentences;
use lexicon::{Cues, Frame, Lexicon, Need, Trigger};
use names::{Entity, Mention, NameMatcher};

/// A watchlist compiled for matching.
#[derive(Debug, Clone)]
pub struct Detector {
    watchlist: Watchlist,
    names: NameMatcher,
    lexicon: Lexicon,
    cues: Cues,
}

/// A control word found in a sentence, with its reading.
#[derive(Debug, Clone, Copy)]
struct Found {
    pos: usize,
    trigger: Trigger,
    /// For possession phrases: where the phrase starts (the preposition).
    start: usize,
    /// Possession phrase that says control was lost ("out of its control").
    out_of: bool,
    /// The possessor is a pronoun ("its control", "سيطرتها").
    pron_possessor: bool,
}

impl Found {
    /// A trigger word at `pos` (not a possession phrase).
    fn verb(pos: usize, trigger: Trigger) -> Found {
        Found {
            pos,
            trigger,
            start: pos,
            out_of: false,
            pron_possessor: false,
        }
    }
}

/// One sentence being read: token range `a..b` of the normalised text.
struct Sentence<'a> {
    text: &'a str,
    norm: &'a Normalized,
    a: usize,
    b: usize,
    mentions: Vec<Mention>,
}

impl Sentence<'_> {
    fn word(&self, i: usize) -> &str {
        if i < self.a || i >= self.b {
            return "";
        }
        self.norm.word(i)
    }

    /// The word without Arabic و/ف conjunction.
    fn bare(&self, i: usize) -> &str {
        let w = self.word(i);
        if is_arabic(w) && w.chars().count() > 2 {
            w.strip_prefix('و')
                .or_else(|| w.strip_prefix('ف'))
                .unwrap_or(w)
        } else {
            w
        }
    }

    /// Whether word `i` is in `set`, with or without an Arabic conjunction
    /// (the و of "وقعت" is a root letter, the و of "وسيطرت" is not).
    fn is(&self, i: usize, set: &std::collections::HashSet<&str>) -> bool {
        let w = self.word(i);
        set.contains(w)
            || set.contains(self.bare(i))
            || (is_arabic(w) && proclitic_stems(w).any(|(_, st)| set.contains(st)))
    }

    /// "May" the month, not "may" the modal verb: written with a capital
    /// inside a sentence.
    fn is_month_may(&self, i: usize) -> bool {
        let r = self.norm.tokens[i].orig.clone();
        i > self.a && self.text.get(r) == Some("May")
    }

    /// Whether a facility name starts right after token `i` ("held the dam").
    fn place_next(&self, i: usize) -> bool {
        self.mentions.iter().any(|m| {
            matches!(m.entity, Entity::Facility(_))
                && (m.tokens.start == i + 1
                    || (m.tokens.start == i + 2 && self.word(i + 1) == "the"))
        })
    }

    fn mention_at(&self, i: usize) -> Option<&Mention> {
        self.mentions.iter().find(|m| m.tokens.start == i)
    }

    fn in_mention(&self, i: usize) -> bool {
        self.mentions.iter().any(|m| m.tokens.contains(&i))
    }

    fn actor(m: &Mention) -> Option<usize> {
        match m.entity {
            Entity::Actor(a) => Some(a),
            Entity::Facility(_) => None,
        }
    }
}

fn is_arabic(w: &str) -> bool {
    w.chars()
        .next()
        .is_some_and(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// Longest stretch of tokens read as one sentence.
const MAX_WINDOW: usize = 160;

/// Token windows covering `a..b`: the whole range when it is short enough,
/// else pieces of at most [`MAX_WINDOW`] tokens cut after punctuation where
/// possible.
fn windows(norm: &Normalized, a: usize, b: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = a;
    while start < b {
        let mut end = (start + MAX_WINDOW).min(b);
        if end < b {
            if let Some(p) = (start + MAX_WINDOW / 2..end)
                .rev()
                .find(|&i| norm.tokens[i].kind == crate::text::TokenKind::Punct)
            {
                end = p + 1;
            }
        }
        out.push((start, end));
        start = end;
    }
    out
}

/// A claim before it is tied to its sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Raw {
    facility: usize,
    actor: usize,
    kind: ClaimKind,
    confidence: f32,
}

const HOLD_CUES: &[&str] = &[
    "still",
    "remains",
    "remain",
    "remained",
    "stays",
    "stay",
    "continues",
    "continue",
    "يزال",
    "تزال",
    "زال",
    "زالت",
    "يزالون",
    "ظل",
    "ظلت",
    "يظل",
    "تظل",
    "بقي",
    "بقيت",
    "يبقي",
    "تبقي",
    "خاضع",
    "خاضعه",
    "خاضعا",
];

const PRONOUNS_EN: &[&str] = &["its", "their", "his", "her"];
const OBJ_PRONOUNS: &[&str] = &[
    "it",
    "them",
    "عليها",
    "عليه",
    "عليهم",
    "منها",
    "منه",
    "فيها",
    "فيه",
    "اياها",
    "اياه",
];

impl Detector {
    pub fn new(watchlist: Watchlist) -> Self {
        let names = NameMatcher::new(&watchlist);
        Detector {
            watchlist,
            names,
            lexicon: Lexicon::new(),
            cues: Cues::new(),
        }
    }

    pub fn watchlist(&self) -> &Watchlist {
        &self.watchlist
    }

    /// Claims in `text` (one or more sentences). `lang` is a hint ("ar", "en");
    /// the detector reads both languages whatever it says.
    /// Evidence offsets are byte offsets into `text`.
    pub fn detect(&self, text: &str, lang: Option<&str>) -> Vec<Claim> {
        let _ = lang;
        let norm = normalize(text);
        let all = self.names.find(&norm, text);
        let mut out = Vec::new();
        let mut mi = 0;
        for r in sentences(text) {
            let a = norm.tokens.partition_point(|t| t.orig.start < r.start);
            let b = norm.tokens.partition_point(|t| t.orig.end <= r.end);
            if a >= b {
                continue;
            }
            while mi < all.len() && all[mi].tokens.start < a {
                mi += 1;
            }
            let mut j = mi;
            while j < all.len() && all[j].tokens.start < b {
                j += 1;
            }
            let here = &all[mi..j];
            // Most sentences name no watched facility or no watched actor:
            // they cannot hold a claim, so skip them before any work.
            let has =
                |f: fn(&Entity) -> bool| here.iter().any(|m| m.tokens.end <= b && f(&m.entity));
            if !has(|e| matches!(e, Entity::Facility(_))) || !has(|e| matches!(e, Entity::Actor(_)))
            {
                continue;
            }
            // A run-on "sentence" (no stops for pages) is read in windows
            // cut at punctuation, so that the work per token stays bounded.
            let mut raws: Vec<Raw> = Vec::new();
            let mut attribution = None;
            for (wa, wb) in windows(&norm, a, b) {
                let mentions: Vec<Mention> = here
                    .iter()
                    .filter(|m| m.tokens.start >= wa && m.tokens.end <= wb)
                    .cloned()
                    .collect();
                let s = Sentence {
                    text,
                    norm: &norm,
                    a: wa,
                    b: wb,
                    mentions,
                };
                let found = self.read_sentence(&s);
                if !found.is_empty() && wa == a {
                    attribution = self.attribution(&s, text);
                }
                for raw in found {
                    if !raws.iter().any(|o| {
                        o.facility == raw.facility && o.actor == raw.actor && o.kind == raw.kind
                    }) {
                        raws.push(raw);
                    }
                }
            }
            if raws.is_empty() {
                continue;
            }
            let evidence = Evidence {
                sentence: text[r.clone()].to_string(),
                start: r.start,
                end: r.end,
            };
            for raw in raws {
                out.push(Claim {
                    facility: self.watchlist.facilities[raw.facility].id.clone(),
                    actor: self.watchlist.actors[raw.actor].id.clone(),
                    kind: raw.kind,
                    evidence: evidence.clone(),
                    confidence: raw.confidence,
                    attribution: attribution.clone(),
                });
            }
        }
        out
    }

    /// All claims of one sentence, deduplicated.
    fn read_sentence(&self, s: &Sentence) -> Vec<Raw> {
        if self.not_a_report(s) {
            return Vec::new();
        }
        let found = self.control_words(s);
        let mut out: Vec<Raw> = Vec::new();
        for (k, f) in found.iter().enumerate() {
            let next = found.get(k + 1).map(|n| n.start).unwrap_or(s.b);
            let mut scope_end = (f.pos + 1..next)
                .find(|&i| self.scope_break(s, i))
                .unwrap_or(next);
            // Inside ", which controls most of D," the clause ends at the comma.
            if self.in_relative_clause(s, f.pos) {
                if let Some(c) = (f.pos + 1..scope_end).find(|&i| s.word(i) == ",") {
                    scope_end = c;
                }
            }
            if self.filtered(s, f) {
                continue;
            }
            for raw in self.roles(s, f, scope_end) {
                match out.iter_mut().find(|o| {
                    o.facility == raw.facility && o.actor == raw.actor && o.kind == raw.kind
                }) {
                    Some(o) => o.confidence = o.confidence.max(raw.confidence),
                    None => out.push(raw),
                }
            }
        }
        out
    }

    /// A question, or a report the sentence itself calls false.
    fn not_a_report(&self, s: &Sentence) -> bool {
        let falsehood = (s.a..s.b).any(|i| lexicon::FALSEHOOD.contains(&s.word(i)))
            || (s.a..s.b).any(|i| s.word(i) == "غير" && s.word(i + 1).starts_with("صحيح"));
        falsehood
            || s.word(s.b - 1) == "?"
            || s.bare(s.a) == "هل"
            || (s.a + 1 < s.b && s.word(s.b - 1) == "." && s.word(s.b - 2) == "?")
    }

    /// Control words of the sentence, in order, with absorbed ones removed
    /// ("استعادت السيطرة": the noun is the verb's object, not a second claim).
    fn control_words(&self, s: &Sentence) -> Vec<Found> {
        let mut out: Vec<Found> = Vec::new();
        for i in s.a..s.b {
            if s.in_mention(i) {
                continue;
            }
            if let Some(f) = self.possession(s, i) {
                out.push(f);
                continue;
            }
            let w = s.word(i);
            // "they now control F": the present of the verb.
            if w == "control"
                && (s.place_next(i) || (s.word(i + 1) == "the" && self.is_anaphor(s, i + 2)))
            {
                let t = Trigger {
                    frame: Frame::Holds,
                    masdar: false,
                    pron_obj: false,
                    need: Need::Nothing,
                    weight: 0.85,
                };
                out.push(Found::verb(i, t));
                continue;
            }
            let Some(t) = self.lexicon.get(w) else {
                continue;
            };
            let ok = match t.need {
                Need::Nothing => true,
                Need::Next(ws) => ws.contains(&s.word(i + 1)),
                Need::NextOrPlace(ws) => {
                    ws.contains(&s.word(i + 1))
                        || s.place_next(i)
                        || (s.word(i + 1) == "the" && self.is_anaphor(s, i + 2))
                }
                Need::Words(ws) => (i + 1..(i + 6).min(s.b)).any(|j| ws.contains(&s.bare(j))),
            };
            let mut t = *t;
            if !ok {
                // "have controlled the dam", "held the town": holding, in the
                // active voice, when the place is the direct object.
                if matches!(w, "controlled" | "held")
                    && (s.place_next(i) || (s.word(i + 1) == "the" && self.is_anaphor(s, i + 2)))
                {
                    t.frame = Frame::Holds;
                } else {
                    continue;
                }
            }
            // "خسر"/"فقد" (lost) are about control only when control or a
            // place is what was lost ("خسر الجيش عشرات الجنود في F" is not).
            let b = s.bare(i);
            if t.frame == Frame::Loss
                && !t.masdar
                && !t.pron_obj
                && ["خسر", "يخسر", "تخسر", "نخسر", "فقد", "يفقد", "تفقد", "نفقد"]
                    .iter()
                    .any(|p| b.starts_with(p))
                && !(i + 1..(i + 5).min(s.b)).any(|j| {
                    s.mention_at(j)
                        .is_some_and(|m| matches!(m.entity, Entity::Facility(_)))
                        || proclitic_stems(s.word(j)).any(|(_, st)| st.starts_with("سيطر"))
                })
            {
                continue;
            }
            // "forced X to withdraw from F", "أجبر X على الانسحاب من F": the
            // second verb is the content of the first, which reads both.
            if out
                .last()
                .is_some_and(|p| p.trigger.frame == Frame::Expel && i - p.pos <= 5)
                && matches!(s.word(i.wrapping_sub(1)), "to" | "علي" | "الي")
            {
                continue;
            }
            // "فقد" before a verb is the particle ف + قد ("indeed"), not "lost".
            if (s.bare(i) == "قد" && w != "فقد")
                || (w == "فقد"
                    && self.lexicon.get(s.word(i + 1)).is_some()
                    && !s.word(i + 1).starts_with("ال"))
            {
                continue;
            }
            if t.masdar
                && matches!(t.frame, Frame::Gain)
                && out
                    .last()
                    .is_some_and(|p| i - p.pos <= 3 && !matches!(p.trigger.frame, Frame::Possess))
            {
                continue;
            }
            out.push(Found::verb(i, t));
        }
        out
    }

    /// Possession phrases: "under X control", "in the hands of X", "out of
    /// its control", "تحت سيطرة X", "بيد X", "في قبضة X", "خاضع لسيطرة X",
    /// "خرج عن سيطرتها".
    fn possession(&self, s: &Sentence, i: usize) -> Option<Found> {
        let w = s.word(i);
        let possess = Trigger {
            frame: Frame::Possess,
            masdar: false,
            pron_obj: false,
            need: Need::Nothing,
            weight: 0.85,
        };
        if is_arabic(w) {
            for (prefix, stem) in proclitic_stems(w) {
                let (noun, pron) = match stem {
                    "سيطره" | "يد" | "ايدي" | "قبضه" | "يدي" | "حوزه" => {
                        (true, false)
                    }
                    _ => {
                        let p = ["سيطرت", "قبضت", "يد", "ايدي", "حوزت"]
                            .iter()
                            .find_map(|n| stem.strip_prefix(n));
                        (
                            p.is_some_and(|suf| matches!(suf, "ه" | "ها" | "هم" | "هما")),
                            true,
                        )
                    }
                };
                if !noun {
                    continue;
                }
                let prev = s.bare(i.wrapping_sub(1));
                let by_hand = prefix.ends_with('ب') && !stem.starts_with("سيطر");
                // "خاضع لسيطرة X", "يخضع F لسيطرة X".
                let subject_to = prefix.ends_with('ل')
                    && (i.saturating_sub(5).max(s.a)..i).any(|j| {
                        let w = s.bare(j);
                        ["خاضع", "يخضع", "تخضع", "خضع"]
                            .iter()
                            .any(|p| w.starts_with(p))
                    });
                // "في السيطرة" is "in taking control", not "in the control of".
                let under = (matches!(prev, "تحت" | "الي")
                    || (matches!(prev, "في" | "بين") && !stem.starts_with("سيطر")))
                    && !prefix.contains('ل');
                // "خرج عن سيطرة X" (but not "الأنباء عن سيطرة X", news about it).
                let out_of = prefix.is_empty()
                    && (prev == "خارج"
                        || (prev == "عن"
                            && (i.saturating_sub(8).max(s.a)..i).any(|j| {
                                let w = s.bare(j);
                                ["خرج", "خروج", "يخرج", "تخرج", "اخرج"]
                                    .iter()
                                    .any(|p| w.starts_with(p))
                            })));
                if by_hand || subject_to || under || out_of {
                    let start = if by_hand || subject_to { i } else { i - 1 };
                    return Some(Found {
                        pos: i,
                        trigger: possess,
                        start,
                        out_of,
                        pron_possessor: pron,
                    });
                }
            }
            return None;
        }
        if !matches!(
            w,
            "control" | "hands" | "hand" | "grip" | "rule" | "possession"
        ) {
            return None;
        }
        // Walk back over the possessor and its qualifiers to the preposition.
        let mut j = i;
        let mut pron = false;
        while j > s.a {
            j -= 1;
            let p = s.word(j);
            if PRONOUNS_EN.contains(&p) {
                pron = true;
                continue;
            }
            if matches!(
                p,
                "the"
                    | "full"
                    | "total"
                    | "complete"
                    | "firm"
                    | "direct"
                    | "effective"
                    | "exclusive"
            ) || s.in_mention(j)
            {
                continue;
            }
            let out_of = p == "of" && s.word(j.wrapping_sub(1)) == "out" || p == "beyond";
            // "returned to Houthi control" (but not "to control", the verb).
            let under = matches!(p, "under" | "in" | "into") || (p == "to" && j + 1 < i);
            // "X has full control over F", "X exercises control of F".
            if w == "control"
                && matches!(
                    p,
                    "have" | "has" | "had" | "having" | "exercise" | "exercises" | "exercised"
                )
                && matches!(s.word(i + 1), "over" | "of")
            {
                let holds = Trigger {
                    frame: Frame::Holds,
                    masdar: false,
                    pron_obj: false,
                    need: Need::Nothing,
                    weight: 0.85,
                };
                return Some(Found {
                    pos: i,
                    trigger: holds,
                    start: j,
                    out_of: false,
                    pron_possessor: false,
                });
            }
            if !(out_of || under) {
                return None;
            }
            let start = if p == "of" { j - 1 } else { j };
            return Some(Found {
                pos: i,
                trigger: possess,
                start,
                out_of,
                pron_possessor: pron,
            });
        }
        None
    }

    /// Whether the control word is not a report of fact.
    fn filtered(&self, s: &Sentence, f: &Found) -> bool {
        let c = &self.cues;
        // Irrealis cues anywhere before it in the sentence, unless a contrast
        // or a new clause ("but", "لكن", ";") separates them.
        let mut blocked = false;
        for i in (s.a..f.start).rev() {
            // Names are names, not cue words ("Ansar Allah", "Hope Dam").
            if s.in_mention(i) {
                continue;
            }
            let w = s.bare(i);
            if matches!(w, ";" | "but" | "however" | "لكن" | "ولكن") {
                blocked = true;
            }
            if !blocked && s.is(i, &c.irrealis) && !s.is_month_may(i) {
                return true;
            }
        }
        // "to seize" (infinitive) unless achieved ("managed to seize").
        if s.word(f.start.wrapping_sub(1)) == "to"
            && !matches!(
                s.word(f.start.wrapping_sub(2)),
                "managed" | "able" | "succeeded"
            )
        {
            return true;
        }
        // "قد تسيطر": may take (قد before a past verb is "has", a fact).
        if s.bare(f.pos.wrapping_sub(1)) == "قد"
            && s.bare(f.pos).starts_with(['ي', 'ت', 'ن'])
            && !f.trigger.masdar
        {
            return true;
        }
        if f.trigger.frame == Frame::FellTo || f.out_of {
            return false;
        }
        // Negation right before it, in its own clause ("دون قتال بعد انسحاب X":
        // the negation is of the fighting, not of the withdrawal).
        let mut lo = f.start.saturating_sub(3).max(s.a);
        if let Some(k) = (lo..f.start)
            .rev()
            .find(|&k| self.scope_break(s, k) || s.word(k) == ",")
        {
            lo = k + 1;
        }
        for i in lo..f.start {
            let w = s.bare(i);
            if matches!(w, "ما" | "لا") {
                let n = s.word(i + 1);
                if i + 1 == f.start
                    && !matches!(n, "يزال" | "تزال" | "زال" | "زالت" | "يزالون" | "سيما")
                {
                    return true;
                }
                continue;
            }
            // "no longer", "لم تعد": not a negation of control but its loss.
            if (w == "no" && s.word(i + 1) == "longer")
                || (matches!(w, "لم" | "لا")
                    && matches!(s.word(i + 1), "تعد" | "يعد" | "تعود" | "يعود"))
            {
                continue;
            }
            if s.is(i, &c.negation) {
                return true;
            }
        }
        false
    }

    /// The roles of one control word → raw claims.
    fn roles(&self, s: &Sentence, f: &Found, scope_end: usize) -> Vec<Raw> {
        let mut out = Vec::new();
        let w = f.trigger.weight;
        match f.trigger.frame {
            Frame::Possess | Frame::FellTo => {
                let possessor = if f.pron_possessor {
                    self.pronoun_antecedent(s, f.start)
                } else if f.trigger.frame == Frame::FellTo && s.word(f.pos + 1) != "to" {
                    // "the fall of F to X": the actor after "to".
                    (f.pos + 1..scope_end.min(f.pos + 8))
                        .find(|&i| s.word(i) == "to")
                        .and_then(|i| self.actor_after(s, i + 1, true))
                } else {
                    self.actor_after(s, f.pos + 1, true)
                        .or_else(|| self.actor_between(s, f.start, f.pos))
                };
                // "X remains in control of F": the subject holds the object.
                let in_control_of = possessor.is_none()
                    && s.word(f.pos) == "control"
                    && s.word(f.pos + 1) == "of"
                    && !f.out_of;
                let possessor = if in_control_of {
                    self.actor_before(s, f.start)
                } else {
                    possessor
                };
                let Some(actor) = possessor else { return out };
                // "no longer under X control", "لم تعد تحت سيطرة X".
                let no_longer = (f.start.saturating_sub(6).max(s.a)..f.start).any(|i| {
                    s.word(i) == "longer"
                        || (matches!(s.bare(i), "لم" | "لا")
                            && matches!(s.word(i + 1), "تعد" | "يعد" | "تعود" | "يعود"))
                });
                let kind = if f.out_of || no_longer {
                    ClaimKind::Loss
                } else if f.trigger.frame == Frame::FellTo {
                    ClaimKind::Gain
                } else {
                    self.possession_kind(s, f.start)
                };
                let facs = if in_control_of {
                    self.facilities_in(s, f.pos + 1, scope_end, false)
                } else {
                    self.facilities_around(s, f.start, f.pos + 1, scope_end)
                };
                for fac in facs {
                    out.push(Raw {
                        facility: fac,
                        actor,
                        kind,
                        confidence: w,
                    });
                }
            }
            Frame::Gain | Frame::Loss | Frame::Holds | Frame::Expel => {
                let english = !is_arabic(s.word(f.pos));
                let passive = english
                    && !f.trigger.masdar
                    && (f.pos.saturating_sub(2).max(s.a)..f.pos).any(|i| {
                        !s.in_mention(i)
                            && matches!(
                                s.word(i),
                                "was" | "were" | "been" | "being" | "is" | "are" | "be"
                            )
                    });
                let by_actor = self.by_actor(s, f.pos + 1, scope_end);
                let arabic_expel = !english && f.trigger.frame == Frame::Expel;
                let (agent, patient_before) = if arabic_expel {
                    // "طرد" is both the verb and its noun: two actors after it
                    // are agent then patient ("طرد الجيش عناصر X"); one actor
                    // after it is the patient when an agent precedes ("تمكن
                    // الجيش من طرد X").
                    let after: Vec<usize> = self
                        .slots_after(s, f.pos + 1, scope_end)
                        .into_iter()
                        .filter(|(_, sl)| *sl == Slot::Plain)
                        .filter_map(|(m, _)| Sentence::actor(m))
                        .collect();
                    let by = self.by_actor(s, f.pos + 1, scope_end);
                    let after: Vec<usize> = after.into_iter().filter(|a| Some(*a) != by).collect();
                    if let Some(b) = by {
                        // Passive with an agent: "طُرد X من F على يد Y".
                        (
                            Some(b),
                            after
                                .first()
                                .copied()
                                .or_else(|| self.actor_before(s, f.pos)),
                        )
                    } else {
                        match (after.as_slice(), self.actor_before(s, f.pos)) {
                            ([a, p, ..], _) => (Some(*a), Some(*p)),
                            ([p], Some(b)) => (Some(b), Some(*p)),
                            // No agent anywhere: the unvocalised passive
                            // ("طُردت X من F"), X is the one expelled.
                            ([p], None) => (None, Some(*p)),
                            ([], b) => (b, None),
                        }
                    }
                } else if passive {
                    let before = self.actor_before(s, f.pos);
                    match f.trigger.frame {
                        Frame::Expel => (by_actor, before),
                        _ => (by_actor, None),
                    }
                } else {
                    (self.subject(s, f).or(by_actor), None)
                };
                let (facs, conf) = self.objects(s, f, scope_end, passive);
                if facs.is_empty() {
                    return out;
                }
                let conf = conf * w;
                // "still occupying", "لا يزال يسيطر": a gain verb stating a state.
                let still = (f.pos.saturating_sub(3).max(s.a)..f.pos)
                    .any(|i| HOLD_CUES.contains(&s.bare(i)) || HOLD_CUES.contains(&s.word(i)));
                // "تسلم" is both "received" (تسلّم) and "hands over" (تُسلِّم):
                // with a recipient ("للحكومة") it hands over.
                let hands_over = f.trigger.frame == Frame::Gain
                    && s.bare(f.pos).starts_with("تسلم")
                    && self
                        .slots_after(s, f.pos + 1, scope_end)
                        .iter()
                        .any(|(_, sl)| *sl == Slot::To);
                let frame = if hands_over {
                    Frame::Loss
                } else {
                    f.trigger.frame
                };
                // "يسيطر X على F." in running text states control; in a
                // headline (no final stop) it reports the news of a capture.
                let present_control = ["يسيطر", "تسيطر", "نسيطر"]
                    .iter()
                    .any(|p| s.bare(f.pos).starts_with(p))
                    && s.word(s.b - 1) == ".";
                let kind = match frame {
                    Frame::Gain if still || present_control => ClaimKind::Holds,
                    Frame::Gain | Frame::Expel => ClaimKind::Gain,
                    Frame::Loss => ClaimKind::Loss,
                    _ => ClaimKind::Holds,
                };
                // "انتقلت السيطرة على F إلى X": a verbal noun of control with
                // no agent of its own goes to the actor it is moved to.
                let agent = match agent {
                    None if f.trigger.masdar && f.trigger.frame == Frame::Gain => self
                        .slots_after(s, f.pos + 1, scope_end)
                        .into_iter()
                        .find(|(_, sl)| *sl == Slot::To)
                        .and_then(|(m, _)| Sentence::actor(m)),
                    a => a,
                };
                let mut parties: Vec<(usize, ClaimKind)> = Vec::new();
                if let Some(a) = agent {
                    for co in self.coordinated(s, a, f.pos) {
                        parties.push((co, kind));
                    }
                }
                if let Some(p) = patient_before {
                    parties.push((p, ClaimKind::Loss));
                }
                for (m, slot) in self.slots_after(s, f.pos + 1, scope_end) {
                    let Some(a) = Sentence::actor(m) else {
                        continue;
                    };
                    if Some(a) == agent {
                        continue;
                    }
                    match (frame, slot) {
                        (Frame::Gain | Frame::Expel, Slot::From) => {
                            parties.push((a, ClaimKind::Loss))
                        }
                        (Frame::Loss, Slot::To) => parties.push((a, ClaimKind::Gain)),
                        (Frame::Expel, Slot::Plain)
                            if !passive && !parties.iter().any(|p| p.1 == ClaimKind::Loss) =>
                        {
                            parties.push((a, ClaimKind::Loss))
                        }
                        _ => {}
                    }
                }
                for fac in facs {
                    for &(a, k) in &parties {
                        out.push(Raw {
                            facility: fac,
                            actor: a,
                            kind: k,
                            confidence: conf,
                        });
                    }
                }
            }
        }
        out
    }

    /// Holds, unless a change word ("fell", "now", "بات", "سقط") comes
    /// before the possession phrase; "still"/"لا يزال" keeps it holds.
    fn possession_kind(&self, s: &Sentence, start: usize) -> ClaimKind {
        let lo = start.saturating_sub(7).max(s.a);
        let mut kind = ClaimKind::Holds;
        for i in lo..start {
            let w = s.bare(i);
            if HOLD_CUES.contains(&w) || HOLD_CUES.contains(&s.word(i)) || w.starts_with("خاضع")
            {
                return ClaimKind::Holds;
            }
            if s.is(i, &self.cues.change) {
                kind = ClaimKind::Gain;
            }
        }
        kind
    }

    /// Whether token `i` starts a new clause ("after", "بعد", "which"), but
    /// not inside "as well as".
    fn scope_break(&self, s: &Sentence, i: usize) -> bool {
        s.is(i, &self.cues.scope_end)
            && !(s.word(i) == "as"
                && (s.word(i + 1) == "well" || s.word(i.wrapping_sub(1)) == "well"))
    }

    /// The subject of a verb or verbal noun.
    fn subject(&self, s: &Sentence, f: &Found) -> Option<usize> {
        let w = s.word(f.pos);
        if is_arabic(w) {
            // Verb-first order and the agent of a verbal noun follow it
            // ("انسحبت قسد", "انسحاب قسد"); the patient of "طرد" follows too.
            if !(f.trigger.masdar && f.trigger.frame == Frame::Expel) {
                if let Some(a) = self.actor_after(s, f.pos + 1, false) {
                    return Some(a);
                }
            }
            // Failing both, a fronted clause ("بعد سيطرتها على F، وجهت X…"):
            // the subject of the main clause after the comma.
            return self.subject_before(s, f.pos).or_else(|| {
                let comma = (f.pos + 1..s.b).find(|&i| s.word(i) == ",")?;
                let end = (comma + 1..s.b)
                    .find(|&i| self.scope_break(s, i))
                    .unwrap_or(s.b);
                self.slots_after(s, comma + 1, end)
                    .into_iter()
                    .find(|(m, sl)| *sl == Slot::Plain && m.prefix.is_empty())
                    .and_then(|(m, _)| Sentence::actor(m))
            });
        }
        // "After seizing F, X turned to…": the subject of the main clause.
        self.subject_before(s, f.pos).or_else(|| {
            if !f.trigger.masdar {
                return None;
            }
            let comma = (f.pos + 1..s.b).find(|&i| s.word(i) == ",")?;
            (comma + 1..(comma + 4).min(s.b))
                .find_map(|i| s.mention_at(i).and_then(Sentence::actor))
        })
    }

    /// Whether token `pos` is inside a comma-opened relative clause
    /// (", which …", "، التي …").
    fn in_relative_clause(&self, s: &Sentence, pos: usize) -> bool {
        (pos.saturating_sub(4).max(s.a)..pos).any(|k| {
            matches!(s.bare(k), "which" | "who" | "التي" | "الذي" | "الذين")
                && s.word(k.wrapping_sub(1)) == ","
        })
    }

    /// The actor mentioned right after token `from`, past filler words
    /// ("وحدات من الجيش", "fighters of"). With `of_ok`, English "of" and "to"
    /// may precede it ("in the hands of X", "fell to X").
    fn actor_after(&self, s: &Sentence, from: usize, of_ok: bool) -> Option<usize> {
        let mut i = from;
        while i < s.b && i < from + 5 {
            if let Some(m) = s.mention_at(i) {
                let ok_prefix = m.prefix.is_empty()
                    || m.prefix == "و"
                    || (of_ok && (m.prefix == "ل" || m.prefix == "ب"));
                return Sentence::actor(m).filter(|_| ok_prefix);
            }
            let w = s.word(i);
            if !(self.cues.filler.contains(w)
                || (of_ok && matches!(w, "to" | "of" | "the" | "by" | "into")))
            {
                return None;
            }
            i += 1;
        }
        None
    }

    /// An actor between a preposition and a possession noun ("under SDF control").
    fn actor_between(&self, s: &Sentence, a: usize, b: usize) -> Option<usize> {
        s.mentions
            .iter()
            .filter(|m| m.tokens.start > a && m.tokens.end <= b)
            .find_map(Sentence::actor)
    }

    /// The nearest actor mentioned before token `pos`, skipping actors in a
    /// "from"/"to"/"near" slot and Arabic ones with ل/ب attached.
    fn actor_before(&self, s: &Sentence, pos: usize) -> Option<usize> {
        self.actor_between_slots(s, s.a, pos)
    }

    /// The actor an attached pronoun ("سيطرتها", "its control") refers to:
    /// the nearest actor before it, unless that actor sits in a relative
    /// clause describing a facility ("السجن الذي يضم معتقلين من داعش خرج عن
    /// سيطرتها", "the prison, which holds ISIS detainees, slipped out of its
    /// control"): such a clause describes the place, so the pronoun refers
    /// to the actor before it.
    fn pronoun_antecedent(&self, s: &Sentence, pos: usize) -> Option<usize> {
        let near = self.actor_before(s, pos)?;
        let near_start = s
            .mentions
            .iter()
            .rev()
            .find(|m| m.tokens.end <= pos && Sentence::actor(m) == Some(near))?
            .tokens
            .start;
        let relative = (s.a..near_start).rev().find(|&k| {
            matches!(
                s.bare(k),
                "which"
                    | "who"
                    | "that"
                    | "التي"
                    | "الذي"
                    | "الذين"
                    | "اللذين"
                    | "اللتين"
                    | "اللاتي"
            ) && s.mentions.iter().any(|m| {
                matches!(m.entity, Entity::Facility(_))
                    && m.tokens.end <= k
                    && k - m.tokens.end <= 1
            })
        });
        match relative {
            Some(r) => self.actor_between_slots(s, s.a, r).or(Some(near)),
            None => Some(near),
        }
    }

    /// The subject before a control word, looked for in its own clause: in
    /// "X recaptured F after federal troops withdrew", X did not withdraw.
    /// A relative clause ("X, which had held F, withdrew") does not hide the
    /// main clause's subject.
    fn subject_before(&self, s: &Sentence, pos: usize) -> Option<usize> {
        let Some(k) = (s.a..pos).rev().find(|&k| self.scope_break(s, k)) else {
            return self.actor_before(s, pos);
        };
        self.actor_between_slots(s, k + 1, pos).or_else(|| {
            let relative = matches!(
                s.bare(k),
                "which" | "who" | "whose" | "التي" | "الذي" | "الذين"
            );
            // "…, but it still controls the site": a subject pronoun refers
            // back past the clause boundary.
            let pronoun = (k + 1..pos).any(|i| matches!(s.word(i), "it" | "they" | "he" | "she"));
            if relative || pronoun {
                self.actor_before(s, pos)
            } else {
                None
            }
        })
    }

    fn actor_between_slots(&self, s: &Sentence, from: usize, pos: usize) -> Option<usize> {
        s.mentions
            .iter()
            .rev()
            .filter(|m| m.tokens.end <= pos && m.tokens.start >= from)
            .find_map(|m| {
                let prev = s.word(m.tokens.start.wrapping_sub(1));
                let prev2 = s.word(m.tokens.start.wrapping_sub(2));
                let slot = matches!(
                    prev,
                    "from"
                        | "to"
                        | "against"
                        | "near"
                        | "than"
                        | "between"
                        | "الي"
                        | "لصالح"
                        | "ضد"
                ) || (prev == "the"
                    && matches!(prev2, "from" | "to" | "against" | "between"))
                    || m.prefix.ends_with('ل')
                    || m.prefix.ends_with('ب');
                // "rebels from the M23 movement": membership, not a source.
                let from_at = match (prev, prev2) {
                    ("from", _) => Some(m.tokens.start - 1),
                    ("the", "from") => Some(m.tokens.start - 2),
                    _ => None,
                };
                let membership = from_at.is_some_and(|k| {
                    let w = s.word(k.wrapping_sub(1));
                    self.cues.filler.contains(w) && !matches!(w, "the" | "of" | "its")
                });
                if slot && !membership {
                    None
                } else {
                    Sentence::actor(m)
                }
            })
    }

    /// `actor` and the actors coordinated with its mention nearest to `pos`
    /// ("Malian troops and Wagner fighters seized", "قوات الجيش ومجموعة فاغنر").
    fn coordinated(&self, s: &Sentence, actor: usize, pos: usize) -> Vec<usize> {
        let mut out = vec![actor];
        let Some(k) = s
            .mentions
            .iter()
            .enumerate()
            .filter(|(_, m)| Sentence::actor(m) == Some(actor))
            .min_by_key(|(_, m)| m.tokens.start.abs_diff(pos))
            .map(|(k, _)| k)
        else {
            return out;
        };
        let joined = |a: &Mention, b: &Mention| {
            let gap: Vec<&str> = (a.tokens.end..b.tokens.start).map(|i| s.word(i)).collect();
            let ok = match gap.as_slice() {
                [] => b.prefix.starts_with('و'),
                ["and"] | ["and", "the"] | [",", "and"] => true,
                ["وحدات" | "قوات" | "عناصر" | "مقاتلي"] => {
                    b.prefix.is_empty() && s.word(a.tokens.end).starts_with('و')
                }
                _ => false,
            };
            ok && Sentence::actor(b).is_some()
        };
        let m = &s.mentions;
        let mut j = k;
        while j > 0 && joined(&m[j - 1], &m[j]) {
            j -= 1;
            out.extend(Sentence::actor(&m[j]));
        }
        let mut j = k;
        while j + 1 < m.len() && joined(&m[j], &m[j + 1]) {
            j += 1;
            out.extend(Sentence::actor(&m[j]));
        }
        out.dedup();
        out
    }

    /// The actor of a passive "by X" right after the verb.
    fn by_actor(&self, s: &Sentence, from: usize, end: usize) -> Option<usize> {
        (from..end.min(from + 6)).find_map(|i| match s.word(i) {
            "by" => self.actor_after(s, i + 1, true),
            // "على يد X", "على أيدي X": at the hands of X.
            "علي" if matches!(s.word(i + 1), "يد" | "ايدي") => {
                self.actor_after(s, i + 2, true)
            }
            _ => None,
        })
    }

    /// Actor mentions after `from` (up to `end`) and the slot each is in.
    fn slots_after<'s>(
        &self,
        s: &'s Sentence,
        from: usize,
        end: usize,
    ) -> Vec<(&'s Mention, Slot)> {
        let mut out = Vec::new();
        for m in s
            .mentions
            .iter()
            .filter(|m| m.tokens.start >= from && m.tokens.start < end)
        {
            if Sentence::actor(m).is_none() {
                continue;
            }
            let mut j = m.tokens.start;
            let mut slot = Slot::Plain;
            if m.prefix.ends_with('ل') {
                slot = Slot::To;
            }
            while slot == Slot::Plain && j > from {
                j -= 1;
                let w = s.bare(j);
                match w {
                    "from" | "من"
                        if !(j > s.a
                            && matches!(
                                s.bare(j - 1),
                                "وحدات" | "عناصر" | "قوات" | "مقاتلين" | "جنود"
                            )) =>
                    {
                        slot = Slot::From
                    }
                    "to" | "الي" | "لصالح" | "لمصلحه" => slot = Slot::To,
                    _ if (self.cues.filler.contains(w) || lexicon::GRIP.contains(&w))
                        && w != "من" =>
                    {
                        continue
                    }
                    _ => break,
                }
            }
            out.push((m, slot));
        }
        out
    }

    /// Object facilities of an active control word, and how sure we are.
    fn objects(
        &self,
        s: &Sentence,
        f: &Found,
        scope_end: usize,
        passive: bool,
    ) -> (Vec<usize>, f32) {
        // Passive voice: the place is the subject ("F was captured by X").
        if passive {
            let before = self.facilities_around(s, f.pos, f.pos, f.pos);
            if !before.is_empty() {
                return (before, 1.0);
            }
        }
        // Leaving positions in a place is leaving the place; taking
        // positions in it is not taking it.
        let located_ok = f.trigger.frame == Frame::Loss;
        let after: Vec<usize> = self.facilities_in(s, f.pos + 1, scope_end, located_ok);
        if !after.is_empty() {
            return (after, 1.0);
        }
        let pron = f.trigger.pron_obj
            || (f.pos + 1..(f.pos + 7).min(scope_end))
                .any(|i| OBJ_PRONOUNS.contains(&s.word(i)) || self.is_anaphor(s, i));
        // Without a pronoun, a control word with no object may still be
        // about the place named before it ("F is now under Y's control after
        // X withdrew"), but only when nothing else could be its object
        // ("withdrew from the talks", "the capture of 200 soldiers").
        // Only when nothing after it can be its object ("seized weapons").
        let next = s.word(f.pos + 1);
        let no_direct_object = next.is_empty()
            || s.norm.tokens[f.pos + 1].kind == crate::text::TokenKind::Punct
            || matches!(
                next,
                "from"
                    | "in"
                    | "on"
                    | "at"
                    | "by"
                    | "after"
                    | "since"
                    | "during"
                    | "last"
                    | "this"
                    | "earlier"
                    | "overnight"
                    | "yesterday"
                    | "من"
                    | "في"
                    | "منذ"
                    | "بعد"
            );
        if no_direct_object {
            if let Some(fac) = self.object_before(s, f.pos) {
                return (vec![fac], 0.9);
            }
        }
        if !pron && !self.objectless(s, f, scope_end) {
            return (Vec::new(), 0.0);
        }
        let before = self.facilities_around(s, f.pos, f.pos, f.pos);
        (before, if pron { 0.95 } else { 0.7 })
    }

    /// Whether nothing but its subject, fillers and punctuation follows a
    /// control word in its scope (at most two other words, no preposition).
    fn objectless(&self, s: &Sentence, f: &Found, scope_end: usize) -> bool {
        let mut other = 0;
        for i in f.pos + 1..scope_end {
            let w = s.bare(i);
            if matches!(
                w,
                "from" | "of" | "on" | "over" | "to" | "من" | "عن" | "علي" | "الي"
            ) {
                return false;
            }
            if s.in_mention(i)
                || self.cues.filler.contains(w)
                || s.norm.tokens[i].kind == crate::text::TokenKind::Punct
            {
                continue;
            }
            other += 1;
        }
        other <= 2
    }

    /// "the city", "المدينة": a kind word standing for a facility named before.
    fn is_anaphor(&self, s: &Sentence, i: usize) -> bool {
        let w = s.word(i);
        // Words that can stand for any watched place.
        if matches!(
            w,
            "site" | "facility" | "installation" | "compound" | "الموقع" | "المنشاه"
        ) && (is_arabic(w) || s.word(i.wrapping_sub(1)) == "the")
        {
            return true;
        }
        let bare = if is_arabic(w) {
            w.strip_prefix("ال")
        } else {
            (s.word(i.wrapping_sub(1)) == "the").then_some(w)
        };
        let Some(bare) = bare else { return false };
        (0..self.watchlist.facilities.len()).any(|f| self.names.heads(f).contains(bare))
    }

    /// Facility mentions in `from..to` that are not mere reference points.
    fn facilities_in(&self, s: &Sentence, from: usize, to: usize, located_ok: bool) -> Vec<usize> {
        let mut out = Vec::new();
        for m in s
            .mentions
            .iter()
            .filter(|m| m.tokens.start >= from && m.tokens.start < to)
        {
            if let Entity::Facility(fi) = m.entity {
                // After the first object, a place introduced by a preposition
                // is not another object ("cut off from Mosul").
                let prev = s.bare(m.tokens.start.wrapping_sub(1));
                let introduced = matches!(
                    prev,
                    "from"
                        | "to"
                        | "of"
                        | "into"
                        | "toward"
                        | "towards"
                        | "من"
                        | "الي"
                        | "عن"
                        | "نحو"
                ) || (prev == "the"
                    && matches!(
                        s.word(m.tokens.start.wrapping_sub(2)),
                        "from" | "to" | "of" | "into"
                    ));
                if !out.is_empty() && introduced {
                    continue;
                }
                // A place introduced as a location is where it happened, not
                // what was taken ("captured 50 soldiers in F", "مواقع في F").
                let located = matches!(prev, "in" | "at" | "inside" | "within" | "في" | "داخل")
                    || (prev == "the"
                        && matches!(
                            s.word(m.tokens.start.wrapping_sub(2)),
                            "in" | "at" | "inside"
                        ))
                    || m.prefix.ends_with('ب')
                    || m.prefix.ends_with("بال");
                if located && !m.listed && !located_ok {
                    continue;
                }
                if !self.vicinity(s, m) && !out.contains(&fi) {
                    out.push(fi);
                }
            }
        }
        out
    }

    /// The place a control word with no object after it is about, when the
    /// place comes right before it: a participle ("declared Mosul fully
    /// liberated") or a relative clause ("the dam, which ISIS captured").
    fn object_before(&self, s: &Sentence, pos: usize) -> Option<usize> {
        let adverb = |w: &str| {
            matches!(
                w,
                "fully"
                    | "completely"
                    | "entirely"
                    | "now"
                    | "was"
                    | "is"
                    | "has"
                    | "had"
                    | "been"
                    | "being"
                    | "بالكامل"
            )
        };
        let relative = |w: &str| matches!(w, "which" | "that" | "التي" | "الذي");
        let before = |i: usize| s.word(i.wrapping_sub(1));
        let mut i = pos;
        while i > s.a && adverb(before(i)) {
            i -= 1;
        }
        // The subject of a relative clause: "the dam, which ISIS captured".
        if let Some(m) = s
            .mentions
            .iter()
            .find(|m| m.tokens.end == i && matches!(m.entity, Entity::Actor(_)))
        {
            i = m.tokens.start;
            if before(i) == "the" {
                i -= 1;
            }
            if !relative(before(i)) {
                return None;
            }
        }
        if relative(before(i)) {
            i -= 1;
            if before(i) == "," {
                i -= 1;
            }
        }
        let m = s.mentions.iter().find(|m| m.tokens.end == i)?;
        match m.entity {
            Entity::Facility(f) if !self.vicinity(s, m) => Some(f),
            _ => None,
        }
    }

    /// The facility a possession phrase or pronoun is about: the nearest one
    /// before `start` (with the list it ends), else the first after `after`.
    fn facilities_around(
        &self,
        s: &Sentence,
        start: usize,
        after: usize,
        end: usize,
    ) -> Vec<usize> {
        let before: Vec<&Mention> = s
            .mentions
            .iter()
            .filter(|m| {
                m.tokens.end <= start
                    && matches!(m.entity, Entity::Facility(_))
                    && !self.vicinity(s, m)
            })
            .collect();
        if let Some(last) = before.last() {
            let mut out = vec![last];
            // Extend back over a coordinated list ("X, Y and Z fields").
            for m in before.iter().rev().skip(1) {
                let gap = m.tokens.end..out[out.len() - 1].tokens.start;
                let joined = gap
                    .clone()
                    .all(|i| matches!(s.word(i), "," | "and" | "or" | "the"))
                    && (!gap.is_empty() || out[out.len() - 1].prefix.starts_with('و'));
                if !joined {
                    break;
                }
                out.push(m);
            }
            let mut ids: Vec<usize> = out
                .iter()
                .filter_map(|m| {
                    if let Entity::Facility(f) = m.entity {
                        Some(f)
                    } else {
                        None
                    }
                })
                .collect();
            ids.dedup();
            return ids;
        }
        if end > after {
            return self
                .facilities_in(s, after, end, false)
                .into_iter()
                .take(1)
                .collect();
        }
        Vec::new()
    }

    /// "near X", "on the outskirts of X", "قرب X", "في محيط X", "ريف X".
    fn vicinity(&self, s: &Sentence, m: &Mention) -> bool {
        // "the Raqqa countryside", "Kherson province": the region around it.
        if matches!(
            s.word(m.tokens.end),
            "countryside"
                | "outskirts"
                | "province"
                | "governorate"
                | "region"
                | "suburbs"
                | "environs"
                | "area"
                | "district"
                | "border"
        ) {
            return true;
        }
        let mut i = m.tokens.start;
        for _ in 0..3 {
            if i <= s.a {
                return false;
            }
            i -= 1;
            let w = s.word(i);
            if matches!(
                w,
                "of" | "the"
                    | "to"
                    | "from"
                    | "في"
                    | "من"
                    | "الي"
                    | "علي"
                    | "a"
                    | "km"
                    | "miles"
                    | "kilometres"
                    | "kilometers"
            ) || w.chars().all(|c| c.is_ascii_digit())
            {
                continue;
            }
            return proclitic_stems(w).any(|(_, st)| self.cues.vicinity.contains(st))
                || self.cues.vicinity.contains(w);
        }
        false
    }

    /// Who the sentence attributes the report to: "قالت X إن", "according
    /// to X,", "X said", "وبحسب X،".
    fn attribution(&self, s: &Sentence, text: &str) -> Option<String> {
        let span = |from: usize, to: usize| -> Option<String> {
            if from >= to || to - from > 8 {
                return None;
            }
            let r = s.norm.tokens[from].orig.start..s.norm.tokens[to - 1].orig.end;
            Some(text[r].to_string())
        };
        // "according to X," anywhere.
        for i in s.a..s.b {
            if s.word(i) == "according" && s.word(i + 1) == "to" {
                let end = (i + 2..s.b)
                    .find(|&j| s.word(j) == ",")
                    .unwrap_or((i + 6).min(s.b));
                return span(i + 2, end);
            }
        }
        let first = s.bare(s.a);
        if is_arabic(first) && self.cues.say.contains(first) {
            let end = (s.a + 1..s.b)
                .find(|&j| matches!(s.bare(j), "ان" | "بان" | "انه" | "انها" | "," | ":"))
                .unwrap_or(s.a + 1);
            return span(s.a + 1, end);
        }
        // Arabic with a proclitic ب: "وبحسب".
        if is_arabic(first)
            && first
                .strip_prefix('ب')
                .is_some_and(|w| self.cues.say.contains(w))
        {
            let end = (s.a + 1..s.b)
                .find(|&j| s.word(j) == ",")
                .unwrap_or(s.a + 1);
            return span(s.a + 1, end);
        }
        // "X said (that) ..." at the start, or "..., X said." at the end.
        if let Some(k) = (s.a + 1..(s.a + 7).min(s.b))
            .find(|&j| self.cues.say.contains(s.word(j)) && !is_arabic(s.word(j)))
        {
            let from = (s.a..k)
                .rev()
                .find(|&j| s.word(j) == ",")
                .map_or(s.a, |c| c + 1);
            return span(from, k);
        }
        if let Some(c) = (s.a..s.b).rev().find(|&j| s.word(j) == ",") {
            let last = if s.word(s.b - 1) == "." { s.b - 1 } else { s.b };
            if last > c + 1 && self.cues.say.contains(s.word(last - 1)) {
                return span(c + 1, last - 1);
            }
        }
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Plain,
    From,
    To,
}

#[cfg(test)]
mod tests;
