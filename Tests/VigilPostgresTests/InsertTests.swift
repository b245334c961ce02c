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
}
