//! The `marsad` binary: parses the command line and hands over to `cli`.

use clap::Parser;

fn main() {
    let cli = marsad::cli::Cli::parse();
    std::process::exit(marsad::cli::run(cli));
}
