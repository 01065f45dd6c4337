//! Compression of stored pages: zstd, optionally against a dictionary page,
//! so a stored page costs little more than what is new in it.
//!
//! Two kinds of dictionary, chosen by [`pack`]:
//! - a later version of an article is compressed against the article's first
//!   page: between versions, almost nothing but a paragraph changes;
//! - an article's first page is compressed against its host's *template*, an
//!   earlier self-contained page from the same site: pages of one site share
//!   their head, scripts, navigation and footer. When a page compresses poorly
//!   against the template (another layout, a redesign), it is stored alone
//!   and becomes the host's new template.
//!
//! Templates are always self-contained, so reading any page decompresses at
//! most three blobs (template, first page, the version).

use std::io::Read;

/// Compression level: fast enough to stay far below HTML parsing per page.
const LEVEL: i32 = 3;

/// Compresses `raw`, using `dict` as a raw-content dictionary when non-empty.
pub fn compress(raw: &[u8], dict: &[u8]) -> std::io::Result<Vec<u8>> {
    if dict.is_empty() {
        return zstd::bulk::compress(raw, LEVEL);
    }
    zstd::bulk::Compressor::with_dictionary(LEVEL, dict)?.compress(raw)
}

/// What a page's dictionary is, for [`pack`].
#[derive(Debug, Clone, Copy)]
pub enum Base<'a> {
    /// No dictionary available: the page is stored alone.
    None,
    /// The same article's first page (version id, bytes).
    FirstPage(i64, &'a [u8]),
    /// The host's template pages, most recently used first.
    Templates(&'a [Template]),
}

/// A host's template page.
#[derive(Debug, Clone)]
pub struct Template {
    /// Its version id.
    pub id: i64,
    /// The page.
    pub page: Vec<u8>,
    /// Its stored (self-contained, compressed) size.
    pub packed_len: usize,
}

impl Template {
    /// What `raw` would likely cost compressed alone, judging by how well
    /// the template (a page of the same site) compressed.
    fn estimate_alone(&self, raw: &[u8]) -> f64 {
        self.packed_len as f64 * raw.len() as f64 / self.page.len().max(1) as f64
    }
}

/// A page ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed {
    pub blob: Vec<u8>,
    /// Version id of the dictionary page; `None` when self-contained.
    pub dict: Option<i64>,
    /// Self-contained and eligible to become its host's template.
    pub template: bool,
}

/// A delta against a template is kept only when it saves at least this share
/// of the page compressed alone; otherwise the layouts differ and the page
/// makes a better template than the current one.
const TEMPLATE_MIN_SAVING: f64 = 0.2;

/// A delta below this share of the page's *estimated* size alone is kept
/// without checking the estimate.
const CLEARLY_GOOD: f64 = 0.4;

/// How much of a page's start [`looks_alike`] compares.
const PROBE: usize = 16 * 1024;

/// Whether `raw` probably shares its layout with `template`, judged on the
/// pages' first 16 KiB (doctype, head, scripts, styles, header: where a
/// site's chrome sits) for about a tenth of the cost of a full delta. A page
/// of another site is thus rejected without compressing it against a whole
/// template.
fn looks_alike(raw: &[u8], template: &[u8]) -> std::io::Result<bool> {
    let head = &raw[..raw.len().min(PROBE)];
    let t_head = &template[..template.len().min(PROBE)];
    if head.len() < 1024 {
        // Too short to judge: let the full comparison decide.
        return Ok(true);
    }
    let delta = compress(head, t_head)?;
    let alone = compress(head, &[])?;
    Ok((delta.len() as f64) <= 0.7 * alone.len() as f64)
}

/// `raw` as a delta against template `t`, when that pays (see
/// [`TEMPLATE_MIN_SAVING`]); `None` when the page belongs to another layout.
/// `alone` keeps the page compressed on its own once that had to be computed,
/// for the next template and for [`self_contained`]: the page alone is
/// compressed only when a delta is not clearly good, since most pages of a
/// site come to a fraction of the estimate and compressing twice would double
/// the cost of storing them.
pub fn against_template(
    raw: &[u8],
    t: &Template,
    alone: &mut Option<Vec<u8>>,
) -> std::io::Result<Option<Packed>> {
    if !looks_alike(raw, &t.page)? {
        return Ok(None);
    }
    let delta = compress(raw, &t.page)?;
    let clearly_good = (delta.len() as f64) <= CLEARLY_GOOD * t.estimate_alone(raw);
    let good = clearly_good || {
        let alone_len = match alone {
            Some(a) => a.len(),
            None => alone.insert(compress(raw, &[])?).len(),
        };
        (delta.len() as f64) <= (1.0 - TEMPLATE_MIN_SAVING) * alone_len as f64
    };
    Ok(good.then_some(Packed {
        blob: delta,
        dict: Some(t.id),
        template: false,
    }))
}

/// `raw` compressed on its own (`alone`, when [`against_template`] already
/// did it): a self-contained page, eligible to become its host's template.
pub fn self_contained(raw: &[u8], alone: Option<Vec<u8>>) -> std::io::Result<Packed> {
    Ok(Packed {
        blob: match alone {
            Some(a) => a,
            None => compress(raw, &[])?,
        },
        dict: None,
        template: true,
    })
}

