//! Temporary driver until `marsad claims` is merged:
//! `cargo run --example claims -- WATCHLIST [FILE]` (stdin when FILE is absent).

use marsad::detect::{jsonl, Detector, Watchlist};
use std::io::BufReader;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(wl_path) = args.first() else {
        eprintln!("usage: claims WATCHLIST [FILE]");
        return ExitCode::from(2);
    };
    let wl = match Watchlist::load(Path::new(wl_path)) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let detector = Detector::new(wl);
    let stdout = std::io::stdout().lock();
    let result = match args.get(1) {
        Some(p) => match std::fs::File::open(p) {
            Ok(f) => jsonl::run(BufReader::new(f), stdout, &detector),
            Err(e) => {
                eprintln!("{p}: {e}");
                return ExitCode::from(1);
            }
        },
        None => jsonl::run(std::io::stdin().lock(), stdout, &detector),
    };
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
