//! Micro benchmarks on real data (`cargo bench --bench micro`):
//! feed decode+parse (MB/s) on ../shared/corpus/feeds, extraction (pages/s)
//! on ../shared/bench/extraction/scrapinghub, normalise+hash of a version,
//! diff of two versions of a long article, and claims detection (MB/s) on
//! Arabic and English text, and packing pages for storage. Sets that need ../shared are skipped with a
//! notice when it is absent.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("notice: ../shared is absent; corpus benchmarks skipped");
        None
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            if name != "_baseline" {
                files(&p, out);
            }
        } else if !(name.starts_with("LICENSE")
            || name.starts_with("README")
            || name.starts_with("UPSTREAM-")
            || name == "PROVENANCE.tsv"
            || name == "MANIFEST.sha256"
            || name.ends_with(".serde.json")
            || name.ends_with(".md"))
        {
            out.push(p);
        }
    }
}

fn gunzip(p: &Path) -> Vec<u8> {
    let raw = std::fs::read(p).unwrap_or_default();
    if p.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        let _ = flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut out);
        out
    } else {
        raw
    }
}

fn feeds(c: &mut Criterion) {
    let Some(sh) = shared() else { return };
    // Typical real feeds: the news samples and feed-rs' real-world fixtures.
    let mut paths = Vec::new();
    files(&sh.join("corpus/feeds/news-samples"), &mut paths);
    files(&sh.join("corpus/feeds/rss-parser/input"), &mut paths);
    let docs: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).unwrap_or_default())
        .collect();
    let bytes: usize = docs.iter().map(Vec::len).sum();
    let mut g = c.benchmark_group("feed");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("marsad::feed::parse (news-samples + rss-parser)", |b| {
        b.iter(|| {
            for d in &docs {
                let _ = black_box(marsad::feed::parse(d, None, None));
            }
        })
    });
    g.bench_function("feed_rs::parser::parse alone (same files)", |b| {
        b.iter(|| {
            for d in &docs {
                let _ = std::panic::catch_unwind(|| {
                    black_box(feed_rs::parser::parse(&d[..]).map(|f| f.entries.len()))
                });
            }
        })
    });
    g.finish();
}

fn extraction(c: &mut Criterion) {
    let Some(sh) = shared() else { return };
    let mut paths = Vec::new();
    files(&sh.join("bench/extraction/scrapinghub/html"), &mut paths);
    paths.sort();
    let pages: Vec<String> = paths
        .iter()
        .map(|p| marsad::charset::decode_html(&gunzip(p), None).text)
        .collect();
    let mut g = c.benchmark_group("extract");
    g.throughput(Throughput::Elements(pages.len() as u64));
    g.sample_size(10);
    g.bench_function("scrapinghub pages (decoded, one thread)", |b| {
        b.iter(|| {
            for p in &pages {
                black_box(marsad::extract::extract(p, None));
            }
        })
    });
    g.finish();
}

/// Packing pages for storage (`store::raw::pack`) on the ScrapingHub pages:
/// alone (a site's first page), as a later version against the first page,
/// and as a first page against two templates of *other* sites (the worst
/// case: both deltas are tried and rejected, then the page is stored alone).
fn storage(c: &mut Criterion) {
    use marsad::store::raw::{compress, pack, Base, Template};
    let Some(sh) = shared() else { return };
    let mut paths = Vec::new();
    files(&sh.join("bench/extraction/scrapinghub/html"), &mut paths);
    paths.sort();
    let pages: Vec<Vec<u8>> = paths.iter().take(40).map(|p| gunzip(p)).collect();
    let bytes: usize = pages.iter().map(Vec::len).sum();
    let edited: Vec<Vec<u8>> = pages
        .iter()
        .map(|p| {
            let mut e = p.clone();
            let at = e.len() / 2;
            e.splice(
                at..at,
                b"<p>The army said it had taken the dam.</p>"
                    .iter()
                    .copied(),
            );
            e
        })
        .collect();
    let tpl = |p: &Vec<u8>, id| Template {
        id,
        page: p.clone(),
        packed_len: compress(p, &[]).map(|v| v.len()).unwrap_or(0),
    };
    let mut g = c.benchmark_group("store");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("pack alone (zstd -3)", |b| {
        b.iter(|| {
            for p in &pages {
                black_box(pack(p, Base::None).ok());
            }
        })
    });
    let same_site: Vec<Template> = pages.iter().map(|p| tpl(p, 1)).collect();
    g.bench_function("pack first page against its own site's template", |b| {
        // The page's own unedited version stands in for another page of the
        // same site: the delta is kept without compressing the page alone.
        b.iter(|| {
            for (e, t) in edited.iter().zip(&same_site) {
                black_box(pack(e, Base::Templates(std::slice::from_ref(t))).ok());
            }
        })
    });
    g.bench_function("pack later version against v1", |b| {
        b.iter(|| {
            for (p, e) in pages.iter().zip(&edited) {
                black_box(pack(e, Base::FirstPage(1, p)).ok());
            }
        })
    });
    g.bench_function(
        "pack first page, two other sites' templates (worst case)",
        |b| {
            let others: Vec<[Template; 2]> = (0..pages.len())
                .map(|i| {
                    [
                        tpl(&pages[(i + 1) % pages.len()], 1),
                        tpl(&pages[(i + 2) % pages.len()], 2),
                    ]
                })
                .collect();
            b.iter(|| {
                for (p, t) in pages.iter().zip(&others) {
                    black_box(pack(p, Base::Templates(t)).ok());
                }
            })
        },
    );
    g.finish();
}