/// Compresses a page for storage against the best available dictionary.
pub fn pack(raw: &[u8], base: Base<'_>) -> std::io::Result<Packed> {
    match base {
        Base::FirstPage(id, page) => Ok(Packed {
            blob: compress(raw, page)?,
            dict: Some(id),
            template: false,
        }),
        Base::Templates(templates) => {
            let mut alone = None;
            for t in templates {
                if let Some(p) = against_template(raw, t, &mut alone)? {
                    return Ok(p);
                }
            }
            self_contained(raw, alone)
        }
        Base::None => self_contained(raw, None),
    }
}

/// Reverses [`compress`] with the same dictionary.
pub fn decompress(blob: &[u8], dict: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    if dict.is_empty() {
        zstd::stream::Decoder::new(blob)?.read_to_end(&mut out)?;
    } else {
        zstd::stream::Decoder::with_dictionary(std::io::BufReader::new(blob), dict)?
            .read_to_end(&mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tpl(id: i64, page: &[u8]) -> Template {
        Template {
            id,
            page: page.to_vec(),
            packed_len: compress(page, &[]).unwrap().len(),
        }
    }

    /// A page of a made-up site: shared chrome around an article body.
    fn site_page(site: &str, body: &str) -> Vec<u8> {
        let chrome: String = (0..400)
            .map(|i| {
                // Each site numbers its sections differently, so two sites
                // share little beyond tag names.
                let n = (i as u64 + 1) * site.len() as u64 * 7919 % 104_729;
                format!(
                    "<li><a href=\"/{site}/section/{n}\">{site} section {}</a></li>\n",
                    n * 31 % 9973
                )
            })
            .collect();
        format!("<html><head><script>{site}</script></head><body><nav>{chrome}</nav><article>{body}</article><footer>{chrome}</footer></body></html>").into_bytes()
    }

    fn story(seed: u64) -> String {
        (0..200)
            .map(|i| format!("word{} ", (seed * 31 + i * 17) % 9973))
            .collect()
    }

    #[test]
    fn a_first_page_from_a_known_site_is_a_small_delta_against_its_template() {
        let template = site_page("alpha", &story(1));
        let page = site_page("alpha", &story(2));
        let p = pack(&page, Base::Templates(&[tpl(7, &template)])).unwrap();
        assert_eq!(p.dict, Some(7));
        assert!(!p.template);
        assert_eq!(decompress(&p.blob, &template).unwrap(), page);
        let alone = compress(&page, &[]).unwrap();
        assert!(
            p.blob.len() * 2 < alone.len(),
            "{} vs {}",
            p.blob.len(),
            alone.len()
        );
    }

    #[test]
    fn a_page_with_another_layout_is_stored_alone_and_becomes_the_template() {
        let template = site_page("alpha", &story(1));
        let page = site_page("gamma-delta", &story(2));
        let p = pack(&page, Base::Templates(&[tpl(7, &template)])).unwrap();
        assert_eq!(p.dict, None);
        assert!(p.template);
        assert_eq!(decompress(&p.blob, &[]).unwrap(), page);
    }

    #[test]
    fn the_matching_template_is_found_among_several() {
        let templates = [
            tpl(3, &site_page("gamma-delta", &story(1))),
            tpl(4, &site_page("alpha", &story(2))),
        ];
        let page = site_page("alpha", &story(5));
        let p = pack(&page, Base::Templates(&templates)).unwrap();
        assert_eq!((p.dict, p.template), (Some(4), false));
        assert_eq!(decompress(&p.blob, &templates[1].page).unwrap(), page);
    }

    #[test]
    fn the_first_page_of_a_new_site_is_self_contained_and_a_template() {
        let page = site_page("alpha", &story(3));
        let p = pack(&page, Base::None).unwrap();
        assert_eq!((p.dict, p.template), (None, true));
        assert_eq!(decompress(&p.blob, &[]).unwrap(), page);
    }

    #[test]
    fn a_later_version_is_a_delta_against_the_first_page_and_never_a_template() {
        let v1 = site_page("alpha", &story(4));
        let v2 = site_page("alpha", &(story(4) + "and one more sentence"));
        let p = pack(&v2, Base::FirstPage(3, &v1)).unwrap();
        assert_eq!((p.dict, p.template), (Some(3), false));
        assert_eq!(decompress(&p.blob, &v1).unwrap(), v2);
    }

    #[test]
    fn delta_against_the_first_page_round_trips_and_is_small() {
        let page1: Vec<u8> = (0..2000)
            .flat_map(|i| {
                format!("<div class=\"nav\">item {i} {}</div>\n", i * 7919 % 104729).into_bytes()
            })
            .collect();
        let mut page2 = page1.clone();
        page2.splice(
            30_000..30_000,
            b"<p>The army said it had taken the dam.</p>"
                .iter()
                .copied(),
        );
        let alone = compress(&page2, &[]).unwrap();
        let delta = compress(&page2, &page1).unwrap();
        assert_eq!(decompress(&delta, &page1).unwrap(), page2);
        assert_eq!(decompress(&alone, &[]).unwrap(), page2);
        assert!(
            delta.len() * 10 < alone.len(),
            "delta {} vs alone {}",
            delta.len(),
            alone.len()
        );
    }
}
