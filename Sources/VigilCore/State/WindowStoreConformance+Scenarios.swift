import Foundation

extension WindowStoreConformance {
    /// Every scenario.
    public static let all: [WindowStoreConformance] = [
        orderCountBoundary, memberExactlyAWindowOldHasExpired, reRecordingIsIdempotent, turnoverBoundary,
        washTradeAcrossDecisions, batchRunsInOrder, preTradeCheckRecordsNothing, advisoryBreachStillRecords,
        strictBreachRecordsNothing, everyBreachedLimitIsReported, longestWindowSurvivesShortChecks,
        turnoverFollowsOrdersLeavingTheWindow,
    ]

    static let orderCountBoundary = WindowStoreConformance("N orders in the window pass, N+1 breach") { s in
        let limit = WindowLimit.orderCount(policy: "risk", maximum: 3, window: 60)
        s.expect(try s.check(s.decision("a", at: 0, [s.order(), s.order("MSFT")], [limit])), [], "2 of 3")
        s.expect(try s.check(s.decision("b", at: 10, [s.order()], [limit])), [], "exactly 3 of 3")
        s.expect(try s.check(s.decision("c", at: 20, [s.order()], [limit])), [WindowBreach(limit: limit, observed: 4)], "4 of 3")
        // The breaching decision was not recorded, so the count is still 3 + 1.
        s.expect(try s.check(s.decision("d", at: 21, [s.order()], [limit])), [WindowBreach(limit: limit, observed: 4)], "still 4 of 3")
    }

    static let memberExactlyAWindowOldHasExpired = WindowStoreConformance("an order exactly one window old has expired") { s in
        let limit = WindowLimit.orderCount(policy: "risk", maximum: 1, window: 60)
        s.expect(try s.check(s.decision("a", at: 0, [s.order()], [limit])), [], "first")
        s.expect(try s.check(s.decision("b", at: 59.999, [s.order()], [limit])), [WindowBreach(limit: limit, observed: 2)], "1 ms before expiry")
        s.expect(try s.check(s.decision("c", at: 60, [s.order()], [limit])), [], "exactly 60 s later")
    }

    static let reRecordingIsIdempotent = WindowStoreConformance("re-recording a decision changes nothing") { s in
        let limit = WindowLimit.orderCount(policy: "risk", maximum: 2, window: 60)
        let first = s.decision("a", at: 0, [s.order(), s.order("MSFT")], [limit])
        s.expect(try s.check(first), [], "first delivery")
        var again = first
        again.at = first.at.addingTimeInterval(1)
        s.expect(try s.check(again), [], "redelivery of a recorded decision")
        s.expect(try s.check(s.decision("b", at: 2, [s.order()], [limit])), [WindowBreach(limit: limit, observed: 3)], "counted once")
    }

    static let turnoverBoundary = WindowStoreConformance("turnover exactly at the maximum passes, one unit over breaches") { s in
        let limit = WindowLimit.turnover(policy: "risk", maximum: 10_000, window: 60)
        s.expect(try s.check(s.decision("a", at: 0, [s.order(quantity: 60)], [limit])), [], "6000 of 10000")
        s.expect(try s.check(s.decision("b", at: 1, [s.order(quantity: 30), s.order("MSFT", .sell, quantity: 2, price: 500)], [limit])),
                 [], "exactly 10000")
        s.expect(try s.check(s.decision("c", at: 2, [s.order(quantity: 1, price: 1)], [limit])),
                 [WindowBreach(limit: limit, observed: 10_001)], "10001")
        s.expect(try s.check(s.decision("d", at: 60, [s.order(quantity: 40)], [limit])), [], "first expired: 4000 + 4000")
    }

    static let washTradeAcrossDecisions = WindowStoreConformance("opposite side on a symbol within the window is a wash trade") { s in
        let limit = WindowLimit.washTrade(policy: "reg", window: 30)
        s.expect(try s.check(s.decision("a", at: 0, [s.order("AAPL", .buy)], [limit])), [], "first buy")
        s.expect(try s.check(s.decision("b", at: 5, [s.order("AAPL", .buy), s.order("MSFT", .sell)], [limit])), [], "same side, other symbol")
        s.expect(try s.check(s.decision("c", at: 10, [s.order("AAPL", .sell), s.order("AAPL", .sell)], [limit])),
                 [WindowBreach(limit: limit, observed: 5, symbol: "AAPL")], "sell 5 s after the latest buy, once per symbol")
        s.expect(try s.check(s.decision("d", at: 35, [s.order("AAPL", .sell)], [limit])), [], "latest buy exactly 30 s old")
        s.expect(try s.check(s.decision("e", at: 36.5, [s.order("AAPL", .buy)], [limit])),
                 [WindowBreach(limit: limit, observed: 1.5, symbol: "AAPL")], "buy after that sell")
    }

    static let batchRunsInOrder = WindowStoreConformance("later decisions of a batch see earlier ones") { s in
        let limit = WindowLimit.orderCount(policy: "risk", maximum: 2, window: 60)
        let results = try s.store.check((1...3).map { s.decision("b\($0)", at: 0, [s.order()], [limit]) }, record: true)
        if results != [[], [], [WindowBreach(limit: limit, observed: 3)]] { s.problems.add("batch: got \(results)") }
    }

