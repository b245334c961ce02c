import Testing
import VigilPostgres

@Suite("LISTEN/NOTIFY")
struct NotificationTests {
    @Test func notificationsTravelBetweenConnections() throws {
        let listener = try TestDatabase.connect()
        let sender = try TestDatabase.connect()
        let channel = TestDatabase.uniqueName("alerts")
        try listener.listen(channel)
        try sender.notify(channel: channel, payload: #"{"id": 1, "text": "ünï'"}"#)
        try sender.notify(channel: channel, payload: "second")

        var received: [PostgresNotification] = []
        let deadline = ContinuousClock.now + .seconds(5)
        while received.count < 2, ContinuousClock.now < deadline {
            received += try listener.waitForNotifications(timeout: .seconds(1))
        }
        #expect(received.map(\.payload) == [#"{"id": 1, "text": "ünï'"}"#, "second"])
        #expect(received.allSatisfy { $0.channel == channel })

        try listener.unlisten(channel)
        try sender.notify(channel: channel, payload: "ignored")
        #expect(try listener.waitForNotifications(timeout: .milliseconds(200)).isEmpty)
    }

    @Test func timeoutReturnsEmptyPromptly() throws {
        let listener = try TestDatabase.connect()
        try listener.listen(TestDatabase.uniqueName("quiet"))
        let started = ContinuousClock.now
        #expect(try listener.waitForNotifications(timeout: .milliseconds(150)).isEmpty)
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(140) && waited < .seconds(1))
    }

    @Test func notifyInsideARolledBackTransactionIsNotDelivered() throws {
        struct Abort: Error {}
        let listener = try TestDatabase.connect()
        let sender = try TestDatabase.connect()
        let channel = TestDatabase.uniqueName("tx")
        try listener.listen(channel)
        _ = try? sender.transaction { tx in
            try tx.notify(channel: channel, payload: "never")
            throw Abort()
        }
        #expect(try listener.waitForNotifications(timeout: .milliseconds(200)).isEmpty)
    }
}
