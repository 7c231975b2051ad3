-- The trace context of the request or event that wrote an outbox row (W3C `traceparent`),
-- so the relay publishes the event as part of that trace (kit::telemetry). NULL: none.
ALTER TABLE outbox ADD COLUMN traceparent TEXT;
