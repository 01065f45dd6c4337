//! The word lists of the detector: control verbs and nouns (with Arabic
//! morphology generated from stems), and the cue words of the filters.
//!
//! Everything is in normalised form (see [`crate::text::normalize`]). No
//! entry names a place or an armed group: the lists describe *how* control
//! is reported, so they carry over to any conflict and any watchlist.

use std::collections::{HashMap, HashSet};

/// How a control word assigns roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// The subject gains the object ("seized", "سيطر على"); "from X" loses.
    Gain,
    /// The subject loses the object ("withdrew from", "سلّم"); "to X" gains.
    Loss,
    /// The subject holds the object ("controls", "still holds").
    Holds,
    /// The subject gains, the actor object loses ("drove X out of", "طرد").
    Expel,
    /// The facility is in the possession of the following actor ("under X
    /// control", "بيد", "تحت سيطرة"): holds, or gain after a change verb.
    Possess,
    /// "fell to X": X gains.
    FellTo,
}

/// What must follow a word for it to be a control word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Nothing,
    /// One of these words within the next three tokens.
    Words(&'static [&'static str]),
    /// The very next token is one of these.
    Next(&'static [&'static str]),
    /// The very next token is one of these, or a facility name follows
    /// ("took the port").
    NextOrPlace(&'static [&'static str]),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trigger {
    pub frame: Frame,
    /// A verbal noun (masdar, "-ing"): its agent may follow it ("انسحاب قسد").
    pub masdar: bool,
    /// The form carries an object pronoun ("سلّمته", "استعادها").
    pub pron_obj: bool,
    pub need: Need,
    /// How sure the word alone makes us.
    pub weight: f32,
}

const CONTROL_NEXT: &[&str] = &[
    "control",
    "over",
    "back",
    "full",
    "complete",
    "total",
    "charge",
    "possession",
    "hold",
    "it",
    "them",
];

/// Arabic verbs: (past 3rd masc. sing., present stem without the prefix), frame.
const AR_VERBS: &[(&str, &str, Frame)] = &[
    ("سيطر", "سيطر", Frame::Gain),
    ("استولي", "ستولي", Frame::Gain),
    ("استعاد", "ستعيد", Frame::Gain),
    ("استرجع", "سترجع", Frame::Gain),
    ("استرد", "سترد", Frame::Gain),
    ("انتزع", "نتزع", Frame::Gain),
    ("حرر", "حرر", Frame::Gain),
    ("تسلم", "تسلم", Frame::Gain),
    ("استلم", "ستلم", Frame::Gain),
    ("اجتاح", "جتاح", Frame::Gain),
    ("استحوذ", "ستحوذ", Frame::Gain),
    ("غادر", "غادر", Frame::Loss),
    ("تقهقر", "تقهقر", Frame::Loss),
    ("احتل", "حتل", Frame::Gain),
    ("انسحب", "نسحب", Frame::Loss),
    ("خسر", "خسر", Frame::Loss),
    ("فقد", "فقد", Frame::Loss),
    ("سلم", "سلم", Frame::Loss),
    ("تخلي", "تخلي", Frame::Loss),
    ("اخلي", "خلي", Frame::Loss),
    ("تراجع", "تراجع", Frame::Loss),
    ("طرد", "طرد", Frame::Expel),
    ("دحر", "دحر", Frame::Expel),
    ("اخرج", "خرج", Frame::Expel),
];

