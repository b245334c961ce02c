import Foundation
public import Logging
import ServiceLifecycle
import UnixSignals
import VigilCore
import VigilNATS
import VigilPostgres
import VigilRedis

/// Starts Vigil: migrations, connections, streams and consumer, the first policy load, then the
/// services (policy reloader, decision and portfolio-state workers, request-reply, HTTP) until
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
        let enforcement = RedisEnforcementState(client: connections.redis, keyPrefix: configuration.redis.keyPrefix)
        let processor = DecisionProcessor(
            policies: registry, portfolios: portfolios,
            windows: RedisDecisionWindowStore(client: connections.redis, keyPrefix: configuration.redis.keyPrefix),
            enforcement: enforcement, clock: SystemClock(), configuration: processorConfiguration,
            stateReads: RedisDecisionStateReader(client: connections.redis, portfolios: portfolios, enforcement: enforcement))
        let reloader = PolicyReloader(configuration: connections.postgresConfiguration, registry: registry, metrics: metrics,
                                      logger: logger)
        // Policies are in force before the first decision is fetched.
        try await onDedicatedThread("vigil-policies") {
            try connections.postgres.withConnection { try reloader.reload(on: $0) }
        }

        let validationLog = ValidationLog(database: connections.postgres, logger: logger)
        let subscriptions = try await onDedicatedThread("vigil-subscribe") {
            let responder = ValidationResponder(connection: connections.service, processor: processor, log: validationLog,
                                                metrics: metrics, logger: logger)
            // Each subscription has its own cnats delivery thread; several let requests wait on the
            // decision log's group commit in parallel.
            return SubscriptionSet(try (0..<configuration.validation.subscribers).map { _ in
                try responder.subscribe(subject: configuration.validation.subject, queue: configuration.validation.queueGroup)
            })
        }

        // Bound before the services start, so a missing consumer stops start-up instead of leaving a
        // running Vigil that consumes nothing.
        let pipelines = try await onDedicatedThread("vigil-bind") {
            try (0..<configuration.decisions.workers).map { index in
                let consume = index == 0 ? connections.jetStreamConsume : try connections.workerConnections[index - 1].consume.jetStream()
                let publish = index == 0 ? connections.publish : connections.workerConnections[index - 1].publish
                return DecisionPipeline(
                    subscription: try consume.pullSubscribe(
                        stream: configuration.streams.decisions.name, durable: configuration.decisions.durableName),
                    publisher: try publish.jetStream(), database: connections.postgres, processor: processor,
                    configuration: configuration.decisions, metrics: metrics, logger: logger)
            }
        }
        // Snapshots for decisions that carry no state, from a stream that keeps each portfolio's latest.
        let portfolioStates = try await onDedicatedThread("vigil-portfolio-states-bind") {
            PortfolioStatePipeline(
                subscription: try connections.dedicated("portfolio-states-consume").jetStream()
                    .pullSubscribe(stream: configuration.streams.portfolios.name, durable: configuration.portfolioStates.durableName),
                publisher: try connections.dedicated("portfolio-states-publish").jetStream(), store: portfolios, processor: processor,
                limits: configuration.limits, configuration: configuration.portfolioStates, metrics: metrics, logger: logger)
        }
        let portfolioWorker = DedicatedThreadService(name: "vigil-portfolio-states") { _, stop in portfolioStates.run(until: stop) }
        // Alerting first: breaker trips, MEDIUM violations and SLA warnings raise alerts through it.
        let alerting = try await onDedicatedThread("vigil-alerts") { try AlertWiring.make(configuration, connections: connections, logger: logger) }
        let breaker = try await onDedicatedThread("vigil-breaker") {
            try BreakerRuntime.make(configuration, connections: connections, alerts: alerting.responder, metrics: metrics, logger: logger)
        }
        let sla = try await onDedicatedThread("vigil-sla") {
            try SLARuntime.start(configuration, connections: connections, deadLetters: processor, violations: breaker.responder,
                                 alerts: alerting.responder, metrics: metrics, logger: logger)
        }
        let workers = DedicatedThreadService(name: "vigil-decisions", threads: pipelines.count) { index, stop in
            pipelines[index].run(until: stop)
        }
        let pit = try await pitServices(configuration, connections: connections, sink: breaker.responder, metrics: metrics, logger: logger)
        let policyLoop = DedicatedThreadService(name: "vigil-policy-reload") { _, stop in reloader.run(until: stop) }
        let logLoop = DedicatedThreadService(name: "vigil-decision-log") { _, stop in validationLog.run(until: stop) }
        var api = VigilAPI(processor: processor, log: validationLog, database: connections.postgres,
                           adminToken: configuration.http.adminToken, maxBodyBytes: configuration.limits.maxPayloadBytes, logger: logger)
        api.breaker = BreakerAPI(admin: breaker.admin, publisher: try connections.dedicated("breaker-admin").jetStream())
        if let dashboard = sla?.dashboard { api.dashboard = { try dashboard.snapshot() } }
        api.alerts = alerting.routes
        let http = HTTPServer.application(
            address: try HTTPAddress(configuration.http.address, key: "http.addr"), metrics: metrics,
            checks: connections.readinessChecks, api: api, logger: logger)

        // Stopped in reverse order: the listener, alert admin and escalation loop first, then every
        // stream pipeline and loop together, then the request-reply subscriptions they share the
        // decision log with, the decision log itself, and the policy reload last.
        let pipelinesAndLoops = ConcurrentServices(services: [workers, portfolioWorker] + pit + breaker.services + (sla?.services ?? []))
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: policyLoop), .init(service: logLoop), .init(service: subscriptions),
                       .init(service: pipelinesAndLoops), .init(service: alerting.loop), .init(service: alerting.admin), .init(service: http)],
            gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger))
        logger.info("vigil started", metadata: ["instance": "\(configuration.instanceID)", "http": "\(configuration.http.address)"])
        do {
            try await group.run()
        } catch {
            logger.error("service stopped with an error", metadata: ["error": "\(error)"])
        }
        api.shutdown()
        try? await onDedicatedThread("vigil-stop") { connections.close() }
        logger.info("vigil stopped")
    }
}

/// Subscriptions kept alive while Vigil runs (dropping one unsubscribes); on graceful shutdown
/// they are drained, so requests already delivered are answered.
final class SubscriptionSet: Service, Sendable {
    private let subscriptions: [NATSSubscription]

    init(_ subscriptions: [NATSSubscription]) {
        self.subscriptions = subscriptions
    }

    func drain() {
        for subscription in subscriptions { try? subscription.drain(timeout: .seconds(5)) }
    }

    func run() async throws {
        try? await gracefulShutdown()
        try? await onDedicatedThread("vigil-drain") { self.drain() }
    }
}
