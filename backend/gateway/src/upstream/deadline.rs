//! A response body that must be complete by a deadline.
//!
//! A timeout on the response head alone lets a service that answers its head and then stalls
//! hold a gateway connection, and the shopper's request, forever. Past the deadline the body
//! ends in an error, which makes the server abort the response (the client sees it cut short,
//! never a truncated body passed off as whole).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

/// The body did not finish in time.
#[derive(Debug, thiserror::Error)]
#[error("the {service} service did not finish its answer in time")]
pub struct DeadlinePassed {
    service: &'static str,
}

pin_project_lite::pin_project! {
    /// `inner`, cut off at `deadline`.
    pub struct DeadlineBody<B> {
        #[pin]
        inner: B,
        #[pin]
        sleep: Sleep,
        service: &'static str,
    }
}

impl<B> DeadlineBody<B> {
    /// Wraps `inner`; `service` names it in the error and the log.
    pub fn new(inner: B, deadline: Instant, service: &'static str) -> Self {
        Self {
            inner,
            sleep: tokio::time::sleep_until(deadline),
            service,
        }
    }
}

impl<B> Body for DeadlineBody<B>
where
    B: Body<Data = Bytes>,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.project();
        if let Poll::Ready(frame) = this.inner.poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        match this.sleep.poll(cx) {
            Poll::Ready(()) => {
                tracing::warn!(service = *this.service, "upstream answer cut off at its deadline");
                super::metrics::record_cut(this.service);
                Poll::Ready(Some(Err(DeadlinePassed {
                    service: this.service,
                }
                .into())))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
