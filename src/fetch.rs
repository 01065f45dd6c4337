//! HTTP fetching: timeouts, body-size cap (after decompression), redirects
//! with loop detection, conditional GET, per-host limits, `Retry-After`, and
//! the SSRF guard.
//!
//! Documented defaults (all from `[fetch]`/`[poll]`): connect timeout 10 s,
//! total deadline 20 s (covering headers *and* body, so a server trickling
//! bytes cannot hold a worker), body cap 8 MiB, 5 redirects, 2 requests in
//! flight per host.
//!
//! Two clients: feeds (configured by the operator, trusted) and links from
//! feed content on the feed's own origin use the *trusted* client; other links
//! use the *guarded* one (and so does every redirect hop that leaves the
//! request's trusted origin: redirects are followed hop by hop in
//! `get_inner`), whose resolver drops every non-public address, so
//! the check is made on the address actually connected to (DNS rebinding and
//! redirects cannot get round it). `allow_private_networks = true` turns the
//! guard off.

use crate::config::{FetchConfig, PollConfig};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;
use url::Url;

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: timed out after {secs}s")]
    Timeout { url: String, secs: u64 },
    #[error("{url}: cannot connect: {message}")]
    Connect { url: String, message: String },
    #[error("{url}: HTTP {status}")]
    Status {
        url: String,
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("{url}: body larger than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: {message}")]
    Redirect { url: String, message: String },
    #[error("{url}: refused: {message} (set [fetch] allow_private_networks = true to allow)")]
    Refused { url: String, message: String },
    #[error("{url}: {message}")]
    Other { url: String, message: String },
}

impl FetchError {
    /// Server-requested delay (429/503 `Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Permanent failures that retrying soon will not fix.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            FetchError::Status {
                status: 404 | 410,
                ..
            } | FetchError::Refused { .. }
        )
    }
}

/// One GET.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: Url,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Operator-configured URL, or a link on a trusted origin.
    pub trusted: bool,
}

impl Request {
    pub fn get(url: Url, trusted: bool) -> Self {
        Request {
            url,
            etag: None,
            last_modified: None,
            trusted,
        }
    }
}

/// A response with its body read (up to the cap).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Final URL after redirects.
    pub url: Url,
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Response {
    pub fn not_modified(&self) -> bool {
        self.status == 304
    }
}

/// The HTTP client of marsad.
#[derive(Clone)]
pub struct Fetcher {
    trusted: reqwest::Client,
    guarded: reqwest::Client,
    cfg: FetchConfig,
    per_host: usize,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher").field("cfg", &self.cfg).finish()
    }
}

/// The TLS crypto provider for every HTTPS connection marsad makes: rustls
/// with ring (it builds faster than aws-lc), offering X25519 first, then
/// P-256, then P-384. ring's provider as shipped offers P-384 first, whose
/// key exchange runs on ring's generic big-number code: a full handshake then
/// costs about four times the CPU (see BENCHMARKS.md), paid by every poll
/// that cannot reuse a connection.
#[allow(deprecated)] // ring lacks post-quantum key exchange; fine for fetching news
pub fn crypto_provider() -> rustls::crypto::CryptoProvider {
    use rustls::crypto::ring::{self, kx_group};
    rustls::crypto::CryptoProvider {
        kx_groups: vec![kx_group::X25519, kx_group::SECP256R1, kx_group::SECP384R1],
        ..ring::default_provider()
    }
}

/// Installs [`crypto_provider`] as the process default (reqwest is built
/// without one); installing twice is harmless.
pub fn install_crypto_provider() {
    let _ = crypto_provider().install_default();
}

impl Fetcher {
    pub fn new(cfg: &FetchConfig, poll: &PollConfig) -> Result<Fetcher, FetchError> {
        install_crypto_provider();
        // Redirects are followed by hand in `get_inner`, so that every hop
        // is checked: a hop that leaves the trusted origin goes through the
        // guarded client like any untrusted link.
        let build = |guard: bool| {
            let mut b = reqwest::Client::builder()
                .user_agent(poll.user_agent.clone())
                .connect_timeout(cfg.connect_timeout)
                .read_timeout(cfg.timeout)
                .timeout(cfg.timeout)
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .pool_idle_timeout(Duration::from_secs(60))
                .pool_max_idle_per_host(poll.per_host);
            if guard {
                b = b.dns_resolver(Arc::new(PublicOnlyResolver));
            }
            b.build().map_err(|e| FetchError::Other {
                url: String::new(),
                message: format!("cannot build HTTP client: {e}"),
            })
        };
        let guarded = build(!cfg.allow_private_networks)?;
        Ok(Fetcher {
            trusted: build(false)?,
            guarded,
            cfg: cfg.clone(),
            per_host: poll.per_host,
            hosts: Arc::default(),
        })
    }

