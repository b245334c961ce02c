import Foundation
import Logging
import VigilCore
import VigilNATS
import VigilPostgres

/// The alert capability as the runtime starts it: the responder (the pipelines' `AlertSink` and
/// the REST routes) and the escalation loop, which every instance runs (claims are atomic).
struct AlertWiring: Sendable {
    let responder: AlertResponder
    let routes: AlertRoutes
    let loop: DedicatedThreadService
    /// The `vigil.admin.alerts.>` request-reply subscription.
    let admin: SubscriptionSet

    static func make(_ configuration: VigilConfiguration, connections: Connections, logger: Logger) throws -> AlertWiring {
        let responder = AlertResponder(
            lifecycle: AlertLifecycle(eventSource: configuration.eventSource, lease: configuration.alerts.claimLease),
            timers: RedisEscalationTimers(client: connections.redis, keyPrefix: configuration.redis.keyPrefix),
            notifier: SilentNotifier(), clock: SystemClock())
        let publisher = try connections.dedicated("alerts").jetStream()
        let publish: @Sendable ([OutboundEvent]) throws -> Void = { events in
            try publisher.publishBatch(events.map(OutboundMessage.init))
        }
        let settings = configuration.alerts
        let postgres = connections.postgres
        let loop = DedicatedThreadService(name: "vigil-escalation") { _, stop in
            while !stop.isSet {
                var busy = false
                do {
                    let outcome = try postgres.withConnection { try responder.fireDue(limit: settings.claimBatch, on: $0, publish: publish) }
                    busy = !outcome.alerts.isEmpty
                } catch {
                    logger.warning("escalation pass failed; retrying", metadata: ["error": "\(error)"])
                }
                // A full pass may have left more due timers: go again at once.
                if !busy { stop.sleep(settings.escalationInterval) }
            }
        }
        let routes = AlertRoutes(responder: responder, publish: publish)
        let adminResponder = AlertAdminResponder(database: postgres, routes: routes, logger: logger)
        let admin = SubscriptionSet([try adminResponder.subscribe(on: connections.service, queue: configuration.validation.queueGroup)])
        return AlertWiring(responder: responder, routes: routes, loop: loop, admin: admin)
    }
}
