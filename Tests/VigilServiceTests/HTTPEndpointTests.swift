import Foundation
import Testing
import VigilNATS

extension EndToEnd {
    @Suite("HTTP endpoints")
    struct HTTPEndpointTests {
        @Test("/healthz and /readyz answer 200 with every dependency ok; /metrics counts inputs")
        func endpoints() throws {
            let vigil = try VigilProcess(portfolios: ["pf-\(TestStack.uniqueToken())"])
            defer { vigil.tearDown() }
            try vigil.start()

            let health = try HTTPProbe.get(port: vigil.httpPort, path: "/healthz")
            #expect(health.status == 200)
            #expect(health.json?["status"] as? String == "ok")

            let ready = try HTTPProbe.get(port: vigil.httpPort, path: "/readyz")
            #expect(ready.status == 200)
            #expect(ready.json?["status"] as? String == "ready")
            #expect((ready.json?["checks"] as? [String: String]) == ["nats": "ok", "redis": "ok", "postgres": "ok"])

            // One input, so the input counter exists.
            let nats = try TestStack.nats()
            defer { nats.close() }
            _ = try nats.request(subject: vigil.validationSubject, payload: Array("{}".utf8), timeout: .seconds(5))
            let metrics = try HTTPProbe.get(port: vigil.httpPort, path: "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.body.contains("vigil_inputs_total"), "metrics:\n\(metrics.body.prefix(2000))")

            let missing = try HTTPProbe.get(port: vigil.httpPort, path: "/no-such-endpoint")
            #expect(missing.status == 404)
        }
    }
}