/// Arabic verbal nouns, frame, and what must follow.
const AR_MASDARS: &[(&str, Frame, Need)] = &[
    (
        "سيطره",
        Frame::Gain,
        Need::Words(&["علي", "عليه", "عليها", "عليهم"]),
    ),
    ("استعاده", Frame::Gain, Need::Nothing),
    ("استرجاع", Frame::Gain, Need::Nothing),
    ("استرداد", Frame::Gain, Need::Nothing),
    ("استيلاء", Frame::Gain, Need::Nothing),
    ("انتزاع", Frame::Gain, Need::Nothing),
    ("تحرير", Frame::Gain, Need::Nothing),
    ("تسلم", Frame::Gain, Need::Nothing),
    ("استلام", Frame::Gain, Need::Nothing),
    ("احتلال", Frame::Gain, Need::Nothing),
    ("اجتياح", Frame::Gain, Need::Nothing),
    ("انسحاب", Frame::Loss, Need::Nothing),
    ("خساره", Frame::Loss, Need::Nothing),
    ("فقدان", Frame::Loss, Need::Nothing),
    ("تسليم", Frame::Loss, Need::Nothing),
    ("تخلي", Frame::Loss, Need::Nothing),
    ("اخلاء", Frame::Loss, Need::Nothing),
    ("طرد", Frame::Expel, Need::Nothing),
    ("دحر", Frame::Expel, Need::Nothing),
    ("اخراج", Frame::Expel, Need::Nothing),
];

/// English words: forms, frame, need.
const EN_WORDS: &[(&str, Frame, Need)] = &[
    ("seized seizes seize seizing", Frame::Gain, Need::Nothing),
    (
        "captured captures capture capturing",
        Frame::Gain,
        Need::Nothing,
    ),
    (
        "recaptured recaptures recapture recapturing",
        Frame::Gain,
        Need::Nothing,
    ),
    (
        "retook retakes retaken retaking retake",
        Frame::Gain,
        Need::Nothing,
    ),
    (
        "regained regains regaining regain",
        Frame::Gain,
        Need::Nothing,
    ),
    (
        "reclaimed reclaims reclaiming reclaim",
        Frame::Gain,
        Need::Nothing,
    ),
    (
        "liberated liberates liberating liberate",
        Frame::Gain,
        Need::Nothing,
    ),
    ("overran overruns overrun", Frame::Gain, Need::Nothing),
    (
        "occupied occupies occupy occupying",
        Frame::Gain,
        Need::Nothing,
    ),
    ("conquered conquers", Frame::Gain, Need::Nothing),
    ("wrested wrests", Frame::Gain, Need::Nothing),
    (
        "grabbed grabs snatched annexed annexes",
        Frame::Gain,
        Need::NextOrPlace(&[]),
    ),
    // "US forces left Bagram": only with the place as direct object.
    (
        "left leaves vacated vacates departed quit fled",
        Frame::Loss,
        Need::NextOrPlace(&[]),
    ),
    ("returned returns", Frame::Loss, Need::NextOrPlace(&[])),
    // "secured the port", not "secured the release of" or "secured a deal".
    ("secured", Frame::Gain, Need::NextOrPlace(&[])),
    (
        "took takes taken taking take",
        Frame::Gain,
        Need::NextOrPlace(CONTROL_NEXT),
    ),
    (
        "gained gains assumed assumes established extended extends won wins",
        Frame::Gain,
        Need::Words(&["control"]),
    ),
    ("controls", Frame::Holds, Need::Nothing),
    // "RSF claims control of El Fasher", "declared control over".
    (
        "claimed claims claim declared declares announced announces asserted",
        Frame::Gain,
        Need::Next(&["control", "full"]),
    ),
    ("holds", Frame::Holds, Need::Nothing),
    (
        "holding hold retains retained retaining maintains maintained",
        Frame::Holds,
        Need::Nothing,
    ),
    // Nouns: "their withdrawal from", "the capture of F by X".
    (
        "withdrawal pullout retreat evacuation handover loss",
        Frame::Loss,
        Need::Nothing,
    ),
    (
        "capture seizure takeover recapture liberation",
        Frame::Gain,
        Need::Nothing,
    ),
    // "lost control of F", "lost F"; not "lost dozens of fighters in F".
    (
        "lost loses losing",
        Frame::Loss,
        Need::NextOrPlace(&["control", "grip", "hold", "it", "them"]),
    ),
    (
        "withdrew withdraws withdrawn withdrawing withdraw",
        Frame::Loss,
        Need::Nothing,
    ),
    (
        "pulled pulls pulling",
        Frame::Loss,
        Need::Next(&["out", "back"]),
    ),
    ("retreated retreats retreating", Frame::Loss, Need::Nothing),
    (
        "abandoned abandons abandoning abandon",
        Frame::Loss,
        Need::Nothing,
    ),
    ("evacuated evacuates", Frame::Loss, Need::Nothing),
    ("ceded cedes ceding cede", Frame::Loss, Need::Nothing),
    ("relinquished relinquishes", Frame::Loss, Need::Nothing),
    ("surrendered surrenders", Frame::Loss, Need::Nothing),
    ("handed hands handing", Frame::Loss, Need::Nothing),
    ("turned", Frame::Loss, Need::Words(&["over"])),
    ("gave gives", Frame::Loss, Need::Words(&["up"])),
    (
        "drove drives driven",
        Frame::Expel,
        Need::Words(&["out", "from"]),
    ),
    ("pushed", Frame::Expel, Need::Words(&["out", "from"])),
    (
        "forced",
        Frame::Expel,
        Need::Words(&["out", "from", "withdraw", "retreat"]),
    ),
    (
        "expelled expels expel ousted ousts oust evicted routed dislodged dislodge",
        Frame::Expel,
        Need::Nothing,
    ),
    ("cleared", Frame::Expel, Need::Words(&["of"])),
    ("fell falls fallen", Frame::FellTo, Need::Next(&["to"])),
    // "the fall of F to X".
    ("fall", Frame::FellTo, Need::Words(&["to"])),
    // "control of F passed to X".
    (
        "passed transferred reverted",
        Frame::FellTo,
        Need::Next(&["to"]),
    ),
    (
        "kept keeps keep",
        Frame::Holds,
        Need::Words(&["control", "hold", "grip"]),
    ),
    ("held", Frame::Possess, Need::Next(&["by"])),
    ("controlled", Frame::Possess, Need::Next(&["by"])),
];

