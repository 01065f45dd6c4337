//! Finding the article body in the arena and turning it into paragraphs.
//!
//! 1. **Scoring** (content density): every paragraph-like block with at
//!    least [`MIN_PARAGRAPH`] characters gives points for its length and its
//!    commas to its ancestors (less the further up), so the element that
//!    holds most running prose wins. Class/id names add or subtract weight,
//!    and a candidate's score shrinks with its link density: menus and
//!    "related" boxes are mostly links.
//! 2. **Selection**: the best candidate, moved up when its parent holds
//!    several strong candidates (an article split into sections) and while
//!    a parent adds mostly prose with few links (a body cut into blocks by
//!    pictures and ad slots), plus the siblings that score well enough or
//!    are plain prose paragraphs.
//!    The article's lead (see `hints`), when it stands before the body in
//!    the article header, is taken too.
//! 3. **Emission**: the selected subtrees are walked in document order;
//!    boilerplate subtrees (by tag, class, id or role), link-heavy
//!    containers, link-only and furniture lines are left out; every block
//!    element starts a new paragraph.
//!
//! When that yields almost nothing although the page has prose, the pass is
//! repeated without class/id hints (a site whose wrapper is called
//! `has-sidebar` must not lose its article).

use super::clean::{
    is_bar_list, is_credit_line, is_furniture_line, is_notice, push_collapsed, text_len,
};
use super::dom::{Dom, Tag, NONE};
use super::hints::Hint;

/// Shortest text of a block that counts as a paragraph for scoring.
pub const MIN_PARAGRAPH: usize = 25;

/// Below this many characters an extraction is retried without hints.
const RETRY_BELOW: usize = 500;

/// Knobs of one extraction pass.
#[derive(Debug, Clone, Copy)]
struct Pass {
    /// Trust class/id names (strict pass) or only tags and roles (relaxed).
    use_hints: bool,
}

/// One output paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Para {
    pub text: String,
    pub heading: bool,
    /// A list item.
    pub item: bool,
}

/// The main text of the page as paragraphs (empty when there is none).
pub fn main_text(dom: &Dom) -> Vec<Para> {
    if dom.nodes.is_empty() {
        return Vec::new();
    }
    let strict = run(dom, Pass { use_hints: true });
    let strict_len: usize = strict.iter().map(|p| text_len(&p.text)).sum();
    if strict_len >= RETRY_BELOW || dom.nodes[0].text_len < 2 * RETRY_BELOW {
        return strict;
    }
    let relaxed = run(dom, Pass { use_hints: false });
    let relaxed_len: usize = relaxed.iter().map(|p| text_len(&p.text)).sum();
    if relaxed_len > 2 * strict_len {
        relaxed
    } else {
        strict
    }
}

fn run(dom: &Dom, pass: Pass) -> Vec<Para> {
    let boiler = boiler_marks(dom, pass);
    let mut scores = score(dom, &boiler, pass);
    if let Some(first) = first_of_article_sequence(dom, &scores) {
        keep_only_inside(dom, &mut scores, first);
    }
    let Some(top) = pick_top(dom, &scores) else {
        return Vec::new();
    };
    let core = top;
    let best = best_candidate(&scores).unwrap_or(core);
    let top = extend_up(dom, &boiler, top);
    // The path from the climbed-to node down to the best candidate is never
    // cleaned away: it is where the article was found.
    let protected: Vec<usize> = std::iter::once(core)
        .chain(dom.ancestors(core).take_while(|&a| a != top))
        .collect();
    let selected = with_siblings(dom, &scores, &boiler, top);
    let leads = find_leads(dom, best, top);
    let mut out = Emitter::default();
    for &l in &leads {
        emit(dom, l, pass, &mut out, &protected, &[]);
        // A lead may be an inline element: it is a paragraph of its own.
        out.flush();
    }
    let lead_paras = out.paras.len();
    for &s in &selected {
        emit(dom, s, pass, &mut out, &protected, &leads);
    }
    // Before `finish` trims stray lines at either end, while the first
    // `lead_paras` paragraphs are still the leads.
    out.flush();
    drop_repeated_leads(&mut out.paras, lead_paras);
    out.finish()
}

/// Most standfirst elements taken from one page (a lead and a subtitle).
const MAX_LEADS: usize = 2;

/// Lead texts shorter than this are labels ("Teaser"), longer ones are
/// more likely a whole story box than a standfirst.
const LEAD_LEN: std::ops::RangeInclusive<usize> = 15..=1500;

