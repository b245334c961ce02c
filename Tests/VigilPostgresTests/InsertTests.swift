import Foundation
import Testing
import VigilPostgres

@Suite("Batched inserts")
struct InsertTests {
    @Test func twentyThousandRowsInChunksAndConflictsSkipped() throws {
        let (connection, _) = try TestDatabase.connectInFreshSchema()
        try connection.execute("CREATE TABLE fills (id bigint PRIMARY KEY, symbol text, qty double precision, at timestamptz)")
        let now = Date()
        // 4 columns x 20,000 rows = 80,000 parameters: more than one statement may carry.
        let rows: [[PostgresValue]] = (0..<20_000).map { index in
            [.int(Int64(index)), .text("SYM\(index % 50)"), .double(Double(index) / 2), .timestamp(now)]
        }
        let columns = ["id", "symbol", "qty", "at"]
        let first = try connection.insert(into: "fills", columns: columns, rows: rows)
        #expect(first.affectedRows == 20_000)
        #expect(try connection.query("SELECT count(*) AS c, sum(qty) AS s FROM fills").rows[0].int("c") == 20_000)

        let again = try connection.insert(into: "fills", columns: columns, rows: rows, onConflict: "(id) DO NOTHING")
        #expect(again.affectedRows == 0)
        #expect(try connection.query("SELECT count(*) AS c FROM fills").rows[0].int("c") == 20_000)
    }

    @Test func returningGivesBackGeneratedValues() throws {
        let (connection, schema) = try TestDatabase.connectInFreshSchema()
        try connection.execute("CREATE TABLE alerts (id serial PRIMARY KEY, title text NOT NULL)")
        let result = try connection.insert(
            into: "\(schema).alerts", columns: ["title"], rows: [[.text("a")], [.text("b")]], returning: "id, title")
        #expect(result.affectedRows == 2)
        #expect(try result.rows.map { try $0.string("title") } == ["a", "b"])
        #expect(try result.rows.map { try $0.int("id") } == [1, 2])
    }

