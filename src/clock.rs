//! The one place marsad reads the wall clock.
//!
//! `MARSAD_CLOCK_OFFSET` (a duration like "2h", optionally negative "-5m")
//! shifts it; tests use it to move time across revisit schedules and retry
//! backoffs without waiting. Pure stages never call this: time is passed in.

use std::sync::OnceLock;

fn offset_ms() -> i64 {
    static OFFSET: OnceLock<i64> = OnceLock::new();
    *OFFSET.get_or_init(|| {
        let Ok(v) = std::env::var("MARSAD_CLOCK_OFFSET") else {
            return 0;
        };
        let (neg, d) = match v.strip_prefix('-') {
            Some(rest) => (true, rest.to_string()),
            None => (false, v),
        };
        match crate::config::parse_duration(&d) {
            Ok(d) => (d.as_millis() as i64) * if neg { -1 } else { 1 },
            Err(_) => 0,
        }
    })
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis() + offset_ms()
}
