import Logging
import Synchronization
import Testing
@testable import VigilNATS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct MissingEnvironment: Error, CustomStringConvertible {
    let description = "VIGIL_NATS_URL is not set: run scripts/test.sh or source .vigil/env"
}

/// The test server's URL; fails the test (never skips) when the stack is not running.
func natsURL() throws -> String {
    guard let value = getenv("VIGIL_NATS_URL"), case let url = String(cString: value), !url.isEmpty else {
        throw MissingEnvironment()
    }
    return url
}

func connect(name: String = "vigil-tests", sendAsap: Bool = true) throws -> NATSConnection {
    var configuration = NATSConfiguration(url: try natsURL())
    configuration.name = name
    configuration.sendAsap = sendAsap
    return try NATSConnection(configuration: configuration, logger: Logger(label: "vigil.nats.tests"))
}

/// A name no other test (or earlier run) uses.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)_\(UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF_FFFF)"
}

/// Polls `condition` until true or `timeout` passes; returns its last value.
func waitUntil(timeout: Duration = .seconds(5), _ condition: () -> Bool) -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if condition() { return true }
        usleep(2_000)
    }
    return condition()
}

/// Thread-safe collector for messages delivered on cnats threads.
final class Collected<Element: Sendable>: Sendable {
    let items = Mutex<[Element]>([])
    func append(_ element: Element) { items.withLock { $0.append(element) } }
    var count: Int { items.withLock { $0.count } }
    var all: [Element] { items.withLock { $0 } }
}

/// A stream plus a JetStream context for one test, deleted afterwards.
final class StreamFixture {
    let connection: NATSConnection
    let jetStream: JetStream
    let name: String
    let subject: String

    init(_ configure: (inout StreamConfiguration) -> Void = { _ in }) throws {
        connection = try connect()
        jetStream = try connection.jetStream()
        name = uniqueName("VT")
        subject = "vt.\(name.lowercased())"
        var configuration = StreamConfiguration(name: name, subjects: ["\(subject).>"])
        configuration.storage = .memory
        configure(&configuration)
        try jetStream.ensureStream(configuration)
    }

    deinit {
        try? jetStream.deleteStream(name: name)
    }
}

/// Sleeps the calling (test) thread briefly.
func pause(milliseconds: UInt32) { usleep(milliseconds * 1000) }