/// A CA and a `localhost` certificate it signed, made with the `openssl`
/// command (absent: `None`, and the TLS benchmark is skipped).
fn test_pki(dir: &Path) -> Option<(Vec<u8>, Vec<u8>, Vec<u8>)> {
    let run = |args: &[&str]| {
        std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let ok = run(&[
        &["req", "-x509"][..],
        &ec,
        &[
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=bench CA",
        ],
    ]
    .concat())
        && run(&[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "leaf.key",
                "-out",
                "leaf.csr",
                "-subj",
                "/CN=localhost",
            ],
        ]
        .concat())
        && std::fs::write(dir.join("ext"), "subjectAltName=DNS:localhost\n").is_ok()
        && run(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "ext",
        ]);
    if !ok {
        eprintln!("notice: openssl not available; TLS handshake benchmark skipped");
        return None;
    }
    let read = |f: &str| std::fs::read(dir.join(f)).ok();
    Some((read("ca.pem")?, read("leaf.pem")?, read("leaf.key")?))
}

/// TLS handshakes with rustls (ring), client and server in memory: what a
/// poll pays when it cannot reuse a connection, fully or resumed from a
/// session ticket. Both sides' CPU is counted; the client's share is less.
fn tls(c: &mut Criterion) {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
    use std::sync::Arc;
    let Ok(dir) = tempfile::tempdir() else { return };
    let Some((ca, leaf, key)) = test_pki(dir.path()) else {
        return;
    };
    // What marsad's fetcher uses (X25519 first); MARSAD_BENCH_TLS_RING_ORDER=1
    // keeps ring's own order (P-384 first) for comparison.
    let provider = Arc::new(
        if std::env::var("MARSAD_BENCH_TLS_RING_ORDER").is_ok_and(|v| v == "1") {
            #[allow(deprecated)]
            rustls::crypto::ring::default_provider()
        } else {
            marsad::fetch::crypto_provider()
        },
    );
    let (Ok(ca), Ok(leaf), Ok(key)) = (
        CertificateDer::from_pem_slice(&ca),
        CertificateDer::from_pem_slice(&leaf),
        PrivateKeyDer::from_pem_slice(&key),
    ) else {
        return;
    };
    let mut roots = rustls::RootCertStore::empty();
    if roots.add(ca).is_err() {
        return;
    }
    let Ok(server) = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map(|b| b.with_no_client_auth())
        .and_then(|b| b.with_single_cert(vec![leaf], key))
    else {
        return;
    };
    let server = Arc::new(server);
    let client = |resume: bool| {
        let mut cfg = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_root_certificates(roots.clone())
            .with_no_client_auth();
        if !resume {
            cfg.resumption = rustls::client::Resumption::disabled();
        }
        Arc::new(cfg)
    };
    // One handshake, bytes passed between the two sides in memory; the
    // server's session tickets are read so the client can resume next time.
    let handshake = |cfg: &Arc<rustls::ClientConfig>| {
        let name = ServerName::try_from("localhost").expect("name");
        let mut cl = rustls::ClientConnection::new(cfg.clone(), name).expect("client");
        let mut sv = rustls::ServerConnection::new(server.clone()).expect("server");
        let mut buf = Vec::new();
        for _ in 0..10 {
            buf.clear();
            while cl.wants_write() {
                cl.write_tls(&mut buf).expect("client write");
            }
            let mut rd = &buf[..];
            while !rd.is_empty() {
                sv.read_tls(&mut rd).expect("server read");
            }
            sv.process_new_packets().expect("server handshake");
            buf.clear();
            while sv.wants_write() {
                sv.write_tls(&mut buf).expect("server write");
            }
            let mut rd = &buf[..];
            while !rd.is_empty() {
                cl.read_tls(&mut rd).expect("client read");
            }
            cl.process_new_packets().expect("client handshake");
            if !cl.is_handshaking() && !sv.is_handshaking() && !sv.wants_write() {
                break;
            }
        }
        assert!(!cl.is_handshaking());
        (
            cl.negotiated_key_exchange_group().map(|g| g.name()),
            cl.negotiated_cipher_suite().map(|c| c.suite()),
            cl.handshake_kind(),
        )
    };
    let mut g = c.benchmark_group("tls");
    g.sample_size(20);
    let full = client(false);
    eprintln!("tls: negotiated {:?}", handshake(&full));
    g.bench_function(
        "full handshake (TLS 1.3, P-256 certificate, both sides)",
        |b| b.iter(|| handshake(&full)),
    );
    let resumed = client(true);
    handshake(&resumed);
    eprintln!("tls: then {:?}", handshake(&resumed));
    g.bench_function("resumed handshake (session ticket, both sides)", |b| {
        b.iter(|| handshake(&resumed))
    });
    g.finish();
}

