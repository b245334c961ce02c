import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// What `/readyz` checks: each named check throws when its dependency is unreachable.
struct ReadinessCheck: Sendable {
    var name: String
    var check: @Sendable () async throws -> Void
}

/// The HTTP listener: `/healthz` (process alive), `/readyz` (NATS, Redis and PostgreSQL reachable),
/// `/metrics` (Prometheus text) and, when given, the REST API (``VigilAPI``). Every error reply,
/// including unknown routes, is the JSON error body described in `schemas/openapi.yaml`.
enum HTTPServer {
    static func application(address: HTTPAddress, metrics: VigilMetrics, checks: [ReadinessCheck], api: VigilAPI? = nil,
                            logger: Logger,
                            onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router()
        router.middlewares.add(JSONErrorMiddleware(maxBodyBytes: api?.maxBodyBytes ?? 0))
        api?.register(on: router)
        router.get("healthz") { _, _ -> Response in
            json(.ok, ["status": "ok"])
        }
        router.get("readyz") { _, _ -> Response in
            var results: [String: String] = [:]
            var ready = true
            for check in checks {
                do {
                    try await check.check()
                    results[check.name] = "ok"
                } catch {
                    ready = false
                    results[check.name] = "unavailable: \(error)"
                }
            }
            return jsonObject(ready ? .ok : .serviceUnavailable, ["status": ready ? "ready" : "not_ready", "checks": results])
        }
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
        return Application(router: router,
                           configuration: .init(address: .hostname(address.host, port: address.port), serverName: "vigil"),
                           onServerRunning: onServerRunning, logger: logger)
    }

    static func json(_ status: HTTPResponse.Status, _ body: [String: String]) -> Response {
        jsonObject(status, body)
    }

    static func jsonObject(_ status: HTTPResponse.Status, _ body: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
