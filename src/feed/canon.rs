//! URL canonicalisation: one article, one URL.
//!
//! Scheme and host are lower-cased and default ports dropped (by `url`),
//! fragments and tracking parameters removed, and AMP variants mapped back to
//! the page they mirror.

use url::Url;

/// Query parameters that only track the reader.
fn is_tracking_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("utm_")
        || matches!(
            n.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "gbraid"
                | "wbraid"
                | "msclkid"
                | "mc_cid"
                | "mc_eid"
                | "igshid"
                | "yclid"
                | "_ga"
                | "_gl"
                | "ocid"
                | "cmpid"
                | "ito"
                | "at_medium"
                | "at_campaign"
                | "s_cid"
                | "ns_mchannel"
                | "ns_source"
                | "ns_campaign"
                | "ns_linkname"
                | "ns_fee"
                | "ref_src"
                | "xtor"
                | "spm"
                | "amp"
        )
}

/// The canonical form of an article URL.
pub fn canonicalize(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    if let Some(host) = u.host_str() {
        if let Some(rest) = host.strip_prefix("amp.") {
            let rest = rest.to_string();
            let _ = u.set_host(Some(&rest));
        }
    }
    // AMP path variants: /amp/..., .../amp, .../amp/, ...amp.html
    let path = u.path().to_string();
    let stripped = if let Some(p) = path
        .strip_suffix("/amp/")
        .or_else(|| path.strip_suffix("/amp"))
    {
        Some(if p.is_empty() {
            "/".to_string()
        } else {
            p.to_string()
        })
    } else if let Some(p) = path.strip_prefix("/amp/") {
        Some(format!("/{p}"))
    } else {
        path.strip_suffix(".amp.html")
            .map(|p| format!("{p}.html"))
            .or_else(|| path.strip_suffix(".amp").map(str::to_string))
    };
    if let Some(p) = stripped {
        u.set_path(&p);
    }
    let kept: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| !is_tracking_param(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        u.set_query(None);
    } else if kept.len() != u.query_pairs().count() {
        u.query_pairs_mut().clear().extend_pairs(kept);
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> String {
        canonicalize(&Url::parse(s).unwrap()).to_string()
    }

    #[test]
    fn drops_tracking_fragment_and_default_port() {
        assert_eq!(
            c("HTTPS://Example.ORG:443/a/b?utm_source=x&id=3&fbclid=y#top"),
            "https://example.org/a/b?id=3"
        );
        assert_eq!(c("http://example.org:80/a?gclid=1"), "http://example.org/a");
    }

    #[test]
    fn maps_amp_variants() {
        assert_eq!(
            c("https://example.org/news/story/amp"),
            "https://example.org/news/story"
        );
        assert_eq!(
            c("https://example.org/amp/news/story"),
            "https://example.org/news/story"
        );
        assert_eq!(
            c("https://amp.example.org/news/story.amp.html"),
            "https://example.org/news/story.html"
        );
    }
}
