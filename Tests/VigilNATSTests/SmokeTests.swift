import Foundation
import Synchronization
import Testing
@testable import VigilNATS

/// End-to-end smoke tests: the shape Vigil uses, with no timing assertions.
@Suite struct SmokeTests {
    @Test func batchPublishThenPullAndAckDrainsTheConsumer() throws {
        let fixture = try StreamFixture()
        // Bulk publishing on its own connection, as NOTES.md advises.
        let publisher = try connect(name: "vigil-tests-bulk", sendAsap: false).jetStream()
        try fixture.jetStream.ensureConsumer(stream: fixture.name, ConsumerConfiguration(durableName: "pipeline", filterSubject: "\(fixture.subject).>"))
        let subscription = try fixture.jetStream.pullSubscribe(stream: fixture.name, durable: "pipeline")
        let total = 1_000
        try publisher.publishBatch((0..<total).map {
            OutboundMessage(subject: "\(fixture.subject).events", payload: Array("event-\($0)".utf8), headers: ["Ce-Id": "\($0)"], messageID: "e-\($0)")
        })
        var seen = Set<String>()
        while seen.count < total {
            let batch = try subscription.fetch(batch: 64, timeout: .seconds(2))
            if batch.isEmpty { break }
            #expect(batch.count <= 64)
            for message in batch { seen.insert(message.headers["Ce-Id"] ?? "?") }
            for message in batch { try message.ack() }
        }
        try fixture.connection.flush()
        #expect(seen.count == total)
        // The server applies acks asynchronously after receiving them: wait (bounded) for them to land.
        var info = try fixture.jetStream.consumerInfo(stream: fixture.name, durable: "pipeline")
        let deadline = ContinuousClock.now + .seconds(5)
        while info.ackPending > 0, ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.02)
            info = try fixture.jetStream.consumerInfo(stream: fixture.name, durable: "pipeline")
        }
        #expect(info.pending == 0)
        #expect(info.ackPending == 0)
    }

    @Test func pendingLimitsBoundWhatASlowHandlerQueues() throws {
        var configuration = NATSConfiguration(url: try natsURL())
        configuration.pendingMessagesLimit = 10
        let subscriber = try NATSConnection(configuration: configuration)
        let publisher = try connect()
        let subject = "vt.slow.\(uniqueName("s"))"
        let release = Atomic<Bool>(false)
        let received = Counter()
        let subscription = try subscriber.subscribe(subject: subject) { _ in
            while !release.load(ordering: .acquiring) { pause(milliseconds: 1) }
            received.increment()
        }
        try subscriber.flush()
        for _ in 0..<200 { try publisher.publish(subject: subject, payload: [1]) }
        try publisher.flush()
        try subscriber.flush()  // all 200 reached the subscriber's connection
        release.store(true, ordering: .releasing)
        pause(milliseconds: 200)
        #expect(received.value >= 1)
        #expect(received.value <= 12)  // one in the handler + at most the 10 queued (+1 slack); the rest dropped
        subscription.unsubscribe()
    }
}

@Suite struct StreamSequenceTests {
    @Test(arguments: [
        ("$JS.ACK.S.C.1.42.7.1700000000000000000.0", UInt64(42)),
        ("$JS.ACK.dom.acchash.S.C.1.43.7.1700000000000000000.0.rnd", 43),
        ("$JS.ACK.S.C.1.18446744073709551615.7.1.0", UInt64.max),
        ("$JS.ACK.S.C.1.18446744073709551616.7.1.0", nil),    // overflows
        ("$JS.ACK.S.C.1.4x.7.1.0", nil),
        ("$JS.ACK.S.C.1..7.1.0", nil),
        ("$JS.ACK.S.C.1.42.7.1", nil),                     // 8 tokens
        ("$JS.NAK.S.C.1.42.7.1.0", nil),
        ("", nil),
    ] as [(String, UInt64?)])
    func streamSequenceIsReadFromBothAckSubjectLayouts(subject: String, expected: UInt64?) {
        let bytes = Array(subject.utf8)
        #expect(bytes.withUnsafeBufferPointer { JetStreamMessage.streamSequence(ofAckSubject: $0) } == expected)
    }

    @Test(arguments: [
        ("$JS.ACK.S.C.1.42.7.1700000000000000123.0", Int64(1_700_000_000_000_000_123)),
        ("$JS.ACK.dom.acchash.S.C.1.43.7.1700000000000000456.0.rnd", 1_700_000_000_000_000_456),
        ("$JS.ACK.S.C.1.42.7.9223372036854775808.0", nil),  // beyond Int64
        ("$JS.ACK.S.C.1.42.7.17x.0", nil),
        ("$JS.ACK.S.C.1.42.7.1", nil),
    ] as [(String, Int64?)])
    func storageTimeIsReadFromBothAckSubjectLayouts(subject: String, expected: Int64?) {
        let bytes = Array(subject.utf8)
        #expect(bytes.withUnsafeBufferPointer { JetStreamMessage.storedAtNanoseconds(ofAckSubject: $0) } == expected)
    }

    @Test func streamSequenceFromTheReplySubjectMatchesTheMetadata() throws {
        let fixture = try StreamFixture()
        try fixture.jetStream.ensureConsumer(stream: fixture.name, ConsumerConfiguration(durableName: "seq", filterSubject: "\(fixture.subject).>"))
        let subscription = try fixture.jetStream.pullSubscribe(stream: fixture.name, durable: "seq")
        for index in 0..<5 { _ = try fixture.jetStream.publish(subject: "\(fixture.subject).s", payload: [UInt8(index)]) }
        var messages: [JetStreamMessage] = []
        while messages.count < 5 {
            let batch = try subscription.fetch(batch: 5, timeout: .seconds(2))
            try #require(!batch.isEmpty)
            messages += batch
        }
        #expect(messages.count == 5)
        for message in messages {
            #expect(message.streamSequence != nil)
            #expect(message.streamSequence == (try message.metadata().streamSequence))
            #expect(message.storedAtNanoseconds == (try message.metadata().timestampNanoseconds))
        }
        #expect(messages.compactMap(\.streamSequence) == [1, 2, 3, 4, 5])
    }
}
