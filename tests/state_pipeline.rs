//! Detector and state together, as the pipeline uses them: one version's
//! headline and body reporting the same change raise one event.

use marsad::detect::{Detector, Watchlist};
use marsad::state::{apply_claims, Effect};
use std::collections::HashMap;

const WL: &str = r#"
[[actor]]
id = "rsf"
names = ["RSF", "Rapid Support Forces", "قوات الدعم السريع", "الدعم السريع"]
[[actor]]
id = "saf"
names = ["Sudanese army", "الجيش السوداني"]
[[facility]]
id = "fasher"
kind = "city"
names = ["El Fasher", "الفاشر", "مدينة الفاشر"]
controller = "saf"
"#;

#[test]
fn headline_and_body_make_one_change() {
    let wl = Watchlist::from_toml_str(WL, "test").expect("watchlist");
    let mut state: HashMap<String, Option<String>> = wl
        .facilities
        .iter()
        .map(|f| (f.id.clone(), f.controller.clone()))
        .collect();
    let detector = Detector::new(wl);
    let text = "الدعم السريع تسيطر على الفاشر\n\nسيطرت قوات الدعم السريع على مدينة الفاشر بعد انسحاب الجيش السوداني منها. وقالت مصادر إن المدينة باتت تحت سيطرة الدعم السريع.";
    let claims = detector.detect(text, Some("ar"));
    let steps = apply_claims(&mut state, &claims);
    let changes: Vec<&Effect> = steps
        .iter()
        .map(|s| &s.effect)
        .filter(|e| !matches!(e, Effect::Corroborated))
        .collect();
    assert_eq!(
        changes,
        vec![&Effect::Changed {
            from: Some("saf".into()),
            to: Some("rsf".into())
        }]
    );
    // The third sentence names no watched place ("المدينة"): no claim.
    assert_eq!(steps.len(), 2, "{steps:#?}");
    assert_eq!(state.get("fasher"), Some(&Some("rsf".to_string())));
}

#[test]
fn a_loss_reported_by_someone_else_is_disputed() {
    let wl = Watchlist::from_toml_str(WL, "test").expect("watchlist");
    let mut state: HashMap<String, Option<String>> =
        HashMap::from([("fasher".to_string(), Some("saf".to_string()))]);
    let detector = Detector::new(wl);
    let claims = detector.detect("The RSF withdrew from El Fasher.", Some("en"));
    let steps = apply_claims(&mut state, &claims);
    assert_eq!(steps.len(), 1);
    assert_eq!(
        steps[0].effect,
        Effect::Disputed {
            current: "saf".into()
        }
    );
    assert_eq!(steps[0].event_type(), Some("control.disputed"));
}
