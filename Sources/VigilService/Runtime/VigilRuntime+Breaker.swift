import Foundation
import Logging
import ServiceLifecycle
import VigilCore
import VigilNATS
import VigilPostgres
import VigilRedis

/// The breaker capability's part of a running Vigil: the reported-violation stream and consumer,
/// its workers, the half-open stepper, the admin used by REST and NATS.
struct BreakerRuntime: Sendable {
    let admin: EnforcementAdmin
    let responder: EnforcementResponder
    let services: [any Service]

    /// Creates the stream and durable consumer of reported violations and the services.
    static func make(_ configuration: VigilConfiguration, connections: Connections, alerts: any AlertSink = NoResponse(),
                     metrics: VigilMetrics, logger: Logger) throws -> BreakerRuntime {
        let settings = configuration.breaker
        let prefix = configuration.redis.keyPrefix
        let store = RedisBreakerStore(client: connections.redis, keyPrefix: prefix)
        let engine = EnforcementEngine(policy: settings.policy,
                                       windows: RedisViolationWindowStore(client: connections.redis, keyPrefix: prefix), breakers: store)
        let events = EnforcementEvents(source: configuration.eventSource)
        let clock = SystemClock()
        let responder = EnforcementResponder(engine: engine, alerts: alerts, clock: clock, events: events)
        let admin = EnforcementAdmin(controller: BreakerController(machine: settings.policy.machine, store: store),
                                     database: connections.postgres, clock: clock, events: events)

        let stream = settings.reportStream
        try connections.jetStreamConsume.ensureStream(stream.streamConfiguration)
        var consumer = ConsumerConfiguration(durableName: settings.reports.durableName)
        consumer.ackWait = .milliseconds(Int64(settings.reports.ackWait * 1000))
        consumer.maxAckPending = settings.reports.maxAckPending
        consumer.maxDeliver = -1
        try connections.jetStreamConsume.ensureConsumer(stream: stream.name, consumer)

        var processorConfiguration = DecisionProcessor.Configuration()
        processorConfiguration.source = configuration.eventSource
        processorConfiguration.limits = configuration.limits
        let processor = ReportedViolationProcessor(clock: clock, configuration: processorConfiguration)
        let pipelines = try (0..<settings.reports.workers).map { index in
            ReportPipeline(subscription: try connections.dedicated("reports-consume-\(index)").jetStream()
                               .pullSubscribe(stream: stream.name, durable: settings.reports.durableName),
                           publisher: try connections.dedicated("reports-publish-\(index)").jetStream(), database: connections.postgres,
                           processor: processor,
                           sink: responder, configuration: settings.reports, metrics: metrics, logger: logger)
        }
        let workers = DedicatedThreadService(name: "vigil-reports", threads: pipelines.count) { index, stop in
            pipelines[index].run(until: stop)
        }
        let publisher = try connections.dedicated("breaker-steps").jetStream()
        let stepper = DedicatedThreadService(name: "vigil-breaker-steps") { _, stop in
            while !stop.isSet {
                do {
                    let events = try admin.tick()
                    try publisher.publishBatch(events.map(OutboundMessage.init))
                } catch {
                    logger.warning("half-open step failed", metadata: ["error": "\(error)"])
                }
                stop.sleep(settings.tickInterval)
            }
        }
        let adminResponder = BreakerAdminResponder(
            connection: connections.service, admin: admin, token: configuration.http.adminToken, prefix: settings.adminSubjectPrefix,
            publish: { events in
                try publisher.publishBatch(events.map(OutboundMessage.init))
            }, logger: logger)
        let subscriptions = SubscriptionSet([try adminResponder.subscribe(queue: configuration.validation.queueGroup)])
        return BreakerRuntime(admin: admin, responder: responder, services: [workers, stepper, subscriptions])
    }
}
