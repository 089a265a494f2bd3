"""Prometheus metrics for one app instance (its own registry, so several apps can live in one process)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)  # seconds
GENERATION_BUCKETS = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600)  # seconds per product


@dataclass
class ServiceMetrics:
    """Request counts and latency, queue depth, running generations and generation time."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.requests = Counter(
            "adcraft_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=r
        )
        self.latency = Histogram(
            "adcraft_http_request_seconds",
            "HTTP request latency",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.queue_depth = Gauge("adcraft_queue_depth", "generation tasks waiting for a worker", registry=r)
        self.running = Gauge("adcraft_generations_running", "generation tasks running now", registry=r)
        self.rejected = Counter(
            "adcraft_rejected_total", "requests refused because the queue was full", registry=r
        )
        self.generation = Histogram(
            "adcraft_generation_seconds",
            "seconds to generate one product's creatives",
            ["outcome"],
            buckets=GENERATION_BUCKETS,
            registry=r,
        )

    def pool_changed(self, running: int, waiting: int) -> None:
        """Pool callback: update the running and queue-depth gauges."""
        self.running.set(running)
        self.queue_depth.set(waiting)

    def render(self) -> bytes:
        """The Prometheus text exposition of this registry."""
        return generate_latest(self.registry)