/// English nouns of the list above: like Arabic verbal nouns, their agent
/// may be a possessive or a "by" phrase.
const EN_NOUNS: &[&str] = &[
    "withdrawal",
    "pullout",
    "retreat",
    "evacuation",
    "handover",
    "loss",
    "capture",
    "seizure",
    "takeover",
    "recapture",
    "liberation",
];

/// "قبضته", "سيطرتها", "السيطرة": the nouns "أحكم"/"فرض"/"بسط" need.
const GRIP_NOUNS: &[&str] = &[
    "يده",
    "يدها",
    "يدهم",
    "ايديهم",
    "السيطره",
    "سيطرته",
    "سيطرتها",
    "سيطرتهم",
    "قبضته",
    "قبضتها",
    "قبضتهم",
    "نفوذه",
    "نفوذها",
    "نفوذهم",
];

/// Words anywhere in a sentence that deny what it reports ("reports that X
/// seized F were false", "الأنباء ... عارية عن الصحة").
pub const FALSEHOOD: &[&str] = &[
    "false",
    "untrue",
    "baseless",
    "unfounded",
    "fabricated",
    "fake",
    "عاريه",
    "كاذبه",
    "مفبركه",
    "ملفقه",
    "مغلوطه",
    "شائعه",
];

/// Object pronouns attached to Arabic verbs.
const AR_OBJ: &[&str] = &["ه", "ها", "هم", "هما"];

/// The trigger lexicon: normalised word → trigger.
#[derive(Debug, Clone)]
pub struct Lexicon {
    words: HashMap<String, Trigger>,
}

fn trig(frame: Frame, masdar: bool, pron_obj: bool, need: Need, weight: f32) -> Trigger {
    Trigger {
        frame,
        masdar,
        pron_obj,
        need,
        weight,
    }
}

