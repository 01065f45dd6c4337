//! The optional HTTP endpoint (`[http] listen`): `/healthz` (the process
//! answers), `/readyz` (the database answers and the scheduler loop is
//! alive), `/metrics` (Prometheus text).

use crate::store::Store;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use std::net::SocketAddr;
use std::sync::Arc;

/// What the endpoint needs to judge readiness.
#[derive(Clone)]
pub struct Health {
    pub store: Arc<Store>,
    /// Returns true while the scheduler loop ticks.
    pub alive: Arc<dyn Fn() -> bool + Send + Sync>,
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(h): State<Health>) -> impl IntoResponse {
    match (h.store.ping(), (h.alive)()) {
        (Ok(()), true) => (StatusCode::OK, "ready\n".to_string()),
        (Err(e), _) => (StatusCode::SERVICE_UNAVAILABLE, format!("database: {e}\n")),
        (Ok(()), false) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "scheduler stalled\n".to_string(),
        ),
    }
}

async fn metrics(State(h): State<Health>) -> impl IntoResponse {
    let body = match (h.store.stats(), h.store.events_by_type()) {
        (Ok(stats), Ok(events)) => crate::metrics::render(&stats, &events, crate::clock::now_ms()),
        (Err(e), _) | (_, Err(e)) => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [("content-type", "text/plain")],
                format!("database: {e}\n"),
            )
        }
    };
    (
        StatusCode::OK,
        [("content-type", "text/plain; version=0.0.4")],
        body,
    )
}

/// Binds `addr` and serves until `shutdown`.
pub async fn serve(
    addr: SocketAddr,
    health: Health,
    shutdown: crate::shutdown::Shutdown,
) -> std::io::Result<()> {
    let app = axum::Router::new()
        .route("/healthz", axum::routing::get(healthz))
        .route("/readyz", axum::routing::get(readyz))
        .route("/metrics", axum::routing::get(metrics))
        .with_state(health);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "HTTP endpoint listening");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move { shutdown.wait().await })
            .await;
    });
    Ok(())
}
