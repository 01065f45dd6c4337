//! Control state per facility: claims + current controller → transitions and
//! the events they raise (design §4). Pure.

use crate::model::Claim;

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

/// Applies the claims of one sentence (all facilities) to the current state.
/// `current(facility)` gives the controller now (None = unknown).
pub fn apply_sentence(current: &dyn Fn(&str) -> Option<String>, claims: &[Claim]) -> Vec<Step> {
    let _ = (current, claims);
    Vec::new()
}