    @Test func aFailingChunkInsertsNothing() throws {
        let (connection, _) = try TestDatabase.connectInFreshSchema()
        try connection.execute("CREATE TABLE uniq (id int PRIMARY KEY)")
        var rows: [[PostgresValue]] = (0..<2_500).map { [.int(Int64($0))] }
        rows.append([.int(0)])  // duplicate in the last chunk
        #expect { try connection.insert(into: "uniq", columns: ["id"], rows: rows) } throws: { error in
            (error as? PostgresError)?.sqlState == "23505"
        }
        #expect(try connection.query("SELECT count(*) AS c FROM uniq").rows[0].int("c") == 0)
    }

    @Test func identifiersAndRowShapesAreValidated() throws {
        let connection = try TestDatabase.connect()
        for (table, columns) in [("x; DROP TABLE y", ["a"]), ("t", ["a\" text); --"]), ("a.b.c", ["a"])] {
            #expect { try connection.insert(into: table, columns: columns, rows: [[.int(1)]]) } throws: { error in
                (error as? PostgresError)?.code == .invalidArgument
            }
        }
        #expect { try connection.insert(into: "t", columns: ["a", "b"], rows: [[.int(1)]]) } throws: { error in
            (error as? PostgresError)?.code == .invalidArgument
        }
    }

    @Test func arrayInsertRoundTripsEveryTypeNullsAndAwkwardText() throws {
        let (connection, _) = try TestDatabase.connectInFreshSchema()
        try connection.execute("""
            CREATE TABLE log (id uuid PRIMARY KEY, t text, i bigint, d double precision, b bool, ts timestamptz, j jsonb,
                              tags text[], y bytea)
            """)
        let columns: [(name: String, type: String)] = [
            ("id", "uuid"), ("t", "text"), ("i", "int8"), ("d", "float8"), ("b", "bool"), ("ts", "timestamptz"), ("j", "jsonb"),
            ("tags", "text[]"), ("y", "bytea"),
        ]
        let moment = Date(timeIntervalSince1970: 1_700_000_000.123456)
        let awkward = ["plain", "with,comma", "with \"quotes\"", "back\\slash", "{braces}", "NULL", "", "ünï 🚀", " spaced "]
        let ids = (0..<awkward.count).map { _ in UUID() }
        let rows: [[PostgresValue]] = awkward.enumerated().map { index, text in
            [.uuid(ids[index]), .text(text), .int(Int64.min + Int64(index)), .double(index == 0 ? .nan : -1.5e-300), .bool(index % 2 == 0),
             .timestamp(moment), .json("{\"k\": \"\(index)\\\"\"}"), .textArray(awkward), .bytea([0, 92, 34, 255])]
        }
        let nulls: [PostgresValue] = [.uuid(UUID()), .null, .null, .null, .null, .null, .null, .null, .null]
        #expect(try connection.insert(into: "log", typedColumns: columns, rows: rows + [nulls]).affectedRows == awkward.count + 1)
        for (index, id) in ids.enumerated() {
            let row = try #require(try connection.query("SELECT * FROM log WHERE id = $1", [.uuid(id)]).rows.first)
            #expect(try row.string("t") == awkward[index])
            #expect(try row.int("i") == Int(Int64.min) + index)
            #expect(index == 0 ? try row.double("d").isNaN : try row.double("d") == -1.5e-300)
            #expect(try row.bool("b") == (index % 2 == 0))
            #expect(try row.date("ts") == moment)
            #expect(try row.stringArray("tags") == awkward)
        }
        let empty = try #require(try connection.query("SELECT t IS NULL AND i IS NULL AND d IS NULL AND b IS NULL AND ts IS NULL AND j IS NULL AND tags IS NULL AND y IS NULL AS n FROM log WHERE id = $1", [nulls[0]]).rows.first)
        #expect(try empty.bool("n"))
        let json = try #require(try connection.query("SELECT j->>'k' AS k, encode(y, 'hex') AS y FROM log WHERE id = $1", [.uuid(ids[1])]).rows.first)
        #expect(try json.string("k") == "1\"")
        #expect(try json.string("y") == "005c22ff")
    }

    @Test func arrayInsertChunksSkipConflictsAndRollsBackAFailingChunk() throws {
        let (connection, _) = try TestDatabase.connectInFreshSchema()
        try connection.execute("CREATE TABLE fills (id bigint PRIMARY KEY, symbol text)")
        let columns: [(name: String, type: String)] = [("id", "int8"), ("symbol", "text")]
        let rows: [[PostgresValue]] = (0..<12_000).map { [.int(Int64($0)), .text("S\($0 % 7)")] }
        #expect(try connection.insert(into: "fills", typedColumns: columns, rows: rows, onConflict: "(id) DO NOTHING").affectedRows == 12_000)
        #expect(try connection.insert(into: "fills", typedColumns: columns, rows: rows, onConflict: "(id) DO NOTHING").affectedRows == 0)
        #expect(try connection.insert(into: "fills", typedColumns: columns, rows: []).affectedRows == 0)
        // Three chunks, the duplicate in the last: nothing of the first two stays.
        let more: [[PostgresValue]] = (20_000..<31_000).map { [.int(Int64($0)), .text("x")] } + [[.int(20_000), .text("dup")]]
        #expect { try connection.insert(into: "fills", typedColumns: columns, rows: more) } throws: { error in
            (error as? PostgresError)?.sqlState == "23505"
        }
        #expect(try connection.query("SELECT count(*) AS c FROM fills").rows[0].int("c") == 12_000)
    }

    @Test func arrayInsertValidatesTypesIdentifiersAndRowShapes() throws {
        let connection = try TestDatabase.connect()
        for columns: [(name: String, type: String)] in [[("a", "int8; DROP TABLE y")], [("a\" text); --", "int8")], [("a", "")]] {
            #expect { try connection.insert(into: "t", typedColumns: columns, rows: [[.int(1)]]) } throws: { error in
                (error as? PostgresError)?.code == .invalidArgument
            }
        }
        #expect { try connection.insert(into: "t", typedColumns: [("a", "int8"), ("b", "int8")], rows: [[.int(1)]]) } throws: { error in
            (error as? PostgresError)?.code == .invalidArgument
        }
    }

    @Test func severalArrayInsertsRunAsOneAtomicStatement() throws {
        let (connection, _) = try TestDatabase.connectInFreshSchema()
        try connection.execute("CREATE TABLE parent (id bigint PRIMARY KEY)")
        try connection.execute("CREATE TABLE child (id bigint PRIMARY KEY, note text NOT NULL)")
        func inserts(_ ids: Range<Int>, note: String?) -> [PostgresArrayInsert] {
            [PostgresArrayInsert(into: "parent", typedColumns: [("id", "int8")], rows: ids.map { [.int(Int64($0))] }, onConflict: "(id) DO NOTHING"),
             PostgresArrayInsert(into: "child", typedColumns: [("id", "int8"), ("note", "text")],
                                 rows: ids.map { [.int(Int64($0)), note.map(PostgresValue.text) ?? .null] }, onConflict: "(id) DO NOTHING")]
        }
        #expect(try connection.insert(inserts(0..<10, note: "n")) == 10)
        #expect(try connection.insert(inserts(0..<10, note: "n")) == 0, "conflicts skipped")
        // The second insert violates NOT NULL: the first one's rows must not stay.
        #expect { try connection.insert(inserts(10..<20, note: nil)) } throws: { error in
            (error as? PostgresError)?.sqlState == "23502"
        }
        #expect(try connection.query("SELECT count(*) AS c FROM parent").rows[0].int("c") == 10)
        // More rows than one statement carries: one statement per chunk, in one transaction.
        #expect(try connection.insert(inserts(100..<6_100, note: "big")) == 6_000)
        #expect(try connection.query("SELECT count(*) AS c FROM child").rows[0].int("c") == 6_010)
        #expect(try connection.insert([]) == 0)
    }
}