/// The article's standfirst: elements named as a lead (see `hints`) that
/// stand before the body's prose (`core`, the best candidate) inside the
/// article that holds it, typically in its header, which is otherwise
/// dropped as furniture.
fn find_leads(dom: &Dom, core: usize, top: usize) -> Vec<usize> {
    // The article is the nearest <article> or <main> around the body; a
    // page without either only gets a lead from close to the body.
    // The outermost one: an <article> for the body can sit in a <main> or
    // <article> that also holds the header.
    let scope = std::iter::once(core)
        .chain(dom.ancestors(core))
        .take(12)
        .filter(|&a| matches!(dom.nodes[a].tag, Tag::Article | Tag::Main))
        .last()
        .unwrap_or_else(|| dom.ancestors(top).take(2).last().unwrap_or(top));
    let mut out: Vec<usize> = Vec::new();
    // Pre-order arena: every node between `scope` and `core` is inside
    // `scope` and before the body.
    for i in scope.saturating_add(1)..core {
        let n = &dom.nodes[i];
        if !n.lead || n.tag == Tag::H(1) || !LEAD_LEN.contains(&n.text_len) {
            continue;
        }
        if dom.link_density(i) > 0.3 || dom.ancestors(core).any(|a| a == i) {
            continue;
        }
        let mut path = dom.ancestors(i).take_while(|&a| a != scope);
        // Teasers of other stories sit in lists, links and "related" boxes.
        let in_furniture = path.any(|a| {
            out.contains(&a)
                || matches!(dom.nodes[a].hint, Hint::Strong | Hint::Never)
                || matches!(dom.nodes[a].tag, Tag::Li | Tag::A | Tag::Figure)
        });
        if !in_furniture {
            out.push(i);
            if out.len() == MAX_LEADS {
                break;
            }
        }
    }
    out
}

/// Sites that repeat the standfirst as the first paragraph of the body
/// would show it twice: the copy before the body goes. `lead_paras` is
/// how many of `paras` came from leads (clamped: never trust a count
/// against a vector that may have shrunk).
fn drop_repeated_leads(paras: &mut Vec<Para>, lead_paras: usize) {
    let mut i = 0;
    let mut left = lead_paras.min(paras.len());
    while i < left {
        let repeated = paras[left..]
            .iter()
            .take(5)
            .any(|p| p.text.contains(paras[i].text.as_str()));
        if repeated {
            paras.remove(i);
            left -= 1;
        } else {
            i += 1;
        }
    }
}

/// Diagnostics: the best candidates with their scores and the selection
/// (for `examples/extract --explain`; not a stable format).
#[doc(hidden)]
pub fn explain(dom: &Dom) -> String {
    let pass = Pass { use_hints: true };
    let boiler = boiler_marks(dom, pass);
    let scores = score(dom, &boiler, pass);
    let mut ranked: Vec<usize> = (0..scores.len()).filter(|&i| !scores[i].is_nan()).collect();
    ranked.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut out = String::new();
    for &i in ranked.iter().take(8) {
        let n = &dom.nodes[i];
        out.push_str(&format!(
            "#{i} {:?} score {:.1} text {} ld {:.2} p {} hint {:?} weight {} parent #{}\n",
            n.tag,
            scores[i],
            n.text_len,
            dom.link_density(i),
            n.p_count,
            n.hint,
            n.weight,
            n.parent
        ));
    }
    if let Some(core) = pick_top(dom, &scores) {
        let top = extend_up(dom, &boiler, core);
        let selected = with_siblings(dom, &scores, &boiler, top);
        let leads = find_leads(dom, best_candidate(&scores).unwrap_or(core), top);
        out.push_str(&format!(
            "core #{core}, top #{top}, selected {selected:?}, leads {leads:?}\n"
        ));
        // Where the selected subtrees lose their text.
        let mut stack: Vec<usize> = selected.clone();
        while let Some(i) = stack.pop() {
            let n = &dom.nodes[i];
            if n.tag == Tag::Text {
                continue;
            }
            if !selected.contains(&i)
                && (is_boiler(dom, i, pass) || is_junk_container(dom, i, pass))
            {
                if n.text_len > 50 {
                    out.push_str(&format!(
                        "  dropped #{i} {:?} text {} ld {:.2} hint {:?} weight {}\n",
                        n.tag,
                        n.text_len,
                        dom.link_density(i),
                        n.hint,
                        n.weight
                    ));
                }
                continue;
            }
            stack.extend(n.children.iter());
        }
    }
    out
}

