import Foundation
import Logging
import ServiceLifecycle
import VigilCore
import VigilNATS
import VigilPostgres
import VigilRedis

/// The SLA capability's wiring: its stream and consumer, the first policy load, and its services
/// (dispatch workers, timer loop, policy reloader, dashboard publisher).
struct SLARuntime {
    let engine: SLAEngine
    let dashboard: DashboardPublisher
    let services: [any Service]

    /// Ensures the stream and consumer, loads the policies and binds the consumer. Blocking: call on
    /// a dedicated thread. Nil when `sla.enabled` is false.
    static func start(_ configuration: VigilConfiguration, connections: Connections, deadLetters: DecisionProcessor,
                      violations: any ViolationSink = NoResponse(), alerts: any AlertSink = NoResponse(),
                      metrics: VigilMetrics, logger: Logger) throws -> SLARuntime? {
        let sla = configuration.sla
        guard sla.enabled else { return nil }
        let jetStream = connections.jetStreamConsume
        try jetStream.ensureStream(sla.stream.streamConfiguration)
        var consumer = ConsumerConfiguration(durableName: sla.durableName)
        consumer.ackWait = .milliseconds(Int64(sla.ackWait * 1000))
        consumer.maxAckPending = sla.maxAckPending
        consumer.maxDeliver = -1
        try jetStream.ensureConsumer(stream: sla.stream.name, consumer)

        let prefix = configuration.redis.keyPrefix
        let book = SLAPolicyBook()
        let reloader = SLAPolicyReloader(configuration: connections.postgresConfiguration, book: book, metrics: metrics, logger: logger)
        try connections.postgres.withConnection { try reloader.reload(on: $0) }
        let engine = SLAEngine(
            states: RedisDispatchStateStore(client: connections.redis, keyPrefix: prefix),
            timers: RedisSLATimerStore(client: connections.redis, keyPrefix: prefix),
            metricsStore: RedisDispatchMetricsStore(client: connections.redis, keyPrefix: prefix),
            policies: book, clock: SystemClock(), factory: SLAEventFactory(source: configuration.eventSource),
            decoder: InputDecoder(limits: configuration.limits), violations: violations, alerts: alerts)
        let pipeline = DispatchPipeline(
            subscription: try connections.dedicated("dispatch-consume").jetStream().pullSubscribe(stream: sla.stream.name, durable: sla.durableName),
            publisher: try connections.dedicated("dispatch-publish").jetStream(), database: connections.postgres, engine: engine,
            deadLetters: deadLetters, configuration: sla, metrics: metrics, logger: logger)
        let timerLoop = SLATimerLoop(engine: engine, publisher: try connections.dedicated("sla-timers").jetStream(), database: connections.postgres,
                                     configuration: sla, metrics: metrics, logger: logger)
        let dashboard = DashboardPublisher(engine: engine, connection: connections.publish, configuration: sla, metrics: metrics,
                                           logger: logger)
        var services: [any Service] = [
            DedicatedThreadService(name: "vigil-sla-policies") { _, stop in reloader.run(until: stop) },
            DedicatedThreadService(name: "vigil-dispatch") { _, stop in pipeline.run(until: stop) },
            DedicatedThreadService(name: "vigil-sla-timers") { _, stop in timerLoop.run(until: stop) },
        ]
        // A service that returns early stops the group, so a disabled publisher is not started at all.
        if sla.snapshotInterval > 0 {
            services.append(DedicatedThreadService(name: "vigil-dashboard") { _, stop in dashboard.run(until: stop) })
        }
        return SLARuntime(engine: engine, dashboard: dashboard, services: services)
    }
}