    fn host_permit(&self, url: &Url) -> Arc<Semaphore> {
        let key = format!(
            "{}:{}",
            url.host_str().unwrap_or(""),
            url.port_or_known_default().unwrap_or(0)
        );
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .entry(key)
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
            .clone()
    }

    /// GETs `req.url`, reading at most `max_body` bytes of (decompressed) body
    /// within the total deadline. Non-2xx/304 statuses are errors.
    pub async fn get(&self, req: &Request) -> Result<Response, FetchError> {
        let url_s = req.url.to_string();
        let guarded = !req.trusted && !self.cfg.allow_private_networks;
        if guarded {
            if let Some(message) = literal_host_refusal(&req.url) {
                return Err(FetchError::Refused {
                    url: url_s,
                    message,
                });
            }
        }
        let sem = self.host_permit(&req.url);
        let _permit = sem.acquire_owned().await.map_err(|_| FetchError::Other {
            url: url_s.clone(),
            message: "client shut down".into(),
        })?;
        let deadline = self.cfg.timeout;
        match tokio::time::timeout(deadline, self.get_inner(req, guarded)).await {
            Ok(r) => r,
            Err(_) => Err(FetchError::Timeout {
                url: url_s,
                secs: deadline.as_secs().max(1),
            }),
        }
    }

    async fn get_inner(&self, req: &Request, guarded: bool) -> Result<Response, FetchError> {
        let url_s = req.url.to_string();
        let max = self.cfg.max_redirects;
        let mut url = req.url.clone();
        let mut visited: Vec<Url> = Vec::new();
        let mut resp = loop {
            // A hop off the trusted origin carries no trust: it is checked
            // like any link from feed content (IP literal here, resolved
            // addresses in the guarded client's resolver).
            let hop_guarded =
                guarded || (!self.cfg.allow_private_networks && !same_origin(&req.url, &url));
            if hop_guarded && !visited.is_empty() {
                if let Some(message) = literal_host_refusal(&url) {
                    return Err(FetchError::Refused {
                        url: url_s,
                        message: format!("redirect to {url}: {message}"),
                    });
                }
            }
            let client = if hop_guarded {
                &self.guarded
            } else {
                &self.trusted
            };
            let mut rb = client.get(url.clone());
            if let Some(e) = &req.etag {
                rb = rb.header(reqwest::header::IF_NONE_MATCH, e);
            }
            if let Some(lm) = &req.last_modified {
                rb = rb.header(reqwest::header::IF_MODIFIED_SINCE, lm);
            }
            let resp = rb.send().await.map_err(|e| {
                let mut err = classify(&url_s, e, self.cfg.timeout);
                if let FetchError::Refused { message, .. } = &mut err {
                    if !visited.is_empty() {
                        *message = format!("redirect to {url}: {message}");
                    }
                }
                err
            })?;
            if !resp.status().is_redirection() || resp.status().as_u16() == 304 {
                break resp;
            }
            let Some(location) = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
            else {
                break resp;
            };
            let next = url.join(location).map_err(|e| FetchError::Redirect {
                url: url_s.clone(),
                message: format!("bad redirect target {location:?}: {e}"),
            })?;
            if !matches!(next.scheme(), "http" | "https") {
                return Err(FetchError::Redirect {
                    url: url_s,
                    message: format!("redirect to unsupported URL {next}"),
                });
            }
            visited.push(url);
            if visited.contains(&next) {
                return Err(FetchError::Redirect {
                    url: url_s,
                    message: format!("redirect loop back to {next}"),
                });
            }
            if visited.len() > max {
                return Err(FetchError::Redirect {
                    url: url_s,
                    message: format!("more than {max} redirects"),
                });
            }
            url = next;
        };
        let status = resp.status().as_u16();
        let header = |name: reqwest::header::HeaderName| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let etag = header(reqwest::header::ETAG);
        let last_modified = header(reqwest::header::LAST_MODIFIED);
        let retry_after = header(reqwest::header::RETRY_AFTER)
            .and_then(|v| parse_retry_after(&v, chrono::Utc::now()));
        let final_url = resp.url().clone();
        if status == 304 {
            return Ok(Response {
                status,
                url: final_url,
                body: Vec::new(),
                content_type,
                etag,
                last_modified,
            });
        }
        if !(200..300).contains(&status) {
            return Err(FetchError::Status {
                url: url_s,
                status,
                retry_after,
            });
        }
        let limit = self.cfg.max_body;
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(FetchError::TooLarge { url: url_s, limit });
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| classify(&url_s, e, self.cfg.timeout))?
        {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(FetchError::TooLarge { url: url_s, limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            status,
            url: final_url,
            body,
            content_type,
            etag,
            last_modified,
        })
    }
}