/// Is this one element (not its ancestors) boilerplate in this pass?
fn is_boiler(dom: &Dom, i: usize, pass: Pass) -> bool {
    let n = &dom.nodes[i];
    match n.hint {
        Hint::None => false,
        Hint::Never => true,
        Hint::Strong | Hint::Weak => {
            let structural = matches!(n.tag, Tag::Nav | Tag::Aside | Tag::Footer | Tag::Header);
            if !pass.use_hints && !structural {
                return false;
            }
            // A wrapper holding most of the page's paragraphs is layout, not
            // furniture, whatever its class says.
            let body = &dom.nodes[0];
            let wrapper = n.p_count >= 3 && n.p_count * 2 > body.p_count;
            !wrapper
        }
    }
}

/// `marks[i]`: node `i` or one of its ancestors is boilerplate.
fn boiler_marks(dom: &Dom, pass: Pass) -> Vec<bool> {
    let mut marks = vec![false; dom.nodes.len()];
    for i in 0..dom.nodes.len() {
        let p = dom.nodes[i].parent;
        let inherited = p != NONE && marks[p];
        marks[i] = inherited || (dom.nodes[i].tag != Tag::Text && is_boiler(dom, i, pass));
    }
    marks
}

/// Score a candidate starts with, by its tag.
fn base_score(tag: Tag) -> f32 {
    match tag {
        Tag::Div => 5.0,
        Tag::Article => 8.0,
        Tag::Main | Tag::Section => 3.0,
        Tag::Pre | Tag::Cell | Tag::Blockquote => 3.0,
        Tag::List | Tag::Dl | Tag::DtDd | Tag::Li | Tag::Form => -3.0,
        Tag::H(_) => -5.0,
        _ => 0.0,
    }
}

/// The length a block contributes as a paragraph, if it is one.
fn paragraph_len(dom: &Dom, i: usize) -> usize {
    let n = &dom.nodes[i];
    let len = match n.tag {
        Tag::P | Tag::Pre | Tag::Blockquote | Tag::DtDd => n.text_len,
        Tag::Cell if !n.has_block_child => n.text_len,
        // Prose written straight into a div (`text<br><br>text`).
        Tag::Div | Tag::Section | Tag::Article | Tag::Cell | Tag::Main => n.inline_len,
        // Lists of real sentences, not of links.
        Tag::Li if n.text_len >= 80 && dom.link_density(i) < 0.3 => n.text_len,
        _ => 0,
    };
    if len >= MIN_PARAGRAPH {
        len
    } else {
        0
    }
}

/// How many paragraphs prose written straight into a container stands
/// for: pages that separate paragraphs with `<br><br>` instead of `<p>`
/// must not score as if all their text were one paragraph.
fn inline_paragraphs(br_children: usize, len: usize) -> usize {
    (1 + br_children / 2).clamp(1, (len / MIN_PARAGRAPH).max(1))
}

/// Content scores of candidates (NaN = not a candidate).
fn score(dom: &Dom, boiler: &[bool], pass: Pass) -> Vec<f32> {
    let mut scores = vec![f32::NAN; dom.nodes.len()];
    for i in 0..dom.nodes.len() {
        if boiler[i] {
            continue;
        }
        let len = paragraph_len(dom, i);
        if len == 0 {
            continue;
        }
        let n = &dom.nodes[i];
        let commas = if n.tag == Tag::Div {
            n.commas.min(len / 20)
        } else {
            n.commas
        };
        // Prose written straight into a container scores for the container
        // itself (readability wraps it in a <p> first, same effect).
        let inline_container = matches!(n.tag, Tag::Div | Tag::Section | Tag::Article | Tag::Main)
            || (n.tag == Tag::Cell && n.has_block_child);
        let parts = if inline_container {
            inline_paragraphs(n.br_children, len)
        } else {
            1
        } as f32;
        let s = parts + commas as f32 + (len as f32 / 100.0).min(3.0 * parts);
        let chain: Vec<usize> = if inline_container {
            std::iter::once(i).chain(dom.ancestors(i).take(4)).collect()
        } else {
            dom.ancestors(i).take(5).collect()
        };
        for (level, a) in chain.into_iter().enumerate() {
            // Furniture never becomes a candidate, even when it wraps prose.
            if boiler[a] {
                continue;
            }
            if scores[a].is_nan() {
                let an = &dom.nodes[a];
                scores[a] = base_score(an.tag)
                    + if pass.use_hints {
                        an.weight as f32
                    } else {
                        0.0
                    };
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f32 * 3.0,
            };
            scores[a] += s / divider;
        }
    }
    for (i, s) in scores.iter_mut().enumerate() {
        if !s.is_nan() {
            *s *= 1.0 - dom.link_density(i);
        }
    }
    scores
}

/// Share of the best score an earlier `<article>` must reach to be taken
/// as the page's story instead.
const FIRST_ARTICLE_SHARE: f32 = 0.3;

