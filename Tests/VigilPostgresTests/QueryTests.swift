import Foundation
import Testing
import VigilPostgres

@Suite("Queries against PostgreSQL")
struct QueryTests {
    @Test func everyValueTypeRoundTripsThroughATable() throws {
        let (connection, _) = try TestDatabase.connectInFreshSchema()
        try connection.execute("""
            CREATE TABLE vals (t text, i bigint, d double precision, b bool, ts timestamptz, u uuid, j jsonb, y bytea, n text)
            """)
        let moment = Date(timeIntervalSince1970: 1_714_567_890.123456)
        let id = UUID()
        let text = "O'Brien \"quoted\" '; DROP TABLE vals; -- ünïcødé 🚀 日本"
        let bytes: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF, 92, 39]
        let inserted = try connection.execute(
            "INSERT INTO vals VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            [.text(text), .int(Int64.min), .double(-1.5e-300), .bool(true), .timestamp(moment), .uuid(id),
             .json(#"{"k": [1, "x"], "q": "'; --"}"#), .bytea(bytes), .null])
        #expect(inserted == 1)

        let row = try #require(try connection.query("SELECT * FROM vals").rows.first)
        #expect(try row.string("t") == text)
        #expect(try row.int("i") == Int(Int64.min))
        #expect(try row.double("d") == -1.5e-300)
        #expect(try row.bool("b") == true)
        #expect(abs(try row.date("ts").timeIntervalSince(moment)) < 0.000_001)
        #expect(try row.uuid("u") == id)
        #expect(try row.json("j") == #"{"k": [1, "x"], "q": "'; --"}"#)
        #expect(try row.bytes("y") == bytes)
        #expect(try row.isNull("n"))
        #expect(try !row.isNull("t"))
        // The injection-looking text was data: the table is still there.
        #expect(try connection.query("SELECT count(*) AS c FROM vals").rows[0].int("c") == 1)
    }

    @Test func timestampsTravelAsUTCWithMicroseconds() throws {
        let connection = try TestDatabase.connect()
        let moment = Date(timeIntervalSince1970: 1_700_000_000.654321)
        let result = try connection.query(
            "SELECT $1::timestamptz AS ts, to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS utc,"
                + " '2024-02-29 23:59:59.5-03:30'::timestamptz AS offset_ts",
            [.timestamp(moment)])
        let row = try #require(result.rows.first)
        #expect(try row.string("utc") == "2023-11-14 22:13:20.654321")
        #expect(abs(try row.date(0).timeIntervalSince(moment)) < 0.000_001)
        let expected = Date(timeIntervalSince1970: 1_709_251_199.5 + 3.5 * 3600)
        #expect(try row.date("offset_ts") == expected)
        // Even if someone changes the session zone, offsets in the output are honoured.
        try connection.execute("SET TIME ZONE 'Asia/Kolkata'")
        let shifted = try #require(try connection.query(
            "SELECT '2024-02-29 23:59:59.5-03:30'::timestamptz AS ts, '2024-02-29 23:59:59.5-03:30'::timestamptz::text AS raw"
        ).rows.first)
        #expect(try shifted.string("raw").hasSuffix("+05:30"))
        #expect(try shifted.date("ts") == expected)
    }

    @Test(arguments: [
        (-62_135_596_800.0, "0001-01-01 00:00:00.000000"),      // year 1: every field zero-padded
        (0.000_001, "1970-01-01 00:00:00.000001"),
        (951_782_400.1, "2000-02-29 00:00:00.100000"),
        (253_402_300_799.5, "9999-12-31 23:59:59.500000"),
    ])
    func timestampsAreSentWithPaddedFields(seconds: Double, utc: String) throws {
        let connection = try TestDatabase.connect()
        let row = try #require(try connection.query(
            "SELECT to_char($1::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS utc",
            [.timestamp(Date(timeIntervalSince1970: seconds))]).rows.first)
        #expect(try row.string("utc") == utc)
    }

    @Test func specialDoublesAndNullParametersRoundTrip() throws {
        let connection = try TestDatabase.connect()
        let row = try #require(try connection.query(
            "SELECT $1::float8 AS inf, $2::float8 AS nan, $3::int AS nothing", [.double(.infinity), .double(.nan), .null]
        ).rows.first)
        #expect(try row.double("inf") == .infinity)
        #expect(try row.double("nan").isNaN)
        #expect(try row.isNull("nothing"))
    }

    @Test func wrongTypeMissingColumnAndNullNameTheColumn() throws {
        let connection = try TestDatabase.connect()
        let row = try #require(try connection.query("SELECT 'abc'::text AS word, NULL::int AS empty").rows.first)
        for (attempt, column) in [({ _ = try row.int("word") }, "word"), ({ _ = try row.int("nope") }, "nope"),
                                  ({ _ = try row.int("empty") }, "empty")] as [(() throws -> Void, String)] {
            #expect(throws: PostgresError.self) { try attempt() }
            do { try attempt() } catch let error as PostgresError {
                #expect(error.code == .decode)
                #expect(error.message.contains(column))
            }
        }
    }

    @Test func uniqueViolationReportsSQLState23505() throws {
        let (connection, _) = try TestDatabase.connectInFreshSchema()
        try connection.execute("CREATE TABLE items (id int PRIMARY KEY)")
        try connection.execute("INSERT INTO items VALUES ($1)", [.int(7)])
        do {
            try connection.execute("INSERT INTO items VALUES ($1)", [.int(7)])
            Issue.record("duplicate insert succeeded")
        } catch let error as PostgresError {
            #expect(error.code == .query)
            #expect(error.sqlState == "23505")
            #expect(error.message.contains("duplicate key"))
        }
        // The session is still usable after a statement error.
        #expect(try connection.query("SELECT count(*) AS c FROM items").rows[0].int("c") == 1)
    }

    @Test func syntaxErrorIsClear() throws {
        let connection = try TestDatabase.connect()
        do {
            _ = try connection.query("SELEC 1")
            Issue.record("bad SQL succeeded")
        } catch let error as PostgresError {
            #expect(error.code == .query)
            #expect(error.sqlState == "42601")
            #expect(error.message.contains("syntax error"))
        }
    }

    @Test func statementTimeoutIsReportedAsTimeout() throws {
        let connection = try TestDatabase.connect { $0.statementTimeout = .milliseconds(100) }
        let started = ContinuousClock.now
        #expect { try connection.query("SELECT pg_sleep(5)") } throws: { error in
            (error as? PostgresError)?.code == .timeout && (error as? PostgresError)?.sqlState == "57014"
        }
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test func nulInTextIsRefusedInsteadOfTruncated() throws {
        let connection = try TestDatabase.connect()
        #expect { try connection.query("SELECT $1::text, $2::text", [.text("ok"), .text("ab\u{0}cd")]) } throws: { error in
            (error as? PostgresError)?.code == .invalidArgument && (error as? PostgresError)?.message.contains("parameter 2") == true
        }
    }

    @Test func transactionCommitsOrRollsBackOnThrow() throws {
        struct Abort: Error {}
        let (connection, _) = try TestDatabase.connectInFreshSchema()
        try connection.execute("CREATE TABLE ledger (n int)")
        let value = try connection.transaction { tx in
            try tx.execute("INSERT INTO ledger VALUES (1)")
            return 42
        }
        #expect(value == 42)
        #expect(throws: Abort.self) {
            try connection.transaction { tx in
                try tx.execute("INSERT INTO ledger VALUES (2)")
                throw Abort()
            }
        }
        #expect(throws: PostgresError.self) {
            try connection.transaction { tx in try tx.transaction { _ in } }
        }
        let rows = try connection.query("SELECT n FROM ledger ORDER BY n").rows
        #expect(try rows.map { try $0.int("n") } == [1])
    }

    @Test func closedConnectionFailsClearly() throws {
        let connection = try TestDatabase.connect()
        connection.close()
        connection.close()
        #expect(!connection.isHealthy)
        #expect { try connection.query("SELECT 1") } throws: { error in (error as? PostgresError)?.code == .connection }
    }
}
