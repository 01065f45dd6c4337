//! A compact copy of the parsed page for scoring: one flat arena in document
//! order, without the subtrees that can never hold article text (scripts,
//! styles, forms controls, hidden elements), with per-node text statistics
//! computed once bottom-up.
//!
//! Working on indices instead of `ego_tree` references keeps the scoring
//! passes simple and cache-friendly, and lets every walk be iterative so a
//! pathologically deep page cannot overflow the stack.

use super::clean::{commas, text_len};
use super::hints::{self, Hint};
use scraper::{Html, Node as HNode};

/// Sentinel parent of the root.
pub const NONE: usize = usize::MAX;

/// The element kinds the extractor treats differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Text,
    Body,
    P,
    Div,
    Section,
    Article,
    Main,
    /// h1–h6, with the level.
    H(u8),
    Li,
    List,
    Dl,
    DtDd,
    Blockquote,
    Pre,
    Table,
    Tr,
    Cell,
    Figure,
    Figcaption,
    Br,
    Hr,
    A,
    Img,
    Header,
    Footer,
    Nav,
    Aside,
    Form,
    /// Other block-level elements (address, center, fieldset, details…).
    OtherBlock,
    /// Inline elements (span, b, em, font, …) and unknown ones.
    Inline,
}

impl Tag {
    fn of(name: &str) -> Tag {
        match name {
            "body" => Tag::Body,
            "p" => Tag::P,
            "div" => Tag::Div,
            "section" => Tag::Section,
            "article" => Tag::Article,
            "main" => Tag::Main,
            "h1" => Tag::H(1),
            "h2" => Tag::H(2),
            "h3" => Tag::H(3),
            "h4" => Tag::H(4),
            "h5" => Tag::H(5),
            "h6" => Tag::H(6),
            "li" => Tag::Li,
            "ul" | "ol" | "menu" => Tag::List,
            "dl" => Tag::Dl,
            "dt" | "dd" => Tag::DtDd,
            "blockquote" => Tag::Blockquote,
            "pre" => Tag::Pre,
            "table" => Tag::Table,
            "tr" => Tag::Tr,
            "td" | "th" => Tag::Cell,
            "figure" => Tag::Figure,
            "figcaption" => Tag::Figcaption,
            "br" => Tag::Br,
            "hr" => Tag::Hr,
            "a" => Tag::A,
            "img" | "picture" => Tag::Img,
            "header" => Tag::Header,
            "footer" => Tag::Footer,
            "nav" => Tag::Nav,
            "aside" => Tag::Aside,
            "form" => Tag::Form,
            "address" | "center" | "fieldset" | "details" | "summary" | "tbody" | "thead"
            | "tfoot" | "caption" | "hgroup" | "html" | "legend" | "dialog" => Tag::OtherBlock,
            _ => Tag::Inline,
        }
    }

    /// Starts and ends a paragraph of output.
    pub fn is_block(self) -> bool {
        !matches!(self, Tag::Text | Tag::Inline | Tag::A | Tag::Img)
    }
}

/// One node of the arena.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub parent: usize,
    pub tag: Tag,
    pub children: Vec<usize>,
    /// Text of a text node, as in the page.
    pub text: &'a str,
    /// Inside an `<a>`.
    pub in_link: bool,
    /// Class/id/role/tag hint of this element.
    pub hint: Hint,
    /// Class weight (readability-style, ±25).
    pub weight: i32,
    /// Named as the article's lead or subtitle by class, id or itemprop.
    pub lead: bool,
    // Statistics of the subtree (visible text only).
    pub text_len: usize,
    pub link_len: usize,
    pub commas: usize,
    pub p_count: usize,
    pub li_count: usize,
    pub img_count: usize,
    pub input_count: usize,
    /// Text length of direct text children and inline children: the text a
    /// `div` holds without wrapping it in `<p>`.
    pub inline_len: usize,
    /// Has a block-level child.
    pub has_block_child: bool,
    /// `<br>` children (prose written straight into a container separates
    /// its paragraphs with them).
    pub br_children: usize,
}