/// Pages that load the next stories under the current one (infinite
/// scroll) are a sequence of `<article>` elements at the same depth; the
/// page's own story is the first of them, even when a later one is longer.
/// Returns that first article when it is not the one holding the best
/// candidate and holds prose scoring at least [`FIRST_ARTICLE_SHARE`] of it.
fn first_of_article_sequence(dom: &Dom, scores: &[f32]) -> Option<usize> {
    let best = best_candidate(scores)?;
    let article_of = |i: usize| {
        std::iter::once(i)
            .chain(dom.ancestors(i))
            .take(10)
            .find(|&a| dom.nodes[a].tag == Tag::Article)
    };
    let ours = article_of(best)?;
    let depth = |i: usize| dom.ancestors(i).count();
    let our_depth = depth(ours);
    // Best candidate score inside each earlier article, and whether that
    // article is at our depth (computed once per article).
    let mut inside: Vec<(usize, f32, bool)> = Vec::new();
    for (i, &s) in scores.iter().enumerate().take(ours) {
        if s.is_nan() {
            continue;
        }
        let Some(a) = article_of(i) else { continue };
        match inside.iter_mut().find(|(x, _, _)| *x == a) {
            Some((_, m, _)) => *m = m.max(s),
            None => inside.push((a, s, depth(a) == our_depth)),
        }
    }
    inside
        .into_iter()
        .filter(|&(_, m, same_depth)| same_depth && m >= FIRST_ARTICLE_SHARE * scores[best])
        .map(|(a, _, _)| a)
        .min()
}

/// Leaves scores only inside `root` and on its ancestors.
fn keep_only_inside(dom: &Dom, scores: &mut [f32], root: usize) {
    // Pre-order arena: the subtree of `root` is the run of nodes after it
    // whose parents are at or after `root`.
    let mut end = root + 1;
    while end < dom.nodes.len() && dom.nodes[end].parent >= root && dom.nodes[end].parent != NONE {
        end += 1;
    }
    let ancestors: Vec<usize> = dom.ancestors(root).collect();
    for (i, s) in scores.iter_mut().enumerate() {
        if !(root..end).contains(&i) && !ancestors.contains(&i) {
            *s = f32::NAN;
        }
    }
}

/// The highest-scoring candidate: the element that holds the body's prose
/// most tightly.
fn best_candidate(scores: &[f32]) -> Option<usize> {
    (0..scores.len())
        .filter(|&i| !scores[i].is_nan())
        .max_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(b.cmp(&a)))
}

/// The best candidate, adjusted upwards as readability does.
fn pick_top(dom: &Dom, scores: &[f32]) -> Option<usize> {
    let mut ranked: Vec<usize> = (0..scores.len()).filter(|&i| !scores[i].is_nan()).collect();
    ranked.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let mut top = *ranked.first()?;
    let top_score = scores[top];
    if top_score <= 0.0 {
        return None;
    }

    // Several strong candidates under one ancestor: the article is split
    // into parts (sections, page columns), take the ancestor.
    let alternatives: Vec<usize> = ranked
        .iter()
        .skip(1)
        .take(4)
        .copied()
        .filter(|&c| scores[c] >= 0.75 * top_score)
        .collect();
    if alternatives.len() >= 3 {
        for a in dom.ancestors(top) {
            if a == 0 {
                break;
            }
            let contained = alternatives
                .iter()
                .filter(|&&c| dom.ancestors(c).any(|x| x == a))
                .count();
            if contained >= 3 {
                top = a;
                break;
            }
        }
    }

    // Walk up while the parent scores about as well (the prose is spread
    // over its children).
    let mut last = scores[top];
    let threshold = last / 3.0;
    let mut parent = dom.nodes[top].parent;
    while parent != NONE && parent != 0 {
        let ps = scores[parent];
        if ps.is_nan() {
            parent = dom.nodes[parent].parent;
            continue;
        }
        if ps < threshold {
            break;
        }
        if ps > last {
            top = parent;
            break;
        }
        last = ps;
        parent = dom.nodes[parent].parent;
    }

    // A candidate that is its parent's only child: take the parent, whose
    // siblings are the ones worth looking at.
    loop {
        let p = dom.nodes[top].parent;
        if p == NONE || p == 0 {
            break;
        }
        let element_children = dom.nodes[p]
            .children
            .iter()
            .filter(|&&c| dom.nodes[c].tag != Tag::Text || dom.nodes[c].text_len > 0)
            .count();
        if element_children != 1 {
            break;
        }
        top = p;
    }
    Some(top)
}

