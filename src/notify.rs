//! The sd_notify protocol: datagrams to `$NOTIFY_SOCKET` (READY, RELOADING,
//! STOPPING, WATCHDOG, STATUS).
//!
//! Written here rather than taken from a crate because it is a dozen lines
//! and must handle abstract socket names (`@…`), which common crates do not.
//! Without `NOTIFY_SOCKET` every call is a no-op; failures are logged once and
//! never fatal: a daemon must not die because its supervisor went away.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Sends one notification (`"READY=1"`, `"STATUS=…"`, …). Returns whether it was sent.
pub fn send(state: &str) -> bool {
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
        return false;
    };
    match send_to(&path, state) {
        Ok(()) => true,
        Err(e) => {
            static WARNED: AtomicBool = AtomicBool::new(false);
            if !WARNED.swap(true, Ordering::Relaxed) {
                tracing::warn!(error = %e, "cannot notify systemd");
            }
            false
        }
    }
}

#[cfg(unix)]
fn send_to(path: &std::ffi::OsStr, state: &str) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::net::UnixDatagram;
    let sock = UnixDatagram::unbound()?;
    let bytes = path.as_bytes();
    #[cfg(target_os = "linux")]
    if let Some(name) = bytes.strip_prefix(b"@") {
        use std::os::linux::net::SocketAddrExt;
        let addr = std::os::unix::net::SocketAddr::from_abstract_name(name)?;
        sock.send_to_addr(state.as_bytes(), &addr)?;
        return Ok(());
    }
    sock.send_to(
        state.as_bytes(),
        std::path::Path::new(std::ffi::OsStr::from_bytes(bytes)),
    )?;
    Ok(())
}

#[cfg(not(unix))]
fn send_to(_path: &std::ffi::OsStr, _state: &str) -> std::io::Result<()> {
    Ok(())
}

/// `RELOADING=1` must carry `MONOTONIC_USEC` (systemd ≥ 253 checks it for Type=notify-reload).
pub fn reloading() -> bool {
    send(&format!("RELOADING=1\nMONOTONIC_USEC={}", monotonic_usec()))
}

fn monotonic_usec() -> u128 {
    #[cfg(unix)]
    {
        // CLOCK_MONOTONIC via /proc/uptime would lose precision; std has no
        // direct accessor, so use the uptime of the process's clock source.
        if let Ok(s) = std::fs::read_to_string("/proc/uptime") {
            if let Some(secs) = s
                .split_whitespace()
                .next()
                .and_then(|v| v.parse::<f64>().ok())
            {
                return (secs * 1_000_000.0) as u128;
            }
        }
    }
    0
}

/// The watchdog interval systemd asked for (`WATCHDOG_USEC`, for this PID), halved.
pub fn watchdog_interval() -> Option<Duration> {
    let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.parse().ok()?;
    if let Some(pid) = std::env::var("WATCHDOG_PID")
        .ok()
        .and_then(|p| p.parse::<u32>().ok())
    {
        if pid != std::process::id() {
            return None;
        }
    }
    (usec > 0).then(|| Duration::from_micros(usec / 2))
}