    static let preTradeCheckRecordsNothing = WindowStoreConformance("a check without recording leaves the windows unchanged") { s in
        let limit = WindowLimit.orderCount(policy: "risk", maximum: 1, window: 60)
        s.expect(try s.check(s.decision("a", at: 0, [s.order()], [limit]), record: false), [], "pre-trade a")
        s.expect(try s.check(s.decision("b", at: 1, [s.order()], [limit]), record: false), [], "pre-trade b: a was not recorded")
        s.expect(try s.check(s.decision("a", at: 2, [s.order()], [limit])), [], "a recorded")
        s.expect(try s.check(s.decision("b", at: 3, [s.order()], [limit]), record: false), [WindowBreach(limit: limit, observed: 2)], "pre-trade b")
        s.expect(try s.check(s.decision("a", at: 4, [s.order()], [limit]), record: false), [], "pre-trade of a recorded decision")
    }

    static let advisoryBreachStillRecords = WindowStoreConformance("an advisory breach is reported and the decision recorded") { s in
        let limit = WindowLimit.orderCount(policy: "advice", maximum: 1, window: 60)
        s.expect(try s.check(s.decision("a", at: 0, [s.order()], [limit], advisory: ["advice"])), [], "first")
        s.expect(try s.check(s.decision("b", at: 1, [s.order()], [limit], advisory: ["advice"])), [WindowBreach(limit: limit, observed: 2)], "second")
        s.expect(try s.check(s.decision("c", at: 2, [s.order()], [limit], advisory: ["advice"])), [WindowBreach(limit: limit, observed: 3)], "b was recorded")
    }

    static let strictBreachRecordsNothing = WindowStoreConformance("a strict breach records none of the decision's orders") { s in
        let count = WindowLimit.orderCount(policy: "risk", maximum: 1, window: 60)
        let wash = WindowLimit.washTrade(policy: "reg", window: 60)
        let turnover = WindowLimit.turnover(policy: "risk", maximum: 150, window: 60)
        s.expect(try s.check(s.decision("a", at: 0, [s.order("MSFT")], [count, wash, turnover])), [], "first")
        s.expect(try s.check(s.decision("b", at: 1, [s.order("AAPL", .buy)], [count, wash, turnover])),
                 [WindowBreach(limit: count, observed: 2), WindowBreach(limit: turnover, observed: 200)], "refused")
        s.expect(try s.check(s.decision("c", at: 2, [s.order("AAPL", .sell, quantity: 0.5)], [wash, turnover])), [],
                 "b left no buy of AAPL and no turnover behind")
    }

    static let everyBreachedLimitIsReported = WindowStoreConformance("every breached limit is reported, in limit order") { s in
        let loose = WindowLimit.orderCount(policy: "loose", maximum: 10, window: 60)
        let tight = WindowLimit.orderCount(policy: "tight", maximum: 1, window: 60)
        let money = WindowLimit.turnover(policy: "money", maximum: 100, window: 60)
        s.expect(try s.check(s.decision("a", at: 0, [s.order(), s.order()], [money, loose, tight])),
                 [WindowBreach(limit: money, observed: 200), WindowBreach(limit: tight, observed: 2)], "two of three")
    }

    static let longestWindowSurvivesShortChecks = WindowStoreConformance("checks with short windows keep what longer windows need") { s in
        let hour = WindowLimit.orderCount(policy: "hourly", maximum: 2, window: 3600)
        let burst = WindowLimit.orderCount(policy: "burst", maximum: 5, window: 10)
        s.expect(try s.check(s.decision("a", at: 0, [s.order()], [hour])), [], "hourly first")
        s.expect(try s.check(s.decision("b", at: 100, [s.order()], [burst])), [], "burst only, 100 s later")
        s.expect(try s.check(s.decision("c", at: 200, [s.order()], [hour])), [WindowBreach(limit: hour, observed: 3)], "hourly sees a and b")
    }

    static let turnoverFollowsOrdersLeavingTheWindow = WindowStoreConformance("turnover sums follow expiry, late clocks and new windows") { s in
        let short = WindowLimit.turnover(policy: "risk", maximum: 1000, window: 10)
        s.expect(try s.check(s.decision("a", at: 0, [s.order(quantity: 4)], [short])), [], "a 400")
        s.expect(try s.check(s.decision("b", at: 5, [s.order(quantity: 4)], [short])), [], "b 400: 800")
        s.expect(try s.check(s.decision("c", at: 10, [s.order(quantity: 4)], [short])), [], "a left: 800")
        // Another instance's clock is a second behind; a is gone already, so b + c count.
        s.expect(try s.check(s.decision("d", at: 9, [s.order(quantity: 3)], [short])), [WindowBreach(limit: short, observed: 1100)], "late clock")
        s.expect(try s.check(s.decision("e", at: 16, [s.order(quantity: 5)], [short])), [], "b left: 400 + 500")
        let long = WindowLimit.turnover(policy: "risk", maximum: 2000, window: 60)
        s.expect(try s.check(s.decision("f", at: 17, [s.order(quantity: 12)], [long]), record: false),
                 [WindowBreach(limit: long, observed: 2100)], "a new window length starts from what is kept: c + e + 1200")
    }
}
