//! Logs and traces: one call at start ([`init`]), and the W3C trace context carried across
//! HTTP ([`extract`] / [`inject`]) and NATS messages ([`crate::bus`], [`crate::outbox`]).
//!
//! Logs are human-readable by default, JSON with `LOG_FORMAT=json`; every HTTP log line
//! carries the request id and the trace id through the span opened in [`crate::http`].
//!
//! Traces are OpenTelemetry's, configured by its standard variables: with
//! `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) set, spans are
//! exported over OTLP/HTTP (`OTEL_EXPORTER_OTLP_PROTOCOL`: `http/protobuf` by default, or
//! `http/json`) in batches from a thread of their own; `OTEL_SERVICE_NAME` overrides the
//! service's name. Without an endpoint nothing is exported, but trace ids are still made,
//! taken from a `traceparent` and passed on, so logs of one shopper action share one id
//! across services.
//!
//! It must never log request bodies, passwords or tokens.

use std::sync::OnceLock;

use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry::Context;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use opentelemetry_sdk::Resource;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Layer};

/// The W3C trace context header.
pub const TRACEPARENT: &str = "traceparent";
/// Its vendor-specific companion.
pub const TRACESTATE: &str = "tracestate";

static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// Installs the global subscriber for `service`; a second call (tests) is a no-op.
pub fn init(service: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=info"));
    let json = std::env::var("LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let logs = if json {
        fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .boxed()
    } else {
        fmt::layer().with_target(false).boxed()
    };
    let provider = tracer_provider(service);
    let traces = tracing_opentelemetry::layer().with_tracer(provider.tracer(service.to_string()));
    let traces = if exporting() {
        traces
    } else {
        // Nothing is recorded, so nothing to measure: no busy/idle timings and no OpenTelemetry
        // context attached to the thread on every poll of every span (nothing here reads
        // `Context::current()`; trace ids come from the span itself), no thread or source
        // attributes on spans that are dropped. The span's ids, which the logs and the
        // `traceparent`s carry, are made all the same.
        traces
            .with_tracked_inactivity(false)
            .with_context_activation(false)
            .with_threads(false)
            .with_location(false)
    };
    let result = tracing_subscriber::registry()
        .with(filter)
        .with(logs)
        .with(traces)
        .try_init();
    if result.is_ok() {
        let exporting = exporting();
        let _ = PROVIDER.set(provider);
        tracing::info!(service, exporting, "telemetry initialised");
    }
}

/// Sends the spans still buffered (call before the process exits).
pub fn flush() {
    if let Some(provider) = PROVIDER.get() {
        if let Err(err) = provider.force_flush() {
            tracing::warn!(%err, "could not export the last spans");
        }
    }
}

/// Whether the standard variables ask for OTLP export (the gateway skips its per-request span
/// when they do not: nothing would be recorded, and the span was its costliest layer). Read
/// once: the environment is the process's start-up configuration.
pub fn exporting() -> bool {
    static EXPORTING: OnceLock<bool> = OnceLock::new();
    *EXPORTING.get_or_init(exporting_by_env)
}

fn exporting_by_env() -> bool {
    let set = |key: &str| std::env::var(key).is_ok_and(|v| !v.trim().is_empty());
    let disabled = std::env::var("OTEL_SDK_DISABLED").is_ok_and(|v| v.eq_ignore_ascii_case("true"))
        || std::env::var("OTEL_TRACES_EXPORTER").is_ok_and(|v| v.eq_ignore_ascii_case("none"));
    !disabled && (set("OTEL_EXPORTER_OTLP_ENDPOINT") || set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
}

fn tracer_provider(service: &str) -> SdkTracerProvider {
    let mut resource = Resource::builder();
    if std::env::var("OTEL_SERVICE_NAME").is_err() {
        resource = resource.with_service_name(service.to_string());
    }
    let builder = SdkTracerProvider::builder().with_resource(resource.build());
    if !exporting() {
        // Ids are still made and passed on; nothing is recorded.
        return builder.with_sampler(Sampler::AlwaysOff).build();
    }
    match opentelemetry_otlp::SpanExporter::builder().with_http().build() {
        Ok(exporter) => builder
            .with_sampler(Sampler::ParentBased(Box::new(Sampler::AlwaysOn)))
            .with_batch_exporter(exporter)
            .build(),
        Err(err) => {
            eprintln!("OTLP export is configured but cannot start ({err}); traces are not exported");
            builder.with_sampler(Sampler::AlwaysOff).build()
        }
    }
}

/// The trace context of a `traceparent` (and `tracestate`) that a request or message carried;
/// an empty context when there is none or it is malformed.
pub fn extract(traceparent: Option<&str>, tracestate: Option<&str>) -> Context {
    match traceparent {
        Some(traceparent) => TraceContextPropagator::new().extract(&Carried {
            traceparent,
            tracestate,
        }),
        None => Context::new(),
    }
}

/// The two W3C headers, as the propagator reads them.
struct Carried<'a> {
    traceparent: &'a str,
    tracestate: Option<&'a str>,
}

impl Extractor for Carried<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        match key {
            TRACEPARENT => Some(self.traceparent),
            TRACESTATE => self.tracestate,
            _ => None,
        }
    }

    fn keys(&self) -> Vec<&str> {
        vec![TRACEPARENT, TRACESTATE]
    }
}

/// The `traceparent` that makes the receiver a child of `span` (None without a valid trace).
pub fn traceparent_of(span: &tracing::Span) -> Option<String> {
    struct One(Option<String>);
    impl Injector for One {
        fn set(&mut self, key: &str, value: String) {
            if key == TRACEPARENT {
                self.0 = Some(value);
            }
        }
    }
    let mut carrier = One(None);
    TraceContextPropagator::new().inject_context(&span.context(), &mut carrier);
    carrier.0
}

/// The `traceparent` for a call made now, from the current span.
pub fn current_traceparent() -> Option<String> {
    traceparent_of(&tracing::Span::current())
}

/// Makes `span` a child of `parent` (when it names a trace) and records its trace id in
/// the span's `trace_id` field, which every log line inside it carries.
pub fn adopt(span: &tracing::Span, parent: Context) {
    if parent.span().span_context().is_valid() {
        let _ = span.set_parent(parent);
    }
    let trace_id = span.context().span().span_context().trace_id();
    span.record("trace_id", tracing::field::display(trace_id));
}
