//! Temporary driver until the CLI is wired: `cargo run --example extract --
//! --jsonl FILE...` (same output as `marsad extract --jsonl`), or `FILE` for
//! the human rendering. `--time` runs the speed protocol over the files.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--jsonl") => {
            let files: Vec<PathBuf> = args[1..].iter().map(PathBuf::from).collect();
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            marsad::extract::jsonl::run(&files, &mut lock)
        }
        Some("--time") => time(&args[1..]),
        Some("--explain") => {
            let bytes = marsad::extract::jsonl::read_page(std::path::Path::new(&args[1]))?;
            print!(
                "{}",
                marsad::extract::explain(&marsad::charset::decode_html(&bytes, None).text)
            );
            Ok(())
        }
        Some(path) => {
            let bytes = marsad::extract::jsonl::read_page(std::path::Path::new(path))?;
            let a = marsad::extract::extract_bytes(&bytes, None, None);
            print!("{}", marsad::extract::render_text(&a));
            Ok(())
        }
        None => {
            eprintln!("usage: extract --jsonl FILE... | --time FILE... | FILE");
            std::process::exit(2);
        }
    }
}

/// Speed protocol of the benchmark README: pages decoded before the clock,
/// warm-up on 3 pages, 3 timed passes, median; one thread.
fn time(files: &[String]) -> std::io::Result<()> {
    let mut pages = Vec::new();
    for f in files {
        let bytes = marsad::extract::jsonl::read_page(std::path::Path::new(f))?;
        pages.push(marsad::charset::decode_html(&bytes, None).text);
    }
    for p in pages.iter().take(3) {
        std::hint::black_box(marsad::extract::extract(p, None));
    }
    let mut times = Vec::new();
    for _ in 0..3 {
        let t0 = std::time::Instant::now();
        for p in &pages {
            std::hint::black_box(marsad::extract::extract(p, None));
        }
        times.push(t0.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median = times[1];
    println!(
        "{} pages, median pass {:.3} s, {:.1} pages/s",
        pages.len(),
        median,
        pages.len() as f64 / median
    );
    Ok(())
}