/// Text measures of a subtree outside boilerplate.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    /// Length of prose paragraphs (long enough, few links).
    prose: usize,
    /// Length of all text.
    text: usize,
    /// Length of link text.
    links: usize,
    /// `<article>` elements.
    articles: usize,
}

fn accumulate(dom: &Dom, boiler: &[bool]) -> Vec<Acc> {
    let mut acc = vec![Acc::default(); dom.nodes.len()];
    for i in (0..dom.nodes.len()).rev() {
        if boiler[i] {
            continue;
        }
        let n = &dom.nodes[i];
        if n.tag == Tag::Text {
            acc[i].text = n.text_len;
            acc[i].links = n.link_len;
        } else {
            if n.tag == Tag::Article {
                acc[i].articles += 1;
            }
            // For the climb, an article's bullet points and subheadings are
            // part of its prose; a list of links or linked headlines is not.
            let len = match n.tag {
                Tag::Li if n.text_len >= MIN_PARAGRAPH && !n.has_block_child => n.text_len,
                Tag::H(2..=6) if n.link_len == 0 => n.text_len,
                _ => paragraph_len(dom, i),
            };
            let container = matches!(
                n.tag,
                Tag::Div | Tag::Section | Tag::Article | Tag::Main | Tag::Cell
            );
            let own_links = if container { 0.0 } else { dom.link_density(i) };
            if len > 0 && own_links < 0.3 {
                acc[i].prose += len;
            }
        }
        let p = n.parent;
        if p != NONE {
            let a = acc[i];
            acc[p].prose += a.prose;
            acc[p].text += a.text;
            acc[p].links += a.links;
            acc[p].articles += a.articles;
        }
    }
    acc
}

/// Moves the top candidate up while its parent adds mostly prose: an
/// article cut into several blocks (text, picture, ad slot, text) has its
/// parts in different subtrees, and only the common ancestor holds it all.
/// A parent that adds link lists, teasers or other short furniture stops
/// the climb.
fn extend_up(dom: &Dom, boiler: &[bool], mut top: usize) -> usize {
    let acc = accumulate(dom, boiler);
    loop {
        let p = dom.nodes[top].parent;
        if p == NONE || boiler[p] {
            return top;
        }
        // The page marks its articles: climbing out of ours into a parent
        // that holds another one would merge two stories.
        if acc[top].articles > 0 && acc[p].articles > acc[top].articles {
            return top;
        }
        let extra_prose = acc[p].prose.saturating_sub(acc[top].prose);
        let extra_text = acc[p].text.saturating_sub(acc[top].text);
        let extra_links = acc[p].links.saturating_sub(acc[top].links);
        let nothing_added = extra_text <= 50;
        // Teaser lists of other stories are prose too, but every teaser
        // carries a linked headline: the link share tells them apart.
        let mostly_prose = extra_prose >= 80
            && extra_prose * 4 >= extra_text * 3
            && extra_links * 100 <= extra_text * 12;
        if nothing_added || mostly_prose {
            top = p;
        } else {
            return top;
        }
    }
}

/// The top candidate plus its siblings that belong to the article.
fn with_siblings(dom: &Dom, scores: &[f32], boiler: &[bool], top: usize) -> Vec<usize> {
    let parent = dom.nodes[top].parent;
    if parent == NONE {
        return vec![top];
    }
    let top_score = if scores[top].is_nan() {
        0.0
    } else {
        scores[top]
    };
    let threshold = (top_score * 0.2).max(10.0);
    let mut out = Vec::new();
    for &c in &dom.nodes[parent].children {
        if c == top {
            out.push(c);
            continue;
        }
        let n = &dom.nodes[c];
        if boiler[c] || n.tag == Tag::Text {
            continue;
        }
        // Another story next to ours, marked as such by the page.
        if n.tag == Tag::Article && dom.nodes[top].tag == Tag::Article {
            continue;
        }
        let s = scores[c];
        let mut bonus = 0.0;
        if n.weight > 0 && n.weight == dom.nodes[top].weight {
            bonus = top_score * 0.2;
        }
        if !s.is_nan() && s + bonus >= threshold {
            out.push(c);
            continue;
        }
        if n.tag == Tag::P {
            let ld = dom.link_density(c);
            if (n.text_len > 80 && ld < 0.25)
                || (n.text_len > 0 && n.text_len <= 80 && ld == 0.0 && ends_like_sentence(dom, c))
            {
                out.push(c);
            }
        }
    }
    out
}