/// Past and present forms of an Arabic verb (person/gender/number), each with
/// and without an object pronoun. Future forms (سـ) are deliberately absent.
fn ar_forms(past: &str, present: &str) -> Vec<(String, bool)> {
    let mut plain = vec![
        past.to_string(),
        format!("{past}ت"),
        format!("{past}وا"),
        format!("{past}ا"),
        format!("{past}تا"),
        format!("ي{present}"),
        format!("ت{present}"),
        format!("ي{present}ون"),
        format!("ت{present}ان"),
        format!("ي{present}ان"),
        format!("ن{present}"),
    ];
    // Verbs ending in ي (استولى, تخلى) lose it before plural endings.
    if let Some(stem) = past.strip_suffix('ي') {
        plain.push(format!("{stem}وا"));
        plain.push(format!("{stem}ت"));
    }
    // First person plural past, as in quoted statements: "سيطرنا".
    plain.push(format!("{past}نا"));
    let mut out: Vec<(String, bool)> = plain.iter().map(|f| (f.clone(), false)).collect();
    for f in &plain {
        let base = f
            .strip_suffix("وا")
            .map(|s| format!("{s}و"))
            .unwrap_or_else(|| f.clone());
        for o in AR_OBJ {
            out.push((format!("{base}{o}"), true));
        }
    }
    out
}

impl Lexicon {
    pub fn new() -> Self {
        let mut words = HashMap::new();
        for &(past, present, frame) in AR_VERBS {
            for (f, pron) in ar_forms(past, present) {
                words
                    .entry(f)
                    .or_insert(trig(frame, false, pron, Need::Nothing, 0.9));
            }
        }
        // "أحكم قبضته على", "فرض سيطرته على", "وضع يده على": verbs of
        // control only with their noun.
        for &(past, present) in &[
            ("احكم", "حكم"),
            ("فرض", "فرض"),
            ("بسط", "بسط"),
            ("وضع", "ضع"),
        ] {
            for (f, pron) in ar_forms(past, present) {
                words.entry(f).or_insert(trig(
                    Frame::Gain,
                    false,
                    pron,
                    Need::Words(GRIP_NOUNS),
                    0.9,
                ));
            }
        }
        // Participles of control: "مسيطرة على" (in control of).
        for p in [
            "مسيطر",
            "مسيطره",
            "مسيطرا",
            "مسيطرين",
            "مسيطرون",
            "مسيطرتين",
        ] {
            words.insert(
                p.to_string(),
                trig(Frame::Holds, false, false, Need::Words(&["علي"]), 0.85),
            );
        }
        for &(m, frame, need) in AR_MASDARS {
            // A masdar may carry a possessive pronoun: "سيطرتها", "انسحابه".
            let stem = m
                .strip_suffix('ه')
                .map(|s| format!("{s}ت"))
                .unwrap_or_else(|| m.to_string());
            words.insert(m.to_string(), trig(frame, true, false, need, 0.8));
            for o in AR_OBJ {
                words
                    .entry(format!("{stem}{o}"))
                    .or_insert(trig(frame, true, false, need, 0.8));
            }
        }
        for &(forms, frame, need) in EN_WORDS {
            for f in forms.split(' ') {
                words.insert(
                    f.to_string(),
                    trig(
                        frame,
                        f.ends_with("ing") || EN_NOUNS.contains(&f),
                        false,
                        need,
                        0.9,
                    ),
                );
            }
        }
        Lexicon { words }
    }

    /// The trigger for a normalised word (Arabic: after stripping و/ف).
    pub fn get(&self, word: &str) -> Option<&Trigger> {
        if let Some(t) = self.words.get(word) {
            return Some(t);
        }
        // Verbs take the conjunctions و ف; verbal nouns also the article and
        // ب ("وبانسحاب", "بالسيطرة"), never ل, which makes them a purpose
        // ("للسيطرة على": in order to take).
        let stripped = word
            .strip_prefix('و')
            .or_else(|| word.strip_prefix('ف'))
            .unwrap_or(word);
        if let Some(t) = self.words.get(stripped) {
            return Some(t);
        }
        let s2 = stripped.strip_prefix('ب').unwrap_or(stripped);
        let s3 = s2.strip_prefix("ال").unwrap_or(s2);
        if s3.len() == word.len() {
            return None;
        }
        self.words.get(s3).filter(|t| t.masdar)
    }
}

impl Default for Lexicon {
    fn default() -> Self {
        Self::new()
    }
}

