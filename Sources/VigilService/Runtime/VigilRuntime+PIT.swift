import Foundation
import Logging
import ServiceLifecycle
import VigilCore
import VigilNATS
import VigilPostgres
import VigilRedis

extension VigilRuntime {
    /// The PIT slice: creates the `VIGIL_FEATURES` stream and its durable consumer, loads the
    /// feature contracts, and returns the contract reloader and the feature-write workers (none
    /// when `pit.enabled` is false). Violations go to `sink`.
    static func pitServices(_ configuration: VigilConfiguration, connections: Connections, sink: any ViolationSink,
                            metrics: VigilMetrics, logger: Logger) async throws -> [any Service] {
        let pit = configuration.pit
        guard pit.enabled else { return [] }
        let contracts = FeatureContractRegistry()
        let reloader = FeatureContractReloader(configuration: connections.postgresConfiguration, registry: contracts,
                                               metrics: metrics, logger: logger)
        var processorConfiguration = PITProcessor.Configuration()
        processorConfiguration.source = configuration.eventSource
        processorConfiguration.limits = configuration.limits
        processorConfiguration.quality = pit.qualityRule
        processorConfiguration.configWarningInterval = pit.configWarningInterval
        let prefix = configuration.redis.keyPrefix
        let stores = PITProcessor.Stores.redis(client: connections.redis, keyPrefix: prefix, historyRetention: pit.historyRetention)
        let processor = PITProcessor(contracts: contracts, stores: stores, clock: SystemClock(), configuration: processorConfiguration)
        let pipelines = try await onDedicatedThread("vigil-pit-bind") {
            let jetStream = connections.jetStreamConsume
            try jetStream.ensureStream(pit.stream.streamConfiguration)
            var consumer = ConsumerConfiguration(durableName: pit.consumer.durableName)
            consumer.ackWait = .milliseconds(Int64(pit.consumer.ackWait * 1000))
            consumer.maxAckPending = pit.consumer.maxAckPending
            consumer.maxDeliver = -1
            try jetStream.ensureConsumer(stream: pit.stream.name, consumer)
            // Contracts are in force before the first write is fetched.
            try connections.postgres.withConnection { try reloader.reload(on: $0) }
            return try (0..<pit.consumer.workers).map { index in
                PITPipeline(subscription: try connections.dedicated("pit-consume-\(index)").jetStream()
                                .pullSubscribe(stream: pit.stream.name, durable: pit.consumer.durableName),
                            publisher: try connections.dedicated("pit-publish-\(index)").jetStream(), database: connections.postgres,
                            processor: processor,
                            sink: sink, configuration: pit.consumer, metrics: metrics, logger: logger)
            }
        }
        return [
            DedicatedThreadService(name: "vigil-contract-reload") { _, stop in reloader.run(until: stop) },
            DedicatedThreadService(name: "vigil-features", threads: pipelines.count) { index, stop in pipelines[index].run(until: stop) },
        ]
    }
}
