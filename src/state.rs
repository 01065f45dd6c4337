//! Control state per facility: claims + current controller → transitions and
//! the events they raise (design §4). Pure.
//!
//! The unit of application is one sentence: all of its claims about one
//! facility are read together, so "Y seized F after X withdrew" is one
//! transition X → Y, never a change followed by a dispute. The caller applies
//! sentences in order (headline first) and updates its state between them
//! ([`apply_claims`] does both), so a headline and a body that report the same
//! change make one event: the body then only corroborates.

use crate::model::{Claim, ClaimKind};
use std::collections::HashMap;

/// What applying one sentence's claims to one facility did.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Control moved: raise `control.changed`.
    Changed {
        from: Option<String>,
        to: Option<String>,
    },
    /// A report conflicting with the known controller: raise `control.disputed`.
    Disputed { current: String },
    /// The report repeats the current state: recorded, no event.
    Corroborated,
    /// A first `holds` on an unknown state: set without an event.
    SetSilently { to: String },
}

/// One facility's outcome for one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub facility: String,
    /// The claim that explains the step (the gain of a handover, else the first).
    pub claim: Claim,
    pub effect: Effect,
    /// Controller after the step (None = unknown).
    pub controller: Option<String>,
}

impl Step {
    /// The webhook event type this step raises, if any.
    pub fn event_type(&self) -> Option<&'static str> {
        match self.effect {
            Effect::Changed { .. } => Some("control.changed"),
            Effect::Disputed { .. } => Some("control.disputed"),
            Effect::Corroborated | Effect::SetSilently { .. } => None,
        }
    }
}

/// A facility's state as far as the table needs it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Control {
    /// Controller now (None = unknown).
    pub controller: Option<String>,
    /// Controller before the last change. While the state is unknown, a
    /// report that this actor lost the facility repeats the last change.
    pub previous: Option<String>,
}

/// Applies the claims of one sentence (all facilities) to the current state.
/// `current(facility)` gives the controller now (None = unknown). Returns one
/// step per facility the sentence has claims about, in order of first claim.
pub fn apply_sentence(current: &dyn Fn(&str) -> Option<String>, claims: &[Claim]) -> Vec<Step> {
    apply_sentence_to(
        &|f| Control {
            controller: current(f),
            previous: None,
        },
        claims,
    )
}

/// [`apply_sentence`] with the previous controller known, so that "X lost F"
/// repeated while F is unknown since X lost it corroborates instead of
/// raising the change again.
pub fn apply_sentence_to(current: &dyn Fn(&str) -> Control, claims: &[Claim]) -> Vec<Step> {
    let mut order: Vec<&str> = Vec::new();
    for c in claims {
        if !order.contains(&c.facility.as_str()) {
            order.push(&c.facility);
        }
    }
    order
        .into_iter()
        .filter_map(|f| {
            let of_f: Vec<&Claim> = claims.iter().filter(|c| c.facility == f).collect();
            apply_facility(current(f), &of_f)
        })
        .collect()
}

/// The transition table of design §4 for one facility and one sentence.
fn apply_facility(control: Control, claims: &[&Claim]) -> Option<Step> {
    let Control {
        controller: state,
        previous,
    } = control;
    let first = *claims.first()?;
    let step = |claim: &Claim, effect: Effect, controller: Option<String>| Step {
        facility: claim.facility.clone(),
        claim: claim.clone(),
        effect,
        controller,
    };
    let loses = |actor: &str| {
        claims
            .iter()
            .any(|c| c.kind == ClaimKind::Loss && c.actor == actor)
    };
    // Who controls it after the sentence: the last actor said to gain or
    // hold it, preferring one the sentence does not also say lost it
    // ("F fell to X before Y retook it" ends with Y).
    let positive: Vec<&Claim> = claims
        .iter()
        .copied()
        .filter(|c| c.kind != ClaimKind::Loss)
        .collect();
    let winner = positive
        .iter()
        .rev()
        .find(|c| !loses(&c.actor))
        .or(positive.last())
        .copied();
    if let Some(w) = winner {
        let only_holds = positive
            .iter()
            .filter(|c| c.actor == w.actor)
            .all(|c| c.kind == ClaimKind::Holds);
        return Some(match &state {
            Some(s) if *s == w.actor => step(w, Effect::Corroborated, state.clone()),
            None if only_holds => step(
                w,
                Effect::SetSilently {
                    to: w.actor.clone(),
                },
                Some(w.actor.clone()),
            ),
            _ => step(
                w,
                Effect::Changed {
                    from: state.clone(),
                    to: Some(w.actor.clone()),
                },
                Some(w.actor.clone()),
            ),
        });
    }
    // Only losses.
    let loss = match &state {
        Some(s) => claims.iter().copied().find(|c| c.actor == *s),
        None => None,
    };
    let repeat = match &state {
        None => claims
            .iter()
            .copied()
            .find(|c| previous.as_deref() == Some(c.actor.as_str())),
        Some(_) => None,
    };
    match (&state, loss) {
        (None, None) if repeat.is_some() => repeat.map(|r| step(r, Effect::Corroborated, None)),
        (_, Some(l)) => Some(step(
            l,
            Effect::Changed {
                from: Some(l.actor.clone()),
                to: None,
            },
            None,
        )),
        (None, None) => Some(step(
            first,
            Effect::Changed {
                from: Some(first.actor.clone()),
                to: None,
            },
            None,
        )),
        (Some(s), None) => Some(step(
            first,
            Effect::Disputed { current: s.clone() },
            state.clone(),
        )),
    }
}