/// "من قبضة X", "from the grip of X": possession nouns between "from" and
/// the actor it names (never part of a subject: "تراجعت قبضة X" is not X).
pub const GRIP: &[&str] = &["قبضه", "يد", "ايدي", "grip", "clutches", "hands", "control"];

/// Word sets used by the filters and the role finder.
#[derive(Clone)]
pub struct Cues {
    /// Before a control word in the same sentence: the statement is not a
    /// report of a fact (denial, threat, plan, expectation, condition,
    /// failed attempt, agreement about the future).
    pub irrealis: HashSet<&'static str>,
    /// Right before a control word: negation or modality.
    pub negation: HashSet<&'static str>,
    /// Right before a facility: the place is only a reference point.
    pub vicinity: HashSet<&'static str>,
    /// Before a possession phrase: control changed ("fell", "بات").
    pub change: HashSet<&'static str>,
    /// Tokens allowed between a control word and its actor ("units of").
    pub filler: HashSet<&'static str>,
    /// Subordinators that end a control word's object scope.
    pub scope_end: HashSet<&'static str>,
    /// Attribution verbs and phrases.
    pub say: HashSet<&'static str>,
}

const IRREALIS: &[&str] = &[
    // denial
    "denied",
    "denies",
    "deny",
    "denying",
    "rejected",
    "rejects",
    "dismissed",
    "refuted",
    "false",
    "accusations",
    "accused",
    "accuses",
    "rumours",
    "rumors",
    "نفي",
    "نفت",
    "ينفي",
    "تنفي",
    "نفوا",
    "رفض",
    "رفضت",
    "يرفض",
    "ترفض",
    "كذب",
    "كذبت",
    "اتهامات",
    "اتهام",
    "اتهم",
    "اتهمت",
    "يتهم",
    "تتهم",
    "شائعات",
    "مزاعم",
    "ادعاءات", // threat, warning
    // orders and requests are not yet facts
    "ordered",
    "orders",
    "order",
    "امر",
    "امرت",
    "يامر",
    "تامر",
    "اوامر",
    "طلب",
    "طلبت",
    // contested, shared, exchanged control is no one's
    "تبادل",
    "تتبادل",
    "يتبادل",
    "تبادلت",
    "يتبادلان",
    "تتنازع",
    "يتنازع",
    "تتقاسم",
    "يتقاسم",
    "contested",
    "vying",
    // fear is not fact
    "fear",
    "fears",
    "feared",
    "worried",
    "concern",
    "concerns",
    "يخشي",
    "تخشي",
    "خشيه",
    "مخاوف",
    "threatened",
    "threatens",
    "threaten",
    "threat",
    "threats",
    "warned",
    "warns",
    "warning",
    "vowed",
    "vows",
    "هدد",
    "هددت",
    "يهدد",
    "تهدد",
    "تهديد",
    "توعد",
    "توعدت",
    "حذر",
    "حذرت",
    "يحذر",
    "تحذر",
    "تحذير", // intention, plan, readiness, demand
    "intends",
    "intend",
    "intended",
    "intention",
    "plans",
    "plan",
    "planned",
    "planning",
    "aims",
    "aim",
    "seeks",
    "seek",
    "sought",
    "wants",
    "want",
    "ready",
    "prepared",
    "preparing",
    "prepares",
    "pledged",
    "pledges",
    "urged",
    "urges",
    "demanded",
    "demands",
    "hopes",
    "hope",
    "تعتزم",
    "يعتزم",
    "اعتزام",
    "تنوي",
    "ينوي",
    "نيه",
    "تخطط",
    "يخطط",
    "خطه",
    "مخطط",
    "تسعي",
    "يسعي",
    "سعي",
    "تستعد",
    "يستعد",
    "استعداد",
    "جاهزيه",
    "جاهزيتها",
    "جاهزيته",
    "مستعده",
    "مستعد",
    "تطالب",
    "يطالب",
    "طالب",
    "طالبت",
    "دعا",
    "دعت",
    "تعهد",
    "تعهدت",
    "تريد",
    "يريد",
    "عزم",
    "عزمها",
    "عزمه",
    "تهدف",
    "يهدف",
    "بهدف", // expectation
    "expected",
    "expects",
    "expect",
    "likely",
    "poised",
    "verge",
    "imminent",
    "could",
    "may",
    "might",
    "would",
    "will",
    "shall",
    "soon",
    "يتوقع",
    "توقع",
    "توقعات",
    "متوقع",
    "المتوقع",
    "المنتظر",
    "المرجح",
    "يرجح",
    "وشك",
    "مرتقب",
    "ربما",
    "يحتمل",
    "محتمل",
    "سوف",
    "لن", // condition, question
    "if",
    "unless",
    "whether",
    "provided",
    "اذا",
    "لو",
    "حال",
    "شرط",
    "بشرط",
    "لولا", // failed attempt
    "failed",
    "fails",
    "fail",
    "attempt",
    "attempted",
    "attempts",
    "tried",
    "tries",
    "trying",
    "bid",
    "repelled",
    "repulsed",
    "foiled",
    "thwarted",
    "فشل",
    "فشلت",
    "محاوله",
    "محاولات",
    "حاول",
    "حاولت",
    "يحاول",
    "تحاول",
    "صد",
    "صدت",
    "تصدت",
    "احبط",
    "احبطت",
    "افشل",
    "افشلت",
    // agreement about the future
    "agreed",
    "agree",
    "agreement",
    "deal",
    "accord",
    "negotiations",
    "talks",
    "اتفاق",
    "اتفاقا",
    "اتفقت",
    "اتفق",
    "تفاهم",
    "يقضي",
    "تقضي",
    "مفاوضات",
];

