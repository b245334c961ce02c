import Foundation
public import Logging
import ServiceLifecycle
import UnixSignals
import VigilCore
import VigilNATS
import VigilPostgres
import VigilRedis

/// Starts Vigil: migrations, connections, streams and consumer, the first policy load, then the
/// services (policy reloader, decision workers, request-reply, portfolio state, HTTP) until
/// SIGTERM/SIGINT, and a clean shutdown in reverse order.
public enum VigilRuntime {
    /// Runs until a termination signal; throws when start-up fails, with a message naming the cause.
    public static func run(_ configuration: VigilConfiguration, logger: Logger) async throws {
        let metrics = VigilMetrics()
        let connections = try await onDedicatedThread("vigil-start") {
            try Connections.open(configuration, logger: logger)
        }
        let registry = PolicyRegistry()
        let portfolios = RedisPortfolioStateStore(client: connections.redis, keyPrefix: configuration.redis.keyPrefix)
        var processorConfiguration = DecisionProcessor.Configuration()
        processorConfiguration.source = configuration.eventSource
        processorConfiguration.limits = configuration.limits
        let processor = DecisionProcessor(
            policies: registry, portfolios: portfolios,
            windows: RedisDecisionWindowStore(client: connections.redis, keyPrefix: configuration.redis.keyPrefix),
            enforcement: RedisEnforcementState(client: connections.redis, keyPrefix: configuration.redis.keyPrefix),
            clock: SystemClock(), configuration: processorConfiguration)
        let reloader = PolicyReloader(configuration: connections.postgresConfiguration, registry: registry, metrics: metrics,
                                      logger: logger)
        // Policies are in force before the first decision is fetched.
        try await onDedicatedThread("vigil-policies") {
            try connections.postgres.withConnection { try reloader.reload(on: $0) }
        }

        let subscriptions = try await onDedicatedThread("vigil-subscribe") {
            let responder = ValidationResponder(connection: connections.service, processor: processor, metrics: metrics, logger: logger)
            let listener = PortfolioStateListener(connection: connections.service, publisher: connections.publish, store: portfolios,
                                                  processor: processor, limits: configuration.limits, metrics: metrics, logger: logger)
            return SubscriptionSet([
                try responder.subscribe(subject: configuration.validation.subject, queue: configuration.validation.queueGroup),
                try listener.subscribe(subject: "trading.portfolios.*.state", queue: configuration.validation.queueGroup),
            ])
        }

        let workers = DedicatedThreadService(name: "vigil-decisions", threads: configuration.decisions.workers) { _, stop in
            do {
                let subscription = try connections.jetStreamConsume.pullSubscribe(
                    stream: configuration.streams.decisions.name, durable: configuration.decisions.durableName)
                let publisher = try connections.publish.jetStream()
                DecisionPipeline(subscription: subscription, publisher: publisher, database: connections.postgres, processor: processor,
                                 configuration: configuration.decisions, metrics: metrics, logger: logger).run(until: stop)
            } catch {
                logger.critical("decision worker could not start", metadata: ["error": "\(error)"])
            }
        }
        let policyLoop = DedicatedThreadService(name: "vigil-policy-reload") { _, stop in reloader.run(until: stop) }
        let http = HTTPServer.application(
            address: try HTTPAddress(configuration.http.address, key: "http.addr"), metrics: metrics,
            checks: connections.readinessChecks, logger: logger)

        let group = ServiceGroup(configuration: .init(
            services: [.init(service: policyLoop), .init(service: workers), .init(service: http)],
            gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger))
        logger.info("vigil started", metadata: ["instance": "\(configuration.instanceID)", "http": "\(configuration.http.address)"])
        do {
            try await group.run()
        } catch {
            logger.error("service stopped with an error", metadata: ["error": "\(error)"])
        }
        try? await onDedicatedThread("vigil-stop") {
            subscriptions.drain()
            connections.close()
        }
        logger.info("vigil stopped")
    }
}

/// Subscriptions kept alive while Vigil runs (dropping one unsubscribes).
final class SubscriptionSet: Sendable {
    // NATSSubscription is used only to drain at shutdown, from one thread.
    private nonisolated(unsafe) let subscriptions: [NATSSubscription]

    init(_ subscriptions: [NATSSubscription]) {
        self.subscriptions = subscriptions
    }

    func drain() {
        for subscription in subscriptions { try? subscription.drain(timeout: .seconds(5)) }
    }
}