fn classify(url: &str, e: reqwest::Error, timeout: Duration) -> FetchError {
    let url = url.to_string();
    if e.is_timeout() {
        return FetchError::Timeout {
            url,
            secs: timeout.as_secs().max(1),
        };
    }
    // Walk the source chain: the redirect policy's and the resolver's messages are in there.
    let mut chain = Vec::new();
    let mut src: Option<&dyn std::error::Error> = Some(&e);
    while let Some(s) = src {
        chain.push(s.to_string());
        src = s.source();
    }
    let text = chain.last().cloned().unwrap_or_default();
    if chain.iter().any(|m| m.contains(REFUSED_MARK)) {
        let message = chain
            .iter()
            .find(|m| m.contains(REFUSED_MARK))
            .cloned()
            .unwrap_or_default();
        return FetchError::Refused { url, message };
    }
    if e.is_redirect() {
        return FetchError::Redirect { url, message: text };
    }
    if e.is_connect() {
        return FetchError::Connect { url, message: text };
    }
    if e.is_decode() || e.is_body() {
        return FetchError::Other {
            url,
            message: format!("reading body: {text}"),
        };
    }
    FetchError::Other { url, message: text }
}

const REFUSED_MARK: &str = "non-public address";

/// Refusal message when `url`'s host is an IP literal that is not public.
fn literal_host_refusal(url: &Url) -> Option<String> {
    let ip = match url.host()? {
        url::Host::Ipv4(a) => IpAddr::V4(a),
        url::Host::Ipv6(a) => IpAddr::V6(a),
        url::Host::Domain(_) => return None,
    };
    (!is_public(ip)).then(|| format!("{ip} is a {REFUSED_MARK}"))
}

/// Whether `ip` is a public unicast address (not loopback, private,
/// link-local, multicast, shared, documentation or otherwise reserved).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            let o = a.octets();
            !(a.is_loopback()
                || a.is_private()
                || a.is_link_local()
                || a.is_multicast()
                || a.is_broadcast()
                || a.is_unspecified()
                || a.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xC0) == 64) // 100.64/10 shared
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // 192.0.0/24
                || (o[0] == 198 && (o[1] & 0xFE) == 18) // 198.18/15 benchmarking
                || o[0] >= 240)
        }
        IpAddr::V6(a) => {
            if let Some(v4) = a.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = a.segments();
            !(a.is_loopback()
                || a.is_unspecified()
                || a.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x64 && s[1] == 0xff9b)) // NAT64 can reach private v4
        }
    }
}

/// A resolver that only returns public addresses.
struct PublicOnlyResolver;

impl reqwest::dns::Resolve for PublicOnlyResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = addrs
                .iter()
                .copied()
                .filter(|a| is_public(a.ip()))
                .collect();
            if public.is_empty() {
                let shown = addrs
                    .first()
                    .map(|a| a.ip().to_string())
                    .unwrap_or_else(|| "nothing".into());
                return Err(format!("{host} resolves to {shown}, a {REFUSED_MARK}").into());
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// `Retry-After`: delta seconds or an HTTP date.
pub fn parse_retry_after(v: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    Some(
        (when.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

/// Same scheme, host and port.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_offers_x25519_first() {
        let names: Vec<String> = crypto_provider()
            .kx_groups
            .iter()
            .map(|g| format!("{:?}", g.name()))
            .collect();
        assert_eq!(names, ["X25519", "secp256r1", "secp384r1"]);
    }

    #[test]
    fn public_and_private_addresses() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(a.parse().unwrap()), "{a}");
        }
        for a in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(is_public(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 2026 00:01:00 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