const NEGATION: &[&str] = &[
    "not", "never", "no", "didnt", "hasnt", "havent", "hadnt", "wasnt", "werent", "isnt", "cannot",
    "cant", "without", "yet", "لم", "لن", "ليس", "ليست", "غير", "دون", "بدون", "عدم", "بعدم", "ما",
    "لا",
];

const VICINITY: &[&str] = &[
    // a part is not the whole: "parts of F", "أجزاء من F"
    "parts",
    "most",
    "much",
    "معظم",
    "اغلب",
    "part",
    "areas",
    "اجزاء",
    "جزء",
    "احياء",
    "near",
    "nearby",
    "outskirts",
    "around",
    "close",
    "vicinity",
    "edge",
    "edges",
    "gates",
    "perimeter",
    "surroundings",
    "surrounding",
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "countryside",
    "outside",
    "toward",
    "towards",
    "approaching",
    "approaches",
    "besieged",
    "siege",
    "around",
    "قرب",
    "بالقرب",
    "مقربه",
    "محيط",
    "مشارف",
    "اطراف",
    "ضواحي",
    "تخوم",
    "ريف",
    "شمال",
    "جنوب",
    "شرق",
    "غرب",
    "شمالي",
    "جنوبي",
    "شرقي",
    "غربي",
    "مداخل",
    "مدخل",
    "ابواب",
    "خارج",
    "نحو",
    "باتجاه",
    "اتجاه",
    "حول",
    "جوار",
    "بجوار",
    "حصار",
    "محاصره",
    "اسوار",
];

const CHANGE: &[&str] = &[
    "سقوط",
    "وقوع",
    "انتقال",
    "fall",
    "fell",
    "falls",
    "fallen",
    "came",
    "comes",
    "come",
    "now",
    "passed",
    "returned",
    "back",
    "became",
    "becomes",
    "brought",
    "placed",
    "put",
    "سقط",
    "سقطت",
    "يسقط",
    "تسقط",
    "بات",
    "باتت",
    "اصبح",
    "اصبحت",
    "صار",
    "صارت",
    "وقع",
    "وقعت",
    "انتقل",
    "انتقلت",
    "عاد",
    "عادت",
    "اضحي",
    "اضحت",
    "دخل",
    "دخلت",
    "الان",
    "بعدما",
];

