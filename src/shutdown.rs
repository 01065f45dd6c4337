//! One shutdown handle, passed into `run()` so tests can stop the daemon the
//! same way a signal does.

use tokio_util::sync::CancellationToken;

#[derive(Clone, Debug, Default)]
pub struct Shutdown {
    token: CancellationToken,
}

impl Shutdown {
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks everything to stop taking new work.
    pub fn trigger(&self) {
        self.token.cancel();
    }

    pub fn is_triggered(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Resolves once shutdown was triggered.
    pub async fn wait(&self) {
        self.token.cancelled().await
    }
}