/// The last text of a node ends with sentence punctuation.
fn ends_like_sentence(dom: &Dom, i: usize) -> bool {
    let mut stack = vec![i];
    let mut last = "";
    while let Some(j) = stack.pop() {
        let n = &dom.nodes[j];
        if n.tag == Tag::Text && !n.text.trim().is_empty() {
            last = n.text;
        }
        stack.extend(n.children.iter().rev());
    }
    // Document order: the loop above visits children left to right, so
    // `last` is the last non-empty text node.
    last.trim_end()
        .ends_with(['.', '!', '?', '؟', '。', '"', '”', '»'])
}

/// A container inside the article that is really a box of links, a form or
/// the like (readability's "clean conditionally").
fn is_junk_container(dom: &Dom, i: usize, pass: Pass) -> bool {
    let n = &dom.nodes[i];
    if !matches!(
        n.tag,
        Tag::Div | Tag::Section | Tag::List | Tag::Table | Tag::Form | Tag::Figure | Tag::Dl
    ) {
        return false;
    }
    let weight = if pass.use_hints { n.weight } else { 0 };
    if weight < 0 {
        return true;
    }
    if n.commas >= 10 {
        return false;
    }
    let ld = dom.link_density(i);
    // A form (search, newsletter sign-up) is short text among inputs.
    if n.input_count > 0 && n.input_count * 40 > n.text_len {
        return true;
    }
    if weight < 25 && ld > 0.33 && n.text_len > 0 {
        return true;
    }
    weight >= 25 && ld > 0.5
}

/// Inside the article, a block whose class only names its place in the
/// layout (`post-bottom-content`, `entry-meta`, `extra`) but that holds
/// paragraphs of prose with hardly any links is text. Elements named as
/// share bars, related links and the like (strong hints) and structural
/// furniture (`<nav>`, `<aside>`, `<header>`, `<footer>`) stay out.
fn prose_despite_name(dom: &Dom, i: usize) -> bool {
    let n = &dom.nodes[i];
    n.hint == Hint::Weak
        && !matches!(
            n.tag,
            Tag::Nav | Tag::Aside | Tag::Footer | Tag::Header | Tag::Form
        )
        && n.p_count >= 1
        && n.text_len >= 200
        && dom.link_density(i) < 0.1
}

/// Collects paragraphs in document order.
#[derive(Default)]
struct Emitter {
    paras: Vec<Para>,
    cur: String,
    cur_len: usize,
    cur_link: usize,
    heading: bool,
    item: bool,
}

impl Emitter {
    fn text(&mut self, s: &str, len: usize, in_link: bool) {
        push_collapsed(&mut self.cur, s);
        self.cur_len += len;
        if in_link {
            self.cur_link += len;
        }
    }

    fn flush(&mut self) {
        let t = self.cur.trim();
        if !t.is_empty() && keep_paragraph(t, self.cur_len, self.cur_link) {
            self.paras.push(Para {
                text: t.to_string(),
                heading: self.heading,
                item: self.item,
            });
        }
        self.cur.clear();
        self.cur_len = 0;
        self.cur_link = 0;
        self.heading = false;
        self.item = false;
    }

    fn finish(mut self) -> Vec<Para> {
        self.flush();
        // Headings left at the end introduced a box we dropped ("Related").
        self.pop_trailing_headings();
        // So do short label lines ("Mehr Themen:", "Kontakt", "Source:
        // agencies"), and credits; the body ends with a sentence.
        for _ in 0..MAX_STRAY_LINES {
            if !self.paras.last().is_some_and(is_stray_line) {
                break;
            }
            self.paras.pop();
            self.pop_trailing_headings();
        }
        // A short label line before the text is a kicker, dateline or
        // byline ("Review", "BAAR, SWITZERLAND", "By Reuters"); a heading
        // there is the headline or the first section's title.
        if self.paras.first().is_some_and(|p| {
            !p.heading
                && is_stray_line(p)
                && p.text.chars().count() < 40
                && p.text.split_whitespace().count() <= LABEL_WORDS
        }) {
            self.paras.remove(0);
        }
        self.paras
    }

    fn pop_trailing_headings(&mut self) {
        while self.paras.last().is_some_and(|p| p.heading) {
            self.paras.pop();
        }
    }
}

/// Most stray lines dropped from the end of the text.
const MAX_STRAY_LINES: usize = 2;

/// Most words of a label line dropped before the text. Fewer than at the
/// end: a lead can be a short sentence ("Army retakes the dam"), and a
/// development stated in it must not be lost.
const LABEL_WORDS: usize = 3;

/// Most words of a stray line.
const STRAY_WORDS: usize = 5;

/// A line of a few words that is not a list item (a list of places or
/// dates may well end the article). Punctuation is not looked at: an edit
/// that only adds or drops a full stop must not make a paragraph appear or
/// disappear (that would be a false "article updated").
fn is_stray_line(p: &Para) -> bool {
    !p.item && p.text.chars().count() < 60 && p.text.split_whitespace().count() <= STRAY_WORDS
}