/// The arena. Index 0 is the `<body>` (or the document root when a page has
/// no body).
#[derive(Debug)]
pub struct Dom<'a> {
    pub nodes: Vec<Node<'a>>,
    /// Any element carried a paywall marker (class/id).
    pub paywall_marker: bool,
}

/// Elements whose whole subtree is never text of an article.
fn is_dropped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "video"
            | "audio"
            | "select"
            | "button"
            | "textarea"
            | "option"
            | "head"
            | "link"
            | "meta"
            | "title"
            | "map"
            | "frameset"
            | "frame"
            | "input"
            | "label"
            | "figcaption"
            // Ruby annotations (furigana) would split every annotated word.
            | "rt"
            | "rp"
    )
}

/// The element is hidden from readers (so also from us). A tab panel is
/// not: only the open tab is shown, but the others (a product's
/// description, specifications, reviews) are one click away and are as
/// much the page's text.
fn is_hidden(el: &scraper::node::Element) -> bool {
    if el
        .attr("role")
        .is_some_and(|r| r.trim().eq_ignore_ascii_case("tabpanel"))
    {
        return false;
    }
    if el.attr("hidden").is_some() || el.attr("aria-hidden").is_some_and(|v| v.trim() == "true") {
        return true;
    }
    if let Some(style) = el.attr("style") {
        if style_hides(style) {
            return true;
        }
    }
    false
}

/// `display:none` / `visibility:hidden` in an inline style, whatever the
/// spacing and case.
fn style_hides(style: &str) -> bool {
    if !style.contains(':') {
        return false;
    }
    let squeezed: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    squeezed.contains("display:none") || squeezed.contains("visibility:hidden")
}