/// Applies claims sentence by sentence (claims of one sentence share their
/// evidence range; sentences are taken in the order given, so put the
/// headline first), updating `state` (facility id → controller; absent or
/// None = unknown) between sentences.
pub fn apply_claims(state: &mut HashMap<String, Option<String>>, claims: &[Claim]) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut i = 0;
    while i < claims.len() {
        let key = (
            claims[i].evidence.start,
            claims[i].evidence.end,
            &claims[i].evidence.sentence,
        );
        let mut j = i + 1;
        while j < claims.len()
            && (
                claims[j].evidence.start,
                claims[j].evidence.end,
                &claims[j].evidence.sentence,
            ) == key
        {
            j += 1;
        }
        let snapshot = state.clone();
        let current = |f: &str| snapshot.get(f).cloned().flatten();
        for s in apply_sentence(&current, &claims[i..j]) {
            state.insert(s.facility.clone(), s.controller.clone());
            steps.push(s);
        }
        i = j;
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_loss_while_unknown_corroborates_the_last_change() {
        let c = claim("f", "x", ClaimKind::Loss, "X lost F again.");
        let unknown_since_x = |_: &str| Control {
            controller: None,
            previous: Some("x".into()),
        };
        let steps = apply_sentence_to(&unknown_since_x, std::slice::from_ref(&c));
        assert_eq!(steps[0].effect, Effect::Corroborated);
        assert_eq!(steps[0].controller, None);
        // Another actor's loss is still a change.
        let y = claim("f", "y", ClaimKind::Loss, "Y lost F.");
        assert!(matches!(
            apply_sentence_to(&unknown_since_x, &[y])[0].effect,
            Effect::Changed { .. }
        ));
    }
    use crate::model::Evidence;

    fn claim(f: &str, a: &str, kind: ClaimKind, sentence: &str) -> Claim {
        Claim {
            facility: f.into(),
            actor: a.into(),
            kind,
            evidence: Evidence {
                sentence: sentence.into(),
                start: 0,
                end: sentence.len(),
            },
            confidence: 0.9,
            attribution: None,
        }
    }
    use ClaimKind::{Gain, Holds, Loss};

    fn run(state: Option<&str>, claims: &[Claim]) -> Vec<(Effect, Option<String>)> {
        let st = state.map(String::from);
        apply_sentence(&|_| st.clone(), claims)
            .into_iter()
            .map(|s| (s.effect, s.controller))
            .collect()
    }

    fn changed(from: Option<&str>, to: Option<&str>) -> (Effect, Option<String>) {
        (
            Effect::Changed {
                from: from.map(String::from),
                to: to.map(String::from),
            },
            to.map(String::from),
        )
    }

    #[test]
    fn row1_gain_or_holds_by_another_actor_changes() {
        assert_eq!(
            run(Some("x"), &[claim("f", "y", Gain, "s")]),
            vec![changed(Some("x"), Some("y"))]
        );
        assert_eq!(
            run(None, &[claim("f", "y", Gain, "s")]),
            vec![changed(None, Some("y"))]
        );
        assert_eq!(
            run(Some("x"), &[claim("f", "y", Holds, "s")]),
            vec![changed(Some("x"), Some("y"))]
        );
    }

    #[test]
    fn row2_gain_or_holds_by_the_controller_corroborates() {
        assert_eq!(
            run(Some("y"), &[claim("f", "y", Gain, "s")]),
            vec![(Effect::Corroborated, Some("y".into()))]
        );
        assert_eq!(
            run(Some("y"), &[claim("f", "y", Holds, "s")]),
            vec![(Effect::Corroborated, Some("y".into()))]
        );
    }

    #[test]
    fn row3_loss_by_controller_or_unknown() {
        // Alone: control becomes unknown.
        assert_eq!(
            run(Some("x"), &[claim("f", "x", Loss, "s")]),
            vec![changed(Some("x"), None)]
        );
        assert_eq!(
            run(None, &[claim("f", "x", Loss, "s")]),
            vec![changed(Some("x"), None)]
        );
        // With a gain in the same sentence: one transition X → Y.
        let s = [claim("f", "x", Loss, "s"), claim("f", "y", Gain, "s")];
        assert_eq!(run(Some("x"), &s), vec![changed(Some("x"), Some("y"))]);
        assert_eq!(run(None, &s), vec![changed(None, Some("y"))]);
    }

    #[test]
    fn row4_loss_by_another_known_actor_is_disputed() {
        assert_eq!(
            run(Some("z"), &[claim("f", "x", Loss, "s")]),
            vec![(
                Effect::Disputed {
                    current: "z".into()
                },
                Some("z".into())
            )]
        );
    }

    #[test]
    fn first_holds_on_unknown_is_silent() {
        assert_eq!(
            run(None, &[claim("f", "y", Holds, "s")]),
            vec![(Effect::SetSilently { to: "y".into() }, Some("y".into()))]
        );
    }

    #[test]
    fn handover_already_applied_is_corroboration_not_dispute() {
        let s = [claim("f", "y", Gain, "s"), claim("f", "x", Loss, "s")];
        assert_eq!(
            run(Some("y"), &s),
            vec![(Effect::Corroborated, Some("y".into()))]
        );
    }

    #[test]
    fn the_explaining_claim_is_the_gain_of_a_handover() {
        let s = [claim("f", "x", Loss, "s"), claim("f", "y", Gain, "s")];
        let steps = apply_sentence(&|_| Some("x".into()), &s);
        assert_eq!(steps[0].claim.actor, "y");
        assert_eq!(steps[0].event_type(), Some("control.changed"));
    }

    #[test]
    fn last_gain_wins_within_a_sentence() {
        // "F fell to X before Y recaptured it."
        let s = [claim("f", "x", Gain, "s"), claim("f", "y", Gain, "s")];
        assert_eq!(
            run(Some("y"), &s),
            vec![(Effect::Corroborated, Some("y".into()))]
        );
        assert_eq!(run(Some("z"), &s), vec![changed(Some("z"), Some("y"))]);
    }

    #[test]
    fn facilities_are_independent() {
        let s = [
            claim("a", "x", Gain, "s"),
            claim("b", "x", Gain, "s"),
            claim("a", "y", Loss, "s"),
        ];
        let st = |f: &str| {
            if f == "a" {
                Some("y".to_string())
            } else {
                Some("x".to_string())
            }
        };
        let steps = apply_sentence(&st, &s);
        assert_eq!(steps.len(), 2);
        assert_eq!(
            steps[0].effect,
            Effect::Changed {
                from: Some("y".into()),
                to: Some("x".into())
            }
        );
        assert_eq!(steps[1].effect, Effect::Corroborated);
    }

    #[test]
    fn headline_and_body_make_one_event() {
        let mut state = HashMap::from([("f".to_string(), Some("x".to_string()))]);
        let mut headline = claim("f", "y", Gain, "Y seizes F");
        headline.evidence.start = 0;
        headline.evidence.end = 10;
        let mut body_gain = claim("f", "y", Gain, "Y seized F after X withdrew.");
        body_gain.evidence.start = 11;
        body_gain.evidence.end = 40;
        let mut body_loss = body_gain.clone();
        body_loss.actor = "x".into();
        body_loss.kind = Loss;
        let steps = apply_claims(&mut state, &[headline, body_gain, body_loss]);
        let events: Vec<_> = steps.iter().filter_map(Step::event_type).collect();
        assert_eq!(events, vec!["control.changed"]);
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[1].effect, Effect::Corroborated);
        assert_eq!(state.get("f"), Some(&Some("y".to_string())));
    }

    #[test]
    fn empty_sentence_no_steps() {
        assert!(run(Some("x"), &[]).is_empty());
    }
}