const FILLER: &[&str] = &[
    "rebels",
    "insurgents",
    "gunmen",
    "jihadists",
    "متمردو",
    "متمردي",
    "مقاتلون",
    "مسلحون",
    "كتائب",
    "ميليشيا",
    "مليشيا",
    "مليشيات",
    "the",
    "of",
    "its",
    "fighters",
    "forces",
    "troops",
    "units",
    "militants",
    "members",
    "soldiers",
    "militias",
    "militia",
    "allied",
    "loyal",
    "fully",
    "completely",
    "entirely",
    "وحدات",
    "قوات",
    "عناصر",
    "مقاتلو",
    "مقاتلي",
    "مسلحو",
    "مسلحي",
    "فصائل",
    "جنود",
    "ميليشيات",
    "من",
    "تابعه",
    "موالون",
    "مواليه",
    "بالكامل",
    "كامل",
    "مجموعات",
    "افراد",
];

const SCOPE_END: &[&str] = &[
    // Relative clauses: "withdrew from the talks that F hosted".
    "which",
    "who",
    "whose",
    "where",
    "التي",
    "الذي",
    "الذين",
    "اللذين",
    "اللتين",
    "after",
    "before",
    "while",
    "amid",
    "following",
    "when",
    "since",
    "as",
    "but",
    "whereas",
    "despite",
    "بعد",
    "قبل",
    "عقب",
    "اثر",
    "حين",
    "عندما",
    "بينما",
    "وسط",
    "لكن",
    "رغم",
    "بعدما",
    "فيما",
    "حيث",
];

const SAY: &[&str] = &[
    "said",
    "says",
    "told",
    "reported",
    "claimed",
    "claims",
    "announced",
    "stated",
    "added",
    "confirmed",
    "قال",
    "قالت",
    "افاد",
    "افادت",
    "ذكر",
    "ذكرت",
    "اكد",
    "اكدت",
    "اوضح",
    "اوضحت",
    "صرح",
    "صرحت",
    "نقل",
    "نقلت",
    "اعلن",
    "اعلنت",
    "اضاف",
    "اضافت",
    "بحسب",
    "حسب",
    "وفق",
    "وفقا",
    "نقلا",
];

impl Cues {
    pub fn new() -> Self {
        let set = |l: &[&'static str]| l.iter().copied().collect::<HashSet<_>>();
        Cues {
            irrealis: set(IRREALIS),
            negation: set(NEGATION),
            vicinity: set(VICINITY),
            change: set(CHANGE),
            filler: set(FILLER),
            scope_end: set(SCOPE_END),
            say: set(SAY),
        }
    }
}

impl std::fmt::Debug for Cues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cues { .. }")
    }
}

impl Default for Cues {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_morphology_generated() {
        let lx = Lexicon::new();
        for w in [
            "سيطرت",
            "سيطروا",
            "يسيطر",
            "تسيطر",
            "استولت",
            "استولوا",
            "انسحبت",
            "ينسحبون",
            "وسلمته",
            "تستعيده",
            "فانسحب",
            "استعادها",
        ] {
            assert!(lx.get(w).is_some(), "{w}");
        }
        assert!(lx.get("سلمته").is_some_and(|t| t.pron_obj));
        assert_eq!(lx.get("وطردت").map(|t| t.frame), Some(Frame::Expel));
        assert!(lx.get("استعاده").is_some_and(|t| t.masdar));
        // "سيطرتها" reads as the verb with an object pronoun or the noun with a
        // possessive one: a gain either way.
        assert_eq!(lx.get("سيطرتها").map(|t| t.frame), Some(Frame::Gain));
        assert!(lx.get("السيطره").is_some_and(|t| t.masdar));
        assert!(lx.get("بالسيطره").is_some_and(|t| t.masdar));
        // Future forms are not triggers.
        assert!(lx.get("سيتسلم").is_none() && lx.get("ستسيطر").is_none());
    }

    #[test]
    fn english_forms() {
        let lx = Lexicon::new();
        assert_eq!(lx.get("recaptured").map(|t| t.frame), Some(Frame::Gain));
        assert_eq!(lx.get("withdrew").map(|t| t.frame), Some(Frame::Loss));
        assert_eq!(lx.get("expelled").map(|t| t.frame), Some(Frame::Expel));
        assert!(lx.get("attacked").is_none());
    }
}