/// A paragraph that is mostly links, a stock line, a subscription or
/// copyright notice, an image credit, a bar-separated menu or metadata
/// line, or markup shown as text is not article text.
fn keep_paragraph(text: &str, len: usize, link: usize) -> bool {
    // Link lists are short; a long paragraph whose first sentence is a
    // link (newsletter digests) is still text, and so is a sentence that
    // runs on into a link ("…, who <a>held the post before</a>.").
    if len > 0
        && link * 2 > len
        && (len < 150 || link * 10 > len * 8)
        && !sentence_into_link(text, len, link)
    {
        return false;
    }
    if text.starts_with('<') && text.ends_with('>') {
        return false;
    }
    !is_furniture_line(text) && !is_notice(text) && !is_credit_line(text) && !is_bar_list(text)
}

/// A sentence of prose that ends inside or after a link: some words of its
/// own, then the link, then a full stop. "Read more: <a>headline</a>" has
/// no full stop, a link list no words of its own.
fn sentence_into_link(text: &str, len: usize, link: usize) -> bool {
    len - link >= 20
        && link * 10 <= len * 8
        && text.trim_end().ends_with(['.', '!', '?', '؟', '。'])
}

enum Step {
    Enter(usize),
    Exit(usize),
}

/// Appends the text of the subtree at `root` to `out`, leaving out the
/// `skip` subtrees (emitted already).
fn emit(
    dom: &Dom,
    root: usize,
    pass: Pass,
    out: &mut Emitter,
    protected: &[usize],
    skip: &[usize],
) {
    let mut stack = vec![Step::Enter(root)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Enter(i) => {
                let n = &dom.nodes[i];
                if n.tag == Tag::Text {
                    out.text(n.text, n.text_len, n.in_link);
                    continue;
                }
                // The selected roots were chosen for their prose: only what
                // is inside them is cleaned.
                if i != root
                    && !protected.contains(&i)
                    && ((is_boiler(dom, i, pass) && !prose_despite_name(dom, i))
                        || is_junk_container(dom, i, pass))
                {
                    continue;
                }
                if skip.contains(&i) {
                    continue;
                }
                if n.tag.is_block() {
                    out.flush();
                }
                match n.tag {
                    Tag::H(_) => out.heading = true,
                    Tag::Li | Tag::DtDd => out.item = true,
                    _ => {}
                }
                stack.push(Step::Exit(i));
                stack.extend(n.children.iter().rev().map(|&c| Step::Enter(c)));
            }
            Step::Exit(i) => {
                if dom.nodes[i].tag.is_block() {
                    out.flush();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn text_of(html: &str) -> Vec<String> {
        let doc = Html::parse_document(html);
        let dom = Dom::build(&doc);
        main_text(&dom).into_iter().map(|p| p.text).collect()
    }

    const P1: &str = "The council met on Tuesday, and after a long debate, voted to approve the new budget for schools.";
    const P2: &str = "Opposition members said the plan, which cuts transport funding, would hurt rural families most.";

    #[test]
    fn picks_article_and_drops_boilerplate() {
        let html = format!(
            "<body><nav><a href=/>Home</a> <a href=/w>World</a></nav><div class=main><h1>Budget</h1>\
             <p>{P1}</p><div class=share><a href=#>Share on Facebook</a></div><p>{P2}</p>\
             <ul class=related><li><a href=/x>Another story about something else entirely</a></li></ul></div>\
             <footer><p>Copyright 2025, Example News, all rights reserved, really.</p></footer></body>"
        );
        assert_eq!(
            text_of(&html),
            vec!["Budget".to_string(), P1.into(), P2.into()]
        );
    }

    #[test]
    fn div_prose_with_breaks() {
        let html =
            format!("<body><div id=story>{P1}<br><br>{P2}</div><div><a href=/>x</a></div></body>");
        assert_eq!(text_of(&html), vec![P1.to_string(), P2.into()]);
    }

    #[test]
    fn no_article() {
        assert!(text_of("<body><ul><li><a href=/a>Link one</a></li><li><a href=/b>Link two</a></li></ul></body>").is_empty());
        assert!(text_of("").is_empty());
    }

    #[test]
    fn lead_in_article_header_is_kept() {
        let lead = "Schools get more money next year, but rural bus lines lose theirs.";
        let html = format!(
            "<body><article><header><h1>Budget</h1><p class=byline>By A. Writer</p>\
             <p class=article-lead>{lead}</p></header><div class=body><p>{P1}</p><p>{P2}</p></div>\
             </article><aside><p class=teaser>Another story, elsewhere on the page, not ours.</p></aside></body>"
        );
        assert_eq!(text_of(&html), vec![lead.to_string(), P1.into(), P2.into()]);
        // Repeated as the first paragraph of the body: kept once.
        let html = format!(
            "<body><article><header><p class=intro>{P1}</p></header><div><p>{P1}</p><p>{P2}</p></div></article></body>"
        );
        assert_eq!(text_of(&html), vec![P1.to_string(), P2.into()]);
    }

    #[test]
    fn sentence_running_into_a_link_is_text() {
        let s = "Krzysztoszek replaced Mr Wiese, who held the post in the marketing department.";
        assert!(keep_paragraph(
            s,
            text_len(s),
            text_len("who held the post in the marketing department.")
        ));
        let l = "Read more: The council approves the budget for schools";
        assert!(!keep_paragraph(
            l,
            text_len(l),
            text_len("The council approves the budget for schools")
        ));
    }

    #[test]
    fn br_separated_prose_counts_as_paragraphs() {
        assert_eq!(inline_paragraphs(0, 500), 1);
        assert_eq!(inline_paragraphs(6, 500), 4);
        // Line breaks in a short text are not paragraphs.
        assert_eq!(inline_paragraphs(20, 60), 2);
    }

    #[test]
    fn stray_lines_at_the_end_go() {
        let html = format!(
            "<body><article><p>{P1}</p><p>{P2}</p><p>Kontakt:</p><p>Source: agencies</p></article></body>"
        );
        assert_eq!(text_of(&html), vec![P1.to_string(), P2.into()]);
        let html = format!(
            "<body><article><p>{P1}</p><p>{P2}</p><ul><li>Oct. 9, Dallas</li><li>Oct. 10, Houston</li></ul></article></body>"
        );
        assert_eq!(text_of(&html).len(), 4);
        let html =
            format!("<body><article><p>By Reuters</p><p>{P1}</p><p>{P2}</p></article></body>");
        assert_eq!(text_of(&html), vec![P1.to_string(), P2.into()]);
    }

    /// Regression: when trimming left fewer paragraphs than there were
    /// leads, dropping repeated leads sliced out of range and panicked (a
    /// real page in the ingest bench).
    #[test]
    fn a_lead_with_only_stray_lines_after_it_does_not_panic() {
        // Reduced from the page: a headline inside an intro block, then a
        // linked teaser and a trailing time: the lead paragraph is counted,
        // then trimmed away as a stray line.
        let html = "<div class=\"article-intro-text-container\"><h1>Water returns to the eastern districts after repairs </div>\
                    <div class=\"side\"><a href=\"/other\">Another story about the weather this week</a>~2 hours ago";
        let _ = text_of(html);
    }

    /// A short first sentence is the news, not a label: it must reach the
    /// claims detector.
    #[test]
    fn a_short_lead_sentence_is_kept() {
        let html = format!(
            "<body><article><p>Army retakes Tabqa dam.</p><p>{P1}</p><p>{P2}</p></article></body>"
        );
        assert_eq!(
            text_of(&html),
            vec!["Army retakes Tabqa dam.".to_string(), P1.into(), P2.into()]
        );
        let html = format!(
            "<body><article><p>الجيش يستعيد سد تشرين</p><p>{P1}</p><p>{P2}</p></article></body>"
        );
        assert_eq!(text_of(&html).len(), 3);
    }

    #[test]
    fn first_of_a_sequence_of_articles_is_the_story() {
        let ours = format!("<article><h2>Ours</h2><p>{P1}</p><p>{P2}</p></article>");
        let next =
            format!("<article><h2>Next</h2><p>{P2}</p><p>{P1}</p><p>{P2} {P1}</p></article>");
        let html = format!("<body><main><div>{ours}</div><div>{next}</div></main></body>");
        assert_eq!(
            text_of(&html),
            vec!["Ours".to_string(), P1.into(), P2.into()]
        );
    }

    #[test]
    fn prose_in_a_block_named_for_layout_is_kept() {
        let html = format!(
            "<body><article><p>{P1}</p><section class=post-bottom-content><p>{P2} {P1} {P2}</p></section>\
             <div class=entry-meta>Filed under News</div></article></body>"
        );
        assert_eq!(
            text_of(&html),
            vec![P1.to_string(), format!("{P2} {P1} {P2}")]
        );
    }

    #[test]
    fn inline_elements_do_not_add_spaces() {
        let html =
            format!("<body><article><p>Wo<b>rd</b> and <i>more</i>. {P1}</p></article></body>");
        assert_eq!(text_of(&html)[0], format!("Word and more. {P1}"));
    }
}