impl<'a> Dom<'a> {
    /// Builds the arena from a parsed document.
    pub fn build(doc: &'a Html) -> Dom<'a> {
        let tree = &doc.tree;
        let body = doc
            .root_element()
            .descendent_elements()
            .find(|e| e.value().name() == "body")
            .map(|e| *e)
            .unwrap_or_else(|| tree.root());
        let mut nodes: Vec<Node<'a>> = Vec::new();
        let mut paywall_marker = false;
        // (node, parent index, inside a link)
        let mut stack = vec![(body, NONE, false)];
        while let Some((nref, parent, in_link)) = stack.pop() {
            let (tag, text, hint, weight, lead) = match nref.value() {
                HNode::Text(t) => (Tag::Text, &**t, Hint::None, 0, false),
                HNode::Element(el) => {
                    let name = el.name();
                    if name == "input"
                        && el
                            .attr("type")
                            .is_none_or(|t| !t.eq_ignore_ascii_case("hidden"))
                    {
                        if parent != NONE {
                            nodes[parent].input_count += 1;
                        }
                        continue;
                    }
                    if is_dropped(name) || is_hidden(el) {
                        continue;
                    }
                    let tag = if parent == NONE && name != "body" {
                        Tag::Body
                    } else {
                        Tag::of(name)
                    };
                    let class = el.attr("class").unwrap_or("");
                    let id = el.attr("id").unwrap_or("");
                    if hints::is_screen_reader_only(class) {
                        continue;
                    }
                    let a = hints::analyze(tag, class, id, el.attr("role"), el.attr("itemprop"));
                    paywall_marker |= a.paywall;
                    (tag, "", a.hint, a.weight, a.lead)
                }
                HNode::Document => (Tag::Body, "", Hint::None, 0, false),
                _ => continue,
            };
            let idx = nodes.len();
            nodes.push(Node {
                parent,
                tag,
                children: Vec::new(),
                text,
                in_link: in_link || tag == Tag::A,
                hint,
                weight,
                lead,
                text_len: 0,
                link_len: 0,
                commas: 0,
                p_count: 0,
                li_count: 0,
                img_count: 0,
                input_count: 0,
                inline_len: 0,
                has_block_child: false,
                br_children: 0,
            });
            if parent != NONE {
                nodes[parent].children.push(idx);
            }
            if tag != Tag::Text {
                let child_in_link = in_link || tag == Tag::A;
                // Reverse so that children are visited (and numbered) in order.
                let kids: Vec<_> = nref.children().collect();
                for k in kids.into_iter().rev() {
                    stack.push((k, idx, child_in_link));
                }
            }
        }
        let mut dom = Dom {
            nodes,
            paywall_marker,
        };
        dom.compute_stats();
        dom
    }

    /// Fills the subtree statistics. Children always have larger indices
    /// than their parent (pre-order), so one reverse sweep suffices.
    fn compute_stats(&mut self) {
        for i in (0..self.nodes.len()).rev() {
            let n = &mut self.nodes[i];
            match n.tag {
                Tag::Text => {
                    n.text_len = text_len(n.text);
                    n.commas = commas(n.text);
                    if n.in_link {
                        n.link_len = n.text_len;
                    }
                }
                Tag::P => n.p_count += 1,
                Tag::Li => n.li_count += 1,
                Tag::Img => n.img_count += 1,
                _ => {}
            }
            let n = &self.nodes[i];
            let parent = n.parent;
            if parent == NONE {
                continue;
            }
            let (tl, ll, cm, pc, lc, ic, inp, tag) = (
                n.text_len,
                n.link_len,
                n.commas,
                n.p_count,
                n.li_count,
                n.img_count,
                n.input_count,
                n.tag,
            );
            let p = &mut self.nodes[parent];
            p.text_len += tl;
            p.link_len += ll;
            p.commas += cm;
            p.p_count += pc;
            p.li_count += lc;
            p.img_count += ic;
            p.input_count += inp;
            if tag == Tag::Br {
                p.br_children += 1;
            }
            if tag.is_block() {
                p.has_block_child = true;
            } else {
                p.inline_len += tl;
            }
        }
    }

    /// Share of the subtree's text that sits inside links.
    pub fn link_density(&self, i: usize) -> f32 {
        let n = &self.nodes[i];
        if n.text_len == 0 {
            0.0
        } else {
            n.link_len as f32 / n.text_len as f32
        }
    }

    /// Ancestors of `i`, nearest first.
    pub fn ancestors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let mut cur = self.nodes[i].parent;
        std::iter::from_fn(move || {
            if cur == NONE {
                None
            } else {
                let c = cur;
                cur = self.nodes[c].parent;
                Some(c)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_and_dropping() {
        let doc = Html::parse_document(
            "<body><div><p>Hello, world <a href=x>link</a></p><script>var x=1</script>\
             <p style='display: none'>hidden</p><span>inline text</span></div></body>",
        );
        let dom = Dom::build(&doc);
        assert_eq!(dom.nodes[0].tag, Tag::Body);
        let div = dom.nodes[0].children[0];
        assert_eq!(dom.nodes[div].tag, Tag::Div);
        assert_eq!(
            dom.nodes[div].text_len,
            "Hello,world".len() + "link".len() + "inlinetext".len()
        );
        assert_eq!(dom.nodes[div].link_len, 4);
        assert_eq!(dom.nodes[div].p_count, 1);
        assert_eq!(dom.nodes[div].commas, 1);
        assert_eq!(dom.nodes[div].inline_len, "inlinetext".len());
        assert!(dom.nodes[div].has_block_child);
    }

    #[test]
    fn hidden_tab_panels_are_kept() {
        let doc = Html::parse_document(
            "<body><div role=tabpanel>Open tab</div><div role=tabpanel hidden>Closed tab</div>\
             <div hidden>Gone</div><div role=tabpanel style='display:none'>Also closed</div></body>",
        );
        let dom = Dom::build(&doc);
        assert_eq!(
            dom.nodes[0].text_len,
            "Opentab".len() + "Closedtab".len() + "Alsoclosed".len()
        );
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!(
            "<body>{}text{}</body>",
            "<div>".repeat(20_000),
            "</div>".repeat(20_000)
        );
        let doc = Html::parse_document(&html);
        let dom = Dom::build(&doc);
        assert!(dom.nodes[0].text_len >= 4);
    }
}
