//! Article text → comparison key, sentences and control-claim detection with
//! a small Arabic/English watchlist: nothing may panic, and every sentence
//! range must be a valid slice of the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const WATCHLIST: &str = r#"
[[actor]]
id = "sdf"
names = ["SDF", "Syrian Democratic Forces", "قسد", "قوات سوريا الديمقراطية"]

[[actor]]
id = "gov"
names = ["government forces", "the army", "القوات الحكومية", "الجيش السوري"]

[[facility]]
id = "omar-field"
kind = "oil_field"
names = ["al-Omar oil field", "Omar field", "حقل العمر", "حقل العمر النفطي"]
controller = "sdf"

[[facility]]
id = "tabqa-dam"
kind = "dam"
names = ["Tabqa dam", "سد الطبقة"]
"#;

fn detector() -> &'static marsad::detect::Detector {
    static D: OnceLock<marsad::detect::Detector> = OnceLock::new();
    D.get_or_init(|| {
        let wl = marsad::detect::Watchlist::from_toml_str(WATCHLIST, "fuzz")
            .expect("the fuzz watchlist is valid");
        marsad::detect::Detector::new(wl)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let _ = marsad::text::compare_key(text);
    for r in marsad::text::sentences(text) {
        let s = text.get(r.clone()).expect("sentence range is a char-boundary slice");
        let _ = marsad::text::compare_key(s);
    }
    let lang = match sel % 3 {
        0 => None,
        1 => Some("ar"),
        _ => Some("en"),
    };
    let _ = detector().detect(text, lang);
});
