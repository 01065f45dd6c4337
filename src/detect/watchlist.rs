//! The watchlist: actors and facilities, with their names in every language.

use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub id: String,
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    pub id: String,
    pub kind: String,
    pub names: Vec<String>,
    /// Known controller (actor id) at start.
    #[serde(default)]
    pub controller: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Watchlist {
    #[serde(default, rename = "actor")]
    pub actors: Vec<Actor>,
    #[serde(default, rename = "facility")]
    pub facilities: Vec<Facility>,
}

#[derive(Debug, thiserror::Error)]
pub enum WatchlistError {
    #[error("{origin}: cannot read: {source}")]
    Io {
        origin: String,
        source: std::io::Error,
    },
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
}

impl Watchlist {
    /// Parses a watchlist file's text. `origin` names it in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Self, WatchlistError> {
        let wl: Watchlist = toml::from_str(text).map_err(|e| WatchlistError::Invalid {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        wl.validate(origin)?;
        Ok(wl)
    }

    pub fn load(path: &Path) -> Result<Self, WatchlistError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| WatchlistError::Io {
            origin: origin.clone(),
            source,
        })?;
        Self::from_toml_str(&text, &origin)
    }

    /// Ids are unique and non-empty, every facility's controller is a known actor,
    /// every entry has at least one name.
    pub fn validate(&self, origin: &str) -> Result<(), WatchlistError> {
        let bad = |message: String| {
            Err(WatchlistError::Invalid {
                origin: origin.to_string(),
                message,
            })
        };
        let mut seen = std::collections::HashSet::new();
        for a in &self.actors {
            if a.id.trim().is_empty() {
                return bad("actor with an empty id".into());
            }
            if !seen.insert(("actor", a.id.as_str())) {
                return bad(format!("actor id {:?} is defined twice", a.id));
            }
            if a.names.iter().all(|n| n.trim().is_empty()) {
                return bad(format!("actor {:?} has no names", a.id));
            }
        }
        for f in &self.facilities {
            if f.id.trim().is_empty() {
                return bad("facility with an empty id".into());
            }
            if !seen.insert(("facility", f.id.as_str())) {
                return bad(format!("facility id {:?} is defined twice", f.id));
            }
            if f.names.iter().all(|n| n.trim().is_empty()) {
                return bad(format!("facility {:?} has no names", f.id));
            }
            if let Some(c) = &f.controller {
                if !self.actors.iter().any(|a| &a.id == c) {
                    return bad(format!(
                        "facility {:?}: controller {:?} is not an actor id",
                        f.id, c
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn actor(&self, id: &str) -> Option<&Actor> {
        self.actors.iter().find(|a| a.id == id)
    }

    pub fn facility(&self, id: &str) -> Option<&Facility> {
        self.facilities.iter().find(|f| f.id == id)
    }
}
