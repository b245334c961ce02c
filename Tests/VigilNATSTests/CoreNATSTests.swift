import Synchronization
import Testing
@testable import VigilNATS

@Suite struct CoreNATSTests {
    @Test func publishSubscribeRoundTripsPayloadAndHeaders() throws {
        let subscriber = try connect()
        let publisher = try connect()
        let subject = "vt.core.\(uniqueName("s"))"
        let received = Collected<NATSMessage>()
        let subscription = try subscriber.subscribe(subject: subject) { received.append($0) }
        try subscriber.flush()
        var headers = NATSHeaders()
        headers.add("X-Trace", "a")
        headers.add("X-Trace", "b")
        headers.add("Content-Type", "application/json")
        try publisher.publish(subject: subject, payload: Array("{\"q\":1}".utf8), headers: headers, replyTo: "vt.reply")
        try publisher.publish(subject: subject, payload: [UInt8]())
        try publisher.flush()
        #expect(waitUntil { received.count == 2 })
        let first = try #require(received.all.first)
        #expect(first.payload == Array("{\"q\":1}".utf8))
        #expect(first.headers == headers)
        #expect(first.headers.values(for: "X-Trace") == ["a", "b"])
        #expect(first.reply == "vt.reply")
        #expect(received.all.last?.payload == [])
        #expect(received.all.last?.headers.isEmpty == true)
        subscription.unsubscribe()
    }

    @Test func queueGroupDeliversEachMessageToOneMember() throws {
        let subscriber = try connect()
        let publisher = try connect()
        let subject = "vt.queue.\(uniqueName("s"))"
        let first = Collected<[UInt8]>()
        let second = Collected<[UInt8]>()
        let a = try subscriber.subscribe(subject: subject, queue: "workers") { first.append($0.payload) }
        let b = try subscriber.subscribe(subject: subject, queue: "workers") { second.append($0.payload) }
        try subscriber.flush()
        for index in 0..<200 { try publisher.publish(subject: subject, payload: Array("\(index)".utf8)) }
        try publisher.flush()
        #expect(waitUntil { first.count + second.count >= 200 })
        pause(milliseconds: 50)  // a duplicate delivery, if any, would arrive now
        let all = first.all + second.all
        #expect(all.count == 200)
        #expect(Set(all).count == 200)
        _ = (a, b)
    }

    @Test func requestReplyReturnsTheResponse() throws {
        let server = try connect()
        let client = try connect()
        let subject = "vt.rpc.\(uniqueName("s"))"
        let subscription = try server.subscribe(subject: subject) { [server] request in
            try? server.respond(to: request, payload: request.payload.reversed(), headers: ["X-Handled": "yes"])
        }
        try server.flush()
        let reply = try client.request(subject: subject, payload: Array("abc".utf8), headers: ["X-Q": "1"], timeout: .seconds(2))
        #expect(reply.payload == Array("cba".utf8))
        #expect(reply.headers["X-Handled"] == "yes")
        subscription.unsubscribe()
        #expect(throws: NATSError.self) { try server.respond(to: NATSMessage(subject: "x"), payload: [UInt8]()) }
    }

    @Test func requestWithoutResponderFailsClearly() throws {
        let client = try connect()
        let subject = "vt.nobody.\(uniqueName("s"))"
        let error = try #require(throws: NATSError.self) { try client.request(subject: subject, timeout: .seconds(1)) }
        #expect(error.code == .noResponders)
        #expect(error.description.contains(subject))
    }

    @Test func requestToSilentResponderTimesOut() throws {
        let server = try connect()
        let client = try connect()
        let subject = "vt.silent.\(uniqueName("s"))"
        let subscription = try server.subscribe(subject: subject) { _ in }
        try server.flush()
        let error = try #require(throws: NATSError.self) { try client.request(subject: subject, timeout: .milliseconds(100)) }
        #expect(error.code == .timeout)
        subscription.unsubscribe()
    }

    @Test func connectingToAClosedPortFailsWithoutLeakingThePassword() throws {
        var configuration = NATSConfiguration(url: "nats://alice:s3cretPW@127.0.0.1:1")
        configuration.maxReconnect = 0
        configuration.connectTimeout = .milliseconds(500)
        configuration.token = "tok3nXYZ"
        let error = try #require(throws: NATSError.self) { try NATSConnection(configuration: configuration) }
        #expect(error.code == .connectionFailed)
        #expect(!error.description.contains("s3cretPW"))
        #expect(!error.description.contains("tok3nXYZ"))
        #expect(error.description.contains("127.0.0.1:1"))
    }

    @Test func subscriptionReleasesItsHandlerOnceWhenItEnds() throws {
        let connection = try connect()
        let releases = Counter()
        do {
            let token = ReleaseToken(releases)
            let subscription = try connection.subscribe(subject: "vt.release.\(uniqueName("s"))") { _ in _ = token }
            try subscription.drain(timeout: .seconds(2))
            try subscription.drain(timeout: .seconds(2))  // idempotent
            subscription.unsubscribe()
        }
        #expect(waitUntil { releases.value == 1 })
        pause(milliseconds: 20)
        #expect(releases.value == 1)
    }

    @Test func closeAndDrainAreIdempotent() throws {
        let connection = try connect()
        #expect(connection.isConnected)
        connection.drainAndClose(timeout: .seconds(2))
        #expect(connection.isClosed)
        connection.drainAndClose()
        connection.close()
        let error = try #require(throws: NATSError.self) { try connection.publish(subject: "vt.closed", payload: [UInt8(1)]) }
        #expect(error.code == .connectionClosed)
    }
}

final class Counter: Sendable {
    private let storage = Atomic<Int>(0)
    func increment() { storage.add(1, ordering: .sequentiallyConsistent) }
    var value: Int { storage.load(ordering: .sequentiallyConsistent) }
}

/// Counts its own deallocation, to check cnats released the handler exactly once.
final class ReleaseToken: Sendable {
    let counter: Counter
    init(_ counter: Counter) { self.counter = counter }
    deinit { counter.increment() }
}
