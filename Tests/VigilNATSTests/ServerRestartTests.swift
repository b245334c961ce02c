import Foundation
import Logging
import Testing
@testable import VigilNATS

/// A nats-server of the test's own (JetStream on disk, a free loopback port), so it can be
/// stopped and started again without disturbing the shared test stack.
final class PrivateNATSServer {
    let port: Int
    let storeDirectory: URL
    private var process: Process?

    init() throws {
        storeDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("vigil-nats-restart"))
        try FileManager.default.createDirectory(at: storeDirectory, withIntermediateDirectories: true)
        port = Int.random(in: 20_000...60_000)
        try start()
    }

    var url: String { "nats://127.0.0.1:\(port)" }

    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = ["-js", "-sd", storeDirectory.path, "-a", "127.0.0.1", "-p", "\(port)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        // Ready once it accepts connections.
        let ready = waitUntil(timeout: .seconds(10)) {
            var configuration = NATSConfiguration(url: self.url)
            configuration.maxReconnect = 0
            return (try? NATSConnection(configuration: configuration, logger: Logger(label: "probe")))?.isConnected ?? false
        }
        guard ready else { throw NATSError(code: .connectionFailed, operation: "start a private nats-server on \(port)") }
    }

    /// Stops it: SIGTERM (it tells clients goodbye) or, `abruptly`, SIGKILL (it tells nobody).
    func stop(abruptly: Bool = false) {
        guard let process, process.isRunning else { return }
        if abruptly { kill(process.processIdentifier, SIGKILL) } else { process.terminate() }
        process.waitUntilExit()
        self.process = nil
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: storeDirectory)
    }

    private static func binary() throws -> String {
        for path in ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"]
        where FileManager.default.isExecutableFile(atPath: path) { return path }
        throw NATSError(code: .other, operation: "find nats-server", detail: "not installed (scripts/test.sh installs it)")
    }
}

@Suite struct ServerRestartTests {
    @Test(arguments: [false, true])
    func theContinuousPullResumesAfterTheServerRestarts(abruptly: Bool) throws {
        let server = try PrivateNATSServer()
        var configuration = NATSConfiguration(url: server.url)
        configuration.reconnectWait = .milliseconds(100)
        let connection = try NATSConnection(configuration: configuration, logger: Logger(label: "vigil.nats.tests"))
        let jetStream = try connection.jetStream()
        var stream = StreamConfiguration(name: "RESTART", subjects: ["restart.>"])
        stream.storage = .file
        try jetStream.ensureStream(stream)
        try jetStream.ensureConsumer(stream: "RESTART", ConsumerConfiguration(durableName: "worker", filterSubject: "restart.>"))
        let subscription = try jetStream.pullSubscribe(stream: "RESTART", durable: "worker")
        _ = try jetStream.publish(subject: "restart.a", payload: [1])
        let first = try subscription.fetch(batch: 8, timeout: .seconds(5))
        #expect(first.map(\.payload) == [[1]])
        for message in first { try message.ack() }
        try connection.flush()

        // The server goes away with pull requests outstanding, and comes back without them. (cnats
        // keeps the publish made meanwhile and sends it after reconnecting: the message id makes
        // the retry below a duplicate.)
        server.stop(abruptly: abruptly)
        #expect(throws: NATSError.self) { _ = try jetStream.publish(subject: "restart.b", payload: [2], messageID: "b", timeout: .milliseconds(200)) }
        try server.start()
        #expect(waitUntil(timeout: .seconds(10)) { connection.isConnected })
        _ = try jetStream.publish(subject: "restart.b", payload: [2], messageID: "b", timeout: .seconds(5))

        // Within the request expiry plus its grace period, new requests replace the lost ones.
        let clock = ContinuousClock()
        let started = clock.now
        var received: [JetStreamMessage] = []
        while received.isEmpty, clock.now - started < .seconds(10) {
            received += (try? subscription.fetch(batch: 8, timeout: .milliseconds(500))) ?? []
        }
        #expect(received.map(\.payload) == [[2]])
        #expect(clock.now - started < .seconds(5))
        for message in received { try message.ack() }
    }
}