/// A long Arabic article: the seed report, repeated to ~40 paragraphs.
fn long_article() -> Vec<String> {
    let seed = shared().and_then(|s| std::fs::read_to_string(s.join("seed/000_7187d61b976f2afd.txt")).ok()).unwrap_or_else(|| "أعلنت مصادر عسكرية أن الجيش استعاد السيطرة على حقل العمر النفطي.\nوقالت قسد إن الهجمات مستمرة.".repeat(10));
    let paras: Vec<String> = seed
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    (0..40)
        .map(|i| format!("{} ({i})", paras[i % paras.len()]))
        .collect()
}

fn versions(c: &mut Criterion) {
    let paras = long_article();
    let mut edited = paras.clone();
    edited[5] = format!("{} وأضاف المصدر أن ثلاثة جنود قتلوا.", edited[5]);
    edited.insert(
        20,
        "وقال مسؤول إن القوات الحكومية سيطرت على سد الطبقة بالكامل.".into(),
    );
    edited.remove(30);
    let a = marsad::text::normalize_body(&paras);
    let b = marsad::text::normalize_body(&edited);
    let mut g = c.benchmark_group("version");
    g.throughput(Throughput::Bytes(a.len() as u64));
    g.bench_function(
        "normalise + comparison key + sha256 (40 paragraphs)",
        |bch| {
            bch.iter(|| {
                use sha2::Digest;
                let body = marsad::text::normalize_body(black_box(&paras));
                black_box(sha2::Sha256::digest(
                    marsad::text::compare_key(&body).as_bytes(),
                ))
            })
        },
    );
    g.bench_function("diff of two versions (40 paragraphs, 3 edits)", |bch| {
        bch.iter(|| black_box(marsad::diff::diff(&a, &b, ("v1", "v2"))))
    });
    g.finish();
}

fn claims(c: &mut Criterion) {
    let wl_text = include_str!("../config/watchlist.toml");
    let Ok(wl) = marsad::detect::Watchlist::from_toml_str(wl_text, "config/watchlist.toml") else {
        return;
    };
    let det = marsad::detect::Detector::new(wl);
    let ar = long_article().join("\n");
    let en = "The Syrian army took control of the al-Omar oil field on Tuesday, a military source said. Fighting continued near the Tabqa Dam, where the SDF said it still held its positions. Government forces entered Raqqa after the SDF withdrew from the city. Officials denied that the Conoco gas field had been handed over.\n".repeat(40);
    let mut g = c.benchmark_group("claims");
    for (name, text) in [("arabic", &ar), ("english", &en)] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(name, |b| b.iter(|| black_box(det.detect(text, None))));
    }
    g.finish();
}

criterion_group!(benches, feeds, extraction, storage, versions, claims, tls);
criterion_main!(benches);
