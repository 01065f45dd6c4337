//! Lenient date parsing for the fallback parser: RFC 3339 / W3C-DTF (also
//! partial), RFC 822/2822 with the usual deviations. Pure.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parses a feed date; `None` when nothing sensible can be read.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    w3c_partial(s).or_else(|| rfc822_loose(s))
}

/// W3C-DTF forms RFC 3339 rejects: no seconds, no zone, date only, `Z`-less.
fn w3c_partial(s: &str) -> Option<DateTime<Utc>> {
    let s = s.replace(' ', "T");
    for fmt in [
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(&s.replace('Z', "+00:00"), fmt) {
            return Some(d.with_timezone(&Utc));
        }
    }
    let plain = s.trim_end_matches('Z');
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(plain, fmt) {
            return Some(Utc.from_utc_datetime(&d));
        }
    }
    for fmt in ["%Y-%m-%d", "%Y-%m", "%Y%m%d"] {
        let padded = if fmt == "%Y-%m" {
            format!("{plain}-01")
        } else {
            plain.to_string()
        };
        let f = if fmt == "%Y-%m" { "%Y-%m-%d" } else { fmt };
        if let Ok(d) = NaiveDate::parse_from_str(&padded, f) {
            return d.and_hms_opt(0, 0, 0).map(|d| Utc.from_utc_datetime(&d));
        }
    }
    None
}

/// RFC 822 as found in the wild: missing weekday or seconds, zone names
/// chrono does not know, two-digit years.
fn rfc822_loose(s: &str) -> Option<DateTime<Utc>> {
    let s = s.split_once(',').map_or(s, |(_, rest)| rest).trim();
    let mut parts: Vec<String> = s.split_whitespace().map(str::to_string).collect();
    if parts.len() < 4 {
        return None;
    }
    if parts.len() == 4 {
        parts.push("GMT".into());
    }
    if parts[3].matches(':').count() == 1 {
        parts[3].push_str(":00");
    }
    if parts[2].len() == 2 {
        let y: i32 = parts[2].parse().ok()?;
        parts[2] = (if y < 50 { 2000 + y } else { 1900 + y }).to_string();
    }
    let zone = match parts[4].to_ascii_uppercase().as_str() {
        "GMT" | "UT" | "UTC" | "Z" => "+0000".to_string(),
        "EST" => "-0500".into(),
        "EDT" => "-0400".into(),
        "CST" => "-0600".into(),
        "CDT" => "-0500".into(),
        "MST" => "-0700".into(),
        "MDT" => "-0600".into(),
        "PST" => "-0800".into(),
        "PDT" => "-0700".into(),
        "CET" => "+0100".into(),
        "CEST" => "+0200".into(),
        other => other.replace(':', ""),
    };
    let joined = format!(
        "{} {} {} {} {}",
        parts[0], parts[1], parts[2], parts[3], zone
    );
    DateTime::parse_from_str(&joined, "%d %b %Y %H:%M:%S %z")
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        parse_date(s).map(|d| d.to_rfc3339()).unwrap_or_default()
    }

    #[test]
    fn reads_common_forms() {
        assert_eq!(p("2004-01-02T03:04:05Z"), "2004-01-02T03:04:05+00:00");
        assert_eq!(
            p("Fri, 02 Jan 2004 03:04:05 GMT"),
            "2004-01-02T03:04:05+00:00"
        );
        assert_eq!(p("2003-12-13T18:30-05:00"), "2003-12-13T23:30:00+00:00");
        assert_eq!(p("2003-12-13"), "2003-12-13T00:00:00+00:00");
        assert_eq!(p("2003-12-13T18:30:02"), "2003-12-13T18:30:02+00:00");
        assert_eq!(p("2 Jan 04 03:04 EST"), "2004-01-02T08:04:00+00:00");
        assert_eq!(p("garbage"), "");
    }
}
